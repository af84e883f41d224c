"""What the synthetic "ten-year Huế" holds that the benchmarks rely on: accounts, the focus unit, the day.

``sauro bench seed`` creates these; ``bench/run.py`` and ``bench/load.py`` log in and pick their parameters with
them. Everything else (which units, how many tasks each) is read from the seeded database.
"""

from __future__ import annotations

import datetime

# One password for every synthetic account (hashed once with argon2 by the seeder).
PASSWORD = "sauro-bench"  # noqa: S105 — a published password of throw-away benchmark accounts
# A leader of the City Committee: committee-wide visibility, not an administrator, not a superuser.
LEADER_USERNAME = "bench.lanhdao"
# The head of the focus unit: sees the tasks of their unit's subtree only.
UNIT_HEAD_USERNAME = "bench.truongdonvi"
# A commune-level party committee with a typical share of the tasks (the "one unit" of the scenarios).
FOCUS_UNIT_CODE = "BENCH-XA-001"
# The day the seeded history ends and the benchmark server runs at (SAURO_TODAY): a Friday, a working day.
TODAY = datetime.date(2026, 11, 27)
# The seeded history starts ten years before.
FIRST_DAY = datetime.date(2017, 1, 2)
# A diacritics-free query that matches a few percent of the tasks ("chuyển đổi số").
SEARCH_TERM = "chuyen doi so"
