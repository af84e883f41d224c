"""Every write to notifications: sending one (in-app, and by e-mail after commit), reading, preferences.

``notify`` is called by other apps' services inside their transaction: the notification rows commit or roll back
with the business change that caused them, and the immediate e-mails are queued for the background worker only
once the transaction has committed (ARCHITECTURE rule 1), so a rolled-back change never mails anyone.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.conf import settings
from django.db import transaction
from django.db.models import Case, F, QuerySet, Value, When
from django.utils import timezone

from sauro.accounts.models import User
from sauro.audit.services import audit_record
from sauro.common import clock
from sauro.common.errors import ValidationFailed
from sauro.notifications.choices import EmailMode, EmailState, NotificationKind
from sauro.notifications.models import Notification, NotificationPreference

ERR_BAD_MODE = "Lựa chọn nhận thư không hợp lệ."


def email_modes(user_ids: Iterable[int]) -> dict[int, str]:
    """Each person's e-mail mode (the default for those who never chose)."""
    ids = list(user_ids)
    chosen = dict(NotificationPreference.objects.filter(user_id__in=ids).values_list("user_id", "email_mode"))
    return {pk: chosen.get(pk, EmailMode.IMMEDIATE) for pk in ids}


def notify(
    *,
    recipients: Iterable[User | int | None],
    kind: str,
    title: str,
    body: str = "",
    url: str = "",
    task_id: int | None = None,
    subject: str = "",
    actor: User | None = None,
) -> list[Notification]:
    """Notify each active recipient once (the actor is left out: nobody is told what they just did).

    ``subject`` names what the notification is about when it is finer than the task (``subject_key``), so that
    ``resolve_for`` can find it once its reason is gone."""
    ids = {r.pk if isinstance(r, User) else r for r in recipients if r is not None}
    if actor is not None:
        ids.discard(actor.pk)
    if not ids:
        return []
    people = dict(User.objects.filter(pk__in=ids, is_active=True).values_list("pk", "email"))
    modes = email_modes(people)
    now = clock.now()
    rows = []
    for pk in sorted(people):
        wants_mail = bool(people[pk]) and modes[pk] != EmailMode.NONE
        rows.append(
            Notification(
                recipient_id=pk,
                kind=kind,
                title=title[:300],
                body=body,
                url=url[:300],
                task_id=task_id,
                subject=subject[:40],
                created_at=now,
                email_state=EmailState.PENDING if wants_mail else EmailState.NOT_NEEDED,
            )
        )
    created = Notification.objects.bulk_create(rows)
    # PostgreSQL and SQLite (3.35+) return the new ids from a bulk insert.
    immediate = [n.pk for n in created if n.email_state == EmailState.PENDING and modes[n.recipient_id] == "immediate"]
    if immediate:
        transaction.on_commit(lambda: _queue_emails(immediate))
    return created


def subject_key(kind: str, pk: int) -> str:
    """The ``subject`` of a notification about one object: ``obstacle:12``, ``extension:3``, ``report_duty:7``."""
    return f"{kind}:{pk}"


def resolve_for(
    *,
    kinds: Iterable[str],
    reason: str,
    task_id: int | None = None,
    subject: str = "",
    by: User | None = None,
) -> int:
    """The reason of these notifications is gone (the product decided, the obstacle answered, the task cancelled…):
    resolve them for everyone they were sent to. They stay in each person's list, marked as handled (by whom, why),
    and leave the bell. Called by the services of the apps above, inside the transaction of the business write that
    made them moot (whose journal entry records that write); already resolved ones keep their first resolution.

    Either ``task_id`` (every notification of these kinds about the task) or ``subject`` (about one object of it).
    Returns how many were resolved."""
    kinds = list(kinds)
    if not kinds or (task_id is None and not subject):
        return 0
    queryset = Notification.objects.filter(kind__in=kinds, resolved_at__isnull=True)
    if subject:
        queryset = queryset.filter(subject=subject[:40])
    if task_id is not None:
        queryset = queryset.filter(task_id=task_id)
    return queryset.update(
        # An e-mail copy not yet sent (digest, or an immediate one still queued) is no longer worth sending.
        email_state=Case(
            When(email_state=EmailState.PENDING, then=Value(EmailState.NOT_NEEDED)), default=F("email_state")
        ),
        resolved_at=clock.now(),
        resolved_by_name=(by.get_full_name() or by.username)[:150] if by is not None else "",
        resolved_reason=reason[:200],
    )


