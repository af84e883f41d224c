from django.apps import AppConfig


class IdentityConfig(AppConfig):
    """How people come in: the agency's directory (LDAP / Active Directory) and single sign-on (OpenID Connect)
    beside the local accounts (issue 21)."""

    name = "sauro.identity"
    label = "identity"
    verbose_name = "Định danh"

    def ready(self) -> None:
        from django.contrib.auth.signals import user_logged_in, user_logged_out

        from sauro.accounts.api import register_second_factor_check
        from sauro.accounts.signals import register_credentials_change_hook
        from sauro.accounts.views import register_login_extension
        from sauro.identity import sessions, sso, twofactor

        register_login_extension("sso", options=sso.login_options, logout_redirect=sso.logout_redirect)
        register_second_factor_check("two_factor", twofactor.api_token_check)
        # One's own sessions (docs/identity.md): written at login, gone at logout, ended with the credentials.
        user_logged_in.connect(sessions.on_login, dispatch_uid="identity.session_login")
        user_logged_out.connect(sessions.on_logout, dispatch_uid="identity.session_logout")
        register_credentials_change_hook("identity.sessions", sessions.on_credentials_change)
