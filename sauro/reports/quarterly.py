"""The quarterly review report (báo cáo sơ kết quý, PRODUCT §8): a ``.docx`` in the Party document format and an
``.xlsx`` appendix, generated for a person to edit.

**Every figure comes from ``sauro.dashboard.stats``** (report = dashboard): the four-state counts and rates are
``task_stats`` / ``task_stats_by_unit`` for the unit's subtree over the quarter's data cut-off window
(``regime.period(QUARTERLY, …)``: 15th of the month before the quarter → 14th of its last month), as of the
``as_of`` day — by default the cut-off end, or today when the quarter has not ended yet. The appendix's lists are
``period_tasks`` of the same window (done on time, open overdue) and of the next quarter's window, so the number of
rows listed equals the matching count.

The .docx is written as Văn phòng would (issue 17): routine duties (instances of recurring tasks: each agency's
monthly report …) summed up in one sentence with counts ("10/10 cơ quan, đơn vị gửi báo cáo tháng đúng hạn"); the
other tasks weightiest first (marked "trọng tâm"; from the Congress resolution or the standing committee's
conclusions; a larger product) and the same task given to several units (the title without the unit's name) on one
line with the count and the late ones named; before those lists, the general assessment, the causes of what is late
(objective, subjective) and the lessons (issue 20.6, ``reports.narrative``); the overdue tasks in one line (each in
Phụ lục 2) and the obstacles with the proposals the units reported; the next quarter's tasks of the directives,
routine duties in one line; the signature block of the issuing body and "Nơi nhận" (issue 20: both from the unit's
letterhead and the sending body).

Visibility: the report is built for a ``user`` and contains only what that user may see (the selectors' gate).
The ``sauro report quarterly`` command runs as the system: it builds the report with the visibility of a leader
of the unit's committee (``system_reporter``), i.e. the committee-wide view a Ban Thường vụ member has; tasks
classified *mật* appear only if that person is named on them.

Layout (Hướng dẫn 36-HD/VPTW): A4, margins top 20, bottom 20, left 30, right 15 mm, Times New Roman 14. Whatever
names the author comes from the unit's letterhead (``org.selectors.unit_letterhead``, kept by the office on the
unit, with defaults from ``org.letterhead``): a header table with the issuing body (the body above it upright, its
own name bold, in caps — "ĐẢNG BỘ THÀNH PHỐ HUẾ / ĐẢNG ỦY PHƯỜNG PHÚ XUÂN" —, an asterisk, ``Số …-BC/<symbol>``)
on the left and "ĐẢNG CỘNG SẢN VIỆT NAM" (bold, underlined) with the place and date in italics on the right; the
title "BÁO CÁO" and its summary line centred in bold; sections I–IV; "Nơi nhận:" (14 pt upright underlined, the
list 12 pt, by sending body, ending with the copy kept) beside the signature block (authority, title, room to sign,
name). Then, on landscape pages, Phụ lục 1 (the table by unit, a wide name column, the units with nothing in the
period on one line) and Phụ lục 2 (the open overdue tasks by unit: deadline, working days late, progress, reason).
Page numbers centred at the top from page 2.
"""

from __future__ import annotations

import datetime
import io
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol

from django.db.models import Case, IntegerField, Prefetch, Q, Value, When
from docx import Document
from docx.document import Document as DocxDocument
from docx.enum.section import WD_ORIENT, WD_SECTION
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.section import Section
from docx.shared import Mm, Pt
from docx.table import _Cell
from docx.text.paragraph import Paragraph
from docx.text.run import Run
from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter

from sauro.accounts.models import User
from sauro.common import calendar, clock
from sauro.common.excel import safe_cell, sheet_title
from sauro.dashboard.stats import TaskStats, period_tasks, task_stats, task_stats_by_unit, with_progress_on
from sauro.directives.choices import DirectiveKind
from sauro.monitoring.access import obstacles_visible_to
from sauro.monitoring.choices import ObstacleState
from sauro.monitoring.models import Obstacle
from sauro.org.choices import Role, UnitKind
from sauro.org.letterhead import Letterhead, committee_word
from sauro.org.models import Membership, Unit
from sauro.org.selectors import unit_letterhead
from sauro.periods.regime import ROMAN, ReportPeriod, next_quarter, quarter_period
from sauro.reports.narrative import Narrative, read_narrative
from sauro.reports.petitions_figures import quarterly_paragraph
from sauro.tasks.choices import ProductKind, Recurrence, ReportingState, SubmissionOutcome
from sauro.tasks.models import Submission, Task

FONT = "Times New Roman"
BODY_PT = 14
TABLE_PT = 12
PAGE_WIDTH_MM, PAGE_HEIGHT_MM = 210, 297
MARGINS_MM = {"top": 20, "bottom": 20, "left": 30, "right": 15}
PARTY = "ĐẢNG CỘNG SẢN VIỆT NAM"
HEADINGS = (
    "I. KẾT QUẢ THỰC HIỆN",
    "II. HẠN CHẾ, KHÓ KHĂN, VƯỚNG MẮC",
    "III. NHIỆM VỤ TRỌNG TÂM QUÝ TỚI",
    "IV. KIẾN NGHỊ, ĐỀ XUẤT",
)
SUMMARY_HEADERS = (
    "STT",
    "Đơn vị",
    "Tổng số nhiệm vụ",
    "Hoàn thành đúng hạn",
    "Hoàn thành quá hạn",
    "Chưa hoàn thành – trong hạn",
    "Chưa hoàn thành – quá hạn",
    "Thường xuyên",
    "Tỷ lệ đúng hạn (%)",
    "Tỷ lệ hoàn thành (%)",
)
# How many rows each list shows in the .docx (the .xlsx has them all).
DOCX_LIST_LIMIT = 30
# How many of the period's tasks (the weightiest first) the .docx reads to choose its highlights and group the same
# task given to several units: a committee's quarter has a few hundred; a whole city's the first this many.
OUTLINE_READ_LIMIT = 5000

# Routine duties (nhiệm vụ định kỳ): the instances of a recurring task, e.g. each agency's monthly report. The report
# sums them up in one sentence instead of listing them among the results.
ROUTINE = Q(recurrence_template__isnull=False) | ~Q(recurrence=Recurrence.NONE)
# The weight of a task, most important first: marked "trọng tâm"; from the Congress resolution or the standing
# committee's conclusions (then any other directive); a larger product (a scheme, a decision … before a report).
RESOLUTION_KINDS = (DirectiveKind.NQ, DirectiveKind.KL, DirectiveKind.TB)
MAJOR_PRODUCTS = (ProductKind.SCHEME, ProductKind.DECISION, ProductKind.DRAFT_DOCUMENT)
MEDIUM_PRODUCTS = (ProductKind.PLAN, ProductKind.SUBMISSION, ProductKind.CONFERENCE)
ROUTINE_WORDS: dict[str, tuple[str, str]] = {
    Recurrence.MONTHLY: ("báo cáo tháng", "nhiệm vụ định kỳ hằng tháng"),
    Recurrence.QUARTERLY: ("báo cáo quý", "nhiệm vụ định kỳ hằng quý"),
    Recurrence.YEARLY: ("báo cáo năm", "nhiệm vụ định kỳ hằng năm"),
}
LATE_STATES = (ReportingState.DONE_LATE, ReportingState.OPEN_OVERDUE)
LOCAL_KINDS = (UnitKind.WARD, UnitKind.COMMUNE)
COMMITTEE_KINDS = (UnitKind.COMMITTEE, UnitKind.PARTY_COMMITTEE, UnitKind.WARD, UnitKind.COMMUNE)
NAME_PLACEHOLDER = "[Họ và tên]"
PETITIONS_ITEM = "Công tác tiếp công dân, giải quyết đơn thư"
RECIPIENTS_PT = 12
# The appendix pages are landscape: 297 mm less the 30 + 15 mm side margins.
APPENDIX_WIDTH_MM = 252
# Phụ lục 1 (by unit): STT, the unit's name wide enough that no word of a name breaks, eight figure columns.
SUMMARY_WIDTHS_MM = (14, 78, 20, 20, 20, 20, 20, 20, 20, 20)
# The row under "Tổng cộng" of the tables by unit: the part of the total carried over from earlier quarters.
CARRIED_LABEL = "Trong đó: nhiệm vụ kỳ trước chuyển sang"

