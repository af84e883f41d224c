"""``python -m bench.profile_request --database sauro_bench_quick /nhiem-vu/?state=open``: where one request's time
goes, in this process.

Issue 22 asks where a request's CPU goes (middleware, session, template rendering, serialisation). This runs the
request through Django's test client (the whole middleware stack and view, logged in as the committee-wide benchmark
account, or with an API token for ``/api/`` paths) a few times to warm up, then ``--runs`` times under ``cProfile``,
and prints:

- the median wall time per request, and how many queries it ran;
- the Python function calls per request under the profiler: unlike the times, the same from one run to the next
  however busy the machine is, so the figure to compare two versions of the code by on a noisy machine;
- the time by layer: SQL, template rendering, the API's serialisation, the rest (middleware, view, ORM building);
- the functions with the most time of their own, and the most cumulative time, per request.
"""

from __future__ import annotations

import argparse
import cProfile
import io
import os
import pstats
import statistics
import time
from typing import Any

TODAY = "2026-11-27"  # the benchmark day (bench/profile)

# (layer, the function whose cumulative time is the layer's: a path fragment of its file, its name). cProfile counts a
# recursive function's cumulative time once, at its outermost call. Queries run while a template renders (a lazy
# queryset) count in both the SQL and the templates.
LAYERS = (
    ("SQL (cursor execute)", "django/db/backends/utils.py", "_execute"),
    ("templates (render)", "django/template/backends/django.py", "render"),
    ("API serialisation", "ninja/operation.py", "_result_to_response"),
)


def _layer_seconds(stats: pstats.Stats) -> dict[str, float]:
    raw = stats.stats  # type: ignore[attr-defined]
    found: dict[str, float] = {}
    for name, fragment, func in LAYERS:
        found[name] = sum(v[3] for k, v in raw.items() if fragment in k[0] and k[2] == func)
    return found


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("path", help="the URL path with its query string")
    parser.add_argument("--database", default="sauro_bench_quick")
    parser.add_argument("--runs", type=int, default=20)
    parser.add_argument("--top", type=int, default=25)
    parser.add_argument(
        "--user", default="", help="the account's username (default: the tasks' benchmark leader; e.g. vanphong)"
    )
    args = parser.parse_args()
    base = os.environ.get("BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432").rstrip("/")
    os.environ["DATABASE_URL"] = f"{base}/{args.database}"
    os.environ.setdefault("SAURO_TODAY", TODAY)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "sauro.settings")
    os.environ.setdefault("DEBUG", "0")
    import django

    django.setup()
    from django.db import connection
    from django.test import Client

    from sauro.accounts.models import User
    from sauro.bench import profile
    from sauro.common import clock
    from sauro.identity import twofactor

    user = User.objects.get(username=args.user or profile.LEADER_USERNAME)
    client = Client()
    headers: dict[str, str] = {}
    if args.path.startswith("/api/"):
        from sauro.accounts.services import api_token_create

        _token, secret = api_token_create(acting_user=user, user=user, name="profile_request")
        headers["Authorization"] = f"Bearer {secret}"
    else:
        client.force_login(user)
        session = client.session  # the second factor passed, as after a real login (identity.twofactor)
        session[twofactor.SESSION_KEY] = {"required": True, "at": int(clock.now().timestamp()), "method": "bench"}
        session.save()

    def one() -> None:
        answer = client.get(args.path, headers=headers)
        if answer.status_code != 200:
            raise SystemExit(f"{args.path}: HTTP {answer.status_code}")

    for _ in range(3):
        one()
    walls = []
    queries: list[int] = []

    def counted(execute: Any, *a: Any) -> Any:
        queries.append(1)
        return execute(*a)

    for _ in range(args.runs):
        with connection.execute_wrapper(counted):
            started = time.perf_counter()
            one()
            walls.append(time.perf_counter() - started)
    profiler = cProfile.Profile()
    profiler.enable()
    for _ in range(args.runs):
        one()
    profiler.disable()
    stats = pstats.Stats(profiler)
    total = sum(v[3] for k, v in stats.stats.items() if k[2] == "get" and "django/test/client.py" in k[0])  # type: ignore[attr-defined]
    n = args.runs
    print(
        f"{args.path}: median {statistics.median(walls) * 1000:.1f} ms per request (unprofiled), "
        f"{len(queries) / n:.0f} queries"
    )
    # The calls are the same from one run to the next whatever else the machine does: on a noisy machine, the figure
    # to compare two versions of the code by.
    calls = stats.total_calls  # type: ignore[attr-defined]
    print(f"Profiled: {total / n * 1000:.1f} ms per request, {calls / n:,.0f} function calls per request")
    layers = _layer_seconds(stats)
    for name, seconds in layers.items():
        print(f"  {name:<32} {seconds / n * 1000:7.1f} ms")
    print(f"  {'(the whole request)':<32} {total / n * 1000:7.1f} ms")
    for key in ("tottime", "cumulative"):
        out = io.StringIO()
        pstats.Stats(profiler, stream=out).strip_dirs().sort_stats(key).print_stats(args.top)
        print(f"\n--- by {key} (totals over {n} requests) ---")
        print("\n".join(out.getvalue().splitlines()[6:]))


if __name__ == "__main__":
    main()
