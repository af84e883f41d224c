"""``python -m bench.load``: a bounded load test on loopback — ``--users`` concurrent simulated users (threads, each
with its own logged-in session) on a realistic mix for ``--duration`` seconds, then it stops by itself.

The mix: task lists with filters, search, task pages, dashboards, the notifications page, API reads, and a small
share of writes (progress updates through the API by the head of the focus unit, on tasks it leads and that are
under way). Two shapes:

- closed loop without think time (``--think 0``, the default): every user sends its next request as soon as the
  previous one is answered, so this is the worst case for the server, 50 requests always in flight;
- a morning peak (``--users 300 --think 10``): each user reads what it got for a while — a think time drawn
  uniformly between half and one and a half times ``--think`` seconds — before its next request, and the users start
  spread over the first think time, so requests arrive at about users ÷ think per second, as officials opening the
  tool at the start of the day would send them. Its latencies are the server's, not a queue the client builds.

The server is the production configuration on this machine: ``sauro serve`` with its default
``WEB_CONCURRENCY=2`` sync workers (one per core); requests queue in the listen backlog, and gunicorn's 60 s worker
timeout applies to each request's processing, not to its wait. Exit 1 on any error.
"""

from __future__ import annotations

import argparse
import datetime
import random
import sys
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import psycopg

from bench import db
from bench.client import ClientError, HttpClient, Response, query
from bench.scenarios import DETAIL_TASKS, OPEN_STATES, Params
from bench.server import Server
from bench.stats import ms, percentile

MAX_ERRORS_SHOWN = 10
WRITE_TASKS = 50


@dataclass(frozen=True)
class Action:
    kind: str
    weight: int
    make: Callable[[random.Random], tuple[str, str, Any]]  # → (method, path, JSON body or None)
    expect: int = 200
    api: bool = False
    writer: bool = False  # sent with the unit head's token


def mix(p: Params, write_tasks: list[tuple[int, int]], detail_ids: list[int]) -> list[Action]:
    """The weighted mix of requests of a working day (weights in percent); ``detail_ids``: tasks the user sees."""
    ids = detail_ids
    quarter = {"due_from": p.due_from, "due_to": p.due_to}

    def get(path: str) -> Callable[[random.Random], tuple[str, str, Any]]:
        return lambda _r: ("GET", path, None)

    def detail(prefix: str) -> Callable[[random.Random], tuple[str, str, Any]]:
        return lambda r: ("GET", f"{prefix}{r.choice(ids)}" + ("/" if prefix.startswith("/nhiem-vu") else ""), None)

    def write(r: random.Random) -> tuple[str, str, Any]:
        task_id, percent = r.choice(write_tasks)
        body = {"done": "Kiểm thử tải: đã rà soát tiến độ trong kỳ.", "next_steps": "", "percent": percent}
        return "POST", f"/api/v1/tasks/{task_id}/progress", body

    actions = [
        Action("list: one unit", 14, get(f"/nhiem-vu/?{query({'unit': p.focus_id, 'state': 'open', **quarter})}")),
        Action("list: all units", 8, get(f"/nhiem-vu/?{query({'state': 'open', **quarter})}")),
        Action("search", 8, get(f"/nhiem-vu/?{query({'q': p.search})}")),
        Action("task page", 22, detail("/nhiem-vu/")),
        Action("dashboard: city", 4, get("/tong-hop/")),
        Action("dashboard: unit", 4, get(f"/tong-hop/?{query({'unit': p.focus_id})}")),
        Action("notifications", 8, get("/thong-bao/")),
        Action(
            "api: list",
            10,
            get(f"/api/v1/tasks?{query({'unit_id': p.focus_id, 'state': list(OPEN_STATES), 'limit': 50})}"),
            api=True,
        ),
        Action("api: task", 10, detail("/api/v1/tasks/"), api=True),
        Action("api: stats", 7, get(f"/api/v1/stats/tasks?{query({'unit_id': p.focus_id})}"), api=True),
    ]
    if write_tasks:
        actions.append(Action("api: progress update", 5, write, expect=201, api=True, writer=True))
    return actions


