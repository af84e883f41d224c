# ruff: noqa: S608 — the SQL is assembled from constant fragments; every value is a bound parameter.
"""The scenarios: what each one asks the server (URL and parameters), how its answer is checked, and its floor —
the minimal raw SQL over the same tables that computes the same result — with the parameters taken from the
database.

The floors mirror the product's definitions: visibility (``tasks.access.tasks_visible_to`` for a committee-wide
user: every task of the committee, *mật* ones only when named or cleared), the reporting state
(``tasks.selectors.reporting_state_expr``) and the tasks of a period (``dashboard.stats.period_tasks``). Before
timing, each API answer is compared with its floor's result (same ids, same counts): a floor that does not compute
the same thing is reported.
"""

from __future__ import annotations

import datetime
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

import psycopg

from bench.client import Response, query

# --- parameters -----------------------------------------------------------------------------------------------

OPEN_STATES = ("issued", "in_progress", "submitted", "returned")
LIST_ROWS = 50
DETAIL_TASKS = 30
COMMITTEE_WIDE = ("leader", "monitor", "inspector", "admin")


@dataclass(frozen=True)
class Params:
    """Everything the scenarios need, read from the database once."""

    today: datetime.date
    username: str
    user_id: int
    city_id: int  # the user's committee: the dashboard's default unit and the report's "whole city"
    city_path: str
    city_code: str
    focus_id: int
    focus_code: str
    focus_path: str
    due_from: datetime.date  # the reporting regime's quarter holding today (the dashboard's default period)
    due_to: datetime.date
    previous_from: datetime.date
    previous_to: datetime.date
    chart_from: datetime.date  # first day of the dashboard's quarterly chart (8 regime quarters)
    quarter_key: str  # the quarterly report's quarter, e.g. 2026Q4
    next_from: datetime.date  # the next quarter's window (the report's "key tasks")
    next_to: datetime.date
    search: str
    search_words: tuple[str, ...]
    detail_ids: tuple[int, ...]
    units_outside_committee: int = 0
    warnings: list[str] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        return {k: (v.isoformat() if isinstance(v, datetime.date) else v) for k, v in self.__dict__.items()}


