"""``python -m bench.run --tasks N``: the scenarios against their budgets, through the real HTTP stack.

1. Make sure the PostgreSQL database exists, migrate it, and seed it (``sauro bench seed --tasks N --reset``) unless
   it already holds exactly N tasks and the benchmark leader (``--no-seed``: use it as it is).
2. Start the production server (gunicorn, 2 sync workers, DEBUG off) on a free loopback port.
3. Log in through the login form as a non-admin user (the leader) and get an API token as an integration does.
4. For each scenario, as a page and as an API call: warm-up runs, then ``--runs`` timed runs from one sequential
   client; each answer checked (status, and the rows or figures the floor computes). The floor — the minimal raw
   SQL computing the same result — is timed the same way with psycopg.
5. Read every web worker's resident memory, run the load test (``bench.load``) unless ``--no-load``, stop the
   server, print the table, write the JSON, and exit 1 when a budget fails or any request errs.
"""

from __future__ import annotations

import argparse
import datetime
import json
import os
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import psycopg

from bench import budgets, db
from bench.client import ClientError, HttpClient
from bench.scenarios import Floor, Params, Probe, build, discover, run_floor
from bench.server import PROJECT_DIR, Server, product_env, run_sauro, stop_on_sigterm
from bench.stats import ms, percentile

RESULTS_DIR = PROJECT_DIR / "bench" / "results"  # git-ignored
MAX_ERRORS_SHOWN = 3
# Pause after the checkpoint before each probe (seconds).
SETTLE_SECONDS = 1.0


@dataclass
class FloorResult:
    key: str
    description: str
    sql: str
    p50_ms: float
    p95_ms: float


@dataclass
class ProbeResult:
    scenario: str
    kind: str
    title: str
    url: str
    note: str
    runs: int
    p50_ms: float
    p95_ms: float
    max_ms: float
    budget_ms: float
    floor: FloorResult
    errors: list[str] = field(default_factory=list)

    @property
    def ratio(self) -> float:
        return round(self.p95_ms / self.floor.p95_ms, 1) if self.floor.p95_ms > 0 else float("inf")

    @property
    def ok(self) -> bool:
        return not self.errors and self.p95_ms <= self.budget_ms

    def as_dict(self) -> dict[str, Any]:
        return {
            "scenario": self.scenario,
            "kind": self.kind,
            "title": self.title,
            "url": self.url,
            "note": self.note,
            "runs": self.runs,
            "p50_ms": self.p50_ms,
            "p95_ms": self.p95_ms,
            "max_ms": self.max_ms,
            "budget_p95_ms": self.budget_ms,
            "floor": self.floor.__dict__,
            "ratio_p95_to_floor": self.ratio,
            "errors": self.errors,
            "ok": self.ok,
        }


def time_probe(client: HttpClient, probe: Probe, runs: int, warmup: int) -> tuple[list[float], list[str]]:
    """Warm-up requests (checked, not timed), then ``runs`` timed ones; the seconds and the errors."""
    seconds: list[float] = []
    errors: list[str] = []
    for i in range(warmup + runs):
        url = probe.url(i)
        try:
            response = client.get(url, bearer=probe.kind == "api")
        except (OSError, ClientError) as exc:
            errors.append(f"run {i}: GET {url}: {exc}")
            continue
        problem = probe.check(response, i)
        if problem:
            errors.append(f"run {i}: GET {url}: {problem}")
        if i >= warmup:
            seconds.append(response.seconds)
    return seconds, errors


def time_floor(conn: psycopg.Connection, floor: Floor, runs: int, warmup: int) -> list[float]:
    seconds = []
    for i in range(warmup + runs):
        started = time.perf_counter()
        run_floor(conn, floor, i)
        if i >= warmup:
            seconds.append(time.perf_counter() - started)
    return seconds


# --- output -------------------------------------------------------------------------------------------------------


