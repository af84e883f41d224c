from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MeetingsConfig(AppConfig):
    name = "sauro.meetings"
    label = "meetings"
    verbose_name = _("Hội họp")

    def ready(self) -> None:
        from sauro.directives.panels import register_detail_panel
        from sauro.meetings.views import directive_meeting_panel

        # A notice of conclusions names, on its page, the meeting it concludes.
        register_detail_panel("meetings", directive_meeting_panel)