LOGIN_LOCKED_TITLE = "Tài khoản “{username}” bị tạm khóa đăng nhập từ địa chỉ {address}"
LOGIN_LOCKED_BODY = (
    "Lúc {at}, có {limit} lần đăng nhập sai mật khẩu liên tiếp vào tài khoản “{username}” từ địa chỉ {address}, "
    "nên đăng nhập bằng tài khoản này từ địa chỉ đó bị tạm khóa {minutes} phút. Từ địa chỉ khác bạn vẫn đăng nhập "
    "được. Nếu không phải bạn nhập sai, có thể ai đó đang dò mật khẩu của bạn: hãy đổi mật khẩu và báo quản trị "
    "hệ thống."
)


@transaction.atomic
def login_lockout_notify(*, username: str, address: str) -> list[Notification]:
    """Tell the owner of ``username`` (if the account exists and is active) that wrong passwords from ``address``
    locked it there. Names nobody owns notify nobody."""
    owner = User.objects.filter(username=username, is_active=True).first()
    if owner is None:
        return []
    at = timezone.localtime(clock.now())
    values = {
        "username": owner.username,
        "address": address or "không rõ",
        "at": at.strftime("%H:%M ngày %d/%m/%Y"),
        "limit": settings.AXES_FAILURE_LIMIT,
        "minutes": max(1, round(float(settings.AXES_COOLOFF_TIME or 0) * 60)),
    }
    return notify(
        recipients=[owner],
        kind=NotificationKind.LOGIN_LOCKED,
        title=LOGIN_LOCKED_TITLE.format(**values),
        body=LOGIN_LOCKED_BODY.format(**values),
    )


def _queue_emails(ids: list[int]) -> None:
    from sauro.notifications.jobs import send_notification_emails

    send_notification_emails.enqueue(notification_ids=ids)


def notification_mark_read(*, acting_user: User, notification: Notification) -> Notification:
    """Mark one of the user's own notifications read (idempotent)."""
    if notification.recipient_id != acting_user.pk:  # pragma: no cover - the selectors only hand out one's own
        raise ValidationFailed("Không tìm thấy thông báo.")
    if notification.read_at is None:
        notification.read_at = clock.now()
        Notification.objects.filter(pk=notification.pk, read_at__isnull=True).update(read_at=notification.read_at)
    return notification


def notifications_mark_all_read(*, acting_user: User, kind: str = "") -> int:
    """Mark the user's unread notifications read (only those of ``kind``, if given)."""
    queryset = unread_of(acting_user)
    if kind:
        queryset = queryset.filter(kind=kind)
    return queryset.update(read_at=clock.now())


def unread_of(user: User) -> QuerySet[Notification]:
    return Notification.objects.filter(recipient=user, read_at__isnull=True)


@transaction.atomic
def notification_preference_set(*, acting_user: User, email_mode: str) -> NotificationPreference:
    if email_mode not in EmailMode.values:
        raise ValidationFailed(ERR_BAD_MODE, fields={"email_mode": ERR_BAD_MODE})
    pref, _created = NotificationPreference.objects.select_for_update().get_or_create(user=acting_user)
    before = {"email_mode": pref.email_mode} if not _created else None
    pref.email_mode = email_mode
    pref.save(update_fields=["email_mode", "updated_at"])
    audit_record(
        acting_user=acting_user,
        action="notification.preference",
        obj=pref,
        summary=f"Nhận thư điện tử: {EmailMode(email_mode).label}",
        before=before,
        after={"email_mode": email_mode},
    )
    return pref