# Phụ lục 2 (overdue tasks by unit).
OVERDUE_HEADERS = ("STT", "Nhiệm vụ", "Hạn đang áp dụng", "Số ngày làm việc chậm", "Tiến độ (%)", "Lý do")
OVERDUE_WIDTHS_MM = (14, 90, 28, 25, 20, 75)
# How many overdue tasks Phụ lục 2 lists (the .xlsx has them all).
OVERDUE_TABLE_LIMIT = 200

ERR_NO_REPORTER = "Cấp ủy của đơn vị “{unit}” chưa có lãnh đạo đang giữ chức vụ: không lập được báo cáo thay hệ thống."


@dataclass
class UnitRow:
    unit: Unit
    stats: TaskStats
    is_self: bool = False


@dataclass
class ObstacleRow:
    task_title: str
    lead_unit: str
    description: str
    proposal: str
    decider: str
    raised_on: datetime.date
    state: str
    answer: str


@dataclass
class RoutineRow:
    """The routine duties of one kind (monthly reports …) in the period: how many units did them all on time."""

    recurrence: str
    is_report: bool
    units: int
    units_on_time: int
    done_on_time: int
    total: int
    late_units: list[str]
    overdue: int = 0

    def sentence(self) -> str:
        report_word, duty_word = ROUTINE_WORDS.get(self.recurrence, ("báo cáo định kỳ", "nhiệm vụ định kỳ"))
        if self.is_report:
            text = (
                f"{self.units_on_time}/{self.units} cơ quan, đơn vị gửi {report_word} đúng hạn "
                f"({self.done_on_time}/{self.total} báo cáo"
            )
        else:
            text = (
                f"{self.units_on_time}/{self.units} cơ quan, đơn vị thực hiện đúng hạn {duty_word} "
                f"({self.done_on_time}/{self.total} lượt"
            )
        return text + (f"; chậm: {', '.join(self.late_units)})" if self.late_units else ")")


@dataclass
class TaskGroup:
    """One line of the report: a task, or the same task given to several units (one per commune …)."""

    title: str
    tasks: list[Task]

    @property
    def is_single(self) -> bool:
        return len(self.tasks) == 1

    @property
    def first(self) -> Task:
        return self.tasks[0]

    def with_state(self, *states: str) -> list[Task]:
        return [t for t in self.tasks if getattr(t, "reporting_state", None) in states]

    def unit_word(self) -> str:
        local = all(t.lead_unit is not None and t.lead_unit.kind in LOCAL_KINDS for t in self.tasks)
        return "đảng ủy xã, phường" if local else "cơ quan, đơn vị"


@dataclass
class QuarterlyData:
    unit: Unit
    period: ReportPeriod
    next_period: ReportPeriod
    as_of: datetime.date
    issued_on: datetime.date
    stats: TaskStats
    by_unit: list[UnitRow]
    done_on_time: list[Task]
    overdue: list[Task]
    next_tasks: list[Task]
    obstacles: list[ObstacleRow]
    open_proposals: list[ObstacleRow] = field(default_factory=list)
    # The .docx's outline: routine duties summed up, the other tasks weightiest first and grouped across units.
    routine: list[RoutineRow] = field(default_factory=list)
    groups: list[TaskGroup] = field(default_factory=list)
    next_groups: list[TaskGroup] = field(default_factory=list)
    # How many rows each list has in all: more than the list holds when ``collect`` was given a limit.
    counts: dict[str, int] = field(default_factory=dict)
    # How the unit's documents show their author (header lines, symbol, place, signer; ``org.letterhead``).
    letterhead: Letterhead | None = None
    # What a leader reads before the lists: the assessment, the causes of what is late, the lessons (issue 20.6).
    narrative: Narrative | None = None
    # The item "tiếp dân, giải quyết đơn thư" of section I (``petitions_figures.quarterly_paragraph``; empty: none).
    petitions: str = ""

    def count(self, name: str) -> int:
        """The number of rows of list ``name`` (``"overdue"`` …), however many were read."""
        return self.counts.get(name, len(getattr(self, name)))


# --- figures ---------------------------------------------------------------------------------------------------------


def fmt_rate(value: float | None) -> str:
    """``85,7`` (Vietnamese decimal comma); ``–`` when there is nothing to rate."""
    return "–" if value is None else f"{value:.1f}".replace(".", ",")


def fmt_day(day: datetime.date) -> str:
    return f"{day:%d/%m/%Y}"


def place_date(place: str, day: datetime.date) -> str:
    """``Huế, ngày 05 tháng 02 năm 2026``: days below 10 and months below 3 with a leading zero (36-HD/VPTW)."""
    d = f"{day.day:02d}" if day.day < 10 else str(day.day)
    m = f"{day.month:02d}" if day.month < 3 else str(day.month)
    return f"{place}, ngày {d} tháng {m} năm {day.year}"


def committee_of(unit: Unit) -> Unit:
    root_id = int(unit.path.strip("/").split("/")[0])
    return unit if root_id == unit.pk else Unit.objects.get(pk=root_id)


def system_reporter(unit: Unit) -> User:
    """Whom the command reports as: the first active leader of the unit's committee (the committee-wide view of a
    Ban Thường vụ member), else its first active monitor. ``LookupError`` when it has neither."""
    committee = committee_of(unit)
    today = clock.today()
    for role in (Role.LEADER, Role.MONITOR):
        m = (
            Membership.objects.active_on(today)
            .filter(
                role=role, unit__path__startswith=committee.path, person__is_active=True, unit__valid_to__isnull=True
            )
            .select_related("person")
            .order_by("id")
            .first()
        )
        if m is not None:
            return m.person
    raise LookupError(ERR_NO_REPORTER.format(unit=unit.name))


def _approved_products() -> Prefetch:
    return Prefetch(
        "submissions",
        queryset=Submission.objects.filter(outcome=SubmissionOutcome.APPROVED).order_by("-submitted_on", "-id"),
        to_attr="approved_products",
    )


