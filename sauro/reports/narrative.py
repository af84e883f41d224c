"""The quarterly report's narrative (issue 20 point 6): what a leader reads before the lists — a general assessment
computed from the figures, the causes of what is late split into objective and subjective, and the lessons drawn
from the causes that dominate.

Every sentence is built from collected data by pure functions (``assessment_lines``, ``summarise_causes``,
``cause_lines``, ``lesson_lines``); ``read_narrative`` is the only function here that touches the database (the previous
quarter's figures and the return reasons of the late tasks), called once by ``quarterly.collect``.

**The classification rule** (one place: ``CAUSE_TOPICS`` and ``classify``). Obstacles and return reasons carry no
category, only free text. Each text is matched, without diacritics and case, against the words of each topic; the
topic with the most words found wins, ties going to the topic listed first. The topics:

- khách quan (objective): mechanism, policy and law (no guidance yet …); funding and resources; coordination with
  other bodies (opinions not given, files not handed over …); circumstances (natural disasters, epidemics, the
  restructuring of the apparatus …);
- chủ quan (subjective): staff (numbers, capacity, concurrent posts); slow or half-hearted implementation; the quality
  of the product or the file.

An obstacle that matches no topic goes to "Nguyên nhân khác" (other). A **return reason** (the authority sent the
product back) is always subjective: it is matched against the subjective topics only, and counts as the product's
quality when none matches. A late task with neither obstacle nor return reason counts once, as subjective: the unit
did not report why ("chưa chủ động báo cáo khó khăn, vướng mắc").
"""

from __future__ import annotations

import datetime
import re
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from sauro.accounts.models import User
from sauro.dashboard.stats import TaskStats, task_stats, task_stats_by_unit
from sauro.org.models import Unit
from sauro.periods.choices import ReportKind
from sauro.periods.regime import ROMAN, ReportPeriod, period
from sauro.tasks.choices import ReportingState, SubmissionOutcome
from sauro.tasks.models import Submission, Task

OBJECTIVE = "objective"
SUBJECTIVE = "subjective"
OTHER = "other"
LATE_STATES = (ReportingState.DONE_LATE, ReportingState.OPEN_OVERDUE)
# How many units the assessment names as leading, lagging, improved, declined; examples quoted per cause; lessons.
UNITS_NAMED = 3
EXAMPLES_PER_CAUSE = 2
LESSONS_MAX = 3
EXAMPLE_CHARS = 160
# Return reasons read per query (``task_id IN (…)``).
CHUNK = 500


@dataclass(frozen=True)
class CauseTopic:
    key: str
    side: str
    label: str
    words: tuple[str, ...]  # without diacritics, lower case; matched as whole words
    lesson: str


