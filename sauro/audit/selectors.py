"""Reading the audit journal: only inspectors and administrators may, everyone else gets a 404."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.db.models import Q, QuerySet
from django.http import Http404
from django.utils import timezone

from sauro.audit.access import can_read_audit
from sauro.audit.models import AuditCheckpoint, AuditEntry, AuditVerification
from sauro.common.pagination import Key, Keyset

if TYPE_CHECKING:
    from django.contrib.auth.models import _User as User

ERR_AUDIT_NOT_FOUND = "Không tìm thấy trang."
PAGE_SIZE = 50


@dataclass(frozen=True)
class AuditFilters:
    """What the journal page filters on; empty values do not filter.

    Days are cut in the configured zone (Asia/Ho_Chi_Minh), both ends included.
    """

    actor: str = ""
    action: str = ""
    object_type: str = ""
    date_from: datetime.date | None = None
    date_to: datetime.date | None = None
    text: str = ""


# Newest first; ``seq`` is unique (gapless), so the order is total.
AUDIT_ORDER = Keyset("audit", Key("seq", int, descending=True))


@dataclass(frozen=True)
class AuditPage:
    entries: list[AuditEntry]
    next_cursor: str | None


def _start_of_day(day: datetime.date) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time.min), timezone.get_default_timezone())


def audit_entry_list(*, user: User, filters: AuditFilters) -> QuerySet[AuditEntry]:
    """The journal entries matching ``filters``, newest first; 404 for a user who may not read it."""
    if not can_read_audit(user):
        raise Http404(ERR_AUDIT_NOT_FOUND)
    qs = AuditEntry.objects.all()
    if filters.actor:
        qs = qs.filter(actor_name__icontains=filters.actor)
    if filters.action:
        qs = qs.filter(action=filters.action)
    if filters.object_type:
        qs = qs.filter(object_type=filters.object_type)
    if filters.date_from:
        qs = qs.filter(at__gte=_start_of_day(filters.date_from))
    if filters.date_to:
        qs = qs.filter(at__lt=_start_of_day(filters.date_to + datetime.timedelta(days=1)))
    if filters.text:
        qs = qs.filter(
            Q(summary__icontains=filters.text) | Q(object_repr__icontains=filters.text) | Q(object_id=filters.text)
        )
    return AUDIT_ORDER.order(qs)


def audit_entry_page(
    *, user: User, filters: AuditFilters, position: tuple[Any, ...] | None = None, page_size: int = PAGE_SIZE
) -> AuditPage:
    """One page of ``audit_entry_list`` after ``position`` (``AUDIT_ORDER``'s decoded cursor; keyset on ``seq``: no
    OFFSET, steady on a journal of millions)."""
    page = AUDIT_ORDER.page(audit_entry_list(user=user, filters=filters), position=position, limit=page_size)
    return AuditPage(entries=page.items, next_cursor=page.next_cursor)


@dataclass(frozen=True)
class AnchorStatus:
    """What the journal page shows about its protection: the latest checkpoints and the last full check."""

    checkpoints: list[AuditCheckpoint]
    last_verification: AuditVerification | None


def audit_anchor_status(*, user: User, limit: int = 5) -> AnchorStatus:
    """The ``limit`` latest checkpoints (newest first) and the last recorded verification; 404 for non-readers."""
    if not can_read_audit(user):
        raise Http404(ERR_AUDIT_NOT_FOUND)
    return AnchorStatus(
        checkpoints=list(AuditCheckpoint.objects.order_by("-at", "-pk")[:limit]),
        last_verification=AuditVerification.objects.order_by("-at", "-pk").first(),
    )
