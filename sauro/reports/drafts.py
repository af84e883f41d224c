"""The draft a unit starts its periodic report from: the period's figures from the dashboard (``task_stats``),
written out as text the unit head edits before sending. A quarterly report's draft also carries the narrative of the
quarterly review report (``reports.narrative``: the general assessment, the causes of what is late, the lessons), so
the unit head edits those sentences — the lessons above all — before the report goes."""

from __future__ import annotations

import datetime

from sauro.accounts.models import User
from sauro.common import clock
from sauro.dashboard.stats import task_stats
from sauro.periods.regime import RegimeError
from sauro.reports.choices import ReportKind
from sauro.reports.models import ReportDuty
from sauro.reports.narrative import Narrative
from sauro.reports.quarterly import DOCX_LIST_LIMIT, collect, fmt_day, fmt_rate


def quarterly_narrative(*, user: User, duty: ReportDuty, as_of: datetime.date) -> Narrative | None:
    """The narrative of the quarterly review report of ``duty``'s unit and quarter; ``None`` for other kinds."""
    if duty.kind != ReportKind.QUARTERLY:
        return None
    try:
        data = collect(
            user=user, unit=duty.unit, quarter=duty.period_key, as_of=as_of, limit=DOCX_LIST_LIMIT, lists=False
        )
    except RegimeError:
        return None
    return data.narrative


def narrative_lines(text: Narrative | None) -> tuple[list[str], list[str]]:
    """The draft's lines of the narrative: the assessment (section I), the causes and lessons (section II)."""
    if text is None:
        return [], []
    assessment = ["Đánh giá chung:", *text.assessment]
    if not text.has_late:
        return assessment, [text.nothing_late()]
    return assessment, [*text.cause_lines, "Bài học kinh nghiệm:", *text.lessons]


def duty_draft_text(*, user: User, duty: ReportDuty, as_of: datetime.date | None = None) -> str:
    """The draft of ``duty``'s report as seen by ``user``: figures of the unit's subtree over the cut-off window,
    as of the cut-off end (or today while the period runs)."""
    day = as_of or min(clock.today(), duty.cutoff_end)
    s = task_stats(user=user, unit_id=duty.unit_id, start=duty.cutoff_start, end=duty.cutoff_end, as_of=day)
    assessment, causes = narrative_lines(quarterly_narrative(user=user, duty=duty, as_of=day))
    return "\n".join(
        [
            f"{str(duty).upper()}",
            f"{duty.unit.name} (số liệu từ ngày {fmt_day(duty.cutoff_start)} đến ngày {fmt_day(duty.cutoff_end)}, "
            f"tính đến ngày {fmt_day(day)})",
            "",
            "I. KẾT QUẢ THỰC HIỆN",
            f"Tổng số nhiệm vụ trong kỳ: {s.total}; trong đó hoàn thành đúng hạn: {s.done_on_time}; "
            f"hoàn thành quá hạn: {s.done_late}; chưa hoàn thành – trong hạn: {s.open_on_time}; "
            f"chưa hoàn thành – quá hạn: {s.open_overdue}. Nhiệm vụ thường xuyên: {s.ongoing}.",
            f"Tỷ lệ hoàn thành đúng hạn: {fmt_rate(s.on_time_rate)}%; "
            f"tỷ lệ hoàn thành: {fmt_rate(s.completion_rate)}%.",
            *assessment,
            "",
            "II. HẠN CHẾ, KHÓ KHĂN, VƯỚNG MẮC",
            *causes,
            "…",
            "",
            "III. NHIỆM VỤ TRỌNG TÂM KỲ TỚI",
            "…",
            "",
            "IV. KIẾN NGHỊ, ĐỀ XUẤT",
            "…",
        ]
    )
