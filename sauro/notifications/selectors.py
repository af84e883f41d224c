"""Every read of notifications: a person sees only their own (another person's notification is a 404)."""

from __future__ import annotations

import datetime

from django.db.models import QuerySet
from django.utils.http import url_has_allowed_host_and_scheme

from sauro.accounts.models import User
from sauro.common.pagination import Key, Keyset, Page
from sauro.notifications.choices import EmailMode
from sauro.notifications.models import Notification, NotificationPreference

# Newest first; (created_at, id) is total, so keyset pages never repeat or skip a row.
ORDER = Keyset("notifications", Key("created_at", datetime.datetime, descending=True), Key("id", int, descending=True))
PAGE_SIZE = 50


def notification_list(*, user: User, unread_only: bool = False) -> QuerySet[Notification]:
    """The user's own notifications, newest first."""
    queryset = Notification.objects.filter(recipient=user)
    if unread_only:
        queryset = queryset.filter(read_at__isnull=True)
    return ORDER.order(queryset)


def notification_page(
    *, user: User, unread_only: bool = False, cursor: str | None = None, limit: int = PAGE_SIZE
) -> Page[Notification]:
    """One page of the user's notifications, newest first, after ``cursor`` (signed; a forged one is refused with
    ``BadCursor``). Keyset pagination on (created_at, id): one query whatever the page."""
    return ORDER.page(notification_list(user=user, unread_only=unread_only), cursor=cursor, limit=limit)


def notification_unread_count(*, user: User) -> int:
    """How many of the user's notifications are unread (one COUNT on the partial index)."""
    return Notification.objects.filter(recipient=user, read_at__isnull=True).count()


def email_mode_of(*, user: User) -> str:
    """The user's e-mail mode (the default, immediate, for someone who never chose)."""
    mode = NotificationPreference.objects.filter(user=user).values_list("email_mode", flat=True).first()
    return mode or EmailMode.IMMEDIATE


def local_path(url: str) -> str | None:
    """``url`` if it is a path on this site (``/nhiem-vu/12/``), else None.

    Notifications store relative links; whatever a row holds, following it must never leave the site (no
    ``https://…``, no protocol-relative ``//host``, no ``/\\host`` that browsers read as ``//host``, no control
    characters that would break the Location header).
    """
    if not url.startswith("/") or url.startswith(("//", "/\\")):
        return None
    if any(ord(ch) < 0x20 or ord(ch) == 0x7F for ch in url):
        return None
    if not url_has_allowed_host_and_scheme(url, allowed_hosts=None):
        return None
    return url
