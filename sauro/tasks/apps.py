from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TasksConfig(AppConfig):
    name = "sauro.tasks"
    label = "tasks"
    verbose_name = _("Nhiệm vụ")

    def ready(self) -> None:
        from sauro.org.restructuring import register_succession_handler
        from sauro.tasks.services import tasks_move_to_successor

        register_succession_handler("tasks", tasks_move_to_successor)
