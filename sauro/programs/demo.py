"""Work programs in the Huế demo: Văn phòng Thành ủy's 2026 program and Ban Tổ chức's program for the current
quarter, written through the services (as Văn phòng and the head of Ban Tổ chức would)."""

from __future__ import annotations

import datetime

from sauro.accounts.models import User
from sauro.common import clock
from sauro.org.models import Unit
from sauro.programs.models import WorkProgram
from sauro.programs.services import ItemInput, item_create, item_link_task, program_create
from sauro.tasks.choices import ProductKind, TaskState
from sauro.tasks.models import Task

# (key, month, lead unit code, content, product kind, product)
OFFICE_2026: tuple[tuple[str, int, str, str, str, str], ...] = (
    ("1", 1, "VPTU", "Tham mưu Chương trình công tác toàn khóa và năm 2026 của Ban Chấp hành, Ban Thường vụ Thành ủy",
     ProductKind.PLAN, "Chương trình công tác năm 2026 trình Ban Thường vụ"),
    ("2", 1, "BTCTU", "Phân công nhiệm vụ cho các đồng chí Ủy viên Ban Thường vụ Thành ủy nhiệm kỳ 2025 – 2030",
     ProductKind.DECISION, "Quyết định phân công nhiệm vụ"),
    ("3", 2, "BTGDVTU", "Tổ chức học tập, quán triệt Nghị quyết Đại hội XIV của Đảng và Nghị quyết Đại hội XVII "
     "Đảng bộ thành phố", ProductKind.CONFERENCE, "Hội nghị quán triệt toàn thành phố"),
    ("4", 3, "VPTU", "Sơ kết công tác quý I, triển khai nhiệm vụ quý II năm 2026 của các cơ quan Đảng thành phố",
     ProductKind.REPORT, "Báo cáo sơ kết quý I"),
    ("5", 3, "UBKTTU", "Xây dựng Chương trình kiểm tra, giám sát năm 2026 của Ban Chấp hành Đảng bộ thành phố",
     ProductKind.PLAN, "Chương trình kiểm tra, giám sát năm 2026"),
    ("6", 4, "BNCTU", "Tham mưu sơ kết công tác tiếp công dân, giải quyết khiếu nại, tố cáo 6 tháng đầu năm",
     ProductKind.REPORT, "Báo cáo kết quả tiếp công dân"),
    ("7", 6, "VPTU", "Sơ kết 6 tháng đầu năm, nhiệm vụ 6 tháng cuối năm 2026", ProductKind.REPORT,
     "Báo cáo sơ kết 6 tháng"),
    ("8", 7, "BTCTU", "Rà soát, bổ sung quy hoạch cán bộ diện Ban Thường vụ Thành ủy quản lý",
     ProductKind.REPORT, "Báo cáo kết quả rà soát quy hoạch"),
    ("9", 9, "VPTU", "Sơ kết công tác quý III, triển khai nhiệm vụ quý IV năm 2026", ProductKind.REPORT,
     "Báo cáo sơ kết quý III"),
    ("10", 11, "BTGDVTU", "Tổng kết công tác tuyên giáo và dân vận năm 2026", ProductKind.REPORT,
     "Báo cáo tổng kết năm"),
    ("11", 12, "VPTU", "Tổng kết công tác năm 2026, phương hướng nhiệm vụ năm 2027 của Ban Chấp hành Đảng bộ "
     "thành phố", ProductKind.REPORT, "Báo cáo tổng kết năm trình Hội nghị Thành ủy"),
    ("12", 12, "BTCTU", "Đánh giá, xếp loại chất lượng tổ chức đảng, đảng viên năm 2026", ProductKind.REPORT,
     "Báo cáo kết quả đánh giá, xếp loại"),
)  # fmt: skip
BTC_QUARTER: tuple[tuple[str, str, str, str], ...] = (
    ("1", "Thẩm định nhân sự bổ nhiệm, giới thiệu ứng cử theo phân cấp quản lý cán bộ", ProductKind.SUBMISSION,
     "Tờ trình Ban Thường vụ"),
    ("2", "Hướng dẫn kiểm điểm, đánh giá, xếp loại chất lượng tổ chức đảng, đảng viên năm 2026",
     ProductKind.DRAFT_DOCUMENT, "Hướng dẫn của Ban Tổ chức Thành ủy"),
    ("3", "Tổng hợp kết quả phát triển đảng viên mới năm 2026 của các đảng bộ trực thuộc", ProductKind.DATA,
     "Biểu tổng hợp số liệu"),
)  # fmt: skip


def _unit(code: str) -> Unit:
    return Unit.objects.get(code=code, valid_to__isnull=True)


def load_demo_programs() -> int:
    """Create the demo's programs (once); returns how many items were written."""
    if WorkProgram.objects.exists():
        return 0
    today = clock.today()
    office = _unit("VPTU")
    btc = _unit("BTCTU")
    monitor = User.objects.get(username="vanphong")
    btc_head = User.objects.get(username="bantochuc")
    written = 0
    annual = program_create(acting_user=monitor, unit_id=office.pk, year=today.year)
    leads = {code: _unit(code) for code in {row[2] for row in OFFICE_2026}}
    for key, month, lead, content, kind, product in OFFICE_2026:
        item_create(
            acting_user=monitor,
            program=annual,
            data=ItemInput(
                key=key,
                content=content,
                month=month,
                quarter=(month - 1) // 3 + 1,
                lead_unit_id=leads[lead].pk,
                product=product,
                product_kind=kind,
            ),
        )
        written += 1
    quarter = (today.month - 1) // 3 + 1
    quarterly = program_create(acting_user=btc_head, unit_id=btc.pk, year=today.year, quarter=quarter)
    last_month = 3 * quarter
    for key, content, kind, product in BTC_QUARTER:
        item = item_create(
            acting_user=btc_head,
            program=quarterly,
            data=ItemInput(
                key=key,
                content=content,
                quarter=quarter,
                month=last_month,
                lead_unit_id=btc.pk,
                product=product,
                product_kind=kind,
                due_date=datetime.date(today.year, last_month, 25),
            ),
        )
        written += 1
        if key == "1":
            # The quarter's first item is already a task of Ban Tổ chức in the demo: link it.
            task = (
                Task.objects.filter(lead_unit=btc, state__in=[TaskState.IN_PROGRESS, TaskState.ISSUED])
                .order_by("due_date", "id")
                .first()
            )
            if task is not None:
                item_link_task(acting_user=btc_head, item=item, task_id=task.pk)
    return written