CAUSE_TOPICS: tuple[CauseTopic, ...] = (
    CauseTopic(
        "legal",
        OBJECTIVE,
        "cơ chế, chính sách, quy định pháp luật chưa đầy đủ hoặc chưa có hướng dẫn",
        (
            "co che",
            "chinh sach",
            "phap luat",
            "phap ly",
            "chua co huong dan",
            "cho huong dan",
            "van ban huong dan",
            "chua co quy dinh",
            "chua quy dinh",
            "trung uong",
            "thu tuc",
            "nghi dinh",
            "thong tu",
            "tham quyen",
        ),
        "Chủ động rà soát, nắm chắc cơ chế, chính sách, quy định liên quan ngay từ khi giao nhiệm vụ; kịp thời báo "
        "cáo, đề xuất cấp có thẩm quyền hướng dẫn, tháo gỡ những vướng mắc vượt thẩm quyền.",
    ),
    CauseTopic(
        "funding",
        OBJECTIVE,
        "kinh phí, nguồn lực, điều kiện bảo đảm chưa đáp ứng",
        (
            "kinh phi",
            "ngan sach",
            "nguon von",
            "von",
            "tai chinh",
            "nguon luc",
            "co so vat chat",
            "thiet bi",
            "mat bang",
            "tru so",
        ),
        "Dự kiến đầy đủ kinh phí, nguồn lực bảo đảm cho từng nhiệm vụ ngay khi xây dựng chương trình, kế hoạch; "
        "bố trí kịp thời để nhiệm vụ không bị chậm vì thiếu điều kiện thực hiện.",
    ),
    CauseTopic(
        "coordination",
        OBJECTIVE,
        "sự phối hợp, cho ý kiến của cơ quan, đơn vị liên quan chưa kịp thời",
        (
            "phoi hop",
            "cho y kien",
            "gop y",
            "lay y kien",
            "co quan lien quan",
            "don vi lien quan",
            "nganh lien quan",
            "ban giao",
            "cung cap",
            "lien nganh",
            "chua nhan duoc",
        ),
        "Xác định rõ trách nhiệm của cơ quan chủ trì, cơ quan phối hợp và thời hạn cho ý kiến; kịp thời báo cáo cấp "
        "có thẩm quyền khi cơ quan phối hợp chậm trễ.",
    ),
    CauseTopic(
        "circumstances",
        OBJECTIVE,
        "tình hình phát sinh khách quan (thiên tai, dịch bệnh, sắp xếp tổ chức bộ máy …)",
        (
            "thien tai",
            "bao lu",
            "mua lu",
            "lu lut",
            "ngap",
            "thoi tiet",
            "dich benh",
            "sap xep",
            "sap nhap",
            "bo may",
            "phat sinh",
            "dot xuat",
            "khach quan",
        ),
        "Theo dõi sát tình hình, chủ động xây dựng phương án khi có yếu tố phát sinh và kịp thời đề nghị điều chỉnh "
        "thời hạn theo quy định, không để nhiệm vụ quá hạn rồi mới báo cáo.",
    ),
    CauseTopic(
        "staff",
        SUBJECTIVE,
        "nhân lực, năng lực cán bộ chưa đáp ứng yêu cầu",
        (
            "can bo",
            "nhan luc",
            "nhan su",
            "bien che",
            "thieu nguoi",
            "nang luc",
            "kiem nhiem",
            "chuyen mon",
            "nghi phep",
            "nghi om",
            "dieu dong",
        ),
        "Bố trí cán bộ đủ về số lượng, phù hợp về năng lực cho từng nhiệm vụ; quan tâm bồi dưỡng chuyên môn, nghiệp "
        "vụ cho đội ngũ cán bộ tham mưu.",
    ),
    CauseTopic(
        "slow",
        SUBJECTIVE,
        "tổ chức thực hiện còn chậm, chưa quyết liệt, chưa chủ động",
        (
            "cham",
            "cham tre",
            "chua quyet liet",
            "chua chu dong",
            "chua tap trung",
            "keo dai",
            "chu quan",
            "chua kip thoi",
            "chua sat sao",
            "chua trien khai",
        ),
        "Người đứng đầu cơ quan, đơn vị trực tiếp chỉ đạo, đôn đốc; xây dựng lộ trình, mốc thời gian cụ thể cho từng "
        "nhiệm vụ và kiểm tra tiến độ thường xuyên, khắc phục tình trạng chậm trễ, thiếu quyết liệt.",
    ),
    CauseTopic(
        "quality",
        SUBJECTIVE,
        "chất lượng sản phẩm, hồ sơ chưa đạt yêu cầu",
        (
            "chat luong",
            "chua dat",
            "chua dung",
            "sai sot",
            "sai",
            "the thuc",
            "so lieu",
            "chua day du",
            "bo sung",
            "chinh sua",
            "hoan thien",
            "chua dam bao",
        ),
        "Nâng cao chất lượng công tác tham mưu, kiểm tra kỹ sản phẩm trước khi trình; bám sát yêu cầu “rõ sản phẩm” "
        "của nhiệm vụ để hạn chế việc sản phẩm bị trả lại.",
    ),
)
TOPICS = {t.key: t for t in CAUSE_TOPICS}
# A late task with no obstacle and no return reason: the unit did not report why (subjective).
UNREPORTED = CauseTopic(
    "unreported",
    SUBJECTIVE,
    "đơn vị chưa chủ động báo cáo khó khăn, vướng mắc",
    (),
    "Các cơ quan, đơn vị chủ động báo cáo khó khăn, vướng mắc kèm đề xuất giải pháp ngay khi phát sinh, không để "
    "nhiệm vụ quá hạn mà chưa rõ nguyên nhân.",
)
UNCLASSIFIED = CauseTopic(
    "other",
    OTHER,
    "nguyên nhân khác",
    (),
    "Rà soát, làm rõ nguyên nhân của từng nhiệm vụ chậm tiến độ để có giải pháp khắc phục phù hợp.",
)
RETURN_DEFAULT = "quality"


