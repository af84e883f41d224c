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