def writable_tasks(conn: psycopg.Connection, unit_head: str) -> list[tuple[int, int]]:
    """(task id, current progress) of tasks under way led by a unit the account heads (spread over the table)."""
    rows = conn.execute(
        """SELECT t.id, t.progress FROM tasks_task t
           WHERE t.state IN ('in_progress', 'returned') AND t.classification = 'normal'
             AND t.lead_unit_id IN (
               SELECT m.unit_id FROM org_membership m JOIN accounts_user u ON u.id = m.person_id
               WHERE u.username = %s AND m.role IN ('unit_head', 'leader') AND m.valid_to IS NULL)
           ORDER BY md5(t.id::text) LIMIT %s""",
        [unit_head, WRITE_TASKS],
    ).fetchall()
    return [(int(a), int(b)) for a, b in rows]


def unit_tasks(conn: psycopg.Connection, username: str) -> list[int]:
    """Issued tasks led in the subtrees of the units the account holds a role in (what a unit head sees)."""
    rows = conn.execute(
        """SELECT t.id FROM tasks_task t JOIN org_unit lu ON lu.id = t.lead_unit_id
           WHERE t.state <> 'draft' AND t.classification = 'normal'
             AND EXISTS (
               SELECT 1 FROM org_membership m
               JOIN accounts_user u ON u.id = m.person_id JOIN org_unit mu ON mu.id = m.unit_id
               WHERE u.username = %s AND m.valid_to IS NULL AND lu.path LIKE mu.path || '%%')
           ORDER BY md5(t.id::text) LIMIT %s""",
        [username, DETAIL_TASKS],
    ).fetchall()
    return [int(r[0]) for r in rows]


@dataclass
class Sample:
    kind: str
    seconds: float
    in_window: bool  # answered before the end of the test (what the throughput counts)


@dataclass
class LoadResult:
    users: int
    duration: float
    elapsed: float
    server: str
    think: float = 0.0  # mean think time between a user's requests, seconds (0: closed loop)
    p95_budget_ms: float | None = None  # the morning peak's budget; the closed loop has none (it measures queueing)
    samples: list[Sample] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    setup_seconds: float = 0.0

    @property
    def p95_ms(self) -> float:
        return ms(percentile([s.seconds for s in self.samples], 95))

    @property
    def within_budget(self) -> bool:
        return self.p95_budget_ms is None or self.p95_ms <= self.p95_budget_ms

    @property
    def ok(self) -> bool:
        return not self.errors and bool(self.samples) and self.within_budget

    @property
    def throughput(self) -> float:
        """Requests answered within the test's duration, per second (the drain after it is not counted)."""
        return sum(s.in_window for s in self.samples) / self.duration if self.duration else 0.0

    def _figures(self, seconds: list[float]) -> dict[str, float]:
        return {
            "requests": len(seconds),
            "p50_ms": ms(percentile(seconds, 50)),
            "p95_ms": ms(percentile(seconds, 95)),
            "p99_ms": ms(percentile(seconds, 99)),
            "max_ms": ms(max(seconds, default=float("nan"))),
        }

    def by_kind(self) -> dict[str, dict[str, float]]:
        kinds: dict[str, list[float]] = {}
        for s in self.samples:
            kinds.setdefault(s.kind, []).append(s.seconds)
        return {k: self._figures(v) for k, v in sorted(kinds.items())}

    def as_dict(self) -> dict[str, Any]:
        return {
            "users": self.users,
            "think_s": self.think,
            "duration_s": self.duration,
            "elapsed_s": round(self.elapsed, 2),
            "server": self.server,
            "requests": len(self.samples),
            "errors": len(self.errors),
            "error_samples": self.errors[:MAX_ERRORS_SHOWN],
            "throughput_rps": round(self.throughput, 1),
            "p95_budget_ms": self.p95_budget_ms,
            "overall": self._figures([s.seconds for s in self.samples]),
            "by_kind": self.by_kind(),
            "ok": self.ok,
        }

    def print(self) -> None:
        overall = self._figures([s.seconds for s in self.samples])
        shape = f"think time {self.think:g} s" if self.think else "no think time"
        print(
            f"Load test: {self.users} users ({shape}) × {self.duration:.0f} s "
            f"(+{self.elapsed - self.duration:.0f} s to finish "
            f"the requests in flight) on {self.server}: {len(self.samples):,} requests, "
            f"{len(self.errors)} errors, {self.throughput:.1f} req/s; p50 {overall['p50_ms']:.0f} ms, "
            f"p95 {overall['p95_ms']:.0f} ms, p99 {overall['p99_ms']:.0f} ms"
        )
        width = max((len(k) for k in self.by_kind()), default=10)
        print(f"  {'kind':<{width}}  {'requests':>8}  {'p50 ms':>8}  {'p95 ms':>8}  {'p99 ms':>8}")
        for kind, f in self.by_kind().items():
            print(
                f"  {kind:<{width}}  {f['requests']:>8,.0f}  {f['p50_ms']:>8,.0f}  {f['p95_ms']:>8,.0f}  "
                f"{f['p99_ms']:>8,.0f}"
            )
        for error in self.errors[:MAX_ERRORS_SHOWN]:
            print(f"  error: {error}")
        if self.p95_budget_ms is not None:
            verdict = "within" if self.within_budget else "OVER"
            print(f"  p95 {self.p95_ms:.0f} ms: {verdict} its budget of {self.p95_budget_ms:.0f} ms")
        print("Load test: " + ("OK" if self.ok else "FAIL"))


