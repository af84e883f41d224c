from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class WorkdaysConfig(AppConfig):
    """The override table of the working-day calendar (the calendar itself is ``sauro.common.calendar``)."""

    name = "sauro.workdays"
    label = "workdays"
    verbose_name = _("Lịch làm việc")

    def ready(self) -> None:
        from sauro.common import calendar
        from sauro.workdays.selectors import override_rows, override_version

        # The kernel's calendar reads the override table through this hook (it imports no app).
        calendar.register_override_source(version=override_version, rows=override_rows)
