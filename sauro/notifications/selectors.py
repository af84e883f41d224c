"""Every read of notifications: a person sees only their own (another person's notification is a 404)."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.core import signing
from django.db.models import Q, QuerySet
from django.utils.http import url_has_allowed_host_and_scheme

from sauro.accounts.models import User
from sauro.common.errors import ValidationFailed
from sauro.notifications.choices import EmailMode
from sauro.notifications.models import Notification, NotificationPreference

# Newest first; (created_at, id) is total, so keyset pages never repeat or skip a row.
ORDER = ("-created_at", "-id")
PAGE_SIZE = 50
_CURSOR_SALT = "sauro.notifications.cursor"
ERR_BAD_CURSOR = "Con trỏ phân trang không hợp lệ. Hãy tải lại trang đầu của danh sách."


def notification_list(*, user: User, unread_only: bool = False) -> QuerySet[Notification]:
    """The user's own notifications, newest first."""
    queryset = Notification.objects.filter(recipient=user)
    if unread_only:
        queryset = queryset.filter(read_at__isnull=True)
    return queryset.order_by(*ORDER)


@dataclass(frozen=True)
class NotificationPage:
    items: list[Notification]
    next_cursor: str | None


def _cursor_decode(cursor: str) -> tuple[datetime.datetime, int]:
    bad = ValidationFailed(ERR_BAD_CURSOR, fields={"cursor": ERR_BAD_CURSOR})
    try:
        at, pk = signing.loads(cursor, salt=_CURSOR_SALT)
        moment = datetime.datetime.fromisoformat(at)
    except (signing.BadSignature, ValueError, TypeError) as exc:
        raise bad from exc
    if not isinstance(pk, int) or moment.tzinfo is None:
        raise bad
    return moment, pk


def notification_page(
    *, user: User, unread_only: bool = False, cursor: str | None = None, limit: int = PAGE_SIZE
) -> NotificationPage:
    """One page of the user's notifications, newest first, after ``cursor`` (signed; a forged one is refused).

    Keyset pagination on (created_at, id): one query whatever the page. (``common.api.keyset_paginate`` signs its
    cursor as JSON, which cannot hold the datetime key.)
    """
    queryset = notification_list(user=user, unread_only=unread_only)
    if cursor:
        at, pk = _cursor_decode(cursor)
        queryset = queryset.filter(Q(created_at__lt=at) | Q(created_at=at, id__lt=pk))
    rows = list(queryset[: limit + 1])
    if len(rows) <= limit:
        return NotificationPage(items=rows, next_cursor=None)
    rows = rows[:limit]
    last = rows[-1]
    next_cursor = signing.dumps([last.created_at.isoformat(), last.pk], salt=_CURSOR_SALT, compress=True)
    return NotificationPage(items=rows, next_cursor=next_cursor)


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
