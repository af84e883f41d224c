"""``python -m bench.inprocess --database sauro_bench_quick``: one page's cost in this process, without the server.

An A/B helper for a change that may slow the request path: run it from two checkouts (the code before and after)
against the same seeded benchmark database, alternating, and compare the medians. It times Django's test client
through the whole middleware stack and view, logged in as the committee-wide benchmark account, so it sees the cost
of the code (middleware, rules, queries) but not gunicorn's or the network's. Both checkouts must be able to read
the database as it is (a newer schema that only adds columns is fine for the pages timed here). The full budgets
stay with ``make bench`` / ``make bench-quick``.
"""

from __future__ import annotations

import argparse
import os
import statistics
import time
from collections.abc import Callable

TODAY = "2026-11-27"  # the benchmark day (bench/profile)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database", default="sauro_bench_quick")
    parser.add_argument("--runs", type=int, default=60)
    args = parser.parse_args()
    base = os.environ.get("BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432").rstrip("/")
    os.environ["DATABASE_URL"] = f"{base}/{args.database}"
    os.environ.setdefault("SAURO_TODAY", TODAY)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "sauro.settings")
    import django

    django.setup()
    from django.test import Client

    from sauro.accounts.models import User
    from sauro.org.models import Unit
    from sauro.tasks.models import Task

    client = Client()
    client.force_login(User.objects.get(username="bench.lanhdao"))
    ids = list(Task.objects.filter(progress_updates__isnull=False).values_list("pk", flat=True).distinct()[:30])
    focus = Unit.objects.get(code="BENCH-XA-001").pk

    def median_ms(path: Callable[[int], str], runs: int) -> float:
        for i in ids[:5]:
            client.get(path(i))
        times = []
        for k in range(runs):
            started = time.perf_counter()
            answer = client.get(path(ids[k % len(ids)]))
            times.append((time.perf_counter() - started) * 1000)
            if answer.status_code != 200:
                raise SystemExit(f"{path(ids[k % len(ids)])}: HTTP {answer.status_code}")
        return statistics.median(times)

    rows = [
        ("task detail, page", lambda i: f"/nhiem-vu/{i}/", args.runs),
        ("task detail, API", lambda i: f"/api/v1/tasks/{i}", args.runs),
        ("one unit's open tasks, page", lambda i: f"/nhiem-vu/?lead_unit={focus}&state=open", args.runs),
        ("the list as it opens, page", lambda i: "/nhiem-vu/", max(10, args.runs // 3)),
    ]
    for label, path, runs in rows:
        print(f"{label:<30} median {median_ms(path, runs):7.1f} ms over {runs} runs")


if __name__ == "__main__":
    main()
