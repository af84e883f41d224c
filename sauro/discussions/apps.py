from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DiscussionsConfig(AppConfig):
    name = "sauro.discussions"
    label = "discussions"
    verbose_name = _("Trao đổi về nhiệm vụ")

    def ready(self) -> None:
        from sauro.discussions.views import register

        register()
