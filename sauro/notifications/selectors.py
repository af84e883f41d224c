"""Every read of notifications: a person sees only their own (another person's notification is a 404)."""

from __future__ import annotations

import datetime
from collections.abc import Sequence
from dataclasses import dataclass, field

from django.db.models import Count, QuerySet
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme

from sauro.accounts.models import User
from sauro.common.pagination import Key, Keyset, Page
from sauro.notifications.choices import ACTION_KINDS, EmailMode, NotificationKind, group_phrase
from sauro.notifications.models import Notification, NotificationPreference

# Newest first; (created_at, id) is total, so keyset pages never repeat or skip a row.
ORDER = Keyset("notifications", Key("created_at", datetime.datetime, descending=True), Key("id", int, descending=True))
PAGE_SIZE = 50


def notification_list(*, user: User, unread_only: bool = False, kind: str = "") -> QuerySet[Notification]:
    """The user's own notifications, newest first. ``unread_only``: those still unread whose reason is not gone
    (a resolved notification has left the unread ones, even if never opened). ``kind``: only that kind."""
    queryset = Notification.objects.filter(recipient=user)
    if unread_only:
        queryset = queryset.filter(read_at__isnull=True, resolved_at__isnull=True)
    if kind:
        queryset = queryset.filter(kind=kind)
    return ORDER.order(queryset)


def notification_page(
    *, user: User, unread_only: bool = False, kind: str = "", cursor: str | None = None, limit: int = PAGE_SIZE
) -> Page[Notification]:
    """One page of the user's notifications, newest first, after ``cursor`` (signed; a forged one is refused with
    ``BadCursor``). Keyset pagination on (created_at, id): one query whatever the page."""
    return ORDER.page(notification_list(user=user, unread_only=unread_only, kind=kind), cursor=cursor, limit=limit)


@dataclass(frozen=True)
class BellGroup:
    kind: str
    count: int

    @property
    def label(self) -> str:
        return group_phrase(self.kind, self.count)


@dataclass(frozen=True)
class Bell:
    """What the bell shows: the unread notices still needing the person (``count``), by kind (``groups``, largest
    first), and how many unread ones only inform (``others``)."""

    groups: list[BellGroup] = field(default_factory=list)
    others: int = 0

    @property
    def count(self) -> int:
        return sum(g.count for g in self.groups)

    def __bool__(self) -> bool:
        return bool(self.groups or self.others)


def notification_bell(*, user: User) -> Bell:
    """The bell of every page: one GROUP BY on the partial index of unread, unresolved notifications."""
    rows = (
        Notification.objects.filter(recipient=user, read_at__isnull=True, resolved_at__isnull=True)
        .order_by()
        .values_list("kind")
        .annotate(n=Count("id"))
    )
    groups, others = [], 0
    for kind, n in rows:
        if kind in ACTION_KINDS:
            groups.append(BellGroup(kind=kind, count=n))
        else:
            others += n
    groups.sort(key=lambda g: (-g.count, g.kind))
    return Bell(groups=groups, others=others)


def notification_unread_count(*, user: User) -> int:
    """How many of the user's notifications need them now: unread, of a kind that asks something of them, and
    whose reason is not gone (the bell's figure)."""
    return notification_bell(user=user).count


@dataclass
class ListEntry:
    """A row of the notification list: one notification, or a run of similar ones shown as one expandable group
    (same kind, same day, same state: "12 sản phẩm chờ duyệt")."""

    items: list[Notification]

    @property
    def first(self) -> Notification:
        return self.items[0]

    @property
    def is_group(self) -> bool:
        return len(self.items) > 1

    @property
    def label(self) -> str:
        return group_phrase(self.first.kind, len(self.items))

    @property
    def pending(self) -> int:
        return sum(1 for n in self.items if n.is_pending)

    @property
    def kind_label(self) -> str:
        kind = self.first.kind
        return str(NotificationKind(kind).label) if kind in NotificationKind.values else kind


GROUP_MIN = 3  # fewer similar notices in a row are shown one by one


def _group_key(n: Notification) -> tuple[str, datetime.date, bool]:
    return (n.kind, timezone.localdate(n.created_at), n.resolved_at is not None)


def group_similar(notifications: Sequence[Notification], *, minimum: int = GROUP_MIN) -> list[ListEntry]:
    """The page's notifications, with each run of ``minimum`` or more similar ones in a row (same kind, same local
    day, resolved or not alike) folded into one group. No query: the page is already read."""
    entries: list[ListEntry] = []
    run: list[Notification] = []

    def flush() -> None:
        if len(run) >= minimum:
            entries.append(ListEntry(items=list(run)))
        else:
            entries.extend(ListEntry(items=[n]) for n in run)
        run.clear()

    for n in notifications:
        if run and _group_key(run[-1]) != _group_key(n):
            flush()
        run.append(n)
    flush()
    return entries


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
