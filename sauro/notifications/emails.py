"""E-mail copies of notifications: one mail per notification (immediate mode) or one a day (digest mode).

Delivery is claimed before it is attempted: a worker turns the rows it is about to mail from ``pending`` to
``sent`` in a short transaction (``SELECT … FOR UPDATE SKIP LOCKED`` on PostgreSQL, so concurrent workers take
disjoint rows; SQLite takes its write lock when the transaction begins), and only then talks to the mail server.
So two workers, or a job run twice, never mail the same notification twice. A mail the server refuses turns its
rows to ``failed`` and is logged; the notification itself stays in the person's list (the bell). A worker that
dies between the claim and the send loses that mail (at most once, never twice): the in-app notification is
still there.

The daily digest sent on ``day`` (by the daily pass, ``daily.jobs``) holds all the person's pending notifications
created until then. A person gets at most one digest per day: a run skips whoever already had e-mail sent that day
(Vietnam time) by a digest — or, rarely, by an immediate mail sent before they switched to the digest; what is
still pending then goes into the next day's digest.
"""

from __future__ import annotations

import datetime
import logging
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.mail import EmailMessage, get_connection
from django.db import transaction
from django.db.models import QuerySet
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from sauro.accounts.models import User
from sauro.common import clock
from sauro.notifications.choices import EmailMode, EmailState
from sauro.notifications.models import Notification, NotificationPreference
from sauro.notifications.selectors import local_path

logger = logging.getLogger(__name__)

SUBJECT_PREFIX = "[Sáu Rõ]"


def _one_line(text: str) -> str:
    """A subject is one header line: newlines in a title would make Django refuse the message."""
    return " ".join(text.split())


def absolute_url(path: str) -> str:
    return f"{settings.SAURO_BASE_URL}{path}"


def notification_link(notification: Notification) -> str:
    """The absolute address the mail links to: the object, or the person's notification list."""
    target = local_path(notification.url) or reverse("notifications:list")
    return absolute_url(target)


@dataclass(frozen=True)
class _Item:
    notification: Notification
    link: str
    kind_label: str


def _item(notification: Notification) -> _Item:
    return _Item(
        notification=notification,
        link=notification_link(notification),
        kind_label=str(notification.get_kind_display()),
    )


def _claim(queryset: QuerySet[Notification], *, unless: QuerySet[Notification] | None = None) -> list[Notification]:
    """Take the still-pending rows of ``queryset`` for this worker (see the module docstring), oldest first;
    nothing if ``unless`` (checked after the rows are locked) finds a row."""
    with transaction.atomic():
        rows = list(
            queryset.filter(email_state=EmailState.PENDING)
            .select_related("recipient")
            .select_for_update(skip_locked=True, of=("self",))
            .order_by("created_at", "id")
        )
        if rows and unless is not None and unless.exists():
            return []
        if rows:
            Notification.objects.filter(pk__in=[n.pk for n in rows], email_state=EmailState.PENDING).update(
                email_state=EmailState.SENT, emailed_at=clock.now()
            )
    return rows


def _mark_failed(rows: Iterable[Notification]) -> None:
    Notification.objects.filter(pk__in=[n.pk for n in rows]).update(email_state=EmailState.FAILED, emailed_at=None)


def _footer_context(mode: str) -> dict[str, Any]:
    return {"preferences_url": absolute_url(reverse("notifications:preferences")), "mode": mode}


def _send(connection: Any, message: EmailMessage, rows: list[Notification], what: str) -> bool:
    """Send one message; on any failure, the rows become ``failed`` (kept in the list) and the error is logged."""
    try:
        connection.send_messages([message])
    except Exception:
        logger.exception("Gửi thư thông báo không thành công (%s, thông báo %s).", what, [n.pk for n in rows])
        _mark_failed(rows)
        return False
    return True


def _without_address(rows: list[Notification]) -> list[Notification]:
    """Rows whose recipient has no address (or left) by now: they cannot be mailed, so they are not needed."""
    unusable = [n for n in rows if not n.recipient.email or not n.recipient.is_active]
    if unusable:
        Notification.objects.filter(pk__in=[n.pk for n in unusable]).update(
            email_state=EmailState.NOT_NEEDED, emailed_at=None
        )
    return [n for n in rows if n not in unusable]


