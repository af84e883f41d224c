from django.apps import AppConfig


class IdentityConfig(AppConfig):
    """How people come in: the agency's directory (LDAP / Active Directory) and single sign-on (OpenID Connect)
    beside the local accounts (issue 21)."""

    name = "sauro.identity"
    label = "identity"
    verbose_name = "Định danh"

    def ready(self) -> None:
        from sauro.accounts.api import register_second_factor_check
        from sauro.accounts.views import register_login_extension
        from sauro.identity import sso, twofactor

        register_login_extension("sso", options=sso.login_options, logout_redirect=sso.logout_redirect)
        register_second_factor_check("two_factor", twofactor.api_token_check)
