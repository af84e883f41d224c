from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReportsConfig(AppConfig):
    name = "sauro.reports"
    label = "reports"
    verbose_name = _("Báo cáo")

    def ready(self) -> None:
        from sauro.dashboard.stats import register_report_counter
        from sauro.org.restructuring import register_succession_handler, register_succession_preview
        from sauro.reports.selectors import late_report_counts, succession_preview
        from sauro.reports.services import report_duties_move_to_successor

        register_succession_handler("reports", report_duties_move_to_successor)
        register_succession_preview("reports", succession_preview)
        # The dashboard's league table counts each unit's late or missing reports from here.
        register_report_counter(late_report_counts)
