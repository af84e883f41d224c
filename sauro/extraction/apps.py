from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ExtractionConfig(AppConfig):
    name = "sauro.extraction"
    label = "extraction"
    verbose_name = _("Cụ thể hóa văn bản thành nhiệm vụ")

    def ready(self) -> None:
        from sauro.directives.panels import register_detail_panel
        from sauro.extraction.views import PROPOSALS_PANEL, directive_proposals_panel

        # The directive's page links to its proposals page (after the tasks panel: the tasks app is ready first).
        register_detail_panel(PROPOSALS_PANEL, directive_proposals_panel)
