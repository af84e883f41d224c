"""Receivers of other apps' signals that end in a notification."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from sauro.accounts.throttling import lockout_began
from sauro.notifications.services import login_lockout_notify


def on_login_locked_out(
    sender: Any,
    request: HttpRequest | None = None,
    username: str | None = None,
    ip_address: str | None = None,
    **_: Any,
) -> None:
    """axes' ``user_locked_out``: tell the account's owner, once, when wrong passwords lock their name somewhere."""
    if username and lockout_began(request):
        login_lockout_notify(username=username, address=ip_address or "")