def collect(
    *,
    user: User,
    unit: Unit,
    quarter: str,
    as_of: datetime.date | None = None,
    limit: int | None = None,
    lists: bool = True,
    outline: bool = True,
) -> QuarterlyData:
    """Everything the report shows, read through the dashboard's statistics and the selectors' gates. With
    ``limit``, each list holds its first ``limit`` rows only and ``QuarterlyData.count`` tells how many there are
    (the .docx prints 30 of each; a whole city's quarter has tens of thousands). ``lists``: the task lists of the
    appendix (.xlsx); ``outline``: the routine duties, the weighed and grouped tasks the .docx writes."""
    counts: dict[str, int] = {}

    def head(name: str, qs: Any, known: int | None = None) -> list[Any]:
        if limit is None:
            return list(qs)
        rows = list(qs[:limit])
        counts[name] = len(rows) if len(rows) < limit else (known if known is not None else qs.count())
        return rows

    p = quarter_period(quarter)
    nxt = next_quarter(p)
    # The data cut-off: the quarter's last day, or the day the report is dated when earlier (today by default).
    day = min(as_of or clock.today(), p.cutoff_end)
    window = {"user": user, "start": p.cutoff_start, "end": p.cutoff_end, "as_of": day}
    stats = task_stats(unit_id=unit.pk, **window)  # type: ignore[arg-type]
    by_unit = [
        UnitRow(u, s, is_self=u.pk == unit.pk)
        for u, s in task_stats_by_unit(parent_unit_id=unit.pk, **window)  # type: ignore[arg-type]
    ]
    # Each task's progress as it was on the cut-off day (``progress_at``), not today's.
    tasks = with_progress_on(period_tasks(unit_id=unit.pk, **window), day).select_related("lead_unit")  # type: ignore[arg-type]
    cal = calendar.current_calendar()  # once: each module-level call checks the override table again
    done: list[Task] = []
    overdue: list[Task] = []
    next_tasks: list[Task] = []
    if lists:
        done = head(
            "done_on_time",
            tasks.filter(reporting_state=ReportingState.DONE_ON_TIME)  # type: ignore[misc]  # an annotation
            .prefetch_related(_approved_products())
            .order_by("completed_on", "id"),
            stats.done_on_time,
        )
        overdue_qs = tasks.filter(reporting_state=ReportingState.OPEN_OVERDUE)  # type: ignore[misc]  # an annotation
        overdue = head("overdue", overdue_qs.order_by("deadline_at", "due_date", "id"), stats.open_overdue)  # type: ignore[misc]
        for t in overdue:
            t.days_late = cal.working_days_between(t.deadline_at, day)  # type: ignore[attr-defined]
            t.progress = t.progress_at  # type: ignore[attr-defined]  # as of the cut-off
        next_tasks = head(
            "next_tasks",
            period_tasks(user=user, unit_id=unit.pk, start=nxt.cutoff_start, end=nxt.cutoff_end, as_of=day)
            .filter(reporting_state__in=[ReportingState.OPEN_ON_TIME, ReportingState.OPEN_OVERDUE])  # type: ignore[misc]
            .select_related("lead_unit")
            .order_by("due_date", "id"),
        )
    routine: list[RoutineRow] = []
    groups: list[TaskGroup] = []
    next_groups: list[TaskGroup] = []
    if outline:
        routine = routine_rows(
            list(
                tasks.filter(ROUTINE)
                .exclude(reporting_state=ReportingState.ONGOING)  # type: ignore[misc]  # an annotation
                .values_list("recurrence_template__recurrence", "product_kind", "lead_unit__name", "reporting_state")
            )
        )
        weighed = (
            tasks.exclude(ROUTINE)
            .exclude(reporting_state=ReportingState.ONGOING)  # type: ignore[misc]  # an annotation
            .prefetch_related(
                _approved_products(),
                Prefetch(
                    "obstacles",
                    queryset=obstacles_visible_to(user).order_by("raised_on", "id"),
                    to_attr="known_obstacles",
                ),
            )
            .order_by(*weight_order())
        )
        groups = group_tasks(list(weighed[:OUTLINE_READ_LIMIT]))
        for g in groups:
            for t in g.tasks:
                t.progress = t.progress_at  # type: ignore[attr-defined]  # as of the cut-off
            for t in g.with_state(ReportingState.OPEN_OVERDUE):
                t.days_late = cal.working_days_between(t.deadline_at, day)  # type: ignore[attr-defined]
        next_weighed = (
            period_tasks(user=user, unit_id=unit.pk, start=nxt.cutoff_start, end=nxt.cutoff_end, as_of=day)
            .exclude(ROUTINE)
            .filter(reporting_state__in=[ReportingState.OPEN_ON_TIME, ReportingState.OPEN_OVERDUE])  # type: ignore[misc]
            .select_related("lead_unit")
            .order_by(*weight_order())
        )
        next_groups = group_tasks(list(next_weighed[:OUTLINE_READ_LIMIT]))
    # Open on the cut-off day: not answered yet, or answered after it (the list of a past quarter does not change).
    open_then = Q(state=ObstacleState.OPEN) | Q(answered_on__gt=day)
    obstacle_qs = (
        obstacles_visible_to(user)
        .filter(lead_unit__path__startswith=unit.path, raised_on__lte=day)
        .filter(Q(raised_on__gte=p.cutoff_start) | open_then)
        .select_related("task", "lead_unit", "decider_unit")
        .order_by("raised_on", "id")
    )
    obstacles = [_obstacle_row(o, day) for o in head("obstacles", obstacle_qs)]
    if limit is None:
        open_proposals = [o for o in obstacles if o.state == ObstacleState.OPEN]
    else:
        open_proposals = [_obstacle_row(o, day) for o in head("open_proposals", obstacle_qs.filter(open_then))]
    data = QuarterlyData(
        unit=unit,
        period=p,
        next_period=nxt,
        as_of=day,
        issued_on=as_of or clock.today(),  # the day the user dated the report (today by default)
        stats=stats,
        by_unit=by_unit,
        done_on_time=done,
        overdue=overdue,
        next_tasks=next_tasks,
        obstacles=obstacles,
        open_proposals=open_proposals,
        routine=routine,
        groups=groups,
        next_groups=next_groups,
        counts=counts,
        letterhead=unit_letterhead(unit),
        petitions=quarterly_paragraph(user=user, unit=unit, period=p, as_of=day) if outline else "",
    )
    if outline:
        late = [t for g in groups for t in g.with_state(*LATE_STATES)]
        data.narrative = read_narrative(
            user=user, unit=unit, report_period=p, stats=stats, by_unit=by_unit, late_tasks=late, as_of=day
        )
    return data


def _obstacle_row(o: Obstacle, day: datetime.date) -> ObstacleRow:
    answered = o.state == ObstacleState.ANSWERED and o.answered_on is not None and o.answered_on <= day
    return ObstacleRow(
        task_title=o.task.title,
        lead_unit=o.lead_unit.name if o.lead_unit else "",
        description=o.description,
        proposal=o.proposal,
        decider=o.decider_unit.name if o.decider_unit else "",
        raised_on=o.raised_on,
        state=ObstacleState.ANSWERED if answered else ObstacleState.OPEN,
        answer=o.answer if answered else "",
    )


def product_of(task: Task) -> str:
    """The product of a task done: its accepted submission (note and reference), else the expected product."""
    approved = getattr(task, "approved_products", None)
    if approved:
        s = approved[0]
        return f"{s.note} ({s.ref})" if s.ref else s.note
    return task.product_description


def clause(text: str) -> str:
    """Free text as a clause inside a sentence: trimmed, without its own final punctuation."""
    return " ".join(text.split()).rstrip(" .;,")


def sentence(text: str) -> str:
    """Free text ending a sentence: one full stop, never two ("… kiến nghị." → "… kiến nghị.")."""
    body = clause(text)
    return body if body.endswith(("…", "?", "!")) else f"{body}."


def lower_first(text: str) -> str:
    """``Quý I năm 2027`` → ``quý I năm 2027`` (``str.lower`` would write "quý i")."""
    return text[:1].lower() + text[1:]


def weight_order() -> list[Any]:
    """The order of the weightiest tasks first (see ``RESOLUTION_KINDS`` …), as SQL."""
    source = Case(
        When(directive__kind__in=RESOLUTION_KINDS, then=Value(0)),
        When(directive__isnull=False, then=Value(1)),
        default=Value(2),
        output_field=IntegerField(),
    )
    product = Case(
        When(product_kind__in=MAJOR_PRODUCTS, then=Value(0)),
        When(product_kind__in=MEDIUM_PRODUCTS, then=Value(1)),
        default=Value(2),
        output_field=IntegerField(),
    )
    return ["-is_focus", source.asc(), product.asc(), "due_date", "id"]


def _unit_variants(unit: Unit) -> list[str]:
    """How a title may name its lead unit: "Đảng ủy phường An Cựu", "phường An Cựu", "Phường An Cựu" …"""
    names = [unit.name]
    for prefix in ("Đảng ủy ", "Đảng bộ "):
        if unit.name.startswith(prefix):
            names.append(unit.name[len(prefix) :])
    return sorted({n for n in names if n}, key=len, reverse=True)


def _title_key(task: Task) -> tuple[str, str]:
    """The title with the lead unit's name taken out (what is the same across units), and that title for display
    with the units named in general."""
    title = " ".join(task.title.split())
    if task.lead_unit is None:
        return title.casefold(), title
    folded = title.casefold()
    for name in _unit_variants(task.lead_unit):
        at = folded.find(name.casefold())
        if at >= 0:
            general = "các xã, phường" if task.lead_unit.kind in LOCAL_KINDS else "các cơ quan, đơn vị"
            key = (title[:at] + "\x00" + title[at + len(name) :]).casefold()
            return key, title[:at] + general + title[at + len(name) :]
    return folded, title


def group_tasks(tasks: Sequence[Task]) -> list[TaskGroup]:
    """Tasks (weightiest first) into lines: the same task given to several units — the same title once the unit's
    name is taken out — is one line, placed where its weightiest task was."""
    groups: dict[str, TaskGroup] = {}
    for task in tasks:
        key, general = _title_key(task)
        group = groups.get(key)
        if group is None:
            groups[key] = TaskGroup(title=task.title, tasks=[task])
        else:
            group.tasks.append(task)
            group.title = general
    return list(groups.values())


