"""Every write to work programs: programs, their items, an item becoming or linking a task, and Excel import.

Each service checks the acting user's right first, validates, writes and appends one audit entry in the same
transaction. Edits carry the version the person loaded: a stale one is a ``Conflict`` (409) and changes nothing.
"""

from __future__ import annotations

import calendar
import datetime
from dataclasses import dataclass, field
from typing import Any

from django.db import IntegrityError, transaction

from sauro.accounts.models import User
from sauro.audit.services import audit_record
from sauro.common import clock
from sauro.common.errors import Conflict, PermissionDeniedError, ValidationFailed
from sauro.org.access import units_visible_to
from sauro.org.models import Unit
from sauro.org.restructuring import Succession
from sauro.programs.access import may_write_program, program_units_visible_to
from sauro.programs.choices import ROMAN_QUARTERS, ProgramState, quarter_of_month
from sauro.programs.models import KEY_MAX_LENGTH, MAX_YEAR, MIN_YEAR, WorkProgram, WorkProgramItem
from sauro.programs.selectors import succession_items
from sauro.tasks.access import tasks_visible_to
from sauro.tasks.choices import ProductKind, TaskState
from sauro.tasks.models import Task
from sauro.tasks.services import task_create

ERR_NO_RIGHT = (
    "Chỉ lãnh đạo đơn vị, lãnh đạo và Văn phòng cấp ủy mới được lập, sửa chương trình công tác của đơn vị này."
)
ERR_UNIT_UNKNOWN = "Không tìm thấy cơ quan, đơn vị đã chọn."
ERR_UNIT_INACTIVE = "Đơn vị “{name}” không còn hoạt động."
ERR_YEAR = f"Năm phải từ {MIN_YEAR} đến {MAX_YEAR}."
ERR_QUARTER = "Quý phải từ 1 đến 4."
ERR_MONTH = "Tháng phải từ 1 đến 12."
ERR_PROGRAM_EXISTS = "{unit} đã có chương trình công tác {period}."
ERR_STATE = "Trạng thái không hợp lệ."
_NOT_SAVED = "Nội dung bạn nhập chưa được lưu."
ERR_PROGRAM_STALE = (
    "Chương trình đã được người khác sửa (thành phiên bản {current}) sau khi bạn mở để sửa. " + _NOT_SAVED
)
ERR_ITEM_STALE = "Mục này đã được người khác sửa (thành phiên bản {current}) sau khi bạn mở để sửa. " + _NOT_SAVED
ERR_KEY_REQUIRED = "STT/mã mục không được để trống."
ERR_KEY_TOO_LONG = f"STT/mã mục dài tối đa {KEY_MAX_LENGTH} ký tự."
ERR_KEY_TAKEN = "Chương trình đã có mục “{key}”."
ERR_CONTENT_REQUIRED = "Nội dung công việc không được để trống."
ERR_MONTH_QUARTER = "Tháng {month} thuộc quý {expected}, không phải quý {quarter}."
ERR_OUTSIDE_PROGRAM = "Tháng {month} không thuộc quý {quarter} của chương trình."
ERR_QUARTER_OUTSIDE_PROGRAM = "Mục quý {item_quarter} không thuộc quý {quarter} của chương trình."
ERR_DUE_YEAR = "Thời hạn {due:%d/%m/%Y} không thuộc năm {year} của chương trình."
ERR_PRODUCT_KIND = "Loại sản phẩm không hợp lệ."
ERR_HAS_TASK = "Mục này đã gắn với nhiệm vụ “{title}”."
ERR_TASK_UNKNOWN = "Không tìm thấy nhiệm vụ đã chọn trong phạm vi bạn được xem."
ERR_TASK_CANCELLED = "Không gắn được với nhiệm vụ đã dừng thực hiện."
TITLE_MAX = 300


@dataclass(frozen=True)
class ItemInput:
    """What a person (or a row of the spreadsheet) gives for an item; ``lead_unit_id`` is resolved through the
    gate."""

    key: str
    content: str
    month: int | None = None
    quarter: int | None = None
    lead_unit_id: int | None = None
    coordinating: str = ""
    product: str = ""
    product_kind: str = ""
    due_date: datetime.date | None = None
    notes: str = ""


