"""What the working-day calendar (``common.calendar``) reads from the override table."""

from __future__ import annotations

from collections.abc import Hashable

from django.db.models import Count, Max

from sauro.common.calendar import OverrideRow
from sauro.workdays.models import WorkdayOverride


def override_version() -> Hashable:
    """Row count and latest ``updated_at``: changes with every insert, update or delete (one aggregate query)."""
    state = WorkdayOverride.objects.aggregate(count=Count("pk"), last_change=Max("updated_at"))
    return (state["count"], state["last_change"])


def override_rows() -> list[OverrideRow]:
    """Every override as ``(date, is_working_day, name, citing_document)``."""
    return list(WorkdayOverride.objects.values_list("date", "is_working_day", "name", "citing_document"))
