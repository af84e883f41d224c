from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OrgConfig(AppConfig):
    name = "sauro.org"
    label = "org"
    verbose_name = _("Tổ chức")

    def ready(self) -> None:
        from sauro.audit.access import register_reader_check
        from sauro.org.access import can_read_audit

        # The journal (below org) asks org's roles who may read it.
        register_reader_check(can_read_audit)