def _refuse(name: str, message: str) -> ValidationFailed:
    return ValidationFailed(message, fields={name: message})


def check_right(acting_user: User | None, unit: Unit) -> None:
    if acting_user is not None and not may_write_program(acting_user, unit, clock.today()):
        raise PermissionDeniedError(ERR_NO_RIGHT)


def period_label(year: int, quarter: int | None) -> str:
    return f"năm {year}" if quarter is None else f"quý {ROMAN_QUARTERS[quarter]} năm {year}"


def default_title(unit: Unit, year: int, quarter: int | None) -> str:
    return f"Chương trình công tác {period_label(year, quarter)} của {unit.name}"


def program_snapshot(p: WorkProgram) -> dict[str, Any]:
    return {
        "unit_id": p.unit_id,
        "year": p.year,
        "quarter": p.quarter,
        "title": p.title,
        "state": p.state,
        "version": p.version,
    }


def item_snapshot(i: WorkProgramItem) -> dict[str, Any]:
    return {
        "program_id": i.program_id,
        "key": i.key,
        "month": i.month,
        "quarter": i.quarter,
        "content": i.content,
        "lead_unit_id": i.lead_unit_id,
        "coordinating": i.coordinating,
        "product": i.product,
        "product_kind": i.product_kind,
        "due_date": i.due_date,
        "notes": i.notes,
        "task_id": i.task_id,
        "version": i.version,
    }


# --- programs ---------------------------------------------------------------------------------------------------


@transaction.atomic
def program_create(
    *, acting_user: User | None, unit_id: int, year: int, quarter: int | None = None, title: str = ""
) -> WorkProgram:
    """Open the (annual or quarterly) program of a unit; one per unit and period."""
    units = program_units_visible_to(acting_user) if acting_user is not None else Unit.objects.all()
    unit = units.filter(pk=unit_id).first()
    if unit is None:
        raise _refuse("unit", ERR_UNIT_UNKNOWN)
    check_right(acting_user, unit)
    if unit.valid_to is not None:
        raise _refuse("unit", ERR_UNIT_INACTIVE.format(name=unit.name))
    if not MIN_YEAR <= year <= MAX_YEAR:
        raise _refuse("year", ERR_YEAR)
    if quarter is not None and not 1 <= quarter <= 4:
        raise _refuse("quarter", ERR_QUARTER)
    exists_msg = ERR_PROGRAM_EXISTS.format(unit=unit.name, period=period_label(year, quarter))
    if WorkProgram.objects.filter(unit=unit, year=year, quarter=quarter).exists():
        raise _refuse("year", exists_msg)
    title = " ".join(title.split())[:TITLE_MAX] or default_title(unit, year, quarter)
    program = WorkProgram(unit=unit, year=year, quarter=quarter, title=title, created_by=acting_user)
    try:
        with transaction.atomic():
            program.save()
    except IntegrityError as exc:
        raise _refuse("year", exists_msg) from exc
    audit_record(
        acting_user=acting_user,
        action="workprogram.create",
        obj=program,
        unit_id=unit.pk,
        summary=f"Lập {program.title}",
        after=program_snapshot(program),
    )
    return program


def _lock_program(program: WorkProgram, expected_version: int | None) -> WorkProgram:
    locked = WorkProgram.objects.select_for_update(of=("self",)).select_related("unit").get(pk=program.pk)
    if expected_version is not None and locked.version != expected_version:
        raise Conflict(ERR_PROGRAM_STALE.format(current=locked.version), code="stale_version")
    return locked


@transaction.atomic
def program_update(
    *, acting_user: User | None, program: WorkProgram, expected_version: int, title: str, state: str
) -> WorkProgram:
    """Rename a program or mark it approved / back to draft."""
    check_right(acting_user, program.unit)
    locked = _lock_program(program, expected_version)
    before = program_snapshot(locked)
    if state not in ProgramState.values:
        raise _refuse("state", ERR_STATE)
    locked.title = " ".join(title.split())[:TITLE_MAX] or default_title(locked.unit, locked.year, locked.quarter)
    locked.state = state
    locked.version += 1
    locked.save()
    audit_record(
        acting_user=acting_user,
        action="workprogram.update",
        obj=locked,
        unit_id=locked.unit_id,
        summary=f"Sửa {locked.title}",
        before=before,
        after=program_snapshot(locked),
    )
    return locked