def settle(conn: psycopg.Connection) -> None:
    """Let PostgreSQL write out what earlier probes dirtied, then pause: the next probe is timed on a quiet server."""
    conn.execute("CHECKPOINT")
    time.sleep(SETTLE_SECONDS)


def _fmt(value: float) -> str:
    if value != value:  # NaN
        return "—"
    return f"{value:,.0f}" if value >= 100 else f"{value:.1f}"


def scale_to_reference(p95_ms: float, python_reference_ms: float) -> float:
    """``p95_ms`` as the reference machine would give it (``budgets.REFERENCE_LOOP_MS``), scaled by the two machines'
    Python loop: the application's time is mostly Python. Unchanged when the machine's speed is unknown."""
    if python_reference_ms <= 0:
        return p95_ms
    return p95_ms * budgets.REFERENCE_LOOP_MS / python_reference_ms


def margin_kept(scaled_p95_ms: float, budget_ms: float) -> bool:
    """Issue 22: the figure, scaled to the reference machine, leaves ``budgets.MARGIN`` of its budget to spare."""
    return scaled_p95_ms <= (1 - budgets.MARGIN) * budget_ms


def print_table(results: list[ProbeResult], python_reference_ms: float = 0.0) -> None:
    ref = f"p95 at {budgets.REFERENCE_LOOP_MS:.0f}"
    header = ("scenario", "kind", "p50 ms", "p95 ms", "budget", ref, "margin", "floor p95", "ratio", "")
    rows = []
    for r in results:
        scaled = scale_to_reference(r.p95_ms, python_reference_ms)
        spare = 1 - scaled / r.budget_ms
        rows.append(
            (
                r.title,
                r.kind,
                _fmt(r.p50_ms),
                _fmt(r.p95_ms),
                f"{r.budget_ms:,.0f}",
                _fmt(scaled),
                f"{spare:.0%}" + ("" if margin_kept(scaled, r.budget_ms) else " (<30%)"),
                _fmt(r.floor.p95_ms),
                f"{r.ratio:.1f}×",
                "OK" if r.ok else ("ERROR" if r.errors else "FAIL"),
            )
        )
    widths = [max(len(str(x)) for x in col) for col in zip(header, *rows, strict=True)]
    line = "  ".join(f"{{:<{widths[0]}}}" if i == 0 else f"{{:>{w}}}" for i, w in enumerate(widths))
    line = line.replace(f"{{:<{widths[0]}}}", f"{{:<{widths[0]}}}", 1)
    print(line.format(*header))
    print("  ".join("-" * w for w in widths))
    for row in rows:
        print(line.format(*row))
    print(
        f"\n  “{ref}”: the p95 scaled to the reference machine (Python loop {budgets.REFERENCE_LOOP_MS:.0f} ms; "
        f"this one {python_reference_ms:.0f} ms); “margin”: what it leaves of the budget, {budgets.MARGIN:.0%} wanted."
    )
    notes = [r for r in results if r.note]
    if notes:
        print()
        for r in notes:
            print(f"  {r.scenario}/{r.kind}: {r.note}")


def default_json(tasks: int) -> Path:
    return RESULTS_DIR / f"latest-{tasks}.json"