def routine_rows(rows: Sequence[tuple[str, str, str, str]]) -> list[RoutineRow]:
    """``(recurrence, product_kind, lead unit name, reporting_state)`` of each routine duty → one row per kind."""
    kinds: dict[tuple[str, bool], dict[str, list[str]]] = {}
    for recurrence, product_kind, unit_name, state in rows:
        by_unit = kinds.setdefault((recurrence or Recurrence.MONTHLY, product_kind == ProductKind.REPORT), {})
        by_unit.setdefault(unit_name, []).append(state)
    out = []
    for (recurrence, is_report), by_unit in kinds.items():
        late = sorted(name for name, states in by_unit.items() if any(st in LATE_STATES for st in states))
        out.append(
            RoutineRow(
                recurrence=recurrence,
                is_report=is_report,
                units=len(by_unit),
                units_on_time=len(by_unit) - len(late),
                done_on_time=sum(st == ReportingState.DONE_ON_TIME for states in by_unit.values() for st in states),
                total=sum(len(states) for states in by_unit.values()),
                late_units=late,
                overdue=sum(st == ReportingState.OPEN_OVERDUE for states in by_unit.values() for st in states),
            )
        )
    order: list[str] = list(ROUTINE_WORDS)
    return sorted(out, key=lambda r: (order.index(r.recurrence) if r.recurrence in order else 9, not r.is_report))


def late_text(days: int) -> str:
    """``chậm 3 ngày làm việc``; ``đã quá hạn`` when no working day has passed since (a weekend)."""
    return f"chậm {days} ngày làm việc" if days > 0 else "đã quá hạn"


def title_line(data: QuarterlyData) -> str:
    p, n = data.period, data.next_period
    return (
        f"Sơ kết công tác quý {ROMAN[p.number]} năm {p.year} và nhiệm vụ trọng tâm quý {ROMAN[n.number]} năm {n.year}"
    )


def stat_values(s: TaskStats) -> list[object]:
    return [s.total, s.done_on_time, s.done_late, s.open_on_time, s.open_overdue, s.ongoing]


def _names(tasks: Sequence[Task], *, days: bool = False) -> str:
    parts = []
    for t in tasks:
        name = t.lead_unit.name if t.lead_unit else ""
        parts.append(f"{name} ({late_text(t.days_late)})" if days else name)  # type: ignore[attr-defined]
    return ", ".join(parts)


def highlight_line(g: TaskGroup) -> str:
    if g.is_single:
        t = g.first
        lead = t.lead_unit.name if t.lead_unit else ""
        when = f", hoàn thành ngày {fmt_day(t.completed_on)}" if t.completed_on else ""
        product = product_of(t)
        return f"- {t.title} ({lead}{when})." + (f" Sản phẩm: {sentence(product)}" if clause(product) else "")
    on_time = g.with_state(ReportingState.DONE_ON_TIME)
    late = g.with_state(*LATE_STATES)
    line = f"- {g.title}: {len(on_time)}/{len(g.tasks)} {g.unit_word()} hoàn thành đúng hạn"
    return line + (f"; chậm: {_names(late)}." if late else ".")


def next_line(g: TaskGroup) -> str:
    t = g.first
    if g.is_single:
        lead = t.lead_unit.name if t.lead_unit else ""
        due = f"; hạn {fmt_day(t.due_date)}" if t.due_date else ""
        product = f"; sản phẩm: {clause(t.product_description)}" if clause(t.product_description) else ""
        return f"- {t.title} ({lead}{due}{product})."
    dues = sorted({x.due_date for x in g.tasks if x.due_date})
    due = ""
    if len(dues) == 1:
        due = f"; hạn {fmt_day(dues[0])}"
    elif dues:
        due = f"; hạn chậm nhất {fmt_day(dues[-1])}"
    return f"- {g.title} ({len(g.tasks)} {g.unit_word()}{due})."


class Issued(Protocol):
    """What the header and the closing of a report in the Party format read (the quarterly report's data, the
    petitions report's): the issuing unit, its letterhead (``None``: the unit's as kept now), the day of issue."""

    unit: Unit
    issued_on: datetime.date
    letterhead: Letterhead | None


def letterhead_of(data: Issued) -> Letterhead:
    return data.letterhead or unit_letterhead(data.unit)


def signature(letterhead: Letterhead) -> list[str]:
    """The signature block (Hướng dẫn 36-HD/VPTW), one line each: the authority ("T/M BAN THƯỜNG VỤ", "K/T TRƯỞNG
    BAN", none when the head signs in their own name), the signer's title ("BÍ THƯ", "PHÓ TRƯỞNG BAN"), four empty
    lines to sign in, the name (a placeholder while the unit has none)."""
    lines = [letterhead.signer_on_behalf.upper()] if letterhead.signer_on_behalf else []
    return [*lines, letterhead.signer_title.upper(), "", "", "", "", letterhead.signer_name or NAME_PLACEHOLDER]


# The report kinds whose "Nơi nhận" differ: the quarterly work report, the petitions report (petitions_report).
QUARTERLY, PETITIONS = "quarterly", "petitions"


def recipients(unit: Unit, letterhead: Letterhead, kind: str = QUARTERLY) -> list[str]:
    """ "Nơi nhận" of a report, by its kind and the body that sends it. Never the sender itself; the last line is the
    copy kept ("- Lưu Văn phòng Thành ủy.", "- Lưu Văn phòng Đảng ủy.").

    The quarterly report: a root committee reports to the Party's Central Office and informs its committee members,
    agencies and Party committees; a ward's, a commune's or a Party committee's report goes to the city's Ban Thường
    vụ and Văn phòng and to its own members and cells; an agency's to the city's Thường trực and Văn phòng.

    The petitions report (tiếp công dân, đơn thư): to the bodies that follow citizens' reception and denunciations —
    a root committee to the Central Internal Affairs Commission (Ban Nội chính Trung ương), its Thường trực, its
    Inspection Commission and its own Ban Nội chính; a ward or an agency to the city's Thường trực, Ban Nội chính and
    Inspection Commission (a ward informs its own members too)."""
    short = committee_word(committee_of(unit).name)
    if kind == PETITIONS:
        if unit.parent_id is None:
            names = [
                "Ban Nội chính Trung ương (để báo cáo)",
                f"Thường trực {short}",
                f"Ủy ban Kiểm tra {short}",
                f"Ban Nội chính {short}",
            ]
        else:
            names = [f"Thường trực {short} (để báo cáo)", f"Ban Nội chính {short}", f"Ủy ban Kiểm tra {short}"]
            if unit.kind in COMMITTEE_KINDS:
                names.append("Các đồng chí đảng ủy viên")
    elif unit.parent_id is None:
        names = [
            "Văn phòng Trung ương Đảng (để báo cáo)",
            "Các đồng chí Ủy viên Ban Chấp hành Đảng bộ",
            f"Các cơ quan tham mưu, giúp việc {short}",
            "Các đảng ủy trực thuộc",
        ]
    elif unit.kind in COMMITTEE_KINDS:
        names = [
            f"Ban Thường vụ {short} (để báo cáo)",
            f"Văn phòng {short} (để tổng hợp)",
            "Các đồng chí đảng ủy viên",
            "Các chi bộ trực thuộc",
        ]
    else:
        names = [f"Thường trực {short} (để báo cáo)", f"Văn phòng {short} (để tổng hợp)"]
    names = [n for n in names if n.split(" (")[0] != unit.name]
    return [f"- {n}," for n in names] + [f"- Lưu {letterhead.archive or unit.name}."]


# --- .docx -----------------------------------------------------------------------------------------------------------


def _set_fonts(element_rpr_parent: object, size: float) -> None:
    """Times New Roman for every script range (ascii, hAnsi, eastAsia, cs) of a run or style."""
    rpr = element_rpr_parent.get_or_add_rPr()  # type: ignore[attr-defined]
    fonts = rpr.find(qn("w:rFonts"))
    if fonts is None:
        fonts = OxmlElement("w:rFonts")
        rpr.insert(0, fonts)
    for attr in ("w:ascii", "w:hAnsi", "w:eastAsia", "w:cs"):
        fonts.set(qn(attr), FONT)
    for attr in ("w:asciiTheme", "w:hAnsiTheme", "w:eastAsiaTheme", "w:cstheme"):
        if fonts.get(qn(attr)) is not None:
            del fonts.attrib[qn(attr)]


