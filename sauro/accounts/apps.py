from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "sauro.accounts"
    label = "accounts"
    verbose_name = _("Tài khoản")

    def ready(self) -> None:
        from django.db.models.signals import post_save

        from sauro.accounts.models import User
        from sauro.accounts.signals import revoke_tokens_on_credentials_change

        post_save.connect(revoke_tokens_on_credentials_change, sender=User, dispatch_uid="accounts.revoke_tokens")
