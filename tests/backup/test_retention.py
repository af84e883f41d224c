"""Which nightly archives are kept: the newest of each of the last 7 days, 4 ISO weeks and 12 months that have one
(``backup.retention.archives_to_keep``, a pure function), counted back from the newest archive."""

from __future__ import annotations

import datetime

from sauro.backup.retention import Retention, archives_to_keep

D = datetime.timedelta


def nightly(first: datetime.date, last: datetime.date) -> list[datetime.datetime]:
    days = (last - first).days
    return [datetime.datetime.combine(first + D(days=n), datetime.time(2, 0)) for n in range(days + 1)]


def days(kept: set[datetime.datetime]) -> list[str]:
    return sorted(m.date().isoformat() for m in kept)


def test_a_year_of_nightly_archives_keeps_7_daily_4_weekly_and_12_monthly() -> None:
    moments = nightly(datetime.date(2025, 1, 1), datetime.date(2026, 3, 2))  # 2026-03-02 is a Monday

    kept = archives_to_keep(moments)

    assert days(kept) == [
        # monthly: the newest of each of the 12 months back from March 2026 (February's is among the daily ones)
        "2025-04-30",
        "2025-05-31",
        "2025-06-30",
        "2025-07-31",
        "2025-08-31",
        "2025-09-30",
        "2025-10-31",
        "2025-11-30",
        "2025-12-31",
        "2026-01-31",
        # weekly: the Sundays ending the two weeks before the last daily ones (the other two weeks are daily ones)
        "2026-02-15",
        "2026-02-22",
        # daily: the last 7 days
        "2026-02-24",
        "2026-02-25",
        "2026-02-26",
        "2026-02-27",
        "2026-02-28",
        "2026-03-01",
        "2026-03-02",
    ]


def test_the_newest_archive_of_a_day_stands_for_that_day() -> None:
    morning = datetime.datetime(2026, 3, 2, 2, 0)
    by_hand = datetime.datetime(2026, 3, 2, 15, 30)

    assert archives_to_keep([morning, by_hand], Retention(daily=1, weekly=0, monthly=0)) == {by_hand}


def test_periods_count_back_from_the_newest_archive_not_from_the_clock() -> None:
    """A worker stopped for months loses no archive on its first night back beyond what the policy says."""
    old = nightly(datetime.date(2025, 6, 1), datetime.date(2025, 6, 10))
    back = datetime.datetime(2026, 1, 5, 2, 0)

    kept = archives_to_keep([*old, back], Retention(daily=3, weekly=0, monthly=0))

    assert days(kept) == ["2025-06-09", "2025-06-10", "2026-01-05"]


def test_the_newest_archive_is_kept_whatever_the_policy() -> None:
    moments = nightly(datetime.date(2026, 3, 1), datetime.date(2026, 3, 2))

    assert days(archives_to_keep(moments, Retention(daily=0, weekly=0, monthly=0))) == ["2026-03-02"]
    assert archives_to_keep([]) == set()
