"""Which nightly archives to keep: the newest archive of each of the last ``daily`` days, of each of the last
``weekly`` ISO weeks and of each of the last ``monthly`` months that have one (7, 4 and 12 by default). The periods
count back from the newest archive, not from the clock, so a worker that stopped for a month does not lose every
archive on its first night back. A pure function of the archives' times."""

from __future__ import annotations

import datetime
from collections.abc import Callable, Hashable, Iterable
from dataclasses import dataclass


@dataclass(frozen=True)
class Retention:
    daily: int = 7
    weekly: int = 4
    monthly: int = 12


def _newest_per_period(
    moments: list[datetime.datetime], period: Callable[[datetime.datetime], Hashable], count: int
) -> set[datetime.datetime]:
    kept: set[datetime.datetime] = set()
    seen: set[Hashable] = set()
    for moment in moments:  # newest first
        if len(seen) >= count:
            break
        key = period(moment)
        if key not in seen:
            seen.add(key)
            kept.add(moment)
    return kept


DEFAULT = Retention()


def archives_to_keep(moments: Iterable[datetime.datetime], policy: Retention = DEFAULT) -> set[datetime.datetime]:
    """The moments (of archives) to keep under ``policy`` (always the newest); the others may be deleted."""
    ordered = sorted(set(moments), reverse=True)
    newest = set(ordered[:1])  # always, whatever the policy: the archive just written
    return (
        newest
        | _newest_per_period(ordered, lambda m: m.date(), policy.daily)
        | _newest_per_period(ordered, lambda m: m.isocalendar()[:2], policy.weekly)
        | _newest_per_period(ordered, lambda m: (m.year, m.month), policy.monthly)
    )
