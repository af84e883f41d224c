from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NotificationsConfig(AppConfig):
    name = "sauro.notifications"
    label = "notifications"
    verbose_name = _("Thông báo")

    def ready(self) -> None:
        from axes.signals import user_locked_out

        from sauro.notifications import handlers

        # accounts (below) throttles logins; the owner of a locked account is told from here.
        user_locked_out.connect(handlers.on_login_locked_out, dispatch_uid="notifications.on_login_locked_out")