# --- items ------------------------------------------------------------------------------------------------------


def resolve_lead_unit(acting_user: User | None, unit_id: int | None) -> Unit | None:
    if unit_id is None:
        return None
    # The lead unit of an item may be any unit the user sees (an agency above may lead a ward's item).
    units = units_visible_to(acting_user) if acting_user is not None else Unit.objects.all()
    unit = units.filter(pk=unit_id).first()
    if unit is None:
        raise _refuse("lead_unit", ERR_UNIT_UNKNOWN)
    if unit.valid_to is not None:
        raise _refuse("lead_unit", ERR_UNIT_INACTIVE.format(name=unit.name))
    return unit


def check_period(program: WorkProgram, month: int | None, quarter: int | None) -> tuple[int | None, str]:
    """The item's quarter (derived from the month when missing) and a message if month/quarter do not fit."""
    if month is not None and not 1 <= month <= 12:
        return quarter, ERR_MONTH
    if quarter is not None and not 1 <= quarter <= 4:
        return quarter, ERR_QUARTER
    if month is not None:
        expected = quarter_of_month(month)
        if quarter is not None and quarter != expected:
            return quarter, ERR_MONTH_QUARTER.format(month=month, expected=expected, quarter=quarter)
        quarter = expected
        if program.quarter is not None and expected != program.quarter:
            return quarter, ERR_OUTSIDE_PROGRAM.format(month=month, quarter=program.quarter)
    elif quarter is not None and program.quarter is not None and quarter != program.quarter:
        return quarter, ERR_QUARTER_OUTSIDE_PROGRAM.format(item_quarter=quarter, quarter=program.quarter)
    return quarter, ""


def _apply_item(acting_user: User | None, item: WorkProgramItem, data: ItemInput) -> None:
    key = data.key.strip()
    if not key:
        raise _refuse("key", ERR_KEY_REQUIRED)
    if len(key) > KEY_MAX_LENGTH:
        raise _refuse("key", ERR_KEY_TOO_LONG)
    content = data.content.replace("\r\n", "\n").strip()
    if not content:
        raise _refuse("content", ERR_CONTENT_REQUIRED)
    quarter, problem = check_period(item.program, data.month, data.quarter)
    if problem:
        raise _refuse("month" if data.month is not None else "quarter", problem)
    if data.product_kind and data.product_kind not in ProductKind.values:
        raise _refuse("product_kind", ERR_PRODUCT_KIND)
    item.key = key
    item.content = content
    item.month = data.month
    item.quarter = quarter
    item.lead_unit = resolve_lead_unit(acting_user, data.lead_unit_id)
    item.coordinating = " ".join(data.coordinating.split())[:500]
    item.product = " ".join(data.product.split())[:500]
    item.product_kind = data.product_kind
    item.due_date = data.due_date
    item.notes = data.notes.replace("\r\n", "\n").strip()


def _save_item(item: WorkProgramItem) -> None:
    clash = WorkProgramItem.objects.filter(program_id=item.program_id, key=item.key).exclude(pk=item.pk).exists()
    if clash:
        raise _refuse("key", ERR_KEY_TAKEN.format(key=item.key))
    try:
        with transaction.atomic():
            item.save()
    except IntegrityError as exc:
        raise _refuse("key", ERR_KEY_TAKEN.format(key=item.key)) from exc


@transaction.atomic
def item_create(*, acting_user: User | None, program: WorkProgram, data: ItemInput) -> WorkProgramItem:
    check_right(acting_user, program.unit)
    locked = _lock_program(program, None)
    last = locked.items.order_by("-position").values_list("position", flat=True).first()
    item = WorkProgramItem(program=locked, position=(last or 0) + 1)
    _apply_item(acting_user, item, data)
    _save_item(item)
    audit_record(
        acting_user=acting_user,
        action="workprogramitem.create",
        obj=item,
        unit_id=locked.unit_id,
        summary=f"Thêm mục {item.key} vào {locked.title}",
        after=item_snapshot(item),
    )
    return item


