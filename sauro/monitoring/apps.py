from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MonitoringConfig(AppConfig):
    name = "sauro.monitoring"
    label = "monitoring"
    verbose_name = _("Theo dõi, đôn đốc")

    def ready(self) -> None:
        from sauro.monitoring import handlers
        from sauro.monitoring.services import monitoring_move_to_successor
        from sauro.org.restructuring import register_succession_handler
        from sauro.tasks.signals import task_event_recorded, tasks_handed_over

        task_event_recorded.connect(handlers.on_task_event, dispatch_uid="monitoring.on_task_event")
        tasks_handed_over.connect(handlers.on_tasks_handed_over, dispatch_uid="monitoring.on_tasks_handed_over")

        from sauro.monitoring import views

        views.register()  # its actions and sections on the task page
        register_succession_handler("monitoring", monitoring_move_to_successor)

        from sauro.monitoring.access import submit_caveats
        from sauro.tasks.access import register_submit_caveat

        register_submit_caveat("monitoring", submit_caveats)