def _run(
    paragraph: Paragraph,
    text: str,
    *,
    bold: bool = False,
    italic: bool = False,
    underline: bool = False,
    size: float = BODY_PT,
) -> Run:
    run = paragraph.add_run(text)
    run.font.name = FONT
    run.font.size = Pt(size)
    run.bold = bold
    run.italic = italic
    run.underline = underline
    _set_fonts(run._element, size)
    return run


def _para(
    container: DocxDocument | _Cell,
    text: str = "",
    *,
    align: WD_ALIGN_PARAGRAPH | None = WD_ALIGN_PARAGRAPH.JUSTIFY,
    bold: bool = False,
    italic: bool = False,
    underline: bool = False,
    size: float = BODY_PT,
    indent: bool = True,
) -> Paragraph:
    paragraph = container.add_paragraph()
    paragraph.alignment = align
    fmt = paragraph.paragraph_format
    fmt.space_before = Pt(0)
    fmt.space_after = Pt(6 if size == BODY_PT else 0)
    if indent and align == WD_ALIGN_PARAGRAPH.JUSTIFY:
        fmt.first_line_indent = Mm(12.7)
    if text:
        _run(paragraph, text, bold=bold, italic=italic, underline=underline, size=size)
    return paragraph


def _cell_text(
    cell: _Cell,
    text: str,
    *,
    bold: bool = False,
    italic: bool = False,
    underline: bool = False,
    size: float = TABLE_PT,
    align: WD_ALIGN_PARAGRAPH = WD_ALIGN_PARAGRAPH.CENTER,
    first: bool = False,
) -> Paragraph:
    paragraph = cell.paragraphs[0] if first else cell.add_paragraph()
    paragraph.alignment = align
    paragraph.paragraph_format.space_after = Pt(0)
    _run(paragraph, text, bold=bold, italic=italic, underline=underline, size=size)
    return paragraph


def _table_borders(table: object) -> None:
    """Thin single borders on every cell of a data table (the default table style has none)."""
    tbl_pr = table._tbl.tblPr  # type: ignore[attr-defined]
    borders = OxmlElement("w:tblBorders")
    for edge in ("top", "left", "bottom", "right", "insideH", "insideV"):
        el = OxmlElement(f"w:{edge}")
        el.set(qn("w:val"), "single")
        el.set(qn("w:sz"), "4")
        el.set(qn("w:space"), "0")
        el.set(qn("w:color"), "000000")
        borders.append(el)
    tbl_pr.append(borders)


def _setup(document: DocxDocument) -> None:
    section = document.sections[0]
    section.page_width = Mm(PAGE_WIDTH_MM)
    section.page_height = Mm(PAGE_HEIGHT_MM)
    section.top_margin = Mm(MARGINS_MM["top"])
    section.bottom_margin = Mm(MARGINS_MM["bottom"])
    section.left_margin = Mm(MARGINS_MM["left"])
    section.right_margin = Mm(MARGINS_MM["right"])
    normal = document.styles["Normal"]
    normal.font.name = FONT
    normal.font.size = Pt(BODY_PT)
    _set_fonts(normal.element, BODY_PT)
    core = document.core_properties
    core.author = "Sáu Rõ"
    core.language = "vi-VN"


def _header(document: DocxDocument, data: Issued) -> None:
    """The issuing body (the body above it upright, its own name bold, both upper case; an asterisk; ``Số …-BC/…``)
    on the left; "ĐẢNG CỘNG SẢN VIỆT NAM" and the place and date on the right (Hướng dẫn 36-HD/VPTW)."""
    letterhead = letterhead_of(data)
    table = document.add_table(rows=1, cols=2)
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    _column_widths(table, (75, 90))
    left, right = table.rows[0].cells
    lines = letterhead.lines
    for i, line in enumerate(lines):
        _cell_text(left, line, bold=i == len(lines) - 1, size=BODY_PT, first=i == 0)
    _cell_text(left, "*", size=BODY_PT)
    _cell_text(left, f"Số       -BC/{letterhead.symbol}", size=BODY_PT)
    _cell_text(right, PARTY, bold=True, underline=True, size=15, first=True)
    _cell_text(right, "", size=BODY_PT)
    _cell_text(
        right,
        place_date(letterhead.place, data.issued_on),
        italic=True,
        size=BODY_PT,
        align=WD_ALIGN_PARAGRAPH.RIGHT,
    )


def _closing(document: DocxDocument, data: Issued, kind: str = QUARTERLY) -> None:
    """Recipients left (``recipients`` of the report's ``kind``), signature right (Hướng dẫn 36-HD/VPTW: "Nơi nhận:"
    14 pt upright underlined, the list 12 pt; the authority and title bold upper case, room to sign, the name bold)."""
    letterhead = letterhead_of(data)
    _para(document, "")
    closing = document.add_table(rows=1, cols=2)
    _column_widths(closing, (95, 70))
    left, right = closing.rows[0].cells
    _cell_text(left, "Nơi nhận:", underline=True, size=BODY_PT, align=WD_ALIGN_PARAGRAPH.LEFT, first=True)
    for line in recipients(data.unit, letterhead, kind):
        _cell_text(left, line, size=RECIPIENTS_PT, align=WD_ALIGN_PARAGRAPH.LEFT)
    for i, line in enumerate(signature(letterhead)):
        _cell_text(right, line, bold=bool(line), size=BODY_PT, first=i == 0)


def _page_numbers(document: DocxDocument) -> None:
    """The page number centred at the top from page 2 on (Hướng dẫn 36-HD/VPTW): a PAGE field in the header, the
    first page's header left empty ("different first page", ``w:titlePg``). The appendix's landscape section
    continues the numbering with the same header."""
    first = document.sections[0]
    first.different_first_page_header_footer = True
    paragraph = first.header.paragraphs[0]
    paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
    run = _run(paragraph, "")
    for kind, text in (("begin", None), (None, " PAGE "), ("separate", None), (None, "2"), ("end", None)):
        if kind is not None:
            element = OxmlElement("w:fldChar")
            element.set(qn("w:fldCharType"), kind)
        elif text == " PAGE ":
            element = OxmlElement("w:instrText")
            element.set(qn("xml:space"), "preserve")
            element.text = text
        else:
            element = OxmlElement("w:t")
            element.text = text
        run._element.append(element)
    first.first_page_header.paragraphs[0].text = ""
    for section in document.sections[1:]:
        section.different_first_page_header_footer = False
        section.header.is_linked_to_previous = True


def _landscape_section(document: DocxDocument) -> Section:
    section = document.add_section(WD_SECTION.NEW_PAGE)
    section.orientation = WD_ORIENT.LANDSCAPE
    section.page_width, section.page_height = Mm(PAGE_HEIGHT_MM), Mm(PAGE_WIDTH_MM)
    section.top_margin = Mm(MARGINS_MM["top"])
    section.bottom_margin = Mm(MARGINS_MM["bottom"])
    section.left_margin = Mm(MARGINS_MM["left"])
    section.right_margin = Mm(MARGINS_MM["right"])
    return section


def _column_widths(table: Any, widths_mm: Sequence[float]) -> None:
    """Fixed column widths (the grid, which LibreOffice reads, and every cell, which Word reads)."""
    table.autofit = False
    tbl_pr = table._tbl.tblPr
    layout = OxmlElement("w:tblLayout")
    layout.set(qn("w:type"), "fixed")
    tbl_pr.append(layout)
    for column, width in zip(table.columns, widths_mm, strict=True):
        column.width = Mm(width)
    for row in table.rows:
        for cell, width in zip(row.cells, widths_mm, strict=True):
            cell.width = Mm(width)


@dataclass
class SpanRow:
    """A row of a data table written across every column but the first: a unit's name over its tasks, or the units
    folded into one line."""

    text: str
    bold: bool = False
    number: object = ""


