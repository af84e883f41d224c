from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PetitionsConfig(AppConfig):
    name = "sauro.petitions"
    label = "petitions"
    verbose_name = _("Tiếp công dân, đơn thư")

    def ready(self) -> None:
        from sauro.petitions.views import register

        # A task made for a letter names it on its page.
        register()
        # A letter's task approved: the later letters on the same matter become repeats after it (issue 19, point 5).
        from sauro.petitions.duplicates import on_task_event
        from sauro.tasks.signals import task_event_recorded

        task_event_recorded.connect(on_task_event, dispatch_uid="petitions.duplicates.on_task_event")
