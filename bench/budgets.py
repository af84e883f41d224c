"""Every budget of the benchmark in one place: p95 latencies (milliseconds) per scenario, and worker memory.

The same budgets apply to the full run (1,000,000 tasks) and to the quick run (100,000 tasks).
"""

from __future__ import annotations

# p95 over the warm runs, in milliseconds, per scenario key (see ``bench.scenarios``). A scenario's page and its
# API call have the same budget.
P95_BUDGET_MS: dict[str, float] = {
    "list_unit": 50,  # (1) one unit + state + due range, 50 rows
    "list_all": 100,  # (2) all units + state + due range (a leader's view)
    "list_first": 100,  # the list as it opens, no filter (a leader's view too; not in the table)
    "search": 150,  # (3) diacritics-free text search over all units
    "unit_counts": 50,  # (4) one unit's four-state counts
    "city_dashboard": 300,  # (5) all units × state × due month + league table
    "task_detail": 100,  # task detail
    "city_report": 10_000,  # the quarterly report of the whole city (.docx)
}

# The morning peak (issue 22): PEAK_USERS users, each pausing PEAK_THINK_S seconds on average between requests
# (about PEAK_USERS / PEAK_THINK_S requests per second of the load test's mix), for PEAK_DURATION_S seconds; the p95
# of every answer within PEAK_P95_BUDGET_MS, no error.
PEAK_USERS = 300
PEAK_THINK_S = 10.0
PEAK_DURATION_S = 120.0
PEAK_P95_BUDGET_MS = 300.0

# Issue 22: every budget met with this share to spare on the reference machine (a Python loop of REFERENCE_LOOP_MS,
# the slower machine the issue was measured on): a figure scaled to that machine must stay under (1 - MARGIN) ×
# its budget. Reported beside each figure; the budgets themselves are what fails a run.
REFERENCE_LOOP_MS = 79.0
MARGIN = 0.30

# Resident memory of each web worker after the timed runs, in MB (VmRSS of /proc/<pid>/status).
WORKER_RSS_BUDGET_MB = 300.0

# Timed runs per scenario and kind (at least 30 for the acceptance), and untimed warm-up runs before them. The
# p95 of 30 runs is their second-slowest: one hiccup of a shared 2-core machine decides it, so the pages and API
# calls get 100 runs (the p95 is then the 95th) and the seconds-long report and the raw-SQL floors keep 30.
DEFAULT_RUNS = 100
RUNS_BY_SCENARIO: dict[str, int] = {"city_report": 30}
FLOOR_RUNS = 30


def runs_for(scenario: str) -> int:
    return RUNS_BY_SCENARIO.get(scenario, DEFAULT_RUNS)


DEFAULT_WARMUP = 3