def _data_table(
    document: DocxDocument,
    headers: Sequence[str],
    rows: Sequence[Sequence[object] | SpanRow],
    bold_rows: Sequence[int] = (),
    widths_mm: Sequence[float] | None = None,
    left_columns: Sequence[int] = (1,),
) -> Any:
    table = document.add_table(rows=1, cols=len(headers))
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    _table_borders(table)
    for cell, header in zip(table.rows[0].cells, headers, strict=True):
        _cell_text(cell, header, bold=True, first=True)
    _repeat_header(table.rows[0])
    for index, values in enumerate(rows):
        cells = table.add_row().cells
        if isinstance(values, SpanRow):
            _cell_text(cells[0], str(values.number), bold=values.bold, first=True)
            merged = cells[1].merge(cells[-1])
            _cell_text(merged, values.text, bold=values.bold, align=WD_ALIGN_PARAGRAPH.LEFT, first=True)
            continue
        for col, (cell, value) in enumerate(zip(cells, values, strict=True)):
            align = WD_ALIGN_PARAGRAPH.LEFT if col in left_columns else WD_ALIGN_PARAGRAPH.CENTER
            _cell_text(cell, str(value), bold=index in bold_rows, align=align, first=True)
    if widths_mm is not None:
        _column_widths(table, widths_mm)
    return table


def _repeat_header(row: Any) -> None:
    """The header row repeated at the top of every page the table runs over."""
    tr_pr = row._tr.get_or_add_trPr()
    header = OxmlElement("w:tblHeader")
    header.set(qn("w:val"), "true")
    tr_pr.append(header)


def summary_rows(data: QuarterlyData) -> list[list[object]]:
    """One row per child unit (and the unit's own tasks), then the unit's whole subtree as "Tổng cộng"."""
    rows: list[list[object]] = []
    for i, row in enumerate(data.by_unit, start=1):
        name = f"{row.unit.name} (nhiệm vụ trực tiếp)" if row.is_self else row.unit.name
        s = row.stats
        rows.append([i, name, *stat_values(s), fmt_rate(s.on_time_rate), fmt_rate(s.completion_rate)])
    s = data.stats
    rows.append(
        ["", f"Tổng cộng: {data.unit.name}", *stat_values(s), fmt_rate(s.on_time_rate), fmt_rate(s.completion_rate)]
    )
    rows.extend(carried_rows(data))
    return rows


def carried_rows(data: QuarterlyData) -> list[list[object]]:
    """The tasks of earlier quarters carried into this one (due before it, not done before it), part of the total
    and shown apart below it (issue 20): no row when there are none."""
    c = data.stats.carried
    if not c.total:
        return []
    label = CARRIED_LABEL
    return [["", label, *stat_values(c)[:-1], "", fmt_rate(c.on_time_rate), fmt_rate(c.completion_rate)]]


def is_idle(row: UnitRow) -> bool:
    """A unit with nothing in the period: no task with a deadline in it and no ongoing task."""
    return row.stats.total == 0 and row.stats.ongoing == 0


def appendix_summary_rows(data: QuarterlyData) -> list[list[object] | SpanRow]:
    """Phụ lục 1's rows: the units with something in the period, numbered; the units with nothing folded into one
    line that names them; "Tổng cộng" last."""
    rows: list[list[object] | SpanRow] = []
    idle: list[str] = []
    number = 0
    for row in data.by_unit:
        name = f"{row.unit.name} (nhiệm vụ trực tiếp)" if row.is_self else row.unit.name
        if is_idle(row):
            idle.append(name)
            continue
        number += 1
        s = row.stats
        rows.append([number, name, *stat_values(s), fmt_rate(s.on_time_rate), fmt_rate(s.completion_rate)])
    if idle:
        rows.append(SpanRow(f"{len(idle)} cơ quan, đơn vị không có nhiệm vụ trong kỳ: {', '.join(idle)}.", number="–"))
    s = data.stats
    rows.append(
        ["", f"Tổng cộng: {data.unit.name}", *stat_values(s), fmt_rate(s.on_time_rate), fmt_rate(s.completion_rate)]
    )
    rows.extend(carried_rows(data))
    return rows


def overdue_by_unit(data: QuarterlyData) -> list[tuple[str, list[Task]]]:
    """The open overdue tasks the .docx read (``groups``; routine duties are counted apart) by lead unit, in the
    order of the units' rows (``by_unit``), then by deadline."""
    order = {row.unit.path: i for i, row in enumerate(data.by_unit)}

    def rank(unit: Unit | None) -> tuple[int, str]:
        if unit is None:
            return (len(order), "")
        for path, i in order.items():
            if unit.path.startswith(path) and (path != data.unit.path or unit.pk == data.unit.pk):
                return (i, unit.path)
        return (len(order), unit.path)

    tasks = [t for g in data.groups for t in g.with_state(ReportingState.OPEN_OVERDUE)]
    by_unit: dict[int | None, list[Task]] = {}
    for t in tasks:
        by_unit.setdefault(t.lead_unit_id, []).append(t)
    units = sorted(by_unit.values(), key=lambda ts: rank(ts[0].lead_unit))
    return [
        (
            ts[0].lead_unit.name if ts[0].lead_unit else "",
            sorted(ts, key=lambda t: (t.deadline_at or datetime.date.max, t.pk)),  # type: ignore[attr-defined]
        )
        for ts in units
    ]


def reason_of(task: Task) -> str:
    """The obstacles the unit reported on ``task`` as its reason for being late, each said once."""
    reasons: list[str] = []
    for o in getattr(task, "known_obstacles", []):
        if clause(o.description) and clause(o.description) not in reasons:
            reasons.append(clause(o.description))
    return "; ".join(reasons) + "." if reasons else "Đơn vị chưa báo cáo lý do."


def appendix_overdue_rows(data: QuarterlyData) -> tuple[list[list[object] | SpanRow], int]:
    """Phụ lục 2's rows: each lead unit's name, then its overdue tasks (task, deadline, working days late, progress,
    reason); at most ``OVERDUE_TABLE_LIMIT`` tasks, and how many more there are."""
    rows: list[list[object] | SpanRow] = []
    shown = total = 0
    for name, tasks in overdue_by_unit(data):
        total += len(tasks)
        room = OVERDUE_TABLE_LIMIT - shown
        if room <= 0:
            continue
        rows.append(SpanRow(f"{name} ({len(tasks)} nhiệm vụ)", bold=True))
        for t in tasks[:room]:
            shown += 1
            days = t.days_late  # type: ignore[attr-defined]
            deadline = fmt_day(t.deadline_at)  # type: ignore[attr-defined]
            rows.append([shown, t.title, deadline, days if days > 0 else "–", t.progress, reason_of(t)])
    return rows, total - shown


def _appendix_title(
    document: DocxDocument, data: QuarterlyData, number: int, title: str, *, new_page: bool = False
) -> None:
    """ "Phụ lục N", its title and the report it goes with, kept on the page of the table that follows."""
    letterhead = letterhead_of(data)
    heading = _para(document, f"Phụ lục {number}", align=WD_ALIGN_PARAGRAPH.CENTER, bold=True)
    heading.paragraph_format.page_break_before = new_page
    heading.paragraph_format.keep_with_next = True
    _para(document, title, align=WD_ALIGN_PARAGRAPH.CENTER, bold=True).paragraph_format.keep_with_next = True
    _para(
        document,
        f"(Kèm theo Báo cáo số       -BC/{letterhead.symbol}, ngày {fmt_day(data.issued_on)} của {data.unit.name})",
        align=WD_ALIGN_PARAGRAPH.CENTER,
        italic=True,
    ).paragraph_format.keep_with_next = True


