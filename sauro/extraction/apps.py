from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ExtractionConfig(AppConfig):
    name = "sauro.extraction"
    label = "extraction"
    verbose_name = _("Cụ thể hóa văn bản thành nhiệm vụ")