def _lock_item(item: WorkProgramItem, expected_version: int | None) -> WorkProgramItem:
    locked = (
        WorkProgramItem.objects.select_for_update(of=("self",))
        .select_related("program", "program__unit", "lead_unit")
        .get(pk=item.pk)
    )
    if expected_version is not None and locked.version != expected_version:
        raise Conflict(ERR_ITEM_STALE.format(current=locked.version), code="stale_version")
    return locked


@transaction.atomic
def item_update(
    *, acting_user: User | None, item: WorkProgramItem, expected_version: int, data: ItemInput
) -> WorkProgramItem:
    check_right(acting_user, item.program.unit)
    locked = _lock_item(item, expected_version)
    before = item_snapshot(locked)
    _apply_item(acting_user, locked, data)
    locked.version += 1
    _save_item(locked)
    audit_record(
        acting_user=acting_user,
        action="workprogramitem.update",
        obj=locked,
        unit_id=locked.program.unit_id,
        summary=f"Sửa mục {locked.key} của {locked.program.title}",
        before=before,
        after=item_snapshot(locked),
    )
    return locked


@transaction.atomic
def item_delete(*, acting_user: User | None, item: WorkProgramItem) -> None:
    """Remove an item; a task made from it stays (it has its own life)."""
    check_right(acting_user, item.program.unit)
    locked = _lock_item(item, None)
    before = item_snapshot(locked)
    pk, key, program = locked.pk, locked.key, locked.program
    locked.delete()
    audit_record(
        acting_user=acting_user,
        action="workprogramitem.delete",
        object_type=WorkProgramItem._meta.label_lower,
        object_id=str(pk),
        object_repr=f"{key}. {before['content'][:80]}",
        unit_id=program.unit_id,
        summary=f"Xóa mục {key} của {program.title}",
        before=before,
    )


# --- items and tasks --------------------------------------------------------------------------------------------


def item_due_date(item: WorkProgramItem) -> datetime.date | None:
    """The item's due date, else the last day of its month, else of its quarter (a quarterly program: of the
    program's quarter)."""
    if item.due_date is not None:
        return item.due_date
    year = item.program.year
    if item.month is not None:
        return datetime.date(year, item.month, calendar.monthrange(year, item.month)[1])
    quarter = item.quarter or item.program.quarter
    if quarter is not None:
        month = quarter * 3
        return datetime.date(year, month, calendar.monthrange(year, month)[1])
    return None


def _task_title(content: str) -> str:
    first = content.strip().splitlines()[0] if content.strip() else ""
    return first if len(first) <= TITLE_MAX else first[: TITLE_MAX - 1].rstrip() + "…"


@transaction.atomic
def item_create_task(*, acting_user: User, item: WorkProgramItem) -> Task:
    """Make the item a task: a draft of the program's unit prefilled from the item (title and content, lead unit,
    product, due date), linked to the item. The six-clear checklist of the draft names what is still missing."""
    check_right(acting_user, item.program.unit)
    locked = _lock_item(item, None)
    if locked.task_id is not None:
        title = Task.objects.filter(pk=locked.task_id).values_list("title", flat=True).first() or ""
        raise Conflict(ERR_HAS_TASK.format(title=title), code="already_linked")
    before = item_snapshot(locked)
    fields: dict[str, Any] = {
        "title": _task_title(locked.content),
        "content": locked.content,
        "due_date": item_due_date(locked),
        "product_kind": locked.product_kind,
        "product_description": locked.product,
    }
    if locked.lead_unit is not None and locked.lead_unit.valid_to is None:
        fields["lead_unit"] = locked.lead_unit_id
    task = task_create(acting_user=acting_user, owner_unit=locked.program.unit, fields=fields)
    locked.task = task
    locked.version += 1
    locked.save(update_fields=["task", "version", "updated_at"])
    audit_record(
        acting_user=acting_user,
        action="workprogramitem.create_task",
        obj=locked,
        unit_id=locked.program.unit_id,
        summary=f"Tạo nhiệm vụ từ mục {locked.key} của {locked.program.title}",
        before=before,
        after=item_snapshot(locked),
    )
    return task