def _appendices(document: DocxDocument, data: QuarterlyData) -> None:
    """Phụ lục 1 (results by unit) and Phụ lục 2 (overdue tasks by unit) on landscape pages after the signature."""
    _landscape_section(document)
    p = data.period
    _appendix_title(
        document,
        data,
        1,
        f"KẾT QUẢ THỰC HIỆN NHIỆM VỤ THEO CƠ QUAN, ĐƠN VỊ {lower_first(p.label).upper()}",
    )
    rows = appendix_summary_rows(data)
    _data_table(document, SUMMARY_HEADERS, rows, bold_rows=[len(rows) - 1], widths_mm=SUMMARY_WIDTHS_MM)
    _para(
        document,
        f"Số liệu từ ngày {fmt_day(p.cutoff_start)} đến ngày {fmt_day(p.cutoff_end)}, tính đến ngày "
        f"{fmt_day(data.as_of)}; chi tiết từng nhiệm vụ tại tệp Excel kèm theo.",
        italic=True,
    )
    overdue, more = appendix_overdue_rows(data)
    _appendix_title(document, data, 2, "NHIỆM VỤ CHƯA HOÀN THÀNH, QUÁ HẠN THEO CƠ QUAN, ĐƠN VỊ", new_page=True)
    if overdue:
        _data_table(
            document, OVERDUE_HEADERS, overdue, widths_mm=OVERDUE_WIDTHS_MM, left_columns=(1, len(OVERDUE_HEADERS) - 1)
        )
    else:
        _para(document, "Không có nhiệm vụ chưa hoàn thành, quá hạn (ngoài nhiệm vụ định kỳ).", italic=True)
    if more:
        _para(document, f"… và {more} nhiệm vụ khác (xem tệp Excel kèm theo).", italic=True)
    routine_overdue = sum(r.overdue for r in data.routine)
    if routine_overdue:
        _para(
            document,
            f"Ngoài ra có {routine_overdue} nhiệm vụ định kỳ chưa hoàn thành, quá hạn (xem tệp Excel kèm theo).",
            italic=True,
            size=TABLE_PT,
        )


def _narrative(document: DocxDocument, text: Narrative | None, number: int) -> int:
    """ "Đánh giá chung", the causes (khách quan, chủ quan, khác) and "Bài học kinh nghiệm" as items ``number`` …;
    one line instead of the causes and lessons when nothing is late. Returns the next item's number."""
    if text is None:
        return number
    _para(document, f"{number}. Đánh giá chung:")
    for line in text.assessment:
        _para(document, line)
    number += 1
    if not text.has_late:
        _para(document, f"{number}. {text.nothing_late()}")
        return number + 1
    causes = text.cause_lines
    _para(document, f"{number}. {causes[0]}")
    for line in causes[1:]:
        _para(document, line)
    number += 1
    _para(document, f"{number}. Bài học kinh nghiệm:")
    for line in text.lessons:
        _para(document, line)
    return number + 1


def render_docx(data: QuarterlyData) -> bytes:
    document = Document()
    _setup(document)
    _header(document, data)
    p, s = data.period, data.stats
    _para(document, "", align=WD_ALIGN_PARAGRAPH.CENTER)
    _para(document, "BÁO CÁO", align=WD_ALIGN_PARAGRAPH.CENTER, bold=True, size=15)
    _para(document, title_line(data), align=WD_ALIGN_PARAGRAPH.CENTER, bold=True)
    _para(document, "-----", align=WD_ALIGN_PARAGRAPH.CENTER)
    _para(
        document,
        f"Thực hiện chế độ thông tin, báo cáo, {data.unit.name} báo cáo sơ kết công tác quý {ROMAN[p.number]} năm "
        f"{p.year} (số liệu từ ngày {fmt_day(p.cutoff_start)} đến ngày {fmt_day(p.cutoff_end)}, tính đến ngày "
        f"{fmt_day(data.as_of)}) như sau:",
    )

    # I. Results
    _para(document, HEADINGS[0], bold=True, indent=True)
    carried = s.carried.total
    _para(
        document,
        f"1. Tổng số nhiệm vụ trong kỳ: {s.total} nhiệm vụ"
        + (f" (trong đó {carried} nhiệm vụ kỳ trước chuyển sang)" if carried else "")
        + "; trong đó:",
    )
    lines = [
        f"- Hoàn thành đúng hạn: {s.done_on_time} nhiệm vụ;",
        f"- Hoàn thành quá hạn: {s.done_late} nhiệm vụ;",
        f"- Chưa hoàn thành – trong hạn: {s.open_on_time} nhiệm vụ;",
        f"- Chưa hoàn thành – quá hạn: {s.open_overdue} nhiệm vụ.",
        f"Ngoài ra có {s.ongoing} nhiệm vụ thường xuyên (theo dõi riêng).",
        f"2. Tỷ lệ hoàn thành đúng hạn: {fmt_rate(s.on_time_rate)}%; tỷ lệ hoàn thành: {fmt_rate(s.completion_rate)}%.",
        "3. Kết quả theo từng cơ quan, đơn vị: chi tiết tại Phụ lục 1 kèm theo.",
    ]
    for line in lines:
        _para(document, line)
    number = _narrative(document, data.narrative, 4)
    if data.routine:
        _para(document, f"{number}. Nhiệm vụ định kỳ: " + "; ".join(r.sentence() for r in data.routine) + ".")
        number += 1
    highlights = [g for g in data.groups if g.with_state(ReportingState.DONE_ON_TIME)]
    _para(document, f"{number}. Một số kết quả nổi bật:")
    if not highlights:
        _para(document, "- Chưa có nhiệm vụ hoàn thành đúng hạn trong kỳ (ngoài nhiệm vụ định kỳ).")
    for g in highlights[:DOCX_LIST_LIMIT]:
        _para(document, highlight_line(g))
    if len(highlights) > DOCX_LIST_LIMIT:
        _para(document, f"- … và {len(highlights) - DOCX_LIST_LIMIT} nội dung khác (xem Phụ lục).")
    if data.petitions:
        _para(document, f"{number + 1}. {PETITIONS_ITEM}: {data.petitions}")

    # II. Shortcomings: the overdue tasks in one line (each of them with its reason in Phụ lục 2; their causes are
    # summed up in I), then the obstacles with their proposals.
    _para(document, HEADINGS[1], bold=True)
    _para(
        document,
        f"1. Nhiệm vụ chưa hoàn thành, đã quá hạn: {s.open_overdue} nhiệm vụ (chi tiết theo từng cơ quan, đơn vị tại "
        "Phụ lục 2)."
        if s.open_overdue
        else "1. Không có nhiệm vụ chưa hoàn thành, quá hạn.",
    )
    routine_overdue = sum(r.overdue for r in data.routine)
    if routine_overdue:
        _para(document, f"- {routine_overdue} nhiệm vụ định kỳ chưa hoàn thành, quá hạn (nêu tại mục I).")
    _para(document, f"2. Khó khăn, vướng mắc được báo cáo: {data.count('obstacles')} trường hợp.")
    for o in data.obstacles[:DOCX_LIST_LIMIT]:
        status = f"đã trả lời: {clause(o.answer)}" if o.state == ObstacleState.ANSWERED else "chưa được trả lời"
        _para(
            document,
            f"- {o.task_title} ({o.lead_unit}): {clause(o.description)}. Đề xuất: {clause(o.proposal)} ({status}).",
        )
    if data.count("obstacles") > DOCX_LIST_LIMIT:
        _para(document, f"- … và {data.count('obstacles') - DOCX_LIST_LIMIT} trường hợp khác (xem Phụ lục).")

    # III. Next quarter: the directives' tasks, weightiest first; routine duties in one line
    n = data.next_period
    _para(document, HEADINGS[2], bold=True)
    _para(
        document,
        f"Tập trung lãnh đạo, chỉ đạo thực hiện các nhiệm vụ theo văn bản chỉ đạo có thời hạn trong quý "
        f"{ROMAN[n.number]} năm {n.year} (từ ngày {fmt_day(n.cutoff_start)} đến ngày {fmt_day(n.cutoff_end)}):",
    )
    if not data.next_groups:
        _para(document, "- Chưa có nhiệm vụ được giao có thời hạn trong quý tới.")
    for g in data.next_groups[:DOCX_LIST_LIMIT]:
        _para(document, next_line(g))
    if len(data.next_groups) > DOCX_LIST_LIMIT:
        _para(document, f"- … và {len(data.next_groups) - DOCX_LIST_LIMIT} nội dung khác (xem Phụ lục).")
    if s.open_overdue:
        _para(document, f"- Tập trung hoàn thành dứt điểm {s.open_overdue} nhiệm vụ đã quá hạn nêu tại mục II.")
    if data.routine:
        _para(document, "- Thực hiện đầy đủ, đúng hạn các nhiệm vụ định kỳ, chế độ thông tin, báo cáo theo quy định.")

    # IV. Recommendations
    _para(document, HEADINGS[3], bold=True)
    if not data.open_proposals:
        _para(document, "Không có kiến nghị, đề xuất đang chờ trả lời.")
    for o in data.open_proposals[:DOCX_LIST_LIMIT]:
        to = f"gửi {o.decider}; " if o.decider else ""
        _para(document, f"- {clause(o.proposal)} ({to}nhiệm vụ “{o.task_title}” của {o.lead_unit}).")
    if data.count("open_proposals") > DOCX_LIST_LIMIT:
        _para(document, f"- … và {data.count('open_proposals') - DOCX_LIST_LIMIT} kiến nghị khác (xem Phụ lục).")

    _closing(document, data)
    _appendices(document, data)
    _page_numbers(document)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


