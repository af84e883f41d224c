from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MeetingsConfig(AppConfig):
    name = "sauro.meetings"
    label = "meetings"
    verbose_name = _("Hội họp")