# --- the run --------------------------------------------------------------------------------------------------------


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    from sauro.bench import profile

    parser = argparse.ArgumentParser(prog="python -m bench.run", description=__doc__.splitlines()[0])
    parser.add_argument(
        "--tasks", type=int, help="tasks the database must hold (seeded if not); optional with --no-seed"
    )
    parser.add_argument("--database", default="sauro_bench", help="PostgreSQL database (default: sauro_bench)")
    parser.add_argument("--reseed", action="store_true", help="seed again even if the database looks right")
    parser.add_argument("--no-seed", action="store_true", help="use the database as it is")
    parser.add_argument(
        "--runs",
        type=int,
        default=None,
        help=f"timed runs per scenario and kind (default {budgets.DEFAULT_RUNS}; the report and the floors "
        f"{budgets.FLOOR_RUNS})",
    )
    parser.add_argument("--warmup", type=int, default=budgets.DEFAULT_WARMUP, help="untimed runs before them")
    parser.add_argument("--json", type=Path, help="where to write the results (default bench/results/latest-N.json)")
    parser.add_argument("--username", default=profile.LEADER_USERNAME, help="non-admin, committee-wide account")
    parser.add_argument("--password", default=profile.PASSWORD)
    parser.add_argument("--unit-head", default=profile.UNIT_HEAD_USERNAME, help="writes of the load test")
    parser.add_argument("--focus-unit", default=profile.FOCUS_UNIT_CODE, help="unit code of the one-unit scenarios")
    parser.add_argument("--search", default=profile.SEARCH_TERM, help="the diacritics-free search")
    parser.add_argument("--today", type=datetime.date.fromisoformat, default=profile.TODAY, help="SAURO_TODAY")
    parser.add_argument("--workers", type=int, default=2, help="gunicorn workers (production on 2 cores: 2)")
    parser.add_argument("--threads", type=int, default=1, help="gunicorn threads per worker (1: sync, production)")
    parser.add_argument("--only", action="append", default=[], help="only these scenarios (repeatable)")
    parser.add_argument("--no-load", action="store_true", help="skip the load test")
    parser.add_argument("--load-users", type=int, default=50)
    parser.add_argument("--load-duration", type=float, default=60.0)
    parser.add_argument("--no-peak", action="store_true", help="skip the morning peak (the think-time load test)")
    parser.add_argument("--peak-users", type=int, default=budgets.PEAK_USERS)
    parser.add_argument("--peak-think", type=float, default=budgets.PEAK_THINK_S, help="mean think time, seconds")
    parser.add_argument("--peak-duration", type=float, default=budgets.PEAK_DURATION_S)
    args = parser.parse_args(argv)
    if args.tasks is None and not args.no_seed:
        parser.error("--tasks is required unless --no-seed")
    return args


def prepare(args: argparse.Namespace, url: str, env: dict[str, str]) -> None:
    """Database, schema, data, static files."""
    if db.ensure_database(args.database):
        print(f"Created database {args.database}.")
    run_sauro(["migrate", "--no-input", "-v", "1"], env)
    if not args.no_seed:
        with db.connect(args.database) as conn:
            tasks = db.count_tasks(conn)
            leader = db.user_exists(conn, args.username)
        if args.reseed or tasks != args.tasks or not leader:
            print(f"Database holds {tasks:,} tasks (want {args.tasks:,}), leader present: {leader}: seeding.")
            run_sauro(["bench", "seed", "--tasks", str(args.tasks), "--reset"], env)
        else:
            print(f"Database already holds {tasks:,} tasks and {args.username}: not seeding.")
    elif args.tasks is not None:
        with db.connect(args.database) as conn:
            tasks = db.count_tasks(conn)
        if tasks != args.tasks:
            print(f"warning: --no-seed: the database holds {tasks:,} tasks, not {args.tasks:,}")
    run_sauro(["collectstatic", "--no-input", "-v", "0"], env)


