from django.apps import AppConfig


class IdentityConfig(AppConfig):
    """How people come in: the agency's directory (LDAP / Active Directory) beside the local accounts (issue 21)."""

    name = "sauro.identity"
    label = "identity"
    verbose_name = "Định danh"
