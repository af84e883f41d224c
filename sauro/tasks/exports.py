"""Task lists as Excel workbooks (the spreadsheet officials used to compile by hand).

The caller chooses *which* tasks — always through the visibility gate (``selectors.task_list``) — and passes them
through ``export_queryset``, which adds what every row reads in a fixed number of queries::

    qs = export_queryset(task_list(user=user, filters=filters))
    data = tasks_to_xlsx(qs.iterator(chunk_size=EXPORT_CHUNK_SIZE))

``export_queryset`` joins the directive, lead unit, responsible person and authority (``select_related``),
prefetches the coordinating units (``prefetch_related``, which ``iterator(chunk_size=…)`` honours per chunk) and
annotates the reporting state in SQL unless the queryset already carries it. ``tasks_to_xlsx`` itself runs no
query of its own on such a queryset.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Iterator

from django.db.models import Prefetch, QuerySet

from sauro.common.excel import workbook_bytes
from sauro.org.models import Unit
from sauro.tasks.choices import ProductKind, ReportingState, TaskState
from sauro.tasks.models import Task
from sauro.tasks.selectors import with_reporting_state

EXPORT_CHUNK_SIZE = 500
DEFAULT_TITLE = "Danh sách nhiệm vụ"
ONGOING_DUE = "Thường xuyên"

# (header, column width in Excel character units)
TASK_COLUMNS: tuple[tuple[str, float], ...] = (
    ("STT", 6),
    ("Tên nhiệm vụ", 48),
    ("Văn bản chỉ đạo", 24),
    ("Đơn vị chủ trì", 28),
    ("Đơn vị phối hợp", 28),
    ("Người chịu trách nhiệm", 22),
    ("Thời hạn", 12),
    ("Thời hạn ban đầu", 12),
    ("Trạng thái", 18),
    ("Tình trạng", 24),
    ("Ngày hoàn thành", 12),
    ("Sản phẩm", 40),
    ("Cấp có thẩm quyền", 26),
)
TASK_HEADERS: tuple[str, ...] = tuple(header for header, _ in TASK_COLUMNS)


def export_queryset(qs: QuerySet[Task], *, as_of: datetime.date | None = None) -> QuerySet[Task]:
    """``qs`` with everything a row of the export reads, so that exporting costs a fixed number of queries."""
    if "reporting_state" not in qs.query.annotations:
        qs = with_reporting_state(qs, as_of)
    return qs.select_related("directive", "lead_unit", "responsible_person", "authority_unit").prefetch_related(
        Prefetch("coordinating_units", queryset=Unit.objects.only("id", "name", "sort_order").order_by("sort_order"))
    )


def _product(task: Task) -> str:
    kind = ProductKind(task.product_kind).label if task.product_kind in ProductKind.values else ""
    description = task.product_description.strip()
    if kind and description:
        return f"{kind}: {description}"
    return str(kind or description)


def _reporting_label(task: Task) -> str:
    value = getattr(task, "reporting_state", None)
    return str(ReportingState(value).label) if value in ReportingState.values else ""


def task_row(number: int, task: Task) -> list[object]:
    """The cells of one task, in the order of ``TASK_HEADERS``."""
    coordinating = ", ".join(unit.name for unit in task.coordinating_units.all())
    return [
        number,
        task.title,
        str(task.directive) if task.directive_id else "",
        task.lead_unit.name if task.lead_unit else "",
        coordinating,
        task.responsible_person.get_full_name() if task.responsible_person else "",
        ONGOING_DUE if task.is_ongoing and task.due_date is None else task.due_date,
        task.original_due_date,
        str(TaskState(task.state).label),
        _reporting_label(task),
        task.completed_on,
        _product(task),
        task.authority_unit.name if task.authority_unit else "",
    ]


def _rows(tasks: Iterable[Task]) -> Iterator[list[object]]:
    for number, task in enumerate(tasks, start=1):
        yield task_row(number, task)


def tasks_to_xlsx(tasks: Iterable[Task], *, title: str = DEFAULT_TITLE) -> bytes:
    """An .xlsx workbook of ``tasks`` (one row each, numbered), ready to send as a download."""
    return workbook_bytes(title, TASK_HEADERS, _rows(tasks), column_widths=[width for _, width in TASK_COLUMNS])