def setup_django(env: dict[str, str]) -> None:
    os.environ.update({k: env[k] for k in ("DJANGO_SETTINGS_MODULE", "DATABASE_URL", "SAURO_TODAY", "SECRET_KEY")})
    import django

    django.setup()


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    stop_on_sigterm()
    url = db.database_url(args.database)
    env = product_env(url, args.today)
    try:
        prepare(args, url, env)
    except subprocess.CalledProcessError as exc:
        print(f"Preparing the database failed: {exc}", file=sys.stderr)
        return 1
    setup_django(env)
    from bench import load

    with db.connect(args.database) as conn:
        params = discover(
            conn, username=args.username, focus_code=args.focus_unit, today=args.today, search=args.search
        )
        probes = build(conn, params)
        if args.only:
            probes = [p for p in probes if p.scenario in args.only]
        machine = db.machine(conn, args.database)
        print(f"\nMachine: {machine.describe()}")
        _print_params(params)
        results: list[ProbeResult] = []
        rss: dict[int, float] = {}
        rss_after_load: dict[int, float] = {}
        load_result: load.LoadResult | None = None
        peak_result: load.LoadResult | None = None
        server = Server(
            database_url=url,
            today=args.today,
            workers=args.workers,
            threads=args.threads,
            label=f"run-{args.database}",
            env=env,
        )
        try:
            server.start()
            print(f"Server: {server.describe}; access log {server.access_log}\n")
            browser = HttpClient(server.base_url)
            browser.login(args.username, args.password)
            api = HttpClient(server.base_url)
            api.issue_token(args.username, args.password)
            # Every HTTP probe first, each after a checkpoint and a short pause (no background writes under the
            # timing), then the floors: a floor's full scans would evict the buffers the next probe relies on.
            timed: list[tuple[Probe, list[float], list[str]]] = []
            for probe in probes:
                runs = args.runs or budgets.runs_for(probe.scenario)
                print(f"  {probe.name:<22} {args.warmup} + {runs} runs…", end="", flush=True)
                settle(conn)
                seconds, errors = time_probe(api if probe.kind == "api" else browser, probe, runs, args.warmup)
                timed.append((probe, seconds, errors))
                p50, p95 = ms(percentile(seconds, 50)), ms(percentile(seconds, 95))
                over = p95 > budgets.P95_BUDGET_MS[probe.scenario]
                status = "ERRORS" if errors else "over budget" if over else "ok"
                print(f" p50 {_fmt(p50)} ms, p95 {_fmt(p95)} ms ({status})")
                for error in errors[:MAX_ERRORS_SHOWN]:
                    print(f"      {error}")
            floors: dict[str, FloorResult] = {}
            print("\n  the raw-SQL floors …", flush=True)
            for probe, seconds, errors in timed:
                if probe.floor.key not in floors:
                    floor_seconds = time_floor(conn, probe.floor, args.runs or budgets.FLOOR_RUNS, args.warmup)
                    floors[probe.floor.key] = FloorResult(
                        key=probe.floor.key,
                        description=probe.floor.description,
                        sql=probe.floor.sql_one_line(),
                        p50_ms=ms(percentile(floor_seconds, 50)),
                        p95_ms=ms(percentile(floor_seconds, 95)),
                    )
                results.append(
                    ProbeResult(
                        scenario=probe.scenario,
                        kind=probe.kind,
                        title=probe.title,
                        url=probe.url(0),
                        note=probe.note,
                        runs=len(seconds),
                        p50_ms=ms(percentile(seconds, 50)),
                        p95_ms=ms(percentile(seconds, 95)),
                        max_ms=ms(max(seconds, default=float("nan"))),
                        budget_ms=budgets.P95_BUDGET_MS[probe.scenario],
                        floor=floors[probe.floor.key],
                        errors=errors,
                    )
                )
            rss = server.worker_rss_mb()
            api.revoke_token()
            browser.close()
            api.close()
            if not args.no_load:
                print(f"\nLoad test: {args.load_users} users for {args.load_duration:.0f} s…")
                load_result = load.run_load(
                    server,
                    conn,
                    params,
                    users=args.load_users,
                    duration=args.load_duration,
                    leader=(args.username, args.password),
                    unit_head=(args.unit_head, args.password),
                )
                rss_after_load = server.worker_rss_mb()
            if not args.no_load and not args.no_peak:
                print(
                    f"\nMorning peak: {args.peak_users} users, think time {args.peak_think:g} s, "
                    f"for {args.peak_duration:.0f} s…"
                )
                peak_result = load.run_load(
                    server,
                    conn,
                    params,
                    users=args.peak_users,
                    duration=args.peak_duration,
                    leader=(args.username, args.password),
                    unit_head=(args.unit_head, args.password),
                    think=args.peak_think,
                    p95_budget_ms=budgets.PEAK_P95_BUDGET_MS,
                )
                rss_after_load = server.worker_rss_mb()
        except (ClientError, OSError, RuntimeError) as exc:
            print(f"\nThe run failed: {exc}", file=sys.stderr)
            tail = server.error_tail()
            if tail:
                print(f"gunicorn's error log ({server.error_log}):\n{tail}", file=sys.stderr)
            return 1
        finally:
            server.stop()

    print(f"\nMachine: {machine.describe()}")
    print(f"Server: {server.describe}; user {args.username} (non-admin)\n")
    print_table(results, machine.python_reference_ms)
    # Checked after the timed runs and, when it ran, after the load test too.
    rss_ok = bool(rss) and all(v <= budgets.WORKER_RSS_BUDGET_MB for v in [*rss.values(), *rss_after_load.values()])
    print(f"\nWeb workers' RSS (budget {budgets.WORKER_RSS_BUDGET_MB:.0f} MB each): {'OK' if rss_ok else 'FAIL'}")
    print("  after the timed runs: " + ", ".join(f"pid {pid}: {mb:.0f} MB" for pid, mb in rss.items()))
    if rss_after_load:
        print("  after the load test:  " + ", ".join(f"pid {pid}: {mb:.0f} MB" for pid, mb in rss_after_load.items()))
    for result in (load_result, peak_result):
        if result is not None:
            print()
            result.print()
    for warning in params.warnings:
        print(f"warning: {warning}")

    loads_ok = all(r is None or r.ok for r in (load_result, peak_result))
    ok = all(r.ok for r in results) and rss_ok and loads_ok
    report = {
        "when": datetime.datetime.now(datetime.UTC).isoformat(timespec="seconds"),
        "machine": machine.as_dict(),
        "server": {"command": server.describe, "workers": args.workers, "today": args.today.isoformat()},
        "params": params.as_dict(),
        "runs": args.runs
        or {"default": budgets.DEFAULT_RUNS, **budgets.RUNS_BY_SCENARIO, "floors": budgets.FLOOR_RUNS},
        "warmup": args.warmup,
        "results": [r.as_dict() for r in results],
        "worker_rss_mb": {str(k): round(v, 1) for k, v in rss.items()},
        "worker_rss_after_load_mb": {str(k): round(v, 1) for k, v in rss_after_load.items()},
        "worker_rss_budget_mb": budgets.WORKER_RSS_BUDGET_MB,
        "worker_rss_ok": rss_ok,
        "load": load_result.as_dict() if load_result else None,
        "peak": peak_result.as_dict() if peak_result else None,
        "reference_loop_ms": budgets.REFERENCE_LOOP_MS,
        "margins": {
            f"{r.scenario}/{r.kind}": round(
                1 - scale_to_reference(r.p95_ms, machine.python_reference_ms) / r.budget_ms, 3
            )
            for r in results
        },
        "ok": ok,
    }
    path = args.json or default_json(args.tasks or machine.tasks)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(report, indent=2, ensure_ascii=False, default=str) + "\n")
    print(f"\nResults written to {path}")
    failed = [f"{r.scenario}/{r.kind}" for r in results if not r.ok]
    if ok:
        print("All budgets met, no errors.")
    else:
        print(
            "FAILED: "
            + ", ".join(
                failed
                + ([] if rss_ok else ["worker RSS"])
                + ([] if load_result is None or load_result.ok else ["load test"])
                + ([] if peak_result is None or peak_result.ok else ["morning peak"])
            )
        )
    return 0 if ok else 1


def _print_params(p: Params) -> None:
    print(
        f"User {p.username} (id {p.user_id}); city {p.city_code} (id {p.city_id}); focus unit {p.focus_code} "
        f"(id {p.focus_id}); today {p.today}; quarter {p.quarter_key}: {p.due_from} – {p.due_to}; "
        f"search {p.search!r}; {len(p.detail_ids)} detail tasks"
    )


if __name__ == "__main__":
    sys.exit(main())
