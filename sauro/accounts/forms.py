"""Forms of the accounts pages: the login form in Vietnamese."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.forms import AuthenticationForm
from django.utils.translation import gettext_lazy as _

ERR_INVALID_LOGIN = _("Tên đăng nhập hoặc mật khẩu không đúng. Lưu ý: mật khẩu phân biệt chữ hoa và chữ thường.")
ERR_INACTIVE = _("Tài khoản này đã bị khóa. Vui lòng liên hệ quản trị hệ thống.")


class LoginForm(AuthenticationForm):
    """Django's authentication form with Vietnamese labels and messages.

    The wrong-credentials message does not say which of the two was wrong, so it does not reveal which
    usernames exist.
    """

    error_messages = {
        "invalid_login": ERR_INVALID_LOGIN,
        "inactive": ERR_INACTIVE,
    }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        username = self.fields["username"]
        username.label = _("Tên đăng nhập")
        username.widget.attrs.update({"autocomplete": "username", "autocapitalize": "none", "spellcheck": "false"})
        password = self.fields["password"]
        password.label = _("Mật khẩu")
        password.widget.attrs.update({"autocomplete": "current-password"})
