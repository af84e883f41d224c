from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ExtractionConfig(AppConfig):
    name = "sauro.extraction"
    label = "extraction"
    verbose_name = _("Cụ thể hóa văn bản thành nhiệm vụ")

    def ready(self) -> None:
        from django.urls import reverse

        from sauro.directives.panels import register_after_create, register_detail_panel
        from sauro.extraction.views import PROPOSALS_PANEL, directive_proposals_panel

        # The directive's page links to its proposals page (after the tasks panel: the tasks app is ready first).
        register_detail_panel(PROPOSALS_PANEL, directive_proposals_panel)
        # A directive just registered may go straight to its proposals page.
        register_after_create(
            PROPOSALS_PANEL,
            "Sau khi đăng ký, đề xuất nhiệm vụ từ nội dung văn bản",
            lambda directive: reverse("extraction:proposals", args=[directive.pk]),
        )