def _expected(action: Action, response: Response) -> str | None:
    if response.status != action.expect:
        return f"HTTP {response.status} (expected {action.expect}): {response.text[:120]!r}"
    wanted = "application/json" if action.api else "text/html"
    if not response.header("content-type").startswith(wanted):
        return f"content type {response.header('content-type')!r}"
    if len(response.body) < 20:
        return "empty body"
    return None


def run_load(
    server: Server,
    conn: psycopg.Connection,
    params: Params,
    *,
    users: int,
    duration: float,
    leader: tuple[str, str],
    unit_head: tuple[str, str],
    seed: int = 6,
    think: float = 0.0,
    p95_budget_ms: float | None = None,
) -> LoadResult:
    """Log every user in, then run the mix for ``duration`` seconds; requests sent before the end are counted.
    ``think``: each user's mean pause between an answer and its next request (module docstring), 0 for none."""
    write_tasks = writable_tasks(conn, unit_head[0])
    if not write_tasks:
        params.warnings.append(f"load test: {unit_head[0]} leads no task under way: no writes in the mix")
    head_tasks = unit_tasks(conn, unit_head[0])
    if not head_tasks:
        raise RuntimeError(f"{unit_head[0]} sees no task: choose another --unit-head")
    mixes = {
        leader[0]: mix(params, write_tasks, list(params.detail_ids)),
        unit_head[0]: mix(params, write_tasks, head_tasks),
    }
    result = LoadResult(
        users=users, duration=duration, elapsed=0.0, server=server.describe, think=think, p95_budget_ms=p95_budget_ms
    )
    lock = threading.Lock()

    # One API token per account, as one integration per account would hold; every user its own browser session.
    started = time.monotonic()
    tokens: dict[str, str] = {}
    for username, password in {leader, unit_head}:
        issuer = HttpClient(server.base_url)
        issuer.issue_token(username, password, name="sauro-bench-load")
        tokens[username] = issuer.token or ""
        issuer.close()
    clients: list[HttpClient] = []
    accounts = [unit_head if n % 5 == 4 else leader for n in range(users)]  # one user in five: the unit head
    for username, password in accounts:
        c = HttpClient(server.base_url)
        c.login(username, password)
        clients.append(c)
    result.setup_seconds = time.monotonic() - started

    barrier = threading.Barrier(users + 1)
    stop_at = [0.0]

    def user(n: int) -> None:
        client = clients[n]
        own_token = tokens[accounts[n][0]]
        rnd = random.Random(seed * 1000 + n)
        actions = mixes[accounts[n][0]]
        weights = [a.weight for a in actions]
        barrier.wait()
        if think:  # the users start spread over one think time, not all at once
            time.sleep(rnd.uniform(0, think))
        while time.monotonic() < stop_at[0]:
            action = rnd.choices(actions, weights)[0]
            method, path, body = action.make(rnd)
            client.token = tokens[unit_head[0]] if action.writer else own_token
            try:
                if body is not None:
                    response = client.post_json(path, body, bearer=True)
                else:
                    response = client.request(method, path, bearer=action.api)
            except (OSError, ClientError) as exc:
                with lock:
                    result.errors.append(f"{action.kind}: {method} {path}: {exc!r}")
                continue
            problem = _expected(action, response)
            with lock:
                result.samples.append(Sample(action.kind, response.seconds, time.monotonic() <= stop_at[0]))
                if problem:
                    result.errors.append(f"{action.kind}: {method} {path}: {problem}")
            if think:
                pause = rnd.uniform(0.5 * think, 1.5 * think)
                time.sleep(max(0.0, min(pause, stop_at[0] - time.monotonic())))

    threads = [threading.Thread(target=user, args=(n,), name=f"user-{n}", daemon=True) for n in range(users)]
    for t in threads:
        t.start()
    began = time.monotonic()
    stop_at[0] = began + duration
    barrier.wait()
    for t in threads:
        t.join()
    result.elapsed = time.monotonic() - began
    for c in clients:
        c.close()
    for username, token in tokens.items():
        revoker = HttpClient(server.base_url)
        revoker.token = token
        try:
            revoker.revoke_token()
        except (OSError, ClientError) as exc:
            result.errors.append(f"revoking the token of {username}: {exc!r}")
        revoker.close()
    return result