def send_immediate(notification_ids: list[int]) -> int:
    """Mail each of these notifications that is still pending, one message each; returns how many were sent."""
    if not notification_ids:
        return 0
    # Someone who switched to the digest or to no e-mail since the notification was made is left to the digest run
    # (which sends or drops what waits for them).
    other_mode = NotificationPreference.objects.exclude(email_mode=EmailMode.IMMEDIATE).values("user_id")
    wanted = Notification.objects.filter(pk__in=notification_ids).exclude(recipient_id__in=other_mode)
    rows = _without_address(_claim(wanted))
    if not rows:
        return 0
    sent = 0
    connection = get_connection()
    try:
        with translation.override(settings.LANGUAGE_CODE):
            for notification in rows:
                context = {
                    "recipient": notification.recipient,
                    "item": _item(notification),
                    "created_at": timezone.localtime(notification.created_at),
                    **_footer_context(EmailMode.IMMEDIATE),
                }
                message = EmailMessage(
                    subject=f"{SUBJECT_PREFIX} {_one_line(notification.title)}",
                    body=render_to_string("notifications/email/immediate.txt", context).strip() + "\n",
                    from_email=settings.DEFAULT_FROM_EMAIL,
                    to=[notification.recipient.email],
                    connection=connection,
                )
                if _send(connection, message, [notification], f"thư ngay tới {notification.recipient_id}"):
                    sent += 1
    finally:
        connection.close()
    return sent


@dataclass(frozen=True)
class _Group:
    kind_label: str
    items: list[_Item]


def _groups(rows: list[Notification]) -> list[_Group]:
    """Rows (oldest first) grouped by kind; the groups in the order of their oldest notification."""
    groups: dict[str, list[_Item]] = {}
    for notification in rows:
        groups.setdefault(notification.kind, []).append(_item(notification))
    return [_Group(kind_label=items[0].kind_label, items=items) for items in groups.values()]


def day_bounds(day: datetime.date) -> tuple[datetime.datetime, datetime.datetime]:
    """The start of ``day`` and of the next day, Vietnam time (the current time zone), as aware datetimes."""
    start = timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))
    end = timezone.make_aware(datetime.datetime.combine(day + datetime.timedelta(days=1), datetime.time.min))
    return start, end


def send_daily_digests(*, day: datetime.date) -> int:
    """Mail each person in digest mode one message with all their pending notifications (created before the end of
    ``day``), unless they already had one that day; returns how many digests were sent. Safe to run twice or in two
    workers at once."""
    # Someone who switched to "no e-mail" since: what was waiting for them is no longer to be sent.
    no_mail = NotificationPreference.objects.filter(email_mode=EmailMode.NONE).values("user_id")
    Notification.objects.filter(email_state=EmailState.PENDING, recipient_id__in=no_mail).update(
        email_state=EmailState.NOT_NEEDED
    )
    start, end = day_bounds(day)
    digest_users = NotificationPreference.objects.filter(email_mode=EmailMode.DIGEST).values("user_id")
    waiting = Notification.objects.filter(
        email_state=EmailState.PENDING, created_at__lt=end, recipient_id__in=digest_users
    )
    recipient_ids = list(waiting.order_by("recipient_id").values_list("recipient_id", flat=True).distinct())
    sent = 0
    connection = get_connection()
    try:
        with translation.override(settings.LANGUAGE_CODE):
            for recipient_id in recipient_ids:
                mailed_today = Notification.objects.filter(
                    recipient_id=recipient_id, email_state=EmailState.SENT, emailed_at__gte=start, emailed_at__lt=end
                )
                rows = _without_address(_claim(waiting.filter(recipient_id=recipient_id), unless=mailed_today))
                if rows and _send_digest(connection, rows[0].recipient, rows, day):
                    sent += 1
    finally:
        connection.close()
    return sent


def _send_digest(connection: Any, recipient: User, rows: list[Notification], day: datetime.date) -> bool:
    subject = _("{prefix} Thư tổng hợp thông báo ngày {day}: {count} thông báo mới").format(
        prefix=SUBJECT_PREFIX, day=day.strftime("%d/%m/%Y"), count=len(rows)
    )
    context = {
        "recipient": recipient,
        "day": day,
        "count": len(rows),
        "groups": _groups(rows),
        "list_url": absolute_url(reverse("notifications:list")),
        **_footer_context(EmailMode.DIGEST),
    }
    message = EmailMessage(
        subject=subject,
        body=render_to_string("notifications/email/digest.txt", context).strip() + "\n",
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[recipient.email],
        connection=connection,
    )
    return _send(connection, message, rows, f"thư tổng hợp ngày {day.isoformat()} tới {recipient.pk}")