def _plain(text: str) -> str:
    """Lower case, without diacritics (đ → d), words separated by single spaces and padded: `` chua co huong dan ``."""
    decomposed = unicodedata.normalize("NFD", text.replace("đ", "d").replace("Đ", "D"))
    bare = "".join(c for c in decomposed if unicodedata.category(c) != "Mn").casefold()
    return " " + " ".join(re.findall(r"[a-z0-9]+", bare)) + " "


def classify(text: str, *, returned: bool = False) -> CauseTopic:
    """The topic of an obstacle's description (``returned``: a return reason) by the rule of the module docstring."""
    plain = _plain(text)
    best: CauseTopic | None = None
    best_score = 0
    for topic in CAUSE_TOPICS:
        if returned and topic.side != SUBJECTIVE:
            continue
        score = sum(f" {word} " in plain for word in topic.words)
        if score > best_score:
            best, best_score = topic, score
    if best is not None:
        return best
    return TOPICS[RETURN_DEFAULT] if returned else UNCLASSIFIED


# --- small text helpers (as quarterly's, which imports this module) -------------------------------------------------


def fmt_rate(value: float | None) -> str:
    return "–" if value is None else f"{value:.1f}".replace(".", ",")


def clause(text: str) -> str:
    return " ".join(text.split()).rstrip(" .;,")


def short(text: str, limit: int = EXAMPLE_CHARS) -> str:
    """A quotation cut at a word before ``limit`` characters, with "…"."""
    body = clause(text)
    if len(body) <= limit:
        return body
    return body[:limit].rsplit(" ", 1)[0].rstrip(" ,;:") + " …"


def quarter_label(p: ReportPeriod) -> str:
    return f"quý {ROMAN[p.number]} năm {p.year}"


def previous_quarter(p: ReportPeriod) -> ReportPeriod:
    year, number = (p.year - 1, 4) if p.number == 1 else (p.year, p.number - 1)
    return period(ReportKind.QUARTERLY, year, number)


# --- the general assessment -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class UnitFigures:
    """One unit's figures in the report's table: this quarter and, when it had tasks then, the previous one."""

    unit_id: int
    name: str
    stats: TaskStats
    previous: TaskStats | None = None


def _change(now: float, before: float) -> float:
    return round(now - before, 1)


def _points(delta: float) -> str:
    return f"{fmt_rate(abs(delta))} điểm phần trăm"


def assessment_lines(
    *,
    unit_name: str,
    period_label: str,
    previous_label: str,
    stats: TaskStats,
    previous: TaskStats | None,
    units: Sequence[UnitFigures],
) -> list[str]:
    """The general assessment: the on-time rate against the previous quarter, the units whose rate rose or fell
    most, the leading and lagging units. Figures only, no judgement the figures do not carry."""
    if stats.total == 0:
        return [f"Trong {period_label}, {unit_name} không có nhiệm vụ có thời hạn trong kỳ."]
    rate = stats.on_time_rate or 0.0
    head = (
        f"Trong {period_label}, {unit_name} có {stats.total} nhiệm vụ có thời hạn; tỷ lệ hoàn thành đúng hạn đạt "
        f"{fmt_rate(rate)}%"
    )
    if previous is None or previous.on_time_rate is None:
        head += f" ({previous_label} không có nhiệm vụ có thời hạn để so sánh)."
    else:
        delta = _change(rate, previous.on_time_rate)
        if delta > 0:
            head += f", tăng {_points(delta)} so với {previous_label} ({fmt_rate(previous.on_time_rate)}%)."
        elif delta < 0:
            head += f", giảm {_points(delta)} so với {previous_label} ({fmt_rate(previous.on_time_rate)}%)."
        else:
            head += f", bằng {previous_label}."
    done = stats.done_on_time + stats.done_late
    second = f"Đã hoàn thành {done}/{stats.total} nhiệm vụ (tỷ lệ hoàn thành {fmt_rate(stats.completion_rate)}%)"
    if stats.done_late:
        second += f", trong đó {stats.done_late} nhiệm vụ hoàn thành quá hạn"
    if stats.open_overdue:
        second += f"; còn {stats.open_overdue} nhiệm vụ chưa hoàn thành, quá hạn"
    else:
        second += "; không có nhiệm vụ chưa hoàn thành, quá hạn"
    if previous is not None and previous.total:
        second += f" ({previous_label}: {previous.open_overdue} nhiệm vụ chưa hoàn thành, quá hạn)"
    second += "."
    lines = [head, second]
    lines += _trend_line(units, previous_label)
    lines += _ranking_line(units)
    return lines


