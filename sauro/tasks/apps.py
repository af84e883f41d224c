from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TasksConfig(AppConfig):
    name = "sauro.tasks"
    label = "tasks"
    verbose_name = _("Nhiệm vụ")

    def ready(self) -> None:
        from django.db.models import Q

        from sauro.directives.access import register_visibility_rule
        from sauro.directives.panels import TASKS_PANEL, register_detail_panel
        from sauro.org.departures import register_membership_end_handler
        from sauro.org.restructuring import register_succession_handler, register_succession_preview
        from sauro.tasks.access import tasks_visible_to
        from sauro.tasks.selectors import succession_preview
        from sauro.tasks.services import tasks_hand_over, tasks_move_to_successor
        from sauro.tasks.views import directive_tasks_panel

        register_succession_handler("tasks", tasks_move_to_successor)
        register_succession_preview("tasks", succession_preview)
        # A person who leaves a unit hands the tasks they held there to its head.
        register_membership_end_handler("tasks", tasks_hand_over)
        # A unit sees the directives its tasks come from; the directive page lists its tasks.
        register_visibility_rule("tasks", lambda user: Q(pk__in=tasks_visible_to(user).values("directive_id")))
        register_detail_panel(TASKS_PANEL, directive_tasks_panel)
