"""A person's desk, the overview page's blocks: what they carry, what waits for their decision, their unit's overdue
tasks and report duties, the obstacles they are asked to answer.

Every figure is read by the selectors of its app (tasks, reports, monitoring), through their gates, and links to
the page listing exactly what it counts. Few queries whatever the number of tasks: each block is one aggregate and,
when it counts anything, one query for its first rows.
"""

from __future__ import annotations

import datetime
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlencode

from django.urls import reverse
from django.utils.translation import gettext as _

from sauro.accounts.models import User
from sauro.common import clock
from sauro.monitoring.selectors import ObstaclesToAnswer, obstacles_to_answer
from sauro.org.access import unit_paths, user_scope
from sauro.org.choices import Role
from sauro.org.models import Membership
from sauro.org.selectors import unit_names
from sauro.reports.choices import Timeliness
from sauro.reports.selectors import DUE_SOON, DutiesDue, duties_due
from sauro.tasks.choices import ReportingState
from sauro.tasks.selectors import (
    Decisions,
    MyOpenTasks,
    UnitOverdue,
    decisions_waiting,
    my_open_tasks,
    unit_overdue,
)

# How many rows each block shows; its link leads to them all.
ROWS = 5
# Who heads a unit's work (decides for it, answers for it): the blocks about the unit are theirs.
UNIT_ROLES = (Role.UNIT_HEAD, Role.LEADER, Role.MONITOR)
HEAD_ROLES = (Role.UNIT_HEAD, Role.LEADER)


@dataclass(frozen=True)
class Figure:
    """One number of a block and the list of exactly what it counts; ``tone``: a CSS modifier (alarm, warn)."""

    label: str
    count: int
    url: str
    tone: str = ""


@dataclass
class Desk:
    mine: MyOpenTasks | None = None
    mine_figures: list[Figure] = field(default_factory=list)
    mine_url: str = ""
    decisions: Decisions | None = None
    decision_figures: list[Figure] = field(default_factory=list)
    inbox_url: str = ""
    unit_name: str = ""
    overdue: UnitOverdue | None = None
    overdue_url: str = ""
    duties: DutiesDue | None = None
    duty_figures: list[Figure] = field(default_factory=list)
    duties_url: str = ""
    obstacles: ObstaclesToAnswer | None = None
    obstacle_figures: list[Figure] = field(default_factory=list)
    obstacles_url: str = ""

    @property
    def is_empty(self) -> bool:
        return self.mine is None


def _url(name: str, **params: Any) -> str:
    query = {k: v.isoformat() if isinstance(v, datetime.date) else v for k, v in params.items() if v is not None}
    return f"{reverse(name)}?{urlencode(query)}" if query else reverse(name)


def desk_for(user: User, memberships: Sequence[Membership]) -> Desk:
    """The blocks ``user`` sees, given their active memberships (read once by the page)."""
    desk = Desk()
    if not memberships:
        return desk
    today = clock.today()
    scope = user_scope(user)

    mine = my_open_tasks(user=user, limit=ROWS)
    desk.mine = mine
    desk.mine_url = _url("tasks:list", mine="on", state="open")
    desk.mine_figures = [
        Figure(
            _("Quá hạn"),
            mine.overdue,
            _url("tasks:list", mine="on", state="open", reporting=ReportingState.OPEN_OVERDUE.value),
            "alarm",
        ),
        Figure(
            _("Đến hạn trong 7 ngày"),
            mine.due_soon,
            _url(
                "tasks:list",
                mine="on",
                state="open",
                reporting=ReportingState.OPEN_ON_TIME.value,
                due_to=mine.soon_until,
            ),
            "warn",
        ),
        Figure(_("Đang thực hiện"), mine.open, desk.mine_url),
    ]

    headed = sorted({m.unit_id for m in memberships if m.role in HEAD_ROLES and m.unit.valid_to is None})
    if headed:
        decisions = decisions_waiting(user=user, headed_unit_ids=headed, limit=ROWS)
        desk.decisions = decisions
        inbox = reverse("tasks:inbox")
        desk.inbox_url = inbox
        desk.decision_figures = [
            Figure(_("Sản phẩm chờ duyệt"), decisions.to_approve, f"{inbox}#approve-title", "warn"),
            Figure(_("Đề nghị gia hạn, điều chỉnh"), decisions.requests, f"{inbox}#requests-title", "warn"),
            Figure(_("Chờ tiếp nhận"), decisions.to_accept, f"{inbox}#accept-title"),
            Figure(_("Bị trả lại"), decisions.returned, f"{inbox}#returned-title"),
        ]

    home = scope.home_unit_id
    if scope.has_role(*UNIT_ROLES) and home is not None:
        desk.unit_name = next((m.unit.name for m in memberships if m.unit_id == home), "") or unit_names([home]).get(
            home, ""
        )
        desk.overdue = unit_overdue(user=user, unit_id=home, limit=ROWS)
        desk.overdue_url = _url("tasks:list", unit=home, reporting=ReportingState.OPEN_OVERDUE.value)
        path = unit_paths(user).get(home)
        if path:
            duties = duties_due(user=user, unit_path=path, as_of=today, limit=ROWS)
            desk.duties = duties
            desk.duties_url = _url("reports:list", unit=home)
            desk.duty_figures = [
                Figure(
                    _("Chưa gửi – quá hạn"),
                    duties.missing,
                    _url("reports:list", unit=home, status=Timeliness.MISSING.value),
                    "alarm",
                ),
                Figure(
                    _("Sắp đến hạn (7 ngày tới)"),
                    duties.due_soon,
                    _url("reports:list", unit=home, status=DUE_SOON),
                    "warn",
                ),
            ]
        obstacles = obstacles_to_answer(user=user, unit_ids=sorted(scope.unit_ids), as_of=today, limit=ROWS)
        desk.obstacles = obstacles
        desk.obstacles_url = _url("monitoring:obstacles", mine="on")
        desk.obstacle_figures = [
            Figure(_("Chờ trả lời"), obstacles.count, desk.obstacles_url, "warn"),
            Figure(
                _("Quá hạn trả lời"),
                obstacles.overdue,
                _url("monitoring:obstacles", mine="on", overdue="on"),
                "alarm",
            ),
        ]
    return desk
