"""Report duties in the Huế demo: the regime's duties of the last months, most submitted on time by the unit heads,
some late, a few still missing — so the reports page and the league table have a history to show."""

from __future__ import annotations

import datetime
import random

from sauro.accounts.models import User
from sauro.common import clock
from sauro.common.calendar import add_working_days
from sauro.demo.timing import clock_at
from sauro.org.choices import Role
from sauro.org.models import Membership
from sauro.reports.choices import DutyState
from sauro.reports.models import ReportDuty
from sauro.reports.services import report_submit, reports_generate

SEED = 2026_09
MONTHS_BACK = 6


def _fifteenths(today: datetime.date, months: int) -> list[datetime.date]:
    """The 15th of each of the last ``months`` months (the day each month's reporting window turns)."""
    days = []
    year, month = today.year, today.month
    for _ in range(months):
        day = datetime.date(year, month, 15)
        if day <= today:
            days.append(day)
        year, month = (year - 1, 12) if month == 1 else (year, month - 1)
    return sorted(days)


def load_demo_reports() -> int:
    """Generate the duties of the last months and submit most of them; returns how many were submitted."""
    if ReportDuty.objects.exists():
        return 0
    today = clock.today()
    rng = random.Random(SEED)  # noqa: S311 — demo data, not security
    for day in _fifteenths(today, MONTHS_BACK):
        with clock_at(day):
            reports_generate(as_of=day)
    reports_generate(as_of=today)
    heads: dict[int, User] = {}
    for m in Membership.objects.active_on(today).filter(role=Role.UNIT_HEAD).select_related("person").order_by("id"):
        heads.setdefault(m.unit_id, m.person)
    submitted = 0
    duties = ReportDuty.objects.filter(state=DutyState.PENDING, due_on__lt=today).select_related("unit")
    for duty in duties.order_by("due_on", "unit_id", "id"):
        head = heads.get(duty.unit_id)
        draw = rng.random()
        if head is None or draw < 0.08:
            continue  # still missing
        late_by = rng.randint(1, 4) if draw < 0.2 else 0
        day = add_working_days(duty.due_on, late_by) if late_by else add_working_days(duty.cutoff_end, 1)
        if day >= today:
            continue
        with clock_at(day, datetime.time(15, 30)):
            report_submit(
                acting_user=head,
                duty=duty,
                text=f"{duty.unit.name} báo cáo {duty.label.lower()}: tình hình thực hiện nhiệm vụ, kết quả nổi bật, "
                "hạn chế và đề xuất (bản điện tử gửi qua hệ thống).",
            )
        submitted += 1
    return submitted