def discover(
    conn: psycopg.Connection,
    *,
    username: str,
    focus_code: str,
    today: datetime.date,
    search: str,
) -> Params:
    """Read the scenarios' parameters. Needs ``django.setup()`` done (the product's own period arithmetic)."""
    from sauro.common.text import fold
    from sauro.dashboard.periods import QUARTER, bounds, period_for_picker
    from sauro.periods.regime import reporting_month, window
    from sauro.reports.choices import ReportKind

    warnings: list[str] = []
    row = conn.execute(
        "SELECT id, is_superuser, is_staff, is_active FROM accounts_user WHERE username = %s", [username]
    ).fetchone()
    if row is None:
        raise SystemExit(f"no user {username!r} in the database")
    user_id, is_superuser, is_staff, is_active = row
    if is_superuser or is_staff or not is_active:
        raise SystemExit(f"{username!r} must be an active, non-admin account (superuser/staff: not allowed)")
    roles = conn.execute(
        """SELECT m.role, u.path FROM org_membership m JOIN org_unit u ON u.id = m.unit_id
           WHERE m.person_id = %s AND m.valid_from <= %s AND (m.valid_to IS NULL OR m.valid_to >= %s)""",
        [user_id, today, today],
    ).fetchall()
    if any(role == "admin" for role, _p in roles):
        raise SystemExit(f"{username!r} holds the admin role: the benchmark runs as a non-admin user")
    if not any(role in COMMITTEE_WIDE for role, _p in roles):
        warnings.append(
            f"{username} holds no committee-wide role: the floors assume one (every task of the committee visible)"
        )

    city_id = _default_unit_id(username)
    city = conn.execute("SELECT path, code FROM org_unit WHERE id = %s", [city_id]).fetchone()
    focus = conn.execute("SELECT id, path FROM org_unit WHERE code = %s", [focus_code]).fetchone()
    if city is None:
        raise SystemExit(f"{username!r} has no committee to report on")
    if focus is None:
        raise SystemExit(f"no unit with code {focus_code!r}")
    outside = conn.execute("SELECT count(*) FROM org_unit WHERE path NOT LIKE %s", [city[0] + "%"]).fetchone()

    period = period_for_picker(QUARTER, today=today)
    chart_from = bounds(QUARTER, period.end)[0]
    for _ in range(7):
        chart_from = bounds(QUARTER, chart_from - datetime.timedelta(days=1))[0]
    year, month = reporting_month(today)
    _start, end, key, _label = window(ReportKind.QUARTERLY, year, (month - 1) // 3 + 1)
    n_start, n_end = bounds(QUARTER, end + datetime.timedelta(days=1))

    # Tasks with progress updates, spread over the whole table (hash order, not the newest ones): visible ones.
    detail = [
        r[0]
        for r in conn.execute(
            """SELECT t.id FROM tasks_task t
               WHERE t.classification = 'normal' AND t.state <> 'draft'
                 AND EXISTS (SELECT 1 FROM monitoring_progressupdate p WHERE p.task_id = t.id)
               ORDER BY md5(t.id::text) LIMIT %s""",
            [DETAIL_TASKS],
        ).fetchall()
    ]
    if len(detail) < DETAIL_TASKS:
        warnings.append(f"only {len(detail)} tasks with progress updates for the task-detail scenario")
    if not detail:
        raise SystemExit("no task with progress updates: the task-detail scenario has nothing to show")
    words = tuple(fold(search).split()[:8])
    return Params(
        today=today,
        username=username,
        user_id=int(user_id),
        city_id=int(city_id),
        city_path=str(city[0]),
        city_code=str(city[1]),
        focus_id=int(focus[0]),
        focus_code=focus_code,
        focus_path=str(focus[1]),
        due_from=period.start,
        due_to=period.end,
        previous_from=period.previous_start,
        previous_to=period.previous_end,
        chart_from=chart_from,
        quarter_key=key,
        next_from=n_start,
        next_to=n_end,
        search=search,
        search_words=words,
        detail_ids=tuple(detail),
        units_outside_committee=int(outside[0]) if outside else 0,
        warnings=warnings,
    )


def _default_unit_id(username: str) -> int:
    """The dashboard's default unit for the user (their committee), as the product computes it."""
    from django.db import connections

    from sauro.accounts.models import User
    from sauro.dashboard.forms import default_unit_id

    try:
        unit_id = default_unit_id(User.objects.get(username=username))
    finally:
        connections.close_all()
    if unit_id is None:
        raise SystemExit(f"{username!r} has no unit: no dashboard, no report")
    return unit_id


# --- SQL building blocks --------------------------------------------------------------------------------------


def visible(p: Params) -> str:
    """``tasks_visible_to`` for a committee-wide user: the committee's tasks (the owner unit in its subtree — left
    out when every unit is in it), *mật* ones only for the people named on them or cleared for them."""
    owner = (
        ""
        if p.units_outside_committee == 0
        else "t.owner_unit_id IN (SELECT id FROM org_unit WHERE path LIKE %(city_like)s) AND "
    )
    return (
        f"{owner}(t.classification = 'normal' OR t.responsible_person_id = %(uid)s "
        "OR t.supervising_leader_id = %(uid)s OR t.created_by_id = %(uid)s "
        "OR EXISTS (SELECT 1 FROM tasks_task_officers o WHERE o.task_id = t.id AND o.user_id = %(uid)s) "
        "OR EXISTS (SELECT 1 FROM tasks_task_cleared_people c WHERE c.task_id = t.id AND c.user_id = %(uid)s))"
    )


def deadline_in_force(day: str, *, past: bool) -> str:
    """``selectors.deadline_in_force``: the stored deadline today; on a past day, the latest extension approved by
    then, else the original deadline."""
    if not past:
        return "t.deadline"
    return (
        "COALESCE((SELECT e.new_deadline FROM tasks_extensionrequest e WHERE e.task_id = t.id "
        f"AND e.state = 'approved' AND e.decided_on <= %({day})s AND e.new_deadline IS NOT NULL "
        "ORDER BY e.decided_on DESC, e.id DESC LIMIT 1), t.original_deadline)"
    )


def reporting_state(day: str = "today", *, past: bool = False) -> str:
    """``selectors.reporting_state_expr`` as a CASE over the stored columns, as of the parameter ``day``."""
    d = f"%({day})s"
    return (
        f"CASE WHEN t.state = 'draft' OR t.issued_on IS NULL OR t.issued_on > {d} THEN NULL "
        f"WHEN t.state = 'cancelled' AND t.cancelled_on <= {d} THEN NULL "
        "WHEN t.is_ongoing THEN 'ongoing' "
        f"WHEN t.state = 'done' AND t.completed_on <= {d} AND t.completed_on <= t.deadline THEN 'done_on_time' "
        f"WHEN t.state = 'done' AND t.completed_on <= {d} THEN 'done_late' "
        f"WHEN {deadline_in_force(day, past=past)} < {d} THEN 'open_overdue' "
        "ELSE 'open_on_time' END"
    )


def subtree(param: str) -> str:
    """Tasks led by a unit of the subtree whose ``LIKE`` pattern is the parameter ``param``."""
    return f"t.lead_unit_id IN (SELECT u.id FROM org_unit u WHERE u.path LIKE %({param})s)"


def period(start: str, end: str, day: str, *, spill: bool = True) -> str:
    """``tasks.selectors.in_period`` (issue 20) without the reporting state's NULL test (done by the caller): issued
    by the day, and due in the period, or ongoing, or — once the period has begun — due before or after it and not
    done (approved) or cancelled before it began (carried over; open, or done, in the period). ``spill=False``: due
    in the period or ongoing only (a list filtered on a due range counts that way). The due date is the stored one
    (a past day's extensions are not undone: the floors' checks are of today's figures)."""
    issued = f"t.issued_on IS NOT NULL AND t.issued_on <= %({day})s"
    due_in = f"(t.due_date >= %({start})s AND t.due_date <= %({end})s)"
    if not spill:
        return f"{issued} AND ({due_in} OR t.is_ongoing)"
    outside = (
        f"(%({day})s >= %({start})s AND NOT t.is_ongoing AND (t.due_date < %({start})s OR t.due_date > %({end})s) "
        f"AND NOT (t.state = 'done' AND (t.approved_on < %({start})s "
        f"OR (t.approved_on IS NULL AND t.completed_on < %({start})s))) "
        f"AND NOT (t.state = 'cancelled' AND t.cancelled_on < %({start})s))"
    )
    return f"{issued} AND ({due_in} OR t.is_ongoing OR {outside})"


ROW_COLUMNS = (
    "t.id, t.title, t.due_date, t.state, t.is_ongoing, t.extension_count, t.confidence, t.confidence_trend, "
    "t.classification, lu.name, rp.full_name, dd.kind, dd.number, dd.issuer_code, dd.summary"
)
ROW_JOINS = (
    "LEFT JOIN org_unit lu ON lu.id = t.lead_unit_id "
    "LEFT JOIN accounts_user rp ON rp.id = t.responsible_person_id "
    "LEFT JOIN directives_directive dd ON dd.id = t.directive_id"
)

Statement = tuple[str, dict[str, Any]]


@dataclass(frozen=True)
class Floor:
    """Raw SQL computing what a scenario shows: ``statements(i)`` for run ``i`` (run in order, results fetched)."""

    key: str
    description: str
    statements: Callable[[int], list[Statement]]

    def sql_one_line(self) -> str:
        return " ; ".join(re.sub(r"\s+", " ", s) for s, _a in self.statements(0))


def run_floor(conn: psycopg.Connection, floor: Floor, i: int) -> list[list[tuple[Any, ...]]]:
    results = []
    for sql, args in floor.statements(i):
        cur = conn.execute(sql, args)
        results.append(cur.fetchall() if cur.description else [])
    return results


def _base_args(p: Params) -> dict[str, Any]:
    return {"uid": p.user_id, "today": p.today, "city_like": p.city_path + "%"}


def list_statements(
    p: Params, *, unit: bool, search: bool, page: bool, states: Sequence[str] = OPEN_STATES, dated: bool = True
) -> list[Statement]:
    """The rows of a filtered list (the API's page of 50; the page's too) and, for the page, the four-state
    counts over the same filters. The filter form's choice lists (units, directives, people) are not in it.
    ``dated=False``: no due range nor state (the list as it opens)."""
    where = [visible(p)]
    args = _base_args(p)
    if search:
        for n, word in enumerate(p.search_words):
            where.append(f"t.search_text LIKE %(w{n})s")
            args[f"w{n}"] = "%" + word.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
    elif dated:
        where += ["t.due_date >= %(due_from)s", "t.due_date <= %(due_to)s"]
        args.update({"due_from": p.due_from, "due_to": p.due_to})
        if states:
            where.append("t.state = ANY(%(states)s)")
            args["states"] = list(states)
    if unit:
        where.append(subtree("unit_like"))
        args["unit_like"] = p.focus_path + "%"
    cond = " AND ".join(where)
    rows = (
        f"SELECT {ROW_COLUMNS}, {reporting_state()} AS reporting_state FROM tasks_task t {ROW_JOINS} "
        f"WHERE {cond} ORDER BY t.due_date ASC NULLS LAST, t.id LIMIT {LIST_ROWS + 1}"
    )
    statements = [(rows, args)]
    if page:
        counts = f"SELECT {reporting_state()} AS rs, count(*) FROM tasks_task t WHERE {cond} GROUP BY 1"
        statements.append((counts, args))
    return statements


def counts_statement(p: Params, unit_like: str, *, spill: bool = True) -> Statement:
    """``dashboard.stats.task_stats``: the four states (and ongoing) of the period's tasks of a subtree; with
    ``spill=False`` the tasks due in it only, as a list filtered on the quarter's due range counts them."""
    args = {**_base_args(p), "unit_like": unit_like, "start": p.due_from, "end": p.due_to}
    sql = (
        f"SELECT rs, count(*) FROM (SELECT {reporting_state()} AS rs FROM tasks_task t "
        f"WHERE {visible(p)} AND {subtree('unit_like')} AND {period('start', 'end', 'today', spill=spill)}) x "
        "WHERE rs IS NOT NULL GROUP BY rs"
    )
    return sql, args


def dashboard_statements(p: Params, unit_like: str) -> list[Statement]:
    """The dashboard of a subtree for the current quarter: one grouped scan by lead unit × reporting state × due
    month (and half-month: regime months start on the 15th) over the chart window, which gives the cards, the
    league's current figures (lead units rolled up to the child units in Python: a few hundred rows) and both
    charts; the league's previous quarter (as of its end: extensions in force then); the 20 most overdue tasks.
    Not in the floor: the league's update-discipline, obstacle and late-report columns, the open obstacles."""
    args = {
        **_base_args(p),
        "unit_like": unit_like,
        "chart_from": p.chart_from,
        "end": p.due_to,
        "prev_from": p.previous_from,
        "prev_to": p.previous_to,
        "prev_day": min(p.previous_to, p.today),
        "open_states": list(OPEN_STATES),
    }
    base = f"{visible(p)} AND {subtree('unit_like')}"
    grouped = (
        "SELECT lead_unit_id, y, m, late, rs, count(*) FROM (SELECT t.lead_unit_id, "
        "EXTRACT(year FROM t.due_date) AS y, EXTRACT(month FROM t.due_date) AS m, "
        f"EXTRACT(day FROM t.due_date) >= 15 AS late, {reporting_state()} AS rs FROM tasks_task t "
        f"WHERE {base} AND {period('chart_from', 'end', 'today')}) x WHERE rs IS NOT NULL GROUP BY 1, 2, 3, 4, 5"
    )
    previous = (
        f"SELECT lead_unit_id, rs, count(*) FROM (SELECT t.lead_unit_id, {reporting_state('prev_day', past=True)} "
        f"AS rs FROM tasks_task t WHERE {base} AND {period('prev_from', 'prev_to', 'prev_day')}) x "
        "WHERE rs IS NOT NULL GROUP BY 1, 2"
    )
    overdue = (
        "SELECT t.id, t.title, t.deadline, lu.name FROM tasks_task t LEFT JOIN org_unit lu ON lu.id = t.lead_unit_id "
        f"WHERE {base} AND t.state = ANY(%(open_states)s) AND t.issued_on <= %(today)s AND NOT t.is_ongoing "
        "AND t.deadline < %(today)s ORDER BY t.deadline, t.due_date, t.id LIMIT 20"
    )
    units = "SELECT id, parent_id, path, name FROM org_unit WHERE path LIKE %(unit_like)s ORDER BY path"
    return [(units, args), (grouped, args), (previous, args), (overdue, args)]


def report_statements(p: Params) -> list[Statement]:
    """The city's quarterly report: the counts by lead unit, the rows it lists (done on time and overdue in the
    quarter, open in the next one) and the obstacles of the quarter or still open."""
    args = {
        **_base_args(p),
        "unit_like": p.city_path + "%",
        "start": p.due_from,
        "end": p.due_to,
        "next_from": p.next_from,
        "next_to": p.next_to,
    }
    base = f"{visible(p)} AND {subtree('unit_like')}"
    by_unit = (
        f"SELECT lead_unit_id, rs, count(*) FROM (SELECT t.lead_unit_id, {reporting_state()} AS rs FROM tasks_task t "
        f"WHERE {base} AND {period('start', 'end', 'today')}) x WHERE rs IS NOT NULL GROUP BY 1, 2"
    )
    rows = (
        f"SELECT * FROM (SELECT t.id, t.title, t.due_date, t.deadline, t.completed_on, lu.name, "
        f"{reporting_state()} AS rs, t.due_date >= %(next_from)s AS is_next FROM tasks_task t "
        f"LEFT JOIN org_unit lu ON lu.id = t.lead_unit_id WHERE {base} AND t.issued_on <= %(today)s "
        "AND ((t.due_date >= %(start)s AND t.due_date <= %(end)s) OR (t.due_date >= %(next_from)s "
        "AND t.due_date <= %(next_to)s))) x WHERE (NOT is_next AND rs IN ('done_on_time', 'open_overdue')) "
        "OR (is_next AND rs IN ('open_on_time', 'open_overdue')) ORDER BY is_next, rs, due_date, id"
    )
    obstacles = (
        "SELECT o.id, o.description, o.proposal, o.state, o.raised_on, o.answered_on, o.task_id FROM "
        "monitoring_obstacle o WHERE o.lead_unit_id IN (SELECT u.id FROM org_unit u WHERE u.path LIKE %(unit_like)s) "
        "AND o.raised_on <= %(today)s AND (o.raised_on >= %(start)s OR o.state = 'open') ORDER BY o.raised_on, o.id"
    )
    return [(by_unit, args), (rows, args), (obstacles, args)]


def detail_statements(p: Params, task_id: int, *, page: bool) -> list[Statement]:
    args = {**_base_args(p), "id": task_id}
    task = (
        f"SELECT t.*, {reporting_state()} AS reporting_state, lu.name, au.name, ou.name, rp.full_name, "
        "sl.full_name, cb.full_name, pt.title, dd.kind, dd.number, dd.issuer_code FROM tasks_task t "
        "LEFT JOIN org_unit lu ON lu.id = t.lead_unit_id LEFT JOIN org_unit au ON au.id = t.authority_unit_id "
        "LEFT JOIN org_unit ou ON ou.id = t.owner_unit_id "
        "LEFT JOIN accounts_user rp ON rp.id = t.responsible_person_id "
        "LEFT JOIN accounts_user sl ON sl.id = t.supervising_leader_id "
        "LEFT JOIN accounts_user cb ON cb.id = t.created_by_id "
        "LEFT JOIN tasks_task pt ON pt.id = t.parent_id LEFT JOIN directives_directive dd ON dd.id = t.directive_id "
        f"WHERE t.id = %(id)s AND {visible(p)}"
    )
    coordinating = "SELECT unit_id FROM tasks_task_coordinating_units WHERE task_id = %(id)s ORDER BY unit_id"
    officers = "SELECT user_id FROM tasks_task_officers WHERE task_id = %(id)s ORDER BY user_id"
    statements = [(task, args), (coordinating, args), (officers, args)]
    if page:
        events = (
            "SELECT e.*, a.full_name FROM tasks_taskevent e LEFT JOIN accounts_user a ON a.id = e.actor_id "
            "WHERE e.task_id = %(id)s ORDER BY e.at, e.id"
        )
        updates = "SELECT * FROM monitoring_progressupdate WHERE task_id = %(id)s ORDER BY created_at DESC, id DESC"
        statements += [(events, args), (updates, args)]
    return statements


# --- probes -----------------------------------------------------------------------------------------------------

Check = Callable[[Response, int], str | None]


@dataclass(frozen=True)
class Probe:
    """One scenario asked one way (``page`` or ``api``): the URL of run ``i``, the check of its answer, its floor."""

    scenario: str
    kind: str  # "page" or "api"
    title: str
    url: Callable[[int], str]
    check: Check
    floor: Floor
    note: str = ""

    @property
    def name(self) -> str:
        return f"{self.scenario}/{self.kind}"


_TABLE_ROW = re.compile(r'<a class="task-title" href="/nhiem-vu/(\d+)/"')
_TIMELINE_ITEM = re.compile(r'class="timeline-item ')
# A card's figure as the page prints it: thousands grouped with a dot, as Vietnamese readers write them (923.603).
_FIGURE = re.compile(
    r'data-figure="(done_on_time|done_late|open_on_time|open_overdue)">\s*<span class="task-count-number">([\d.]+)<'
)


def _ok(response: Response, content_type: str) -> str | None:
    if response.status != 200:
        return f"HTTP {response.status}"
    if not response.header("content-type").startswith(content_type):
        return f"content type {response.header('content-type')!r}"
    return None


def _page_rows(expected_ids: Sequence[int]) -> Check:
    def check(response: Response, _i: int) -> str | None:
        problem = _ok(response, "text/html")
        if problem:
            return problem
        ids = [int(x) for x in _TABLE_ROW.findall(response.text)]
        if ids != list(expected_ids):
            return f"{len(ids)} rows on the page, expected {len(expected_ids)} (ids differ: {ids[:5]}…)"
        return None

    return check


def _api_rows(expected_ids: Sequence[int]) -> Check:
    def check(response: Response, _i: int) -> str | None:
        problem = _ok(response, "application/json")
        if problem:
            return problem
        ids = [item["id"] for item in response.json()["items"]]
        if ids != list(expected_ids):
            return f"{len(ids)} rows from the API, expected {len(expected_ids)} (ids differ: {ids[:5]}…)"
        return None

    return check


def _stats(expected: dict[str, int]) -> Check:
    def check(response: Response, _i: int) -> str | None:
        problem = _ok(response, "application/json")
        if problem:
            return problem
        data = response.json()
        got = {k: int(data[k]) for k in expected}
        return None if got == expected else f"figures {got}, floor says {expected}"

    return check


def _dashboard(expected: dict[str, int]) -> Check:
    def check(response: Response, _i: int) -> str | None:
        problem = _ok(response, "text/html")
        if problem:
            return problem
        # The first four figures on the page are the cards of the unit itself.
        cards: dict[str, int] = {}
        for key, value in _FIGURE.findall(response.text):
            if key != "ongoing":
                cards.setdefault(key, int(value.replace(".", "")))
        want = {k: v for k, v in expected.items() if k != "ongoing"}
        return None if cards == want else f"cards {cards}, floor says {want}"

    return check


def _dashboard_api(expected: dict[str, int]) -> Check:
    def check(response: Response, _i: int) -> str | None:
        problem = _ok(response, "application/json")
        if problem:
            return problem
        data = response.json()
        got = {k: int(data["totals"][k]) for k in expected}
        if got != expected:
            return f"figures {got}, floor says {expected}"
        if not data["units"] or len(data["months"]) != 12 or len(data["quarters"]) != 8:
            return "no league table or trend in the answer"
        return None

    return check


def _detail_page(response: Response, _i: int) -> str | None:
    problem = _ok(response, "text/html")
    if problem:
        return problem
    return None if _TIMELINE_ITEM.search(response.text) else "no timeline on the task page"


def _detail_api(ids: Sequence[int]) -> Check:
    def check(response: Response, i: int) -> str | None:
        problem = _ok(response, "application/json")
        if problem:
            return problem
        got = response.json().get("id")
        return None if got == ids[i % len(ids)] else f"task {got}, expected {ids[i % len(ids)]}"

    return check


def _docx(response: Response, _i: int) -> str | None:
    problem = _ok(response, "application/vnd.openxmlformats-officedocument.wordprocessingml.document")
    if problem:
        return problem
    if not response.body.startswith(b"PK") or len(response.body) < 5_000:
        return f"not a .docx ({len(response.body)} bytes)"
    return None


def _fixed(path: str) -> Callable[[int], str]:
    return lambda _i: path


def _counts(rows: list[tuple[Any, ...]]) -> dict[str, int]:
    counts = dict.fromkeys(("done_on_time", "done_late", "open_on_time", "open_overdue", "ongoing"), 0)
    for state, n in rows:
        if state is not None:
            counts[str(state)] = int(n)
    return counts


def build(conn: psycopg.Connection, p: Params) -> list[Probe]:
    """Every probe, with its expected answer computed by its floor (the same data, the same definitions)."""

    def floor(key: str, description: str, statements: Callable[[int], list[Statement]]) -> Floor:
        return Floor(key=key, description=description, statements=statements)

    def ids_of(f: Floor) -> list[int]:
        return [int(r[0]) for r in run_floor(conn, f, 0)[0][:LIST_ROWS]]

    probes: list[Probe] = []
    open_q: dict[str, Any] = {"state": "open", "due_from": p.due_from, "due_to": p.due_to}
    api_q: dict[str, Any] = {
        "state": list(OPEN_STATES),
        "due_after": p.due_from,
        "due_before": p.due_to,
        "limit": LIST_ROWS,
    }
    lists = [
        (
            "list_unit",
            "(1) list: one unit + open + due in quarter",
            True,
            False,
            {"unit": p.focus_id},
            {"unit_id": p.focus_id},
        ),
        ("list_all", "(2) list: all units + open + due in quarter", False, False, {}, {}),
        ("search", f"(3) search {p.search!r}, all units", False, True, {}, {}),
    ]
    for key, title, unit, search, page_extra, api_extra in lists:
        page_floor = floor(
            f"{key}/page",
            # A text search's page shows its rows at once and loads its counts after (the "counts" probe below).
            "rows (50)"
            if search
            else "rows (50) + four-state counts over the same filters (not the filter form's choice lists)",
            lambda _i, unit=unit, search=search: list_statements(p, unit=unit, search=search, page=not search),  # type: ignore[misc]
        )
        api_floor = floor(
            f"{key}/api",
            "rows (50)",
            lambda _i, unit=unit, search=search: list_statements(p, unit=unit, search=search, page=False),  # type: ignore[misc]
        )
        expected = ids_of(api_floor)
        if len(expected) < LIST_ROWS:
            p.warnings.append(f"{key}: the slice holds {len(expected)} rows, fewer than a page of {LIST_ROWS}")
        page_params = {"q": p.search} if search else {**open_q, **page_extra}
        api_params = {"q": p.search, "limit": LIST_ROWS} if search else {**api_q, **api_extra}
        probes.append(
            Probe(key, "page", title, _fixed(f"/nhiem-vu/?{query(page_params)}"), _page_rows(expected), page_floor)
        )
        probes.append(
            Probe(key, "api", title, _fixed(f"/api/v1/tasks?{query(api_params)}"), _api_rows(expected), api_floor)
        )
        if search:
            counts_floor = floor(
                f"{key}/counts",
                "four-state counts of every match",
                lambda _i: list_statements(p, unit=False, search=True, page=True)[1:],
            )
            probes.append(
                Probe(
                    key,
                    "counts",
                    title,
                    _fixed(f"/nhiem-vu/so-luong/?{query(page_params)}"),
                    _dashboard(_counts(run_floor(conn, counts_floor, 0)[0])),
                    counts_floor,
                    note="the search page's count cards, loaded right after its first page (tasks:counts)",
                )
            )

    first_floor = floor(
        "list_first/page",
        "rows (50) + four-state counts of every visible task",
        lambda _i: list_statements(p, unit=False, search=False, page=True, dated=False),
    )
    first = run_floor(conn, first_floor, 0)
    first_rows, first_counts = _page_rows([int(r[0]) for r in first[0][:LIST_ROWS]]), _dashboard(_counts(first[1]))
    probes.append(
        Probe(
            "list_first",
            "page",
            "(2) list as it opens: every task",
            _fixed("/nhiem-vu/"),
            lambda response, i: first_rows(response, i) or first_counts(response, i),
            first_floor,
            note="the list a leader opens from the menu: no filter, ten years of tasks, their four count cards",
        )
    )

    focus_like, city_like = p.focus_path + "%", p.city_path + "%"
    unit_counts = floor(
        "unit_counts/api",
        "four-state counts of the unit's subtree, quarter",
        lambda _i: [counts_statement(p, focus_like)],
    )
    unit_counts_expected = _counts(run_floor(conn, unit_counts, 0)[0])
    unit_page = floor(
        "unit_counts/page",
        "four-state counts of the unit's subtree, tasks due in the quarter; the first 50 of them",
        lambda _i: [
            counts_statement(p, focus_like, spill=False),
            *list_statements(p, unit=True, search=False, page=False, states=()),
        ],
    )
    probes.append(
        Probe(
            "unit_counts",
            "page",
            "(4) one unit's four-state counts",
            _fixed(f"/nhiem-vu/?{query({'unit': p.focus_id, 'due_from': p.due_from, 'due_to': p.due_to})}"),
            _dashboard(_counts(run_floor(conn, unit_page, 0)[0])),
            unit_page,
            note="page = the task list of the unit, tasks due in the quarter: its four count cards and first 50 rows",
        )
    )
    probes.append(
        Probe(
            "unit_counts",
            "api",
            "(4) one unit's four-state counts",
            _fixed(f"/api/v1/stats/tasks?{query({'unit_id': p.focus_id})}"),
            _stats(unit_counts_expected),
            unit_counts,
        )
    )

    city_counts = floor(
        "city_dashboard/api", "four-state counts of the city, quarter", lambda _i: [counts_statement(p, city_like)]
    )
    city_expected = _counts(run_floor(conn, city_counts, 0)[0])
    city_dash = floor(
        "city_dashboard/page",
        "units; lead unit × state × due half-month over 8 quarters; previous quarter by lead unit; 20 most overdue",
        lambda _i: dashboard_statements(p, city_like),
    )
    probes.append(
        Probe(
            "city_dashboard",
            "page",
            "(5) city dashboard + league table",
            _fixed("/tong-hop/"),
            _dashboard(city_expected),
            city_dash,
            note="the leader's default dashboard: the committee, the current regime quarter",
        )
    )
    probes.append(
        Probe(
            "city_dashboard",
            "api",
            "(5) city dashboard",
            _fixed(f"/api/v1/stats/dashboard?{query({'unit_id': p.city_id})}"),
            _dashboard_api(city_expected),
            city_dash,
            note="the same figures as the page: cards, league table with the previous quarter, 12 months, 8 quarters",
        )
    )

    ids = p.detail_ids
    probes.append(
        Probe(
            "task_detail",
            "page",
            "task detail",
            lambda i: f"/nhiem-vu/{ids[i % len(ids)]}/",
            _detail_page,
            floor(
                "task_detail/page",
                "task + joins, coordinating units, officers, timeline, progress updates",
                lambda i: detail_statements(p, ids[i % len(ids)], page=True),
            ),
            note=f"rotating over {len(ids)} tasks with progress updates",
        )
    )
    probes.append(
        Probe(
            "task_detail",
            "api",
            "task detail",
            lambda i: f"/api/v1/tasks/{ids[i % len(ids)]}",
            _detail_api(ids),
            floor(
                "task_detail/api",
                "task + joins, coordinating units, officers",
                lambda i: detail_statements(p, ids[i % len(ids)], page=False),
            ),
            note=f"rotating over {len(ids)} tasks",
        )
    )
    probes.append(
        Probe(
            "city_report",
            "page",
            f"quarterly report {p.quarter_key}, whole city (.docx)",
            _fixed(f"/bao-cao/so-ket-quy/?{query({'unit': p.city_id, 'quarter': p.quarter_key, 'format': 'docx'})}"),
            _docx,
            floor(
                "city_report/page",
                "counts by lead unit; listed rows (done on time, overdue, next quarter); obstacles",
                lambda _i: report_statements(p),
            ),
        )
    )
    return probes
