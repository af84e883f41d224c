"""A directive's text → the items (sentences that assign work) with their proposed tasks."""

from __future__ import annotations

import datetime
import re

from sauro.common.calendar import WorkCalendar
from sauro.extraction.segment import Sentence, sentences
from sauro.extraction.sentence import LeadIn, coordinators_only, lead_in_of, read_sentence
from sauro.extraction.types import Item
from sauro.extraction.units import UnitMatcher

# A heading that starts with these words opens a part that reports and evaluates ("I. ĐÁNH GIÁ KẾT QUẢ…", "1. Ưu
# điểm", "2. Hạn chế, nguyên nhân"): its sentences tell what was done, even without "đã".
_NARRATIVE_HEADING = re.compile(
    r"^(?:về\s+|một số\s+)?(?:đánh giá|kết quả|tình hình|ưu điểm|hạn chế|khuyết điểm|nguyên nhân|bài học|"
    r"những kết quả|các kết quả|thành tựu)(?=\W|$)"
)
# A heading that starts with these opens a part that assigns ("II. NHIỆM VỤ, GIẢI PHÁP…", "III. TỔ CHỨC THỰC HIỆN").
_TASK_HEADING = re.compile(
    r"^(?:về\s+|một số\s+)?(?:nhiệm vụ|giải pháp|phương hướng|kiến nghị|đề xuất|tổ chức thực hiện|trách nhiệm|"
    r"phân công|mục tiêu|chỉ tiêu)(?=\W|$)"
)


def _narrative_part(s: Sentence, parts: dict[str | None, bool]) -> bool:
    """Whether ``s`` stands in a part whose nearest heading is a report's (``parts``: point → narrative)."""
    point = s.point
    while point is not None:
        if point in parts:
            return parts[point]
        point = point.rsplit(".", 1)[0] if "." in point else None
    return parts.get(None, False)


def _under(s: Sentence, point: str | None) -> bool:
    """Whether ``s`` is an item of the list a lead-in at ``point`` introduces (the same point or one below it)."""
    if not s.item or s.heading or s.closing:
        return False
    return point is None or s.point == point or (s.point or "").startswith(point + ".")


def propose(
    text: str,
    ref: datetime.date,
    matcher: UnitMatcher,
    *,
    collective: bool = False,
    calendar: WorkCalendar | None = None,
) -> list[Item]:
    """One ``Item`` per sentence of ``text`` that assigns work, in the text's order. Pure: the matcher holds the
    organisation (build it once: ``UnitMatcher.from_db``).

    Across sentences: the sentences of a part whose heading reports ("I. ĐÁNH GIÁ KẾT QUẢ…", "1. Hạn chế") propose
    nothing; a sentence ending with ":" that names a lead ("Giao Văn phòng Thành ủy:") hands it to the
    items under it that name none ("- Xây dựng…"); a sentence that only names coordinating units ("Ban Nội chính
    Thành ủy phối hợp.") adds them to the tasks of the item just before it in the same point. ``calendar``: one
    snapshot of the working-day calendar for the whole text (``common.calendar.current_calendar()``; default: each
    deadline reads it)."""
    items: list[Item] = []
    lead_in: tuple[LeadIn, str | None] | None = None
    parts: dict[str | None, bool] = {}
    # A sentence ending with ":" with no item under it assigns the work itself ("… yêu cầu các cơ quan, đơn vị tập
    # trung thực hiện các nội dung sau:" at the end of a text, or before prose): (its place in ``items``, it).
    pending: tuple[int, Sentence] | None = None

    def settle() -> None:
        nonlocal pending
        if pending is not None:
            at, colon = pending
            tasks = read_sentence(colon, ref, matcher, collective=collective, calendar=calendar, as_item=True)
            if tasks:
                items.insert(at, Item(colon.text, colon.point, colon.start, colon.end, tasks))
            pending = None

    for s in sentences(text):
        if pending is not None and _under(s, pending[1].point):
            pending = None  # it has items: they carry the work
        if lead_in is not None and not _under(s, lead_in[1]):
            lead_in = None
        if s.heading:
            heading = s.text.lower()
            # A part's heading decides for it and what is under it ("3." closes what "2." said).
            if s.point is None:
                parts = {}
            else:
                parts = {p: v for p, v in parts.items() if p is None or not (p + ".").startswith(s.point + ".")}
            if _NARRATIVE_HEADING.match(heading) or _TASK_HEADING.match(heading):
                parts[s.point] = bool(_NARRATIVE_HEADING.match(heading))
            continue
        if _narrative_part(s, parts):
            continue
        if s.text.endswith(":"):
            settle()
            found = lead_in_of(s, matcher)
            lead_in = (found, s.point) if found else None
            pending = (len(items), s)
            continue
        settle()
        tasks = read_sentence(
            s, ref, matcher, collective=collective, lead_in=lead_in[0] if lead_in else None, calendar=calendar
        )
        if tasks:
            items.append(Item(sentence=s.text, point=s.point, start=s.start, end=s.end, tasks=tasks))
            continue
        if items and items[-1].point == s.point and (more := coordinators_only(s, matcher, collective=collective)):
            for task in items[-1].tasks:
                known = {u.id for u in task.coordinating} | ({task.lead.id} if task.lead else set())
                task.coordinating.extend(u for u in dict.fromkeys(more) if u.id not in known)
    settle()
    return items
