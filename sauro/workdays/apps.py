from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class WorkdaysConfig(AppConfig):
    """The override table of the working-day calendar (the calendar itself is ``sauro.common.calendar``)."""

    name = "sauro.workdays"
    label = "workdays"
    verbose_name = _("Lịch làm việc")
