"""A task's timeline as its page shows it: one row per event, with the line of wording that says what changed
(officers assigned, the new due date asked or granted, the unit proposed, progress, obstacles, confidence).
"""

from __future__ import annotations

import datetime
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from django.utils.translation import gettext as _

from sauro.accounts.models import User
from sauro.org.access import people_visible_to, units_visible_to
from sauro.org.selectors import unit_names
from sauro.tasks import selectors
from sauro.tasks.choices import Confidence, EventKind, TaskState, Trend
from sauro.tasks.models import Task, TaskEvent


@dataclass(frozen=True)
class TimelineRow:
    event: TaskEvent
    label: str
    from_label: str
    to_label: str
    detail: str


def timeline_rows(user: User, task: Task) -> list[TimelineRow]:
    events = list(selectors.task_timeline(task=task))
    officer_ids = {i for e in events if e.kind == EventKind.ACCEPTED for i in e.data.get("officer_ids", [])}
    unit_ids = {e.data.get("proposed_unit_id") for e in events if e.kind == EventKind.REASSIGNMENT_REQUESTED}
    # The bodies an obstacle on this task was addressed to are named to whoever reads the task (as its obstacle
    # section does): the body asked may sit outside the units the reader sees.
    asked = {e.data.get("decider_unit_id") for e in events if e.kind == EventKind.OBSTACLE_RAISED}
    asked |= {e.data.get("unit_id") for e in events if e.kind in {EventKind.OBSTACLE_ESCALATED, EventKind.ESCALATED}}
    asked.discard(None)
    names = (
        dict(people_visible_to(user).filter(pk__in=officer_ids).values_list("pk", "full_name")) if officer_ids else {}
    )
    units = dict(units_visible_to(user).filter(pk__in=unit_ids).values_list("pk", "name")) if unit_ids else {}
    if asked:
        units.update(unit_names(asked))
    states = dict(TaskState.choices)
    rows = []
    for e in events:
        detail = ""
        if e.kind == EventKind.ACCEPTED and e.data.get("officer_ids"):
            who = ", ".join(str(names[i]) for i in e.data["officer_ids"] if i in names)
            detail = _("Phân công: %(names)s") % {"names": who} if who else ""
        elif e.kind in {EventKind.EXTENSION_REQUESTED, EventKind.EXTENSION_DECIDED} and e.data.get("new_due_date"):
            day = datetime.date.fromisoformat(e.data["new_due_date"])
            if e.kind == EventKind.EXTENSION_REQUESTED:
                detail = _("Đề nghị gia hạn đến ngày %(day)s") % {"day": f"{day:%d/%m/%Y}"}
            elif e.data.get("approved"):
                detail = _("Đồng ý gia hạn đến ngày %(day)s") % {"day": f"{day:%d/%m/%Y}"}
            else:
                detail = _("Không đồng ý gia hạn đến ngày %(day)s") % {"day": f"{day:%d/%m/%Y}"}
        elif e.kind == EventKind.REASSIGNMENT_REQUESTED and e.data.get("proposed_unit_id") in units:
            detail = _("Đề nghị chuyển cho %(unit)s") % {"unit": units[e.data["proposed_unit_id"]]}
        elif e.kind == EventKind.FOCUS_CHANGED and "is_focus" in e.data:
            detail = _("Đánh dấu nhiệm vụ trọng tâm") if e.data["is_focus"] else _("Bỏ đánh dấu trọng tâm")
        elif e.kind == EventKind.REASSIGNMENT_DECIDED and "approved" in e.data:
            detail = _("Đồng ý điều chỉnh") if e.data["approved"] else _("Không đồng ý điều chỉnh")
        else:
            detail = monitoring_detail(e, units)
        rows.append(
            TimelineRow(
                event=e,
                label=str(dict(EventKind.choices).get(e.kind, e.kind)),
                from_label=str(states.get(e.from_state, "")) if e.from_state and e.to_state else "",
                to_label=str(states.get(e.to_state, "")) if e.to_state else "",
                detail=detail,
            )
        )
    return rows


def _percent(value: Any) -> str:
    return f"{value}%" if isinstance(value, int) and not isinstance(value, bool) else ""


def monitoring_detail(e: TaskEvent, units: Mapping[Any, str]) -> str:
    """The one line a monitoring event adds on the timeline (what changed), from the event's data."""
    data = e.data or {}
    if e.kind == EventKind.PROGRESS:
        before, after = _percent(data.get("previous_percent")), _percent(data.get("percent"))
        if before and after and before != after:
            return _("Tiến độ %(before)s → %(after)s") % {"before": before, "after": after}
        return _("Tiến độ %(after)s") % {"after": after} if after else ""
    if e.kind == EventKind.OBSTACLE_RAISED and data.get("decider_unit_id") in units:
        return _("Đề nghị %(unit)s cho ý kiến") % {"unit": units[data["decider_unit_id"]]}
    if e.kind in {EventKind.OBSTACLE_ESCALATED, EventKind.ESCALATED} and data.get("unit_id") in units:
        name = units[data["unit_id"]]
        return "" if name in (e.note or "") else _("Chuyển đến %(unit)s") % {"unit": name}
    if e.kind == EventKind.CONFIDENCE_RATED and data.get("level") in Confidence.values:
        level = str(Confidence(data["level"]).label)
        previous = str(Confidence(data["previous"]).label) if data.get("previous") in Confidence.values else ""
        trend = str(Trend(data["trend"]).label) if data.get("trend") in Trend.values else ""
        text = f"{previous} → {level}" if previous and previous != level else level
        text = _("Khả năng hoàn thành: %(level)s") % {"level": text}
        return f"{text} ({trend.lower()})" if trend else text
    return ""