@transaction.atomic
def item_link_task(*, acting_user: User, item: WorkProgramItem, task_id: int | None) -> WorkProgramItem:
    """Link the item to a task the user sees (or unlink it with ``task_id=None``)."""
    check_right(acting_user, item.program.unit)
    locked = _lock_item(item, None)
    before = item_snapshot(locked)
    task = None
    if task_id is not None:
        task = tasks_visible_to(acting_user).filter(pk=task_id).first()
        if task is None:
            raise _refuse("task", ERR_TASK_UNKNOWN)
        if task.state == TaskState.CANCELLED:
            raise _refuse("task", ERR_TASK_CANCELLED)
    locked.task = task
    locked.version += 1
    locked.save(update_fields=["task", "version", "updated_at"])
    audit_record(
        acting_user=acting_user,
        action="workprogramitem.link_task" if task else "workprogramitem.unlink_task",
        obj=locked,
        unit_id=locked.program.unit_id,
        summary=(
            f"Gắn mục {locked.key} với nhiệm vụ “{task.title}”" if task else f"Bỏ gắn nhiệm vụ của mục {locked.key}"
        ),
        before=before,
        after=item_snapshot(locked),
    )
    return locked


# --- import -----------------------------------------------------------------------------------------------------


@dataclass
class ImportResult:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    keys_created: list[str] = field(default_factory=list)
    keys_updated: list[str] = field(default_factory=list)


@transaction.atomic
def program_import_rows(*, acting_user: User | None, program: WorkProgram, rows: list[ItemInput]) -> ImportResult:
    """Upsert validated rows by key, all in this transaction (``importer.import_program`` validates first)."""
    check_right(acting_user, program.unit)
    locked = _lock_program(program, None)
    existing = {i.key: i for i in WorkProgramItem.objects.select_for_update().filter(program=locked)}
    position = max((i.position for i in existing.values()), default=0)
    result = ImportResult()
    for data in rows:
        item = existing.get(data.key.strip())
        if item is None:
            position += 1
            item = WorkProgramItem(program=locked, position=position)
            _apply_item(acting_user, item, data)
            _save_item(item)
            result.created += 1
            result.keys_created.append(item.key)
            continue
        item.program = locked
        before = item_snapshot(item)
        _apply_item(acting_user, item, data)
        if item_snapshot(item) == before:
            result.unchanged += 1
            continue
        item.version += 1
        _save_item(item)
        result.updated += 1
        result.keys_updated.append(item.key)
    audit_record(
        acting_user=acting_user,
        action="workprogram.import",
        obj=locked,
        unit_id=locked.unit_id,
        summary=(
            f"Nhập Excel vào {locked.title}: {result.created} mục mới, {result.updated} mục cập nhật, "
            f"{result.unchanged} mục không đổi"
        ),
        after={"created": result.keys_created, "updated": result.keys_updated, "unchanged": result.unchanged},
    )
    return result


def program_items_move_to_successor(succession: Succession) -> int:
    """Registered with org.restructuring: the items a merged unit leads in programs of the merge's year or later go
    to its successor, each with its journal entry (earlier programs keep the unit of their time)."""
    old, new = succession.predecessor, succession.successor
    moved = 0
    for item in succession_items([old], succession.on_date).select_for_update(of=("self",)):
        before = item_snapshot(item)
        item.lead_unit = new
        item.version += 1
        item.save(update_fields=["lead_unit", "version", "updated_at"])
        audit_record(
            acting_user=succession.acting_user,
            action="workprogramitem.unit_succeeded",
            obj=item,
            unit_id=new.pk,
            summary=f"“{old.name}” sáp nhập vào “{new.name}”",
            before=before,
            after=item_snapshot(item),
        )
        moved += 1
    return moved
