"""Work programs in the Huế demo (``data/programs.json``): Văn phòng Thành ủy's program for the year and Ban Tổ
chức's program for the current quarter, written through the services (as Văn phòng and the head of Ban Tổ chức
would)."""

from __future__ import annotations

import datetime
import json
from typing import Any

from sauro.accounts.models import User
from sauro.common import clock
from sauro.demo.paths import DATA_DIR
from sauro.org.models import Unit
from sauro.programs.models import WorkProgram
from sauro.programs.services import ItemInput, item_create, item_link_task, program_create
from sauro.tasks.choices import TaskState
from sauro.tasks.models import Task

PROGRAMS_FILE = DATA_DIR / "programs.json"


def _unit(code: str) -> Unit:
    return Unit.objects.get(code=code, valid_to__isnull=True)


def load_demo_programs() -> int:
    """Create the demo's programs (once); returns how many items were written."""
    if WorkProgram.objects.exists():
        return 0
    data: dict[str, Any] = json.loads(PROGRAMS_FILE.read_text(encoding="utf-8"))
    annual_data, quarterly_data = data["annual"], data["quarterly"]
    today = clock.today()
    office = _unit(annual_data["unit"])
    btc = _unit(quarterly_data["unit"])
    monitor = User.objects.get(username=annual_data["author"])
    btc_head = User.objects.get(username=quarterly_data["author"])
    written = 0
    annual = program_create(acting_user=monitor, unit_id=office.pk, year=today.year)
    leads = {code: _unit(code) for code in {row["lead"] for row in annual_data["items"]}}
    for row in annual_data["items"]:
        month = int(row["month"])
        item_create(
            acting_user=monitor,
            program=annual,
            data=ItemInput(
                key=row["key"],
                content=row["content"],
                month=month,
                quarter=(month - 1) // 3 + 1,
                lead_unit_id=leads[row["lead"]].pk,
                product=row["product"],
                product_kind=row["product_kind"],
            ),
        )
        written += 1
    quarter = (today.month - 1) // 3 + 1
    quarterly = program_create(acting_user=btc_head, unit_id=btc.pk, year=today.year, quarter=quarter)
    last_month = 3 * quarter
    for row in quarterly_data["items"]:
        item = item_create(
            acting_user=btc_head,
            program=quarterly,
            data=ItemInput(
                key=row["key"],
                content=row["content"],
                quarter=quarter,
                month=last_month,
                lead_unit_id=btc.pk,
                product=row["product"],
                product_kind=row["product_kind"],
                due_date=datetime.date(today.year, last_month, int(quarterly_data["due_day"])),
            ),
        )
        written += 1
        if row["key"] == quarterly_data["linked_item"]:
            # The item is already a task of Ban Tổ chức in the demo (same lead unit, same title): link that task.
            task = (
                Task.objects.filter(lead_unit=btc, title=quarterly_data["linked_task"])
                .exclude(state__in=[TaskState.DRAFT, TaskState.CANCELLED])
                .order_by("due_date", "id")
                .first()
            )
            if task is not None:
                item_link_task(acting_user=btc_head, item=item, task_id=task.pk)
    return written