def _trend_line(units: Sequence[UnitFigures], previous_label: str) -> list[str]:
    """Where the on-time rate rose and fell most against the previous quarter (units rated in both)."""
    changes = [
        (_change(u.stats.on_time_rate, u.previous.on_time_rate), u)
        for u in units
        if u.stats.on_time_rate is not None and u.previous is not None and u.previous.on_time_rate is not None
    ]
    rose = sorted((c for c in changes if c[0] > 0), key=lambda c: -c[0])[:UNITS_NAMED]
    fell = sorted((c for c in changes if c[0] < 0), key=lambda c: c[0])[:UNITS_NAMED]
    if not rose and not fell:
        return []

    def named(items: list[tuple[float, UnitFigures]], word: str) -> str:
        return ", ".join(
            f"{u.name} (từ {fmt_rate(u.previous.on_time_rate)}% {word} {fmt_rate(u.stats.on_time_rate)}%)"  # type: ignore[union-attr]
            for _d, u in items
        )

    parts = []
    if rose:
        parts.append(f"tăng ở {named(rose, 'lên')}")
    if fell:
        parts.append(f"giảm ở {named(fell, 'xuống')}")
    return [f"So với {previous_label}, tỷ lệ hoàn thành đúng hạn " + "; ".join(parts) + "."]


def _ranking_line(units: Sequence[UnitFigures]) -> list[str]:
    """The units with the highest and the lowest on-time rate this quarter (when they differ)."""
    rated = [u for u in units if u.stats.on_time_rate is not None]
    if len(rated) < 2:
        return []
    top = max(u.stats.on_time_rate for u in rated)  # type: ignore[type-var]
    bottom = min(u.stats.on_time_rate for u in rated)  # type: ignore[type-var]
    if top == bottom:
        return [f"Các cơ quan, đơn vị có nhiệm vụ trong kỳ đều đạt tỷ lệ hoàn thành đúng hạn {fmt_rate(top)}%."]
    leading = sorted((u for u in rated if u.stats.on_time_rate == top), key=lambda u: -u.stats.total)
    lagging = sorted(
        (u for u in rated if u.stats.on_time_rate == bottom),
        key=lambda u: (-u.stats.open_overdue, -u.stats.total),
    )

    def figures(u: UnitFigures) -> str:
        s = u.stats
        late = f", {s.open_overdue} nhiệm vụ quá hạn" if s.open_overdue else ""
        return f"{u.name} ({fmt_rate(s.on_time_rate)}%; {s.done_on_time}/{s.total} nhiệm vụ đúng hạn{late})"

    return [
        "Dẫn đầu về tỷ lệ hoàn thành đúng hạn: "
        + ", ".join(figures(u) for u in leading[:UNITS_NAMED])
        + "; thấp nhất: "
        + ", ".join(figures(u) for u in lagging[:UNITS_NAMED])
        + "."
    ]


# --- causes ----------------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Reason:
    """Why a late task is late, as reported: an obstacle's description or the reason its product was returned."""

    text: str
    unit: str
    returned: bool = False


@dataclass
class CauseGroup:
    topic: CauseTopic
    count: int = 0
    examples: list[Reason] = field(default_factory=list)


@dataclass
class CauseSummary:
    """The causes of the late tasks: how many tasks, obstacles and return reasons, and the groups by side."""

    late_tasks: int = 0
    # The late tasks of the figures (routine duties included): more than ``late_tasks`` when routine duties are late.
    late_in_figures: int = 0
    obstacles: int = 0
    returns: int = 0
    groups: dict[str, list[CauseGroup]] = field(default_factory=dict)

    def side(self, side: str) -> list[CauseGroup]:
        return self.groups.get(side, [])

    def total(self, side: str) -> int:
        return sum(g.count for g in self.side(side))

    def dominant(self) -> list[CauseGroup]:
        """Every group, the most frequent first (ties: objective before subjective, in the topics' order)."""
        order = [t.key for t in CAUSE_TOPICS] + [UNREPORTED.key, UNCLASSIFIED.key]
        groups = [g for side in (OBJECTIVE, SUBJECTIVE, OTHER) for g in self.side(side)]
        return sorted(groups, key=lambda g: (-g.count, order.index(g.topic.key)))