def main(argv: list[str] | None = None) -> int:
    from sauro.bench import profile

    parser = argparse.ArgumentParser(prog="python -m bench.load", description=__doc__.splitlines()[0])
    parser.add_argument("--database", default="sauro_bench")
    parser.add_argument("--users", type=int, default=50)
    parser.add_argument("--duration", type=float, default=60.0, help="seconds")
    parser.add_argument("--think", type=float, default=0.0, help="mean think time per user, seconds (0: none)")
    parser.add_argument("--p95-budget", type=float, default=None, help="fail when the p95 exceeds it (ms)")
    parser.add_argument("--workers", type=int, default=2, help="gunicorn workers (production on 2 cores: 2)")
    parser.add_argument("--threads", type=int, default=1, help="gunicorn threads per worker (1: sync workers)")
    parser.add_argument("--username", default=profile.LEADER_USERNAME)
    parser.add_argument("--password", default=profile.PASSWORD)
    parser.add_argument("--unit-head", default=profile.UNIT_HEAD_USERNAME)
    parser.add_argument("--focus-unit", default=profile.FOCUS_UNIT_CODE)
    parser.add_argument("--search", default=profile.SEARCH_TERM)
    parser.add_argument("--today", type=datetime.date.fromisoformat, default=profile.TODAY)
    args = parser.parse_args(argv)

    from bench.run import setup_django
    from bench.scenarios import discover
    from bench.server import product_env, run_sauro, stop_on_sigterm

    stop_on_sigterm()
    url = db.database_url(args.database)
    env = product_env(url, args.today)
    run_sauro(["collectstatic", "--no-input", "-v", "0"], env)
    setup_django(env)
    with db.connect(args.database) as conn:
        params = discover(
            conn, username=args.username, focus_code=args.focus_unit, today=args.today, search=args.search
        )
        server = Server(
            url, args.today, workers=args.workers, threads=args.threads, label=f"load-{args.database}", env=env
        )
        try:
            server.start()
            print(f"Server: {server.describe}. {args.users} users for {args.duration:.0f} s…")
            result = run_load(
                server,
                conn,
                params,
                users=args.users,
                duration=args.duration,
                leader=(args.username, args.password),
                unit_head=(args.unit_head, args.password),
                think=args.think,
                p95_budget_ms=args.p95_budget,
            )
            rss = server.worker_rss_mb()
        except (ClientError, OSError, RuntimeError) as exc:
            print(f"The load test failed: {exc}\n{server.error_tail()}", file=sys.stderr)
            return 1
        finally:
            server.stop()
    result.print()
    print("Worker RSS after the load: " + ", ".join(f"{mb:.0f} MB" for mb in rss.values()))
    for warning in params.warnings:
        print(f"warning: {warning}")
    return 0 if result.ok else 1


if __name__ == "__main__":
    sys.exit(main())