# --- .xlsx -------------------------------------------------------------------------------------------------------

_HEADER_FONT = Font(name=FONT, bold=True, size=12)
_BODY_FONT = Font(name=FONT, size=12)
_TITLE_FONT = Font(name=FONT, bold=True, size=14)
_FILL = PatternFill(fill_type="solid", start_color="FFD9E1F2", end_color="FFD9E1F2")
_THIN = Side(style="thin", color="FFA6A6A6")
_BORDER = Border(left=_THIN, right=_THIN, top=_THIN, bottom=_THIN)


def _sheet(
    wb: Workbook,
    title: str,
    caption: str,
    headers: Sequence[str],
    rows: Sequence[Sequence[object]],
    widths: Sequence[float],
) -> None:
    ws = wb.create_sheet(sheet_title(title))
    ws.cell(row=1, column=1, value=safe_cell(caption)).font = _TITLE_FONT
    for col, header in enumerate(headers, start=1):
        cell = ws.cell(row=3, column=col, value=safe_cell(header))
        cell.font, cell.fill, cell.border = _HEADER_FONT, _FILL, _BORDER
        cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
        ws.column_dimensions[get_column_letter(col)].width = widths[col - 1] if col - 1 < len(widths) else 14
    for r, values in enumerate(rows, start=4):
        for col, value in enumerate(values, start=1):
            cell = ws.cell(row=r, column=col, value=safe_cell(value))
            cell.font, cell.border = _BODY_FONT, _BORDER
            cell.alignment = Alignment(vertical="top", wrap_text=isinstance(value, str))
            if isinstance(value, datetime.date):
                cell.number_format = "DD/MM/YYYY"
    ws.freeze_panes = "A4"


def _rate_number(value: float | None) -> float | str:
    return "" if value is None else value


def render_xlsx(data: QuarterlyData) -> bytes:
    wb = Workbook()
    wb.remove(wb.active)
    wb.properties.title = f"Phụ lục báo cáo sơ kết {lower_first(data.period.label)}"
    wb.properties.creator = "Sáu Rõ"
    p = data.period
    caption = (
        f"{data.unit.name} — {p.label} (số liệu từ {fmt_day(p.cutoff_start)} đến {fmt_day(p.cutoff_end)}; "
        f"số liệu tính đến ngày {fmt_day(data.as_of)})"
    )
    by_unit = [
        [
            i,
            (f"{r.unit.name} (nhiệm vụ trực tiếp)" if r.is_self else r.unit.name),
            *stat_values(r.stats),
            _rate_number(r.stats.on_time_rate),
            _rate_number(r.stats.completion_rate),
        ]
        for i, r in enumerate(data.by_unit, start=1)
    ]
    s = data.stats
    by_unit.append(
        [
            "",
            f"Tổng cộng: {data.unit.name}",
            *stat_values(s),
            _rate_number(s.on_time_rate),
            _rate_number(s.completion_rate),
        ]
    )
    c = s.carried
    if c.total:  # the part carried over from earlier quarters, apart (as in Phụ lục 1 of the .docx)
        by_unit.append(
            ["", CARRIED_LABEL, *stat_values(c)[:-1], "", _rate_number(c.on_time_rate), _rate_number(c.completion_rate)]
        )
    _sheet(
        wb,
        "Tổng hợp theo đơn vị",
        f"Phụ lục 1. Kết quả thực hiện nhiệm vụ theo đơn vị — {caption}",
        SUMMARY_HEADERS,
        by_unit,
        [6, 44, 12, 12, 12, 14, 14, 12, 12, 12],
    )
    _sheet(
        wb,
        "Hoàn thành đúng hạn",
        f"Phụ lục 2. Nhiệm vụ hoàn thành đúng hạn — {caption}",
        ("STT", "Nhiệm vụ", "Đơn vị chủ trì", "Thời hạn", "Ngày hoàn thành", "Sản phẩm"),
        [
            [i, t.title, t.lead_unit.name if t.lead_unit else "", t.due_date, t.completed_on, product_of(t)]
            for i, t in enumerate(data.done_on_time, start=1)
        ],
        [6, 50, 30, 12, 14, 50],
    )
    _sheet(
        wb,
        "Quá hạn",
        f"Phụ lục 3. Nhiệm vụ chưa hoàn thành, quá hạn — {caption}",
        ("STT", "Nhiệm vụ", "Đơn vị chủ trì", "Hạn đang áp dụng", "Số ngày làm việc chậm", "Tiến độ (%)"),
        [
            [i, t.title, t.lead_unit.name if t.lead_unit else "", t.deadline_at, t.days_late, t.progress]  # type: ignore[attr-defined]
            for i, t in enumerate(data.overdue, start=1)
        ],
        [6, 50, 30, 14, 14, 10],
    )
    _sheet(
        wb,
        "Khó khăn, vướng mắc",
        f"Phụ lục 4. Khó khăn, vướng mắc và đề xuất — {caption}",
        (
            "STT",
            "Nhiệm vụ",
            "Đơn vị",
            "Khó khăn, vướng mắc",
            "Đề xuất",
            "Cơ quan cho ý kiến",
            "Ngày báo cáo",
            "Tình trạng",
            "Ý kiến trả lời",
        ),
        [
            [
                i,
                o.task_title,
                o.lead_unit,
                o.description,
                o.proposal,
                o.decider,
                o.raised_on,
                str(ObstacleState(o.state).label),
                o.answer,
            ]
            for i, o in enumerate(data.obstacles, start=1)
        ],
        [6, 36, 24, 40, 40, 24, 12, 14, 36],
    )
    n = data.next_period
    _sheet(
        wb,
        "Nhiệm vụ quý tới",
        f"Phụ lục 5. Nhiệm vụ có thời hạn trong {lower_first(n.label)} — {data.unit.name}",
        ("STT", "Nhiệm vụ", "Đơn vị chủ trì", "Thời hạn", "Sản phẩm"),
        [
            [i, t.title, t.lead_unit.name if t.lead_unit else "", t.due_date, t.product_description]
            for i, t in enumerate(data.next_tasks, start=1)
        ],
        [6, 50, 30, 12, 50],
    )
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


def build_quarterly_report(
    *, user: User, unit: Unit, quarter: str, as_of: datetime.date | None = None
) -> tuple[bytes, bytes]:
    """The quarterly review report of ``unit`` (its subtree) for ``quarter`` (``"2026Q1"``) as seen by ``user``:
    ``(docx_bytes, xlsx_bytes)``. ``RegimeError`` (Vietnamese) for a bad quarter."""
    data = collect(user=user, unit=unit, quarter=quarter, as_of=as_of)
    return render_docx(data), render_xlsx(data)


def quarterly_docx(*, user: User, unit: Unit, quarter: str, as_of: datetime.date | None = None) -> bytes:
    """The report alone: the routine duties, the period's tasks weightiest first (at most ``OUTLINE_READ_LIMIT``),
    the first rows of the obstacle lists and the counts; not the appendix's task lists."""
    return render_docx(collect(user=user, unit=unit, quarter=quarter, as_of=as_of, limit=DOCX_LIST_LIMIT, lists=False))


def quarterly_xlsx(*, user: User, unit: Unit, quarter: str, as_of: datetime.date | None = None) -> bytes:
    """The appendix workbook alone: every row."""
    return render_xlsx(collect(user=user, unit=unit, quarter=quarter, as_of=as_of, outline=False))


def report_filename(unit: Unit, quarter: str, extension: str) -> str:
    year, number = quarter_period(quarter).year, quarter_period(quarter).number
    return f"bao-cao-so-ket-quy-{number}-{year}-{unit.code.lower()}.{extension}"