def summarise_causes(
    *, late_tasks: int, reasons: Iterable[Reason], unreported: int, late_in_figures: int | None = None
) -> CauseSummary:
    """``reasons`` (one per obstacle or return) grouped by topic, most frequent first within each side; the most
    frequent texts of a group are its examples. ``unreported``: the late tasks without any reason."""
    summary = CauseSummary(
        late_tasks=late_tasks, late_in_figures=late_tasks if late_in_figures is None else late_in_figures
    )
    groups: dict[str, CauseGroup] = {}
    texts: dict[str, dict[str, tuple[int, int, Reason]]] = {}
    for seen, reason in enumerate(reasons):
        if reason.returned:
            summary.returns += 1
        else:
            summary.obstacles += 1
        topic = classify(reason.text, returned=reason.returned)
        group = groups.setdefault(topic.key, CauseGroup(topic))
        group.count += 1
        key = clause(reason.text).casefold()
        n, first, example = texts.setdefault(topic.key, {}).get(key, (0, seen, reason))
        texts[topic.key][key] = (n + 1, first, example)
    if unreported:
        groups[UNREPORTED.key] = CauseGroup(UNREPORTED, count=unreported)
    for key, group in groups.items():
        ranked = sorted(texts.get(key, {}).values(), key=lambda v: (-v[0], v[1]))
        group.examples = [r for _n, _first, r in ranked[:EXAMPLES_PER_CAUSE]]
    order = [t.key for t in CAUSE_TOPICS] + [UNREPORTED.key, UNCLASSIFIED.key]
    for group in sorted(groups.values(), key=lambda g: (-g.count, order.index(g.topic.key))):
        summary.groups.setdefault(group.topic.side, []).append(group)
    return summary


def _quote(reason: Reason) -> str:
    """``“…” – Đảng ủy phường An Cựu, lý do trả lại sản phẩm``; without the unit when it is the report's own."""
    source = ", ".join(x for x in (reason.unit, "lý do trả lại sản phẩm" if reason.returned else "") if x)
    return f"“{short(reason.text)}”" + (f" – {source}" if reason.unit else f" ({source})" if source else "")


def _group_text(group: CauseGroup) -> str:
    if group.topic is UNREPORTED:
        return f"{group.count} nhiệm vụ chậm tiến độ nhưng {group.topic.label}"
    quoted = [_quote(r) for r in group.examples]
    if group.topic is UNCLASSIFIED:
        return "; ".join(quoted)
    return f"{group.topic.label} ({group.count} trường hợp, như: {'; '.join(quoted)})"


def cause_lines(summary: CauseSummary) -> list[str]:
    """The causes as the report prints them: an opening line with the counts, then "a) Nguyên nhân khách quan",
    "b) Nguyên nhân chủ quan" and, when some reason matched no topic, "c) Nguyên nhân khác". Empty when nothing is
    late (the report then says so in one line)."""
    if not summary.late_tasks:
        return []
    sources = []
    if summary.obstacles:
        sources.append(f"{summary.obstacles} khó khăn, vướng mắc được báo cáo")
    if summary.returns:
        sources.append(f"{summary.returns} lần sản phẩm bị trả lại")
    opening = (
        f"Nguyên nhân của {summary.late_tasks} nhiệm vụ chậm tiến độ (hoàn thành quá hạn hoặc chưa hoàn thành, quá "
        f"hạn{'; không kể nhiệm vụ định kỳ' if summary.late_in_figures > summary.late_tasks else ''})"
    )
    opening += f", tổng hợp từ {' và '.join(sources)}:" if sources else ":"
    lines = [opening]
    for letter, side, name in (("a", OBJECTIVE, "Nguyên nhân khách quan"), ("b", SUBJECTIVE, "Nguyên nhân chủ quan")):
        groups = summary.side(side)
        if groups:
            body = "; ".join(_group_text(g) for g in groups)
            lines.append(f"{letter}) {name} ({summary.total(side)} trường hợp): {body}.")
        else:
            lines.append(f"{letter}) {name}: không có trường hợp nào được ghi nhận.")
    other = summary.side(OTHER)
    if other:
        lines.append(
            f"c) Nguyên nhân khác, chưa phân loại ({summary.total(OTHER)} trường hợp): "
            + "; ".join(_group_text(g) for g in other)
            + "."
        )
    return lines


def lesson_lines(summary: CauseSummary) -> list[str]:
    """The lessons: the template of each of the (at most ``LESSONS_MAX``) most frequent causes, "- …" each. Empty
    when nothing is late."""
    if not summary.late_tasks:
        return []
    return [f"- {g.topic.lesson}" for g in summary.dominant()[:LESSONS_MAX]]


# --- the narrative of one report ----------------------------------------------------------------------------------


@dataclass
class Narrative:
    assessment: list[str]
    causes: CauseSummary
    lessons: list[str]

    @property
    def cause_lines(self) -> list[str]:
        return cause_lines(self.causes)

    @property
    def has_late(self) -> bool:
        return self.causes.late_tasks > 0

    def nothing_late(self) -> str:
        """The one line the report prints instead of the causes and lessons when no task (but routine duties) is
        late."""
        if self.causes.late_in_figures:
            return (
                "Nguyên nhân và bài học kinh nghiệm: trong kỳ chỉ có nhiệm vụ định kỳ chậm tiến độ (nêu tại phần "
                "nhiệm vụ định kỳ)."
            )
        return (
            "Nguyên nhân và bài học kinh nghiệm: trong kỳ không có nhiệm vụ chậm tiến độ (hoàn thành quá hạn hoặc "
            "chưa hoàn thành, quá hạn)."
        )


def reasons_of(
    tasks: Sequence[Task], returns: dict[int, list[str]], as_of: datetime.date, *, own_unit_id: int | None = None
) -> tuple[list[Reason], int]:
    """The reasons reported for ``tasks`` (their ``known_obstacles`` raised by ``as_of``, then ``returns``: task id
    → return reasons) and how many of the tasks have none. The unit is not named on the tasks of ``own_unit_id``
    (the report's own unit: a ward's report need not name the ward)."""
    reasons: list[Reason] = []
    unreported = 0
    for t in tasks:
        unit = t.lead_unit.name if t.lead_unit and t.lead_unit_id != own_unit_id else ""
        own = [
            Reason(o.description, unit)
            for o in getattr(t, "known_obstacles", [])
            if clause(o.description) and o.raised_on <= as_of
        ]
        own += [Reason(text, unit, returned=True) for text in returns.get(t.pk, []) if clause(text)]
        reasons += own
        unreported += not own
    return reasons, unreported


def return_reasons(task_ids: Sequence[int], as_of: datetime.date) -> dict[int, list[str]]:
    """The reasons the products of ``task_ids`` were returned by ``as_of``: task id → reasons, oldest first."""
    out: dict[int, list[str]] = {}
    ids = list(task_ids)
    for start in range(0, len(ids), CHUNK):
        rows = (
            Submission.objects.filter(
                task_id__in=ids[start : start + CHUNK],
                outcome=SubmissionOutcome.RETURNED,
                decided_at__date__lte=as_of,
            )
            .order_by("decided_at", "id")
            .values_list("task_id", "decision_note")
        )
        for task_id, note in rows:
            out.setdefault(task_id, []).append(note)
    return out


def read_narrative(
    *,
    user: User,
    unit: Unit,
    report_period: ReportPeriod,
    stats: TaskStats,
    by_unit: Sequence[Any],
    late_tasks: Sequence[Task],
    as_of: datetime.date,
) -> Narrative:
    """The narrative of the report on ``unit`` for ``report_period``: ``stats`` and ``by_unit`` (rows with ``unit``,
    ``stats``, ``is_self``) are the report's own figures; the previous quarter's are read here as of its cut-off end
    (what its report showed); ``late_tasks`` are the late tasks the report read, with their ``known_obstacles``."""
    prev = previous_quarter(report_period)
    window = {"user": user, "start": prev.cutoff_start, "end": prev.cutoff_end, "as_of": prev.cutoff_end}
    previous = task_stats(unit_id=unit.pk, **window)  # type: ignore[arg-type]
    before = {u.pk: s for u, s in task_stats_by_unit(parent_unit_id=unit.pk, **window)}  # type: ignore[arg-type]
    units = [
        UnitFigures(r.unit.pk, r.unit.name, r.stats, before.get(r.unit.pk))
        for r in by_unit
        if not r.is_self and r.stats.total
    ]
    assessment = assessment_lines(
        unit_name=unit.name,
        period_label=quarter_label(report_period),
        previous_label=quarter_label(prev),
        stats=stats,
        previous=previous,
        units=units,
    )
    returns = return_reasons([t.pk for t in late_tasks], as_of)
    reasons, unreported = reasons_of(late_tasks, returns, as_of, own_unit_id=unit.pk)
    causes = summarise_causes(
        late_tasks=len(late_tasks),
        reasons=reasons,
        unreported=unreported,
        late_in_figures=stats.done_late + stats.open_overdue,
    )
    return Narrative(assessment=assessment, causes=causes, lessons=lesson_lines(causes))
