"""Demo tasks for the Huế demo: about three hundred tasks of 2026, lived through the services day by day.

What is there:
- the tasks of the January 2026 conclusion (the seed directive, Thông báo số 01-TB/TU): each agency concretizes
  the XVII Congress Resolution and the Action Program into its plans and reviews its Q1 and 2026 programs; the
  office prepares the Q1 review, cuts meetings, raises document quality, brings the agencies onto the tracking
  system and sets the reporting regime; the inspection committee plans discipline checks; each of the 40 communes
  and wards receives citizens so that no "hot spot" forms — each with the sentence of the conclusion it comes from;
- tasks of the Action Program and the agencies' plans, a few split into sub-tasks for departments;
- the communes' own tasks (authority: the commune's Party committee);
- recurring templates — the monthly report of each agency, a quarterly and a yearly report — and their instances,
  made by ``tasks.recurrence`` on the first working day of each month;
- every state: drafts, issued, in progress, submitted, returned, done on time and late, cancelled; extensions
  granted and refused; products sent back; one task pushed between units three times (đùn đẩy).

How: every write goes through the services (``task_create``, ``task_issue`` … ``extension_request_decide``) with
the clock set to the day of the step (``clock_at``), steps of all tasks taken in date order from January to the
clock's today, so timelines, completion dates, the rows' own times and the audit journal are what the real use
would have left. Steps after today are not taken: what is due later stays open.

Deterministic (seeded RNG) for a given today; idempotent: nothing is done if any task exists. Dates are those of
2026; a few open tasks keep a due date ahead of today whenever the demo is loaded, so every reporting state shows.
"""

from __future__ import annotations

import datetime
import functools
import heapq
import itertools
import random
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

from django.db import transaction
from django.utils import timezone

from sauro.accounts.models import User
from sauro.common import clock
from sauro.common.calendar import WorkCalendar, current_calendar
from sauro.org.choices import UnitKind
from sauro.org.models import Unit
from sauro.tasks.choices import ProductKind, Recurrence, RequestState, ReviewCadence
from sauro.tasks.models import ExtensionRequest, ReassignmentRequest, Task
from sauro.tasks.recurrence import run_generation
from sauro.tasks.services import (
    extension_request_create,
    extension_request_decide,
    reassignment_request_create,
    reassignment_request_decide,
    task_accept,
    task_approve,
    task_cancel,
    task_create,
    task_issue,
    task_return,
    task_submit,
)

SEED = 20260109  # the date of the notice of conclusions the demo is built around
YEAR = 2026
DAY_STARTS = datetime.time(7, 30)
DRAFTED_ON = datetime.date(YEAR, 2, 9)  # when the drafts still waiting were written
SECONDS_BETWEEN_STEPS = 150  # steps of one day are spread over the working day, in the order they happen
ERR_MISSING = "Dữ liệu mẫu nhiệm vụ cần {what} “{name}” của dữ liệu mẫu tổ chức; hãy nạp lại dữ liệu mẫu."


def d(month: int, day: int) -> datetime.date:
    return datetime.date(YEAR, month, day)


# --- The clock --------------------------------------------------------------------------------------------


@contextmanager
def clock_at(day: datetime.date, at: datetime.time = DAY_STARTS) -> Iterator[None]:
    """Inside the block it is ``day`` at ``at`` (local time): for ``clock.today()``, ``clock.now()`` and Django's
    ``timezone.now()`` (so ``created_at``/``updated_at`` and the audit journal's times agree with the timeline).

    The previous functions are put back when the block ends, however it ends. It patches the modules for the whole
    process: for loaders and tests, not for a process that serves requests at the same time.
    """
    original_today, original_now, original_django_now = clock.today, clock.now, timezone.now
    moment = timezone.make_aware(datetime.datetime.combine(day, at))
    utc_moment = moment.astimezone(datetime.UTC)
    # Assigning the modules' functions is the point here (as monkeypatch does in the tests).
    setattr(clock, "today", lambda: day)  # noqa: B010
    setattr(clock, "now", lambda: moment)  # noqa: B010
    setattr(timezone, "now", lambda: utc_moment)  # noqa: B010
    try:
        yield
    finally:
        setattr(clock, "today", original_today)  # noqa: B010
        setattr(clock, "now", original_now)  # noqa: B010
        setattr(timezone, "now", original_django_now)  # noqa: B010


# --- The seed: the January 2026 conclusion ----------------------------------------------------------------
# Sentences quoted as they stand in the notice (sauro/directives/demo_data/seed-hue-conclusion-2026-01.txt).
S_CONCRETIZE = (
    "Nhiệm vụ trọng tâm hàng đầu trong quý I năm 2026 là khẩn trương cụ thể hóa Nghị quyết Đại hội Đảng bộ thành "
    "phố lần thứ XVII và Chương trình hành động của Thành ủy bằng các chương trình, kế hoạch công tác sát với chức "
    "năng, nhiệm vụ của từng cơ quan, đơn vị. Các nhiệm vụ đã xác định triển khai trong năm 2026 phải được phân "
    "công ngay, tổ chức thực hiện ngay, tuyệt đối tránh tình trạng chậm trễ, hình thức hoặc lúng túng trong tổ chức "
    "thực hiện."
)
S_REVIEW = (
    "Phó Bí thư Thường trực Thành ủy Phạm Đức Tiến yêu cầu, ngay sau hội nghị này, đề nghị các cơ quan, đơn vị rà "
    "soát lại toàn bộ chương trình công tác quý I và năm 2026, tổ chức triển khai theo phương châm rõ người, rõ việc, "
    "rõ thời gian, rõ trách nhiệm, rõ sản phẩm và rõ thẩm quyền; chủ động phát hiện khó khăn, vướng mắc để kịp thời "
    "báo cáo, đề xuất hướng xử lý."
)
S_Q1 = (
    "Chất lượng, tiến độ và hiệu quả triển khai nhiệm vụ ngay từ quý đầu năm sẽ quyết định lớn đến kết quả thực hiện "
    "cả năm 2026, tạo nền tảng cho việc đưa nghị quyết sớm đi vào cuộc sống."
)
S_METHODS = (
    "Các cơ quan cần nghiêm túc quán triệt và triển khai Kết luận của Ban Bí thư về chấn chỉnh lề lối làm việc, nâng "
    "cao hiệu lực, hiệu quả hoạt động của hệ thống chính trị; chú trọng đổi mới phương thức làm việc, tinh gọn quy "
    "trình, giảm hội họp không cần thiết, nâng cao chất lượng văn bản, tăng cường ứng dụng công nghệ thông tin và "
    "chuyển đổi số trong xử lý công việc."
)
S_REPORTING = (
    "Thực hiện nghiêm chế độ thông tin, báo cáo, bảo đảm kịp thời, chính xác, phục vụ hiệu quả công tác lãnh đạo, "
    "chỉ đạo."
)
S_DISCIPLINE = (
    "Cùng với đó, cần tiếp tục siết chặt kỷ luật, kỷ cương trong Đảng và kỷ luật công vụ; khắc phục tình trạng né "
    "tránh, đùn đẩy trách nhiệm, làm việc cầm chừng, thiếu quyết liệt."
)
S_ADVISORY = (
    "Công tác tham mưu phải chuyển mạnh từ phản ánh sang đề xuất giải pháp, cụ thể, rõ việc, rõ trách nhiệm, rõ thời "
    "gian và rõ sản phẩm."
)
S_CITIZENS = (
    "Các cơ quan Đảng đã phối hợp hiệu quả trong công tác xây dựng Đảng, bảo vệ chính trị nội bộ, tiếp dân, giải "
    "quyết đơn thư, kịp thời xử lý các vấn đề phát sinh từ cơ sở, không để hình thành “điểm nóng”."
)
SEED_SENTENCES = (S_CONCRETIZE, S_REVIEW, S_Q1, S_METHODS, S_REPORTING, S_DISCIPLINE, S_ADVISORY, S_CITIZENS)

# The demo directives (sauro.directives.demo), found by kind, issuer and number when they are there.
DIRECTIVES = {
    "resolution": ("NQ", "TU"),
    "program": ("CTr", "TU"),
    "conclusion": ("TB", "TU"),
    "plan-btc": ("KH", "BTCTU"),
    "plan-btgdv": ("KH", "BTGDVTU"),
    "plan-vptu": ("KH", "VPTU"),
}

# --- The organisation, as the demo loader names it ----------------------------------------------------------
AGENCIES = ("VPTU", "BTCTU", "UBKTTU", "BTGDVTU", "BNCTU", "TCT", "DUCQD", "DUUBND", "BHUE")
# The department that drafts each agency's monthly report.
REPORTING_DEPARTMENT = {
    "VPTU": "VPTU-TH",
    "BTCTU": "BTCTU-TCDV",
    "UBKTTU": "UBKTTU-TH",
    "BTGDVTU": "BTGDVTU-TTBC",
    "BNCTU": "BNCTU-NC",
    "TCT": "TCT-TCHC",
    "DUCQD": "DUCQD-VP",
    "DUUBND": "DUUBND-VP",
    "BHUE": "BHUE-TSCT",
}
# The member of the Standing Committee who follows each agency's work.
SUPERVISOR = {
    "BTGDVTU": "btvtu.uv2",
    "BNCTU": "btvtu.uv4",
    "DUUBND": "tttu.pbt",
    "UBKTTU": "bithu",
}
STANDING = "TTTU"  # Thường trực Thành ủy: the authority for the agencies' tasks
BTV = "BTVTU"  # Ban Thường vụ Thành ủy
STANDING_APPROVER = "pbtthuongtruc"
BTV_APPROVER = "bithu"
OFFICE_DRAFTER = "vanphong"
COMMUNE_SUPERVISORS = ("btvtu.uv1", "btvtu.uv2", "btvtu.uv3", "btvtu.uv4", "btvtu.uv5", "tttu.pbt")


def agency_head(code: str) -> str:
    return {"VPTU": "vanphong", "BTCTU": "bantochuc"}.get(code, f"{code.lower()}.truong")


def agency_acceptor(code: str) -> str:
    """Who heads the agency as a unit (the office's chief holds the monitor role, his deputy the unit's)."""
    return "vptu.pho1" if code == "VPTU" else agency_head(code)


def agency_deputy(code: str) -> str:
    return "ubkttu.pho2" if code == "UBKTTU" else f"{code.lower()}.pho1"


def department_head(code: str) -> str:
    return f"{code.lower()}.tp"


def department_officer(code: str, n: int = 1) -> str:
    return f"{code.lower()}.cv{n}"


def commune_slug(code: str) -> str:
    return code.split("-", 1)[1].lower()


def commune_secretary(code: str) -> str:
    return "phuxuan" if code == "P-PHUXUAN" else f"{commune_slug(code)}.bithu"


# --- What a task is to become ---------------------------------------------------------------------------------
DRAFT, ISSUED, IN_PROGRESS, SUBMITTED, RETURNED, DONE, CANCELLED = (
    "draft",
    "issued",
    "in_progress",
    "submitted",
    "returned",
    "done",
    "cancelled",
)


@dataclass(frozen=True)
class Spec:
    """One demo task and the course it takes. Units by code, people by username, dates of 2026."""

    key: str
    title: str
    content: str
    product_kind: str
    product: str
    owner: str
    lead: str
    authority: str
    drafter: str
    responsible: str
    acceptor: str
    approver: str
    issue_on: datetime.date | None
    due: datetime.date | None
    supervisor: str | None = None
    coordinating: tuple[str, ...] = ()
    officers: tuple[str, ...] = ()
    directive: str = ""
    source: str = ""
    parent: str = ""
    outcome: str = DONE
    late: int = 0  # working days after the deadline the accepted product is submitted (0: on time)
    early: int = 2  # working days before the deadline it is submitted when on time
    returns: int = 0  # times the product is sent back before the outcome
    extension: tuple[datetime.date, bool] | None = None  # (new due date, granted?)
    bounce_to: tuple[str, ...] = ()  # units proposed in refused reassignment requests
    keep_ahead: bool = False  # an open task whose due date stays ahead of today
    ongoing: str = ""  # review cadence of an ongoing task (thường xuyên)
    recurrence: tuple[str, int, int | None] | None = None  # (recurrence, due day, due month)
    cancel_reason: str = ""
    return_reason: str = ""  # why the authority sends the product back (default: one of RETURN_REASONS)
    omit: tuple[str, ...] = ()  # fields left out of a draft (its gaps)


def city_task(
    lead: str,
    key: str,
    title: str,
    content: str,
    kind: str,
    product: str,
    issue_on: datetime.date | None,
    due: datetime.date | None,
    **kw: Any,
) -> Spec:
    """A task of the committee for an agency: drafted by the office, accepted by Thường trực (or Ban Thường vụ)."""
    authority = kw.pop("authority", STANDING)
    coordinating = kw.pop("coordinating", () if lead == "VPTU" else ("VPTU",))
    return Spec(
        key=key,
        title=title,
        content=content,
        product_kind=kind,
        product=product,
        owner="VPTU",
        lead=lead,
        authority=authority,
        drafter=OFFICE_DRAFTER,
        responsible=kw.pop("responsible", agency_head(lead)),
        acceptor=agency_acceptor(lead),
        approver=STANDING_APPROVER if authority == STANDING else BTV_APPROVER,
        supervisor=kw.pop("supervisor", SUPERVISOR.get(lead, STANDING_APPROVER)),
        coordinating=coordinating,
        issue_on=issue_on,
        due=due,
        **kw,
    )


def agency_task(
    agency: str,
    department: str,
    key: str,
    title: str,
    content: str,
    kind: str,
    product: str,
    issue_on: datetime.date | None,
    due: datetime.date | None,
    **kw: Any,
) -> Spec:
    """A task of an agency for one of its departments (the agency accepts the product)."""
    dept = f"{agency}-{department}"
    return Spec(
        key=key,
        title=title,
        content=content,
        product_kind=kind,
        product=product,
        owner=agency,
        lead=dept,
        authority=agency,
        drafter=agency_acceptor(agency) if agency == "VPTU" else agency_head(agency),
        responsible=kw.pop("responsible", department_head(dept)),
        acceptor=department_head(dept),
        approver=agency_acceptor(agency),
        supervisor=kw.pop("supervisor", agency_deputy(agency)),
        officers=kw.pop("officers", (department_officer(dept),)),
        issue_on=issue_on,
        due=due,
        **kw,
    )


def commune_task(
    commune: Unit, key: str, title: str, content: str, kind: str, product: str, issue_on: datetime.date, **kw: Any
) -> Spec:
    """A commune's own task: its standing committee drafts, the deputy secretary receives, the committee accepts."""
    slug = commune_slug(commune.code)
    return Spec(
        key=key,
        title=title,
        content=content,
        product_kind=kind,
        product=product,
        owner=commune.code,
        lead=commune.code,
        authority=commune.code,
        drafter=commune_secretary(commune.code),
        responsible=kw.pop("responsible", f"{slug}.cv1"),
        acceptor=f"{slug}.pbt",
        approver=commune_secretary(commune.code),
        supervisor=commune_secretary(commune.code),
        officers=(f"{slug}.cv2",),
        issue_on=issue_on,
        **kw,
    )


# --- The tasks ---------------------------------------------------------------------------------------------

AGENCY_PLAN_FOCUS = {
    "VPTU": "công tác tham mưu, tổng hợp, phục vụ và chuyển đổi số trong các cơ quan Đảng",
    "BTCTU": "công tác tổ chức xây dựng Đảng, cán bộ và bảo vệ chính trị nội bộ",
    "UBKTTU": "công tác kiểm tra, giám sát và thi hành kỷ luật đảng",
    "BTGDVTU": "công tác tuyên giáo, dân vận, tuyên truyền Nghị quyết Đại hội",
    "BNCTU": "công tác nội chính, phòng, chống tham nhũng, lãng phí, tiêu cực và cải cách tư pháp",
    "TCT": "công tác đào tạo, bồi dưỡng lý luận chính trị cho cán bộ, đảng viên",
    "DUCQD": "công tác xây dựng Đảng trong Đảng bộ các cơ quan Đảng thành phố",
    "DUUBND": "lãnh đạo thực hiện nhiệm vụ phát triển kinh tế – xã hội của Ủy ban nhân dân thành phố",
    "BHUE": "công tác thông tin, tuyên truyền trên báo in, báo điện tử, phát thanh và truyền hình",
}
# How each agency's concretizing plan went: (outcome, working days late, extension).
AGENCY_PLAN_COURSE: dict[str, dict[str, Any]] = {
    "BTCTU": {"early": 3},
    "UBKTTU": {"early": 1},
    "BNCTU": {"late": 3},
    "TCT": {"extension": (d(2, 27), True), "early": 2},
    "DUUBND": {"late": 6},
    "BHUE": {"early": 0},
}


def seed_agency_specs(names: dict[str, str]) -> list[Spec]:
    specs: list[Spec] = []
    for code in AGENCIES:
        name = names[code]
        course = AGENCY_PLAN_COURSE.get(code, {})
        specs.append(
            city_task(
                code,
                f"concretize-{code}",
                f"Cụ thể hóa Nghị quyết Đại hội XVII và Chương trình hành động của Thành ủy thành kế hoạch năm 2026 "
                f"của {name}",
                f"Xây dựng, ban hành kế hoạch của {name} thực hiện Nghị quyết Đại hội Đảng bộ thành phố lần thứ "
                f"XVII và Chương trình hành động số 01-CTr/TU về {AGENCY_PLAN_FOCUS[code]}; phụ lục phân công từng "
                "nhiệm vụ năm 2026 cho phòng, bộ phận, cán bộ theo phương châm 6 rõ, gửi Văn phòng Thành ủy theo dõi.",
                ProductKind.PLAN,
                f"Kế hoạch của {name} thực hiện Nghị quyết Đại hội XVII năm 2026, kèm phụ lục phân công nhiệm vụ",
                d(1, 12),
                d(1, 30),
                directive="conclusion",
                source=S_CONCRETIZE,
                **course,
            )
        )
    review_course: dict[str, dict[str, Any]] = {"BHUE": {"returns": 1, "late": 2}, "DUCQD": {"late": 2}}
    for code in AGENCIES:
        name = names[code]
        specs.append(
            city_task(
                code,
                f"review-{code}",
                f"Rà soát, điều chỉnh chương trình công tác quý I và năm 2026 của {name} theo phương châm 6 rõ",
                "Rà soát toàn bộ nội dung chương trình công tác quý I và năm 2026; bổ sung nhiệm vụ mới theo Kết luận "
                "hội nghị giao ban; ghi rõ người, việc, thời gian, trách nhiệm, sản phẩm, thẩm quyền của từng nội "
                "dung; báo cáo khó khăn, vướng mắc kèm đề xuất hướng xử lý.",
                ProductKind.REPORT,
                "Chương trình công tác quý I và năm 2026 đã điều chỉnh, kèm báo cáo các nội dung bổ sung",
                d(1, 12),
                d(1, 23),
                directive="conclusion",
                source=S_REVIEW,
                **review_course.get(code, {"early": 1}),
            )
        )
    # Ban Tổ chức splits its plan among its three departments.
    for i, (dept, part) in enumerate(
        (
            ("TCDV", "tổ chức cơ sở đảng và phát triển đảng viên"),
            ("CB", "công tác cán bộ, quy hoạch, đào tạo, luân chuyển"),
            ("BVCTNB", "bảo vệ chính trị nội bộ"),
        )
    ):
        specs.append(
            agency_task(
                "BTCTU",
                dept,
                f"concretize-BTCTU-{dept}",
                f"Dự thảo phần nhiệm vụ {part} trong kế hoạch năm 2026 của Ban Tổ chức Thành ủy",
                f"Đề xuất nhiệm vụ, chỉ tiêu năm 2026 về {part} bám sát Nghị quyết Đại hội XVII; ghi rõ người "
                "thực hiện, thời hạn, sản phẩm từng nhiệm vụ; gửi Phòng Tổ chức – Đảng viên tổng hợp.",
                ProductKind.DRAFT_DOCUMENT,
                f"Dự thảo phụ lục nhiệm vụ {part} năm 2026",
                d(1, 14),
                d(1, 22),
                parent="concretize-BTCTU",
                directive="conclusion",
                source=S_CONCRETIZE,
                early=i % 2,
            )
        )
    return specs


def seed_office_specs() -> list[Spec]:
    return [
        city_task(
            "VPTU",
            "q1-review",
            "Chuẩn bị báo cáo sơ kết quý I/2026 và tổ chức hội nghị giao ban các cơ quan Đảng thành phố",
            "Tổng hợp kết quả thực hiện nhiệm vụ quý I của các cơ quan Đảng theo bốn tình trạng (đúng hạn, quá hạn, "
            "trong hạn, chưa hoàn thành quá hạn); nêu hạn chế, khó khăn kèm đề xuất; dự thảo nhiệm vụ trọng tâm quý "
            "II; chuẩn bị nội dung, thành phần và tổ chức hội nghị giao ban.",
            ProductKind.CONFERENCE,
            "Báo cáo sơ kết quý I/2026 trình Thường trực Thành ủy và hội nghị giao ban được tổ chức",
            d(3, 2),
            d(4, 10),
            coordinating=("BTCTU", "UBKTTU", "BTGDVTU", "BNCTU"),
            directive="conclusion",
            source=S_Q1,
            early=2,
        ),
        city_task(
            "VPTU",
            "work-style",
            "Tham mưu kế hoạch của Ban Thường vụ Thành ủy thực hiện Kết luận của Ban Bí thư về chấn chỉnh lề lối "
            "làm việc",
            "Dự thảo kế hoạch thực hiện Kết luận của Ban Bí thư về chấn chỉnh lề lối làm việc, nâng cao hiệu lực, "
            "hiệu quả hoạt động của hệ thống chính trị; xác định việc cụ thể, cơ quan chủ trì, thời hạn; lấy ý kiến "
            "Ban Tổ chức, Ủy ban Kiểm tra trước khi trình.",
            ProductKind.SUBMISSION,
            "Tờ trình kèm dự thảo kế hoạch của Ban Thường vụ Thành ủy",
            d(1, 12),
            d(2, 6),
            authority=BTV,
            coordinating=("BTCTU", "UBKTTU"),
            directive="conclusion",
            source=S_METHODS,
            early=1,
        ),
        city_task(
            "VPTU",
            "fewer-meetings",
            "Xây dựng quy định giảm hội họp, tinh gọn quy trình và nâng cao chất lượng văn bản trong các cơ quan "
            "Đảng thành phố",
            "Thống kê số cuộc họp, hội nghị năm 2025 của các cơ quan Đảng; đề xuất tiêu chí cuộc họp được tổ chức, "
            "họp trực tuyến, thời lượng tối đa; quy định thời hạn gửi tài liệu, thể thức và dung lượng văn bản trình.",
            ProductKind.DRAFT_DOCUMENT,
            "Dự thảo Quy định của Ban Thường vụ Thành ủy về giảm hội họp, nâng cao chất lượng văn bản, kèm tờ trình",
            d(1, 19),
            d(3, 31),
            authority=BTV,
            coordinating=("DUCQD",),
            directive="conclusion",
            source=S_METHODS,
            returns=1,
            late=4,
        ),
        city_task(
            "VPTU",
            "tracking-system",
            "Đưa hệ thống theo dõi, đánh giá thực hiện nhiệm vụ theo thời gian thực vào sử dụng tại các cơ quan Đảng "
            "và 40 Đảng ủy xã, phường",
            "Cài đặt, cấu hình hệ thống; tạo tài khoản, phân quyền cho các cơ quan, đơn vị; nhập nhiệm vụ năm 2026 "
            "theo phương châm 6 rõ; tập huấn chuyên viên tổng hợp; từ quý III báo cáo tiến độ trên hệ thống thay bảng "
            "tính thủ công.",
            ProductKind.OTHER,
            "Hệ thống vận hành chính thức và báo cáo kết quả triển khai",
            d(1, 26),
            d(6, 30),
            directive="conclusion",
            source=S_METHODS,
            early=3,
        ),
        agency_task(
            "VPTU",
            "CYCNTT",
            "tracking-install",
            "Cài đặt hệ thống theo dõi nhiệm vụ và tạo tài khoản cho các cơ quan, đơn vị",
            "Cài đặt máy chủ tại Văn phòng Thành ủy, cấu hình sao lưu hằng ngày; tạo tài khoản cho lãnh đạo, chuyên "
            "viên các cơ quan và 40 Đảng ủy xã, phường; bàn giao danh sách tài khoản.",
            ProductKind.OTHER,
            "Hệ thống cài đặt xong và danh sách tài khoản đã bàn giao",
            d(1, 28),
            d(3, 20),
            parent="tracking-system",
            directive="conclusion",
            source=S_METHODS,
            early=4,
        ),
        agency_task(
            "VPTU",
            "TH",
            "tracking-training",
            "Tập huấn sử dụng hệ thống theo dõi nhiệm vụ cho chuyên viên tổng hợp các cơ quan, đơn vị",
            "Biên soạn tài liệu hướng dẫn; tổ chức 3 lớp tập huấn (khối cơ quan Đảng, các phường, các xã); tổng hợp "
            "ý kiến, vướng mắc của học viên để hoàn thiện hệ thống.",
            ProductKind.CONFERENCE,
            "Ba lớp tập huấn được tổ chức, tài liệu hướng dẫn và báo cáo kết quả",
            d(3, 23),
            d(5, 15),
            parent="tracking-system",
            directive="conclusion",
            source=S_METHODS,
            early=1,
        ),
        city_task(
            "VPTU",
            "reporting-regime",
            "Ban hành quy định chế độ thông tin, báo cáo định kỳ của các cơ quan Đảng và Đảng ủy xã, phường",
            "Quy định kỳ báo cáo tháng, quý, 6 tháng, năm; thời điểm chốt số liệu (ngày 14 hằng tháng), thời hạn gửi; "
            "mẫu biểu thống nhất; trách nhiệm của người đứng đầu khi báo cáo chậm, thiếu chính xác.",
            ProductKind.DRAFT_DOCUMENT,
            "Dự thảo Quy định chế độ thông tin, báo cáo kèm hệ thống mẫu biểu",
            d(1, 12),
            d(2, 27),
            directive="conclusion",
            source=S_REPORTING,
            early=3,
        ),
        city_task(
            "VPTU",
            "proposals-guide",
            "Hướng dẫn báo cáo khó khăn, vướng mắc kèm đề xuất hướng xử lý trong báo cáo định kỳ",
            "Hướng dẫn các cơ quan, đơn vị khi nêu khó khăn, vướng mắc phải kèm đề xuất giải pháp, cơ quan có thẩm "
            "quyền xử lý và thời hạn cần có ý kiến; đưa vào mẫu báo cáo tháng, quý.",
            ProductKind.DRAFT_DOCUMENT,
            "Hướng dẫn của Văn phòng Thành ủy kèm mẫu phụ lục khó khăn, vướng mắc và đề xuất",
            d(1, 14),
            d(2, 13),
            directive="conclusion",
            source=S_ADVISORY,
            early=2,
        ),
        city_task(
            "UBKTTU",
            "discipline-check",
            "Xây dựng kế hoạch kiểm tra việc chấp hành kỷ luật, kỷ cương, khắc phục tình trạng né tránh, đùn đẩy "
            "trách nhiệm năm 2026",
            "Xác định đối tượng, nội dung, thời gian kiểm tra việc chấp hành kỷ luật công vụ tại các cơ quan, đơn vị; "
            "tiêu chí nhận diện né tránh, đùn đẩy, làm việc cầm chừng; dự kiến đoàn kiểm tra và lịch kiểm tra.",
            ProductKind.PLAN,
            "Kế hoạch kiểm tra của Ban Thường vụ Thành ủy (dự thảo) kèm tờ trình",
            d(1, 14),
            d(2, 27),
            authority=BTV,
            coordinating=("BTCTU", "VPTU"),
            directive="conclusion",
            source=S_DISCIPLINE,
            early=2,
        ),
        city_task(
            "DUCQD",
            "digital-review",
            "Đánh giá mức độ ứng dụng văn bản điện tử, chữ ký số, họp trực tuyến tại các chi bộ cơ quan Đảng",
            "Khảo sát tỷ lệ văn bản điện tử, văn bản ký số, số cuộc họp trực tuyến tại các chi bộ trực thuộc; đánh "
            "giá hạn chế, nguyên nhân; đề xuất chỉ tiêu chuyển đổi số năm 2027.",
            ProductKind.REPORT,
            "Báo cáo đánh giá kèm số liệu khảo sát và đề xuất chỉ tiêu năm 2027",
            d(6, 1),
            d(9, 30),
            directive="conclusion",
            source=S_METHODS,
            outcome=IN_PROGRESS,
            extension=(d(11, 20), False),
        ),
    ]


def program_specs(names: dict[str, str], communes: list[Unit]) -> list[Spec]:
    """Tasks of the Action Program and of the agencies' plans."""
    thuan_an = next((c for c in communes if c.code == "P-THUANAN"), communes[0])
    return [
        # Ban Tổ chức
        city_task(
            "BTCTU",
            "cadre-plan",
            "Rà soát, bổ sung quy hoạch cán bộ diện Ban Thường vụ Thành ủy quản lý nhiệm kỳ 2025 – 2030",
            "Rà soát danh sách quy hoạch cán bộ diện Ban Thường vụ Thành ủy quản lý; đánh giá cán bộ trong quy hoạch; "
            "đề xuất bổ sung, đưa ra khỏi quy hoạch; lấy ý kiến các cấp ủy trực thuộc theo quy trình.",
            ProductKind.SUBMISSION,
            "Tờ trình Ban Thường vụ kèm danh sách đề xuất bổ sung, đưa ra khỏi quy hoạch",
            d(3, 2),
            d(6, 30),
            authority=BTV,
            directive="program",
            late=6,
        ),
        city_task(
            "BTCTU",
            "party-review-guide",
            "Hướng dẫn kiểm điểm, đánh giá, xếp loại chất lượng tổ chức đảng, đảng viên năm 2026",
            "Dự thảo hướng dẫn kiểm điểm tập thể, cá nhân năm 2026; tiêu chí đánh giá gắn với kết quả thực hiện nhiệm "
            "vụ trên hệ thống theo dõi; thời gian hoàn thành ở các cấp.",
            ProductKind.DRAFT_DOCUMENT,
            "Hướng dẫn của Ban Thường vụ Thành ủy (dự thảo) về kiểm điểm, đánh giá, xếp loại năm 2026",
            d(10, 1),
            d(11, 13),
            directive="program",
            early=3,
        ),
        city_task(
            "BTCTU",
            "village-cells",
            "Đề án kiện toàn các chi bộ thôn, tổ dân phố sau sắp xếp đơn vị hành chính cấp xã",
            "Thống kê chi bộ thôn, tổ dân phố sau sáp nhập; đề xuất mô hình, số lượng đảng viên hợp lý; lộ trình "
            "kiện toàn bí thư chi bộ kiêm trưởng thôn; kinh phí hoạt động.",
            ProductKind.SCHEME,
            "Đề án của Ban Thường vụ Thành ủy (dự thảo) kèm tờ trình",
            d(6, 15),
            d(10, 30),
            directive="program",
            outcome=IN_PROGRESS,
            extension=(d(12, 15), True),
        ),
        agency_task(
            "BTCTU",
            "TCDV",
            "members-h1",
            "Tổng hợp số liệu phát triển đảng viên 6 tháng đầu năm 2026",
            "Tổng hợp số đảng viên mới kết nạp, chuyển chính thức, đảng viên ra khỏi Đảng theo từng đảng bộ trực "
            "thuộc; so sánh với chỉ tiêu Nghị quyết Đại hội; nêu đơn vị đạt thấp và đề xuất giải pháp.",
            ProductKind.DATA,
            "Biểu số liệu phát triển đảng viên 6 tháng và báo cáo phân tích",
            d(6, 22),
            d(7, 10),
            directive="plan-btc",
            early=1,
        ),
        agency_task(
            "BTCTU",
            "CB",
            "reappointment",
            "Thẩm định hồ sơ nhân sự bổ nhiệm lại cán bộ diện Ban Thường vụ quản lý đợt 2 năm 2026",
            "Kiểm tra tính đầy đủ, đúng quy trình của hồ sơ; xác minh tiêu chuẩn, điều kiện; tổng hợp ý kiến của cấp "
            "ủy nơi cư trú; dự thảo tờ trình Ban Thường vụ.",
            ProductKind.SUBMISSION,
            "Tờ trình kèm báo cáo thẩm định hồ sơ nhân sự",
            d(8, 17),
            d(9, 18),
            directive="plan-btc",
            early=2,
        ),
        agency_task(
            "BTCTU",
            "BVCTNB",
            "admission-q4",
            "Thẩm định tiêu chuẩn chính trị hồ sơ đề nghị kết nạp đảng viên quý IV/2026",
            "Thẩm định lý lịch, kết quả thẩm tra lý lịch của quần chúng được đề nghị kết nạp; trả lời các cấp ủy về "
            "những trường hợp vướng tiêu chuẩn chính trị.",
            ProductKind.REPORT,
            "Văn bản thẩm định tiêu chuẩn chính trị gửi các cấp ủy",
            d(10, 5),
            d(12, 18),
            directive="plan-btc",
            outcome=IN_PROGRESS,
            keep_ahead=True,
        ),
        agency_task(
            "BTCTU",
            "CB",
            "cadre-database",
            "Cập nhật cơ sở dữ liệu cán bộ diện Ban Thường vụ quản lý sau sắp xếp bộ máy",
            "Rà soát, cập nhật thông tin chức vụ, quá trình công tác của cán bộ; đối chiếu với quyết định điều động, "
            "bổ nhiệm từ 01/7/2025.",
            ProductKind.DATA,
            "Cơ sở dữ liệu cán bộ đã cập nhật và báo cáo kết quả",
            None,
            None,
            directive="plan-btc",
            outcome=DRAFT,
            omit=("due_date",),
        ),
        # Ủy ban Kiểm tra
        city_task(
            "UBKTTU",
            "inspection-program",
            "Xây dựng chương trình kiểm tra, giám sát năm 2026 của Ban Chấp hành, Ban Thường vụ Thành ủy",
            "Xác định chủ đề, đối tượng, thời gian kiểm tra, giám sát năm 2026; ưu tiên lĩnh vực đất đai, đầu tư công, "
            "thực hiện kết luận sau kiểm tra; phân công thành viên Ban Thường vụ phụ trách.",
            ProductKind.DRAFT_DOCUMENT,
            "Chương trình kiểm tra, giám sát năm 2026 (dự thảo) kèm tờ trình",
            d(1, 5),
            d(1, 30),
            authority=BTV,
            directive="program",
            early=4,
        ),
        city_task(
            "UBKTTU",
            "asset-declaration",
            "Giám sát chuyên đề việc kê khai, công khai tài sản, thu nhập năm 2025 của cán bộ diện Ban Thường vụ "
            "quản lý",
            "Giám sát việc kê khai, công khai bản kê khai tài sản, thu nhập năm 2025; xác minh ngẫu nhiên một số "
            "trường hợp; kiến nghị xử lý việc kê khai không trung thực.",
            ProductKind.REPORT,
            "Báo cáo kết quả giám sát chuyên đề kèm kiến nghị",
            d(3, 16),
            d(6, 30),
            directive="program",
            early=2,
        ),
        city_task(
            "UBKTTU",
            "commune-inspection",
            "Kiểm tra việc thực hiện nhiệm vụ kiểm tra, giám sát của Đảng ủy một số xã, phường sau sắp xếp",
            "Kiểm tra tại 6 Đảng ủy xã, phường: việc xây dựng và thực hiện chương trình kiểm tra, giám sát; kiện toàn "
            "ủy ban kiểm tra; giải quyết đơn thư; kết luận và kiến nghị.",
            ProductKind.REPORT,
            "Báo cáo kết quả kiểm tra và thông báo kết luận đối với từng đơn vị",
            d(6, 1),
            d(9, 30),
            directive="program",
            late=5,
        ),
        agency_task(
            "UBKTTU",
            "TH",
            "petitions-q3",
            "Tổng hợp, phân loại đơn thư tố cáo, khiếu nại gửi đến Ủy ban Kiểm tra quý III/2026",
            "Phân loại đơn theo thẩm quyền; thống kê đơn trùng, đơn nặc danh; đề xuất chuyển đơn, giải quyết hoặc lưu "
            "theo quy định; bảo mật thông tin người tố cáo.",
            ProductKind.REPORT,
            "Báo cáo tổng hợp và danh mục đơn thư quý III kèm đề xuất xử lý",
            d(9, 21),
            d(10, 9),
            early=1,
        ),
        # Ban Tuyên giáo và Dân vận
        city_task(
            "BTGDVTU",
            "congress-study",
            "Tổ chức hội nghị học tập, quán triệt Nghị quyết Đại hội Đảng bộ thành phố lần thứ XVII cho cán bộ "
            "chủ chốt",
            "Chuẩn bị tài liệu, báo cáo viên; tổ chức hội nghị trực tiếp kết hợp trực tuyến đến 40 điểm cầu xã, "
            "phường; tổng hợp kết quả học tập, thu hoạch.",
            ProductKind.CONFERENCE,
            "Hội nghị được tổ chức và báo cáo kết quả học tập, quán triệt",
            d(1, 5),
            d(1, 30),
            directive="plan-btgdv",
            early=3,
        ),
        city_task(
            "BTGDVTU",
            "party-anniversary",
            "Tuyên truyền kỷ niệm 96 năm Ngày thành lập Đảng Cộng sản Việt Nam (03/02/1930 – 03/02/2026)",
            "Ban hành đề cương tuyên truyền; chỉ đạo trang trí, cổ động trực quan; phối hợp Báo và PT-TH Huế mở chuyên "
            "mục; tổng hợp kết quả tuyên truyền.",
            ProductKind.PLAN,
            "Kế hoạch và đề cương tuyên truyền kỷ niệm 96 năm Ngày thành lập Đảng",
            d(1, 8),
            d(1, 23),
            coordinating=("BHUE",),
            directive="program",
            early=2,
        ),
        city_task(
            "BTGDVTU",
            "election-propaganda",
            "Tuyên truyền cuộc bầu cử đại biểu Quốc hội khóa XVI và đại biểu Hội đồng nhân dân các cấp nhiệm kỳ "
            "2026 – 2031",
            "Ban hành đề cương, tài liệu hỏi – đáp về bầu cử; chỉ đạo tuyên truyền đến từng thôn, tổ dân phố; nắm dư "
            "luận trước, trong và sau ngày bầu cử 15/3/2026.",
            ProductKind.PLAN,
            "Kế hoạch, đề cương tuyên truyền và báo cáo tình hình dư luận",
            d(1, 19),
            d(3, 6),
            coordinating=("BHUE",),
            directive="program",
            early=1,
        ),
        city_task(
            "BTGDVTU",
            "public-opinion",
            "Nắm bắt, tổng hợp tình hình tư tưởng, dư luận xã hội hằng tháng",
            "Tổng hợp ý kiến của mạng lưới cộng tác viên dư luận xã hội ở 40 xã, phường; phân tích vấn đề dư luận quan "
            "tâm; đề xuất định hướng thông tin kịp thời với Thường trực Thành ủy.",
            ProductKind.REPORT,
            "Báo cáo tình hình tư tưởng, dư luận xã hội hằng tháng",
            d(1, 5),
            None,
            ongoing=ReviewCadence.MONTHLY,
            outcome=IN_PROGRESS,
            directive="plan-btgdv",
        ),
        agency_task(
            "BTGDVTU",
            "LLLS",
            "congress-qa",
            "Biên soạn tài liệu hỏi – đáp về Nghị quyết Đại hội Đảng bộ thành phố lần thứ XVII",
            "Biên soạn khoảng 60 câu hỏi – đáp ngắn gọn về mục tiêu, chỉ tiêu, đột phá chiến lược của Nghị quyết; "
            "lấy ý kiến Trường Chính trị; phát hành bản điện tử đến các chi bộ.",
            ProductKind.DRAFT_DOCUMENT,
            "Tài liệu hỏi – đáp (bản điện tử) được phát hành",
            d(1, 19),
            d(3, 31),
            directive="plan-btgdv",
            early=5,
        ),
        agency_task(
            "BTGDVTU",
            "DV",
            "skilful-mass",
            "Tổng kết 5 năm phong trào thi đua “Dân vận khéo” giai đoạn 2021 – 2026",
            "Tổng hợp báo cáo của các cấp ủy; lựa chọn mô hình tiêu biểu; dự thảo báo cáo tổng kết và danh sách đề "
            "nghị khen thưởng.",
            ProductKind.REPORT,
            "Báo cáo tổng kết và danh sách đề nghị khen thưởng",
            d(9, 7),
            d(11, 20),
            directive="plan-btgdv",
            outcome=SUBMITTED,
            early=1,
        ),
        city_task(
            "BTGDVTU",
            "culture-day",
            "Xây dựng đề án phát huy giá trị văn hóa Huế gắn với Ngày Văn hóa Việt Nam 24/11",
            "Đánh giá thực trạng; đề xuất chương trình hoạt động thường niên dịp 24/11; cơ chế huy động nguồn lực xã "
            "hội; phân công sở, ngành và xã, phường.",
            ProductKind.SCHEME,
            "Đề án (dự thảo) kèm tờ trình Ban Thường vụ Thành ủy",
            d(10, 12),
            d(12, 31),
            authority=BTV,
            directive="program",
            outcome=IN_PROGRESS,
            keep_ahead=True,
        ),
        # Ban Nội chính
        city_task(
            "BNCTU",
            "anticorruption-followup",
            "Theo dõi, đôn đốc xử lý các vụ án, vụ việc tham nhũng, tiêu cực thuộc diện Ban Thường vụ theo dõi",
            "Cập nhật tiến độ điều tra, truy tố, xét xử từng vụ việc; kiến nghị tháo gỡ vướng mắc giữa các cơ quan "
            "tiến hành tố tụng; báo cáo Thường trực Thành ủy hằng quý.",
            ProductKind.REPORT,
            "Báo cáo tiến độ xử lý vụ án, vụ việc hằng quý",
            d(1, 12),
            None,
            ongoing=ReviewCadence.QUARTERLY,
            outcome=IN_PROGRESS,
            directive="program",
        ),
        city_task(
            "BNCTU",
            "denunciation-law",
            "Hướng dẫn các cấp ủy triển khai Luật Tố cáo sửa đổi (Luật số 136/2025/QH15) có hiệu lực từ 01/7/2026",
            "Hướng dẫn điểm mới về thẩm quyền, thời hạn giải quyết tố cáo, bảo vệ người tố cáo; tổ chức hội nghị "
            "trực tuyến cho bí thư, chủ nhiệm ủy ban kiểm tra cấp xã.",
            ProductKind.DRAFT_DOCUMENT,
            "Hướng dẫn của Ban Nội chính và hội nghị trực tuyến được tổ chức",
            d(5, 4),
            d(6, 26),
            coordinating=("UBKTTU",),
            directive="program",
            early=2,
        ),
        city_task(
            "BNCTU",
            "land-petition",
            f"Xử lý dứt điểm đơn kiến nghị kéo dài của hộ dân về bồi thường, tái định cư tại {thuan_an.short_name}",
            "Làm việc với các hộ dân và cơ quan liên quan; xác minh hồ sơ bồi thường; đề xuất phương án giải quyết dứt "
            "điểm, không để phát sinh khiếu kiện đông người.",
            ProductKind.REPORT,
            "Báo cáo kết quả xác minh kèm phương án giải quyết dứt điểm",
            d(4, 6),
            d(6, 30),
            coordinating=(thuan_an.code, "UBKTTU"),
            directive="conclusion",
            source=S_CITIZENS,
            bounce_to=("UBKTTU", thuan_an.code),
            return_reason="Báo cáo mới phản ánh diễn biến vụ việc, chưa đề xuất phương án và thời hạn giải quyết dứt "
            "điểm; đề nghị Ban Nội chính chủ trì, làm rõ trách nhiệm của từng cơ quan.",
            outcome=RETURNED,
            returns=1,
            early=3,
        ),
        agency_task(
            "BNCTU",
            "CCTP",
            "citizens-h1",
            "Tổng hợp tình hình tiếp công dân, giải quyết khiếu nại, tố cáo 6 tháng đầu năm 2026",
            "Tổng hợp số liệu tiếp công dân của bí thư cấp ủy các cấp; số đơn, vụ việc đã giải quyết; vụ việc phức "
            "tạp, đông người; đề xuất giải pháp.",
            ProductKind.REPORT,
            "Báo cáo 6 tháng kèm phụ lục số liệu theo xã, phường",
            d(6, 15),
            d(7, 10),
            early=1,
        ),
        # Trường Chính trị
        city_task(
            "TCT",
            "mid-level-course",
            "Mở lớp trung cấp lý luận chính trị hệ không tập trung cho cán bộ cấp xã sau sắp xếp (khóa 2026)",
            "Xây dựng kế hoạch lớp, chiêu sinh theo danh sách Ban Tổ chức; bố trí giảng viên, lịch học; khai giảng "
            "lớp học.",
            ProductKind.CONFERENCE,
            "Lớp học khai giảng và kế hoạch đào tạo được duyệt",
            d(2, 2),
            d(4, 30),
            coordinating=("BTCTU",),
            directive="program",
            early=2,
        ),
        city_task(
            "TCT",
            "commune-committee-training",
            "Bồi dưỡng cấp ủy viên cấp xã nhiệm kỳ 2025 – 2030 về kỹ năng lãnh đạo, điều hành",
            "Biên soạn chương trình 5 ngày; tổ chức 4 lớp theo cụm xã, phường; đánh giá kết quả bồi dưỡng.",
            ProductKind.CONFERENCE,
            "Bốn lớp bồi dưỡng được tổ chức và báo cáo kết quả",
            d(5, 4),
            d(9, 30),
            directive="program",
            early=4,
        ),
        agency_task(
            "TCT",
            "DTQLKH",
            "research",
            "Đề tài khoa học cấp trường về nâng cao chất lượng sinh hoạt chi bộ ở khu dân cư sau sắp xếp",
            "Khảo sát 20 chi bộ thôn, tổ dân phố; phân tích nguyên nhân hạn chế; đề xuất giải pháp; nghiệm thu đề tài.",
            ProductKind.REPORT,
            "Báo cáo tổng hợp đề tài được nghiệm thu",
            d(3, 16),
            d(12, 18),
            outcome=IN_PROGRESS,
            keep_ahead=True,
        ),
        # Đảng ủy các cơ quan Đảng
        city_task(
            "DUCQD",
            "cell-topic",
            "Chỉ đạo các chi bộ trực thuộc sinh hoạt chuyên đề về chấn chỉnh lề lối làm việc",
            "Hướng dẫn nội dung sinh hoạt chuyên đề; dự sinh hoạt tại một số chi bộ; tổng hợp kết quả và cam kết khắc "
            "phục của từng chi bộ.",
            ProductKind.REPORT,
            "Báo cáo kết quả sinh hoạt chuyên đề của các chi bộ",
            d(2, 2),
            d(4, 30),
            directive="conclusion",
            source=S_METHODS,
            late=3,
        ),
        city_task(
            "DUCQD",
            "cell-rating",
            "Kiểm điểm, đánh giá, xếp loại chất lượng tổ chức đảng và đảng viên năm 2026 ở các chi bộ trực thuộc",
            "Chỉ đạo các chi bộ kiểm điểm theo hướng dẫn; thẩm định kết quả tự đánh giá; tổng hợp, đề xuất xếp loại.",
            ProductKind.REPORT,
            "Báo cáo kết quả kiểm điểm, xếp loại kèm biểu tổng hợp",
            d(11, 16),
            d(12, 18),
            directive="program",
            outcome=ISSUED,
            keep_ahead=True,
        ),
        # Đảng ủy UBND thành phố
        city_task(
            "DUUBND",
            "public-investment",
            "Lãnh đạo xây dựng kế hoạch đẩy nhanh giải ngân vốn đầu tư công năm 2026",
            "Lãnh đạo Ủy ban nhân dân thành phố giao chỉ tiêu giải ngân theo từng chủ đầu tư, từng tháng; cơ chế xử lý "
            "chủ đầu tư chậm giải ngân; báo cáo Thường trực hằng quý.",
            ProductKind.PLAN,
            "Kế hoạch giải ngân vốn đầu tư công năm 2026",
            d(1, 19),
            d(3, 31),
            directive="program",
            early=3,
        ),
        city_task(
            "DUUBND",
            "flood-season",
            "Lãnh đạo triển khai phương án ứng phó mùa mưa bão, lũ năm 2026",
            "Lãnh đạo rà soát phương án “4 tại chỗ”, kế hoạch sơ tán dân vùng trũng thấp, ven biển, đầm phá; kiểm tra "
            "hồ đập; bố trí kinh phí, vật tư dự phòng.",
            ProductKind.PLAN,
            "Phương án ứng phó thiên tai năm 2026 được ban hành",
            d(7, 6),
            d(9, 15),
            directive="program",
            early=2,
        ),
        city_task(
            "DUUBND",
            "slow-projects",
            "Báo cáo tình hình các dự án trọng điểm chậm tiến độ, kèm đề xuất tháo gỡ",
            "Rà soát từng dự án trọng điểm chậm tiến độ; nguyên nhân; trách nhiệm chủ đầu tư; đề xuất cơ chế tháo gỡ "
            "thuộc thẩm quyền Thành ủy.",
            ProductKind.REPORT,
            "Báo cáo kèm danh mục dự án và đề xuất",
            d(6, 8),
            d(8, 31),
            directive="program",
            outcome=CANCELLED,
            cancel_reason="Nội dung đã được tổng hợp trong báo cáo 9 tháng của Ủy ban nhân dân thành phố; không thực "
            "hiện thành báo cáo riêng.",
        ),
        # Báo và Phát thanh, Truyền hình Huế
        city_task(
            "BHUE",
            "congress-column",
            "Mở chuyên trang, chuyên mục “Đưa Nghị quyết Đại hội XVII vào cuộc sống”",
            "Mở chuyên mục trên báo in, báo điện tử và chuyên đề phát thanh, truyền hình hằng tuần; kế hoạch đề tài "
            "quý I; phối hợp Ban Tuyên giáo và Dân vận định hướng nội dung.",
            ProductKind.PLAN,
            "Chuyên mục được mở và kế hoạch đề tài quý I",
            d(1, 12),
            d(2, 27),
            coordinating=("VPTU", "BTGDVTU"),
            directive="plan-btgdv",
            early=4,
        ),
        city_task(
            "BHUE",
            "digital-reportage",
            "Sản xuất loạt phóng sự về chuyển đổi số trong các cơ quan Đảng và chính quyền cơ sở",
            "Sản xuất 5 phóng sự truyền hình và loạt bài báo điện tử về mô hình chuyển đổi số ở các xã, phường; phát "
            "sóng khung giờ thời sự.",
            ProductKind.OTHER,
            "Năm phóng sự được phát sóng và loạt bài được đăng",
            d(4, 13),
            d(7, 31),
            directive="conclusion",
            source=S_METHODS,
            late=7,
        ),
        agency_task(
            "BHUE",
            "DT",
            "web-upgrade",
            "Nâng cấp báo điện tử, tích hợp nghe đọc tự động các bài viết",
            "Khảo sát nhu cầu; lựa chọn giải pháp chuyển văn bản thành giọng nói tiếng Việt; thử nghiệm và đưa vào sử "
            "dụng trên báo điện tử.",
            ProductKind.OTHER,
            "Tính năng nghe đọc được đưa vào sử dụng và báo cáo nghiệm thu",
            d(8, 3),
            d(12, 31),
            outcome=IN_PROGRESS,
            keep_ahead=True,
        ),
        # Văn phòng
        agency_task(
            "VPTU",
            "HCLT",
            "archive-digitising",
            "Số hóa hồ sơ lưu trữ nhiệm kỳ 2020 – 2025 của Thành ủy",
            "Chỉnh lý, lập danh mục và số hóa hồ sơ lưu trữ nhiệm kỳ 2020 – 2025; nhập vào phần mềm quản lý lưu trữ; "
            "bàn giao bản số hóa.",
            ProductKind.OTHER,
            "Hồ sơ số hóa đã nhập phần mềm, kèm biên bản bàn giao",
            d(4, 1),
            d(10, 30),
            directive="plan-vptu",
            outcome=IN_PROGRESS,
        ),
        agency_task(
            "VPTU",
            "QTTC",
            "budget-2027",
            "Lập dự toán ngân sách năm 2027 của khối các cơ quan Đảng thành phố",
            "Tổng hợp dự toán của các cơ quan; thẩm định theo định mức; dự thảo tờ trình Thường trực Thành ủy.",
            ProductKind.SUBMISSION,
            "Tờ trình kèm dự toán ngân sách năm 2027",
            d(9, 14),
            d(11, 13),
            early=2,
        ),
        city_task(
            "VPTU",
            "satisfaction-survey",
            "Khảo sát mức độ hài lòng của người dân đối với việc giải quyết kiến nghị tại cơ sở",
            "Thiết kế phiếu khảo sát; chọn mẫu tại 40 xã, phường; tổng hợp, phân tích kết quả.",
            ProductKind.REPORT,
            "Báo cáo kết quả khảo sát",
            None,
            None,
            outcome=DRAFT,
            omit=("due_date", "authority_unit", "responsible_person"),
        ),
    ]


def citizen_specs(communes: list[Unit], rng: random.Random) -> list[Spec]:
    """The conclusion's "no hot spot" task for each commune and ward, issued by the committee."""
    specs = []
    courses: list[dict[str, Any]] = [{}] * 28 + [{"late": 2}, {"late": 4}, {"late": 6}, {"late": 9}, {"late": 3}]
    courses += [{"outcome": IN_PROGRESS}, {"outcome": IN_PROGRESS}, {"returns": 1, "late": 5}]
    courses += [{"outcome": RETURNED, "returns": 1}, {"outcome": SUBMITTED, "late": 95}]
    courses += [{"extension": (d(7, 31), True)}, {"extension": (d(7, 31), False), "late": 4}]
    rng.shuffle(courses)
    for i, commune in enumerate(communes):
        level = "phường" if commune.kind == UnitKind.WARD else "xã"
        course = dict(courses[i % len(courses)])
        course.setdefault("early", rng.choice((0, 1, 2, 4)))
        specs.append(
            Spec(
                key=f"citizens-{commune.code}",
                title=f"Tiếp công dân, giải quyết đơn thư tại {commune.short_name}, không để hình thành “điểm nóng” "
                f"6 tháng đầu năm 2026",
                content=f"Bí thư Đảng ủy {level} tiếp công dân định kỳ ít nhất 1 ngày/tháng; tiếp nhận, phân loại, "
                "giải quyết đơn thư đúng thẩm quyền, đúng hạn; rà soát vụ việc phức tạp, kéo dài để xử lý dứt điểm; "
                "báo cáo ngay vụ việc có nguy cơ khiếu kiện đông người kèm đề xuất hướng xử lý.",
                product_kind=ProductKind.REPORT,
                product="Báo cáo kết quả tiếp công dân, giải quyết đơn thư 6 tháng kèm danh mục vụ việc và đề xuất",
                owner="VPTU",
                lead=commune.code,
                authority=STANDING,
                drafter=OFFICE_DRAFTER,
                responsible=commune_secretary(commune.code),
                acceptor=commune_secretary(commune.code),
                approver=STANDING_APPROVER,
                supervisor=COMMUNE_SUPERVISORS[i % len(COMMUNE_SUPERVISORS)],
                coordinating=("BNCTU",),
                issue_on=d(2, 2),
                due=d(6, 30),
                directive="conclusion",
                source=S_CITIZENS,
                **course,
            )
        )
    return specs


COMMUNE_WORK: tuple[tuple[str, str, str, str, datetime.date, datetime.date, str], ...] = (
    (
        "program",
        "Xây dựng chương trình công tác năm 2026 của Ban Chấp hành, Ban Thường vụ Đảng ủy",
        "Cụ thể hóa Nghị quyết Đại hội Đảng bộ {level} nhiệm kỳ 2025 – 2030 thành chương trình công tác năm 2026; "
        "phân công ủy viên Ban Thường vụ phụ trách từng nội dung; thời gian trình từng đề án.",
        ProductKind.PLAN,
        d(1, 14),
        d(2, 13),
        "resolution",
    ),
    (
        "study",
        "Tổ chức hội nghị học tập, quán triệt Nghị quyết Đại hội XVII đến cán bộ, đảng viên",
        "Tổ chức hội nghị quán triệt Nghị quyết Đại hội Đảng bộ thành phố lần thứ XVII và Nghị quyết Đại hội Đảng bộ "
        "{level}; tổng hợp bài thu hoạch; báo cáo kết quả về Ban Tuyên giáo và Dân vận Thành ủy.",
        ProductKind.CONFERENCE,
        d(2, 2),
        d(3, 13),
        "resolution",
    ),
    (
        "cells",
        "Kiện toàn các chi bộ thôn, tổ dân phố sau sắp xếp",
        "Rà soát số lượng đảng viên từng chi bộ; quyết định sáp nhập, chia tách chi bộ; chỉ định bí thư, phó bí thư "
        "chi bộ lâm thời; hướng dẫn sinh hoạt chi bộ theo nền nếp mới.",
        ProductKind.DECISION,
        d(3, 2),
        d(6, 30),
        "program",
    ),
    (
        "flood",
        "Rà soát hộ dân vùng nguy cơ sạt lở, ngập sâu và phương án sơ tán trước mùa mưa bão 2026",
        "Lập danh sách hộ dân vùng nguy cơ cao; phân công đảng viên phụ trách từng cụm hộ; chuẩn bị điểm sơ tán, lương "
        "thực, phương tiện theo phương châm “4 tại chỗ”.",
        ProductKind.DATA,
        d(8, 3),
        d(9, 11),
        "program",
    ),
    (
        "digital",
        "Xây dựng kế hoạch chuyển đổi số trong hoạt động của Đảng ủy năm 2026",
        "Xác định chỉ tiêu văn bản điện tử, ký số, họp trực tuyến; cập nhật nhiệm vụ trên hệ thống theo dõi của Thành "
        "ủy; phân công cán bộ phụ trách công nghệ thông tin.",
        ProductKind.PLAN,
        d(3, 16),
        d(4, 30),
        "conclusion",
    ),
    (
        "year-end",
        "Chuẩn bị báo cáo tổng kết công tác xây dựng Đảng và hệ thống chính trị năm 2026",
        "Tổng hợp kết quả thực hiện các chỉ tiêu Nghị quyết; đánh giá ưu điểm, hạn chế; phương hướng nhiệm vụ năm "
        "2027; gửi dự thảo xin ý kiến các chi bộ.",
        ProductKind.REPORT,
        d(11, 2),
        d(12, 18),
        "program",
    ),
)


# What each kind of the communes' own work delivers.
COMMUNE_PRODUCTS: dict[str, str] = {
    ProductKind.PLAN: "Chương trình (kế hoạch) được Ban Thường vụ Đảng ủy thông qua",
    ProductKind.CONFERENCE: "Hội nghị được tổ chức và báo cáo kết quả học tập, quán triệt",
    ProductKind.DECISION: "Các quyết định kiện toàn chi bộ và báo cáo kết quả",
    ProductKind.DATA: "Danh sách hộ dân, điểm sơ tán và phương án phân công đảng viên",
    ProductKind.REPORT: "Dự thảo báo cáo tổng kết năm 2026",
}


def commune_specs(communes: list[Unit], rng: random.Random) -> list[Spec]:
    """One or two of the communes' own tasks each, with the courses such work takes."""
    specs = []
    for i, commune in enumerate(communes):
        level = "phường" if commune.kind == UnitKind.WARD else "xã"
        chosen = [COMMUNE_WORK[i % len(COMMUNE_WORK)]]
        if i % 2 == 0:
            chosen.append(COMMUNE_WORK[(i + 3) % len(COMMUNE_WORK)])
        for key, title, content, kind, issue, due, directive in chosen:
            course: dict[str, Any] = {"early": rng.choice((0, 1, 2, 3, 5))}
            roll = rng.random()
            if key == "year-end":
                course = {"outcome": IN_PROGRESS, "keep_ahead": True} if roll < 0.8 else {"outcome": ISSUED}
            elif roll < 0.13:
                course["late"] = rng.randint(1, 8)
            elif roll < 0.20:
                course["outcome"] = IN_PROGRESS
            elif roll < 0.23:
                course["outcome"] = RETURNED
                course["returns"] = 1
            elif roll < 0.26:
                course["extension"] = (due + datetime.timedelta(days=21), rng.random() < 0.7)
            elif roll < 0.28:
                course["outcome"] = CANCELLED
                course["cancel_reason"] = "Nội dung đã được lồng ghép vào nhiệm vụ khác của Đảng ủy; dừng thực hiện."
            elif roll < 0.30:
                course["outcome"] = DRAFT
            elif roll < 0.34:
                course["returns"] = 1
            product = COMMUNE_PRODUCTS[kind]
            specs.append(
                commune_task(
                    commune,
                    f"{key}-{commune.code}",
                    title,
                    content.format(level=level),
                    kind,
                    product,
                    issue,
                    due=due,
                    directive=directive,
                    **course,
                )
            )
    return specs


PROGRAM_2027_COURSE: dict[str, dict[str, Any]] = {
    "VPTU": {"early": 20},
    "BTCTU": {"outcome": SUBMITTED, "early": 16},
    "UBKTTU": {"early": 18},
    "DUUBND": {"outcome": ISSUED, "keep_ahead": True},
}


def later_specs(names: dict[str, str], communes: list[Unit]) -> list[Spec]:
    """The half-year and nine-month reviews, the communes' dialogues with the people, the 2027 programs."""
    specs = [
        city_task(
            "VPTU",
            "h1-review",
            "Chuẩn bị báo cáo sơ kết 6 tháng đầu năm 2026 và hội nghị giao ban các cơ quan Đảng thành phố",
            "Tổng hợp kết quả 6 tháng theo bốn tình trạng thực hiện nhiệm vụ; đánh giá việc thực hiện Kết luận hội "
            "nghị giao ban quý I; khó khăn, vướng mắc kèm đề xuất; nhiệm vụ trọng tâm 6 tháng cuối năm.",
            ProductKind.CONFERENCE,
            "Báo cáo sơ kết 6 tháng trình Thường trực Thành ủy và hội nghị giao ban được tổ chức",
            d(6, 1),
            d(7, 10),
            coordinating=("BTCTU", "UBKTTU", "BTGDVTU", "BNCTU"),
            directive="program",
            early=1,
        ),
        city_task(
            "VPTU",
            "q3-review",
            "Chuẩn bị báo cáo kết quả 9 tháng năm 2026 và nhiệm vụ trọng tâm quý IV",
            "Tổng hợp kết quả 9 tháng của các cơ quan, đơn vị trên hệ thống theo dõi; danh mục nhiệm vụ quá hạn và "
            "nguyên nhân; đề xuất giải pháp hoàn thành chỉ tiêu năm.",
            ProductKind.REPORT,
            "Báo cáo 9 tháng trình Thường trực Thành ủy",
            d(9, 1),
            d(10, 9),
            directive="program",
            late=2,
        ),
    ]
    dialogue_courses: list[dict[str, Any]] = [
        {},
        {"late": 3},
        {},
        {"outcome": IN_PROGRESS},
        {"early": 5},
        {
            "outcome": CANCELLED,
            "cancel_reason": "Đã lồng ghép vào hội nghị tiếp xúc cử tri của đại biểu Hội đồng "
            "nhân dân thành phố tại địa phương; không tổ chức riêng.",
        },
        {},
        {"returns": 1},
        {"early": 0},
        {},
    ]
    for i, commune in enumerate(communes[::4]):
        level = "phường" if commune.kind == UnitKind.WARD else "xã"
        course = dialogue_courses[i % len(dialogue_courses)]
        specs.append(
            Spec(
                key=f"dialogue-{commune.code}",
                title=f"Tổ chức đối thoại trực tiếp giữa Bí thư Đảng ủy {level} với Nhân dân năm 2026",
                content="Chọn chủ đề đối thoại từ kiến nghị của Nhân dân (đất đai, giải phóng mặt bằng, an sinh xã "
                "hội); thông báo trước cho Nhân dân; tổ chức đối thoại; giao cơ quan giải quyết từng kiến nghị, công "
                "khai kết quả.",
                product_kind=ProductKind.CONFERENCE,
                product="Hội nghị đối thoại được tổ chức, kèm biên bản và báo cáo kết quả giải quyết kiến nghị",
                owner="VPTU",
                lead=commune.code,
                authority=STANDING,
                drafter=OFFICE_DRAFTER,
                responsible=commune_secretary(commune.code),
                acceptor=commune_secretary(commune.code),
                approver=STANDING_APPROVER,
                supervisor=COMMUNE_SUPERVISORS[i % len(COMMUNE_SUPERVISORS)],
                coordinating=("BTGDVTU",),
                issue_on=d(7, 1),
                due=d(9, 30),
                directive="conclusion",
                source=S_CITIZENS,
                **course,
            )
        )
    for code in AGENCIES:
        course = PROGRAM_2027_COURSE.get(code, {"outcome": IN_PROGRESS, "keep_ahead": True})
        specs.append(
            city_task(
                code,
                f"program-2027-{code}",
                f"Xây dựng chương trình công tác năm 2027 của {names[code]}",
                "Đánh giá kết quả thực hiện chương trình năm 2026; xác định nhiệm vụ năm 2027 theo Chương trình hành "
                "động của Thành ủy; ghi rõ người, việc, thời gian, trách nhiệm, sản phẩm, thẩm quyền của từng nhiệm "
                "vụ; nhập vào hệ thống theo dõi.",
                ProductKind.PLAN,
                "Chương trình công tác năm 2027 kèm danh mục nhiệm vụ theo 6 rõ",
                d(11, 2),
                d(12, 18),
                directive="program",
                **course,
            )
        )
    return specs


def recurring_specs(names: dict[str, str]) -> list[Spec]:
    """The monthly report of each agency, a quarterly and a yearly report: templates issued in January."""
    specs = []
    for code in AGENCIES:
        dept = REPORTING_DEPARTMENT[code]
        specs.append(
            city_task(
                code,
                f"monthly-{code}",
                f"Báo cáo tình hình, kết quả công tác tháng của {names[code]}",
                "Báo cáo kết quả thực hiện nhiệm vụ trong tháng (số liệu từ ngày 15 tháng trước đến ngày 14 tháng báo "
                "cáo), nhiệm vụ chưa hoàn thành và nguyên nhân, khó khăn, vướng mắc kèm đề xuất, nhiệm vụ trọng tâm "
                "tháng tới; gửi Văn phòng Thành ủy tổng hợp.",
                ProductKind.REPORT,
                "Báo cáo tháng theo mẫu thống nhất của Văn phòng Thành ủy",
                d(1, 5),
                None,
                responsible=department_head(dept),
                coordinating=(),
                recurrence=(Recurrence.MONTHLY, 17, None),
                ongoing=ReviewCadence.MONTHLY,
                outcome=IN_PROGRESS,
                directive="conclusion",
                source=S_REPORTING,
            )
        )
    specs.append(
        city_task(
            "BNCTU",
            "quarterly-citizens",
            "Báo cáo tình hình tiếp công dân, giải quyết khiếu nại, tố cáo và vụ việc phức tạp trên địa bàn",
            "Tổng hợp kết quả tiếp công dân của bí thư cấp ủy các cấp; số đơn, vụ việc đã giải quyết; vụ việc phức "
            "tạp, đông người, nguy cơ hình thành “điểm nóng” và đề xuất hướng xử lý.",
            ProductKind.REPORT,
            "Báo cáo quý kèm phụ lục số liệu theo xã, phường",
            d(1, 5),
            None,
            responsible=department_head("BNCTU-CCTP"),
            coordinating=("UBKTTU",),
            recurrence=(Recurrence.QUARTERLY, 20, 3),
            ongoing=ReviewCadence.QUARTERLY,
            outcome=IN_PROGRESS,
            directive="conclusion",
            source=S_CITIZENS,
        )
    )
    specs.append(
        city_task(
            "VPTU",
            "yearly-review",
            "Dự thảo báo cáo tổng kết công tác năm của Ban Chấp hành Đảng bộ thành phố",
            "Tổng hợp báo cáo của các cơ quan, đơn vị; đánh giá kết quả thực hiện các chỉ tiêu Nghị quyết Đại hội "
            "trong năm; hạn chế, nguyên nhân; phương hướng, nhiệm vụ năm sau.",
            ProductKind.REPORT,
            "Dự thảo báo cáo tổng kết năm trình Ban Thường vụ Thành ủy",
            d(1, 5),
            None,
            responsible=OFFICE_DRAFTER,
            authority=BTV,
            coordinating=("BTCTU", "UBKTTU", "BTGDVTU", "BNCTU"),
            recurrence=(Recurrence.YEARLY, 15, 12),
            ongoing=ReviewCadence.YEARLY,
            outcome=IN_PROGRESS,
            directive="program",
        )
    )
    return specs


# --- Running the year ---------------------------------------------------------------------------------------
RETURN_REASONS = (
    "Sản phẩm chưa nêu rõ khó khăn, vướng mắc và đề xuất hướng xử lý cụ thể; đề nghị bổ sung.",
    "Số liệu chưa so sánh với cùng kỳ và với chỉ tiêu Nghị quyết; đề nghị hoàn thiện.",
    "Dự thảo chưa phân công rõ cơ quan chủ trì, thời hạn từng nội dung theo phương châm 6 rõ.",
)
EXTENSION_REASONS = (
    "Cần chờ ý kiến góp ý của các cơ quan liên quan để bảo đảm chất lượng sản phẩm.",
    "Phát sinh nhiệm vụ đột xuất phục vụ công tác bầu cử; đề nghị gia hạn để hoàn thành đầy đủ.",
    "Cần thêm thời gian khảo sát thực tế tại cơ sở sau sắp xếp đơn vị hành chính.",
)
REF_CODES: dict[str, str] = {
    ProductKind.PLAN: "KH",
    ProductKind.REPORT: "BC",
    ProductKind.SUBMISSION: "TTr",
    ProductKind.SCHEME: "ĐA",
    ProductKind.DECISION: "QĐ",
    ProductKind.DRAFT_DOCUMENT: "DT",
}


@dataclass
class DemoTasksResult:
    created: bool
    tasks: int = 0
    seconds: float = 0.0
    skipped_reason: str = ""


@dataclass
class _Directory:
    """The demo's units and people, fetched once; a missing one is named in Vietnamese."""

    units: dict[str, Unit] = field(default_factory=dict)
    users: dict[str, User] = field(default_factory=dict)

    @classmethod
    def load(cls) -> _Directory:
        return cls(
            units={u.code: u for u in Unit.objects.filter(valid_to__isnull=True)},
            users={u.username: u for u in User.objects.filter(is_active=True)},
        )

    def unit(self, code: str) -> Unit:
        try:
            return self.units[code]
        except KeyError:
            raise LookupError(ERR_MISSING.format(what="đơn vị", name=code)) from None

    def user(self, username: str) -> User:
        try:
            return self.users[username]
        except KeyError:
            raise LookupError(ERR_MISSING.format(what="tài khoản", name=username)) from None


Step = tuple[datetime.date, int, Callable[[], None]]


class _Year:
    """Every step of every demo task, taken in date order with the clock set to the step's day."""

    def __init__(self, now: datetime.date, people: _Directory, directives: dict[str, int]) -> None:
        self.now = now
        self.people = people
        self.directives = directives
        self.cal: WorkCalendar = current_calendar()
        self.heap: list[Step] = []
        self.order = itertools.count()
        self.steps_on: dict[datetime.date, int] = {}
        self.tasks: dict[str, Task] = {}
        self.specs: dict[str, Spec] = {}
        self.template_specs: dict[int, Spec] = {}
        self.refs: dict[tuple[str, str], int] = {}

    # dates
    def wd(self, day: datetime.date, n: int) -> datetime.date:
        return self.cal.add_working_days(day, n)

    def snap(self, day: datetime.date) -> datetime.date:
        return self.cal.deadline_on_or_after(day)

    def at(self, day: datetime.date, action: Callable[[], None]) -> None:
        heapq.heappush(self.heap, (day, next(self.order), action))

    def run(self) -> None:
        while self.heap:
            day, _, action = heapq.heappop(self.heap)
            if day > self.now:
                break
            n = self.steps_on.get(day, 0)
            self.steps_on[day] = n + 1
            start = datetime.datetime.combine(day, DAY_STARTS)
            moment = (start + datetime.timedelta(seconds=n * SECONDS_BETWEEN_STEPS)).time()
            with clock_at(day, moment):
                action()

    # the course of one task
    def fields(self, spec: Spec, due: datetime.date | None) -> dict[str, Any]:
        unit = self.people.unit
        user = self.people.user
        fields: dict[str, Any] = {
            "title": spec.title,
            "content": spec.content,
            "source_paragraph": spec.source,
            "directive": self.directives.get(spec.directive),
            "lead_unit": unit(spec.lead).pk,
            "coordinating_units": [unit(c).pk for c in spec.coordinating if c != spec.lead],
            "responsible_person": user(spec.responsible).pk,
            "supervising_leader": user(spec.supervisor).pk if spec.supervisor else None,
            "product_kind": spec.product_kind,
            "product_description": spec.product,
            "authority_unit": unit(spec.authority).pk,
            "due_date": due,
        }
        if spec.ongoing:
            fields.update(is_ongoing=True, review_cadence=spec.ongoing, due_date=None)
        if spec.recurrence:
            recurrence, day, month = spec.recurrence
            fields.update(recurrence=recurrence, recurrence_day=day, recurrence_month=month)
        for name in spec.omit:
            fields.pop(name, None)
        return fields

    def plan(self, spec: Spec, rng: random.Random) -> None:
        self.specs[spec.key] = spec
        due = spec.due
        if spec.keep_ahead and due is not None:
            due = max(due, self.wd(self.now, 15))
        if spec.issue_on is None:  # a draft still waiting for its gaps to be filled
            self.at(min(self.snap(DRAFTED_ON), self.now), lambda: self.create(spec, due))
            return
        issue = self.snap(spec.issue_on)
        # A sub-task is drafted the day it is given (its parent must already be under way).
        created = issue if spec.parent else self.wd(issue, -rng.choice((0, 0, 1, 2)))
        self.at(created, lambda: self.create(spec, due))
        if spec.outcome == DRAFT:
            return
        self.at(issue, lambda: self.issue(spec))
        t = issue
        for proposed in spec.bounce_to:
            t = self.wd(t, 2)
            self.at(t, functools.partial(self.propose_reassignment, spec, proposed))
            t = self.wd(t, 2)
            self.at(t, lambda: self.refuse_reassignment(spec))
        if spec.outcome == ISSUED:
            return
        t = self.wd(t, rng.choice((1, 1, 2)))
        accepted = t
        self.at(t, lambda: self.accept(spec))
        if spec.recurrence:
            return
        deadline = self.snap(due) if due else None
        if spec.extension and deadline is not None:
            new_due, granted = spec.extension
            ask = max(self.wd(deadline, -4), self.wd(accepted, 1))
            self.at(ask, lambda: self.ask_extension(spec, new_due, rng))
            self.at(self.wd(ask, 2), lambda: self.decide_extension(spec, granted))
            if granted:
                deadline = self.snap(new_due)
        if spec.outcome == IN_PROGRESS or deadline is None:
            return
        if spec.outcome == CANCELLED:
            self.at(self.wd(accepted, 10), lambda: self.cancel(spec))
            return
        final = self.wd(deadline, spec.late) if spec.late else self.wd(deadline, -spec.early)
        rounds = spec.returns
        first = self.wd(final, -5 * rounds) if rounds else final
        first = max(first, self.wd(accepted, 1))
        t = first
        for _ in range(rounds):
            self.at(t, lambda: self.submit(spec))
            t = self.wd(t, 2)
            self.at(t, lambda: self.send_back(spec, rng))
            t = self.wd(t, 3)
        if spec.outcome == RETURNED:
            return
        final = max(final, t)
        self.at(final, lambda: self.submit(spec))
        if spec.outcome == SUBMITTED:
            return
        self.at(self.wd(final, rng.choice((1, 1, 2, 3))), lambda: self.approve(spec))

    # the services, as the people concerned
    def create(self, spec: Spec, due: datetime.date | None) -> None:
        parent = self.tasks[spec.parent] if spec.parent else None
        task = task_create(
            acting_user=self.people.user(spec.drafter),
            owner_unit=self.people.unit(spec.owner),
            parent=parent,
            fields=self.fields(spec, due),
        )
        self.tasks[spec.key] = task
        if spec.recurrence:
            self.template_specs[task.pk] = spec

    def issue(self, spec: Spec) -> None:
        task_issue(acting_user=self.people.user(spec.drafter), task=self.tasks[spec.key])

    def accept(self, spec: Spec, task: Task | None = None) -> None:
        officers = [self.people.user(o).pk for o in spec.officers]
        task_accept(
            acting_user=self.people.user(spec.acceptor), task=task or self.tasks[spec.key], officer_ids=officers
        )

    def product_ref(self, spec: Spec, issuer: str) -> str:
        code = REF_CODES.get(spec.product_kind)
        if code is None:
            return ""
        n = self.refs.get((code, issuer), 0) + 1
        self.refs[(code, issuer)] = n
        return f"Số {n:02d}-{code}/{issuer}" if code != "DT" else f"Dự thảo lần {n} – {issuer}"

    def submit(self, spec: Spec, task: Task | None = None) -> None:
        task = task or self.tasks[spec.key]
        issuer = spec.lead.split("-")[0] if not spec.lead.startswith(("P-", "X-")) else "ĐU"
        task_submit(
            acting_user=self.people.user(spec.responsible),
            task=task,
            product_note=f"{spec.product}.",
            product_ref=self.product_ref(spec, issuer),
        )

    def approve(self, spec: Spec, task: Task | None = None) -> None:
        task_approve(
            acting_user=self.people.user(spec.approver),
            task=task or self.tasks[spec.key],
            note="Thống nhất nội dung sản phẩm.",
        )

    def send_back(self, spec: Spec, rng: random.Random) -> None:
        task_return(
            acting_user=self.people.user(spec.approver),
            task=self.tasks[spec.key],
            reason=spec.return_reason or rng.choice(RETURN_REASONS),
        )

    def cancel(self, spec: Spec) -> None:
        task_cancel(acting_user=self.people.user(spec.approver), task=self.tasks[spec.key], reason=spec.cancel_reason)

    def ask_extension(self, spec: Spec, new_due: datetime.date, rng: random.Random) -> None:
        extension_request_create(
            acting_user=self.people.user(spec.responsible),
            task=self.tasks[spec.key],
            new_due_date=new_due,
            reason=rng.choice(EXTENSION_REASONS),
        )

    def decide_extension(self, spec: Spec, granted: bool) -> None:
        request = ExtensionRequest.objects.get(task=self.tasks[spec.key], state=RequestState.PENDING)
        note = "Đồng ý gia hạn; không gia hạn thêm." if granted else "Không đồng ý gia hạn; khẩn trương hoàn thành."
        extension_request_decide(
            acting_user=self.people.user(spec.approver), request=request, approve=granted, note=note
        )

    def propose_reassignment(self, spec: Spec, proposed: str) -> None:
        reason = {
            "UBKTTU": "Nội dung đơn liên quan trách nhiệm của đảng viên; đề nghị Ủy ban Kiểm tra Thành ủy chủ trì.",
        }.get(proposed, "Vụ việc phát sinh trên địa bàn phường; đề nghị Đảng ủy phường chủ trì giải quyết.")
        reassignment_request_create(
            acting_user=self.people.user(spec.acceptor),
            task=self.tasks[spec.key],
            proposed_unit_id=self.people.unit(proposed).pk,
            reason=reason,
        )

    def refuse_reassignment(self, spec: Spec) -> None:
        request = ReassignmentRequest.objects.get(task=self.tasks[spec.key], state=RequestState.PENDING)
        reassignment_request_decide(
            acting_user=self.people.user(spec.approver),
            request=request,
            approve=False,
            note="Nội dung thuộc chức năng của đơn vị chủ trì hiện tại; đơn vị được đề nghị tham gia phối hợp.",
        )

    # recurring tasks: the system makes the month's instances; the agencies then report
    def generate(self) -> None:
        result = run_generation(as_of=clock.today())
        for instance in Task.objects.filter(pk__in=result.created).order_by("id"):
            template_id = instance.recurrence_template_id
            spec = self.template_specs.get(template_id) if template_id else None
            if spec is not None:
                self.plan_instance(spec, instance)

    def plan_instance(self, spec: Spec, instance: Task) -> None:
        rng = random.Random(f"{SEED}-{spec.key}-{instance.period_key}")  # noqa: S311 — demo data
        issued = instance.issued_on or clock.today()
        deadline = instance.deadline or self.snap(instance.due_date or issued)
        accepted = self.wd(issued, rng.choice((1, 1, 2)))
        self.at(accepted, lambda: self.accept(spec, instance))
        roll = rng.random()
        if deadline.month == 11 and deadline.year == YEAR and roll < 0.3:
            return  # this month's report is still being written
        if roll < 0.12:
            submitted = self.wd(deadline, rng.randint(1, 4))
        else:
            submitted = max(self.wd(deadline, -rng.randint(0, 3)), self.wd(accepted, 1))
        self.at(submitted, lambda: self.submit(spec, instance))
        self.at(self.wd(submitted, rng.choice((1, 2))), lambda: self.approve(spec, instance))


def _first_working_days(year: _Year) -> list[datetime.date]:
    """The first working day of each month of the demo year up to today: when the worker makes the instances."""
    days = [year.snap(datetime.date(YEAR, month, 1)) for month in range(1, 13)]
    return [day for day in days if day <= year.now]


def _directive_ids() -> dict[str, int]:
    from sauro.directives.models import Directive

    found: dict[str, int] = {}
    for key, (kind, issuer) in DIRECTIVES.items():
        pk = (
            Directive.objects.filter(kind=kind, issuer_code=issuer, number=1)
            .order_by("-issued_on")
            .values_list("pk", flat=True)
            .first()
        )
        if pk is not None:
            found[key] = pk
    return found


def demo_specs(people: _Directory, rng: random.Random) -> list[Spec]:
    names = {code: people.unit(code).name for code in AGENCIES}
    communes = sorted(
        (u for u in people.units.values() if u.kind in (UnitKind.WARD, UnitKind.COMMUNE)),
        key=lambda u: (u.sort_order, u.code),
    )
    return [
        *recurring_specs(names),
        *seed_agency_specs(names),
        *seed_office_specs(),
        *program_specs(names, communes),
        *citizen_specs(communes, rng),
        *commune_specs(communes, rng),
        *later_specs(names, communes),
    ]


def load_demo_tasks(progress: Callable[[str], None] | None = None) -> DemoTasksResult:
    """Load the demo tasks in one transaction; does nothing if any task exists or the demo organisation is missing."""
    say = progress or (lambda _msg: None)
    started = time.monotonic()
    with transaction.atomic():
        if Task.objects.exists():
            return DemoTasksResult(created=False, skipped_reason="Đã có nhiệm vụ: giữ nguyên.")
        if not Unit.objects.filter(code="TU").exists():
            return DemoTasksResult(created=False, skipped_reason="Chưa có tổ chức mẫu (Thành ủy Huế, mã TU).")
        now = clock.today()
        rng = random.Random(SEED)  # noqa: S311 — demo data, not security
        people = _Directory.load()
        year = _Year(now, people, _directive_ids())
        specs = demo_specs(people, rng)
        templates = sum(1 for spec in specs if spec.recurrence)
        say(
            f"Đang tạo nhiệm vụ mẫu năm {YEAR}: {len(specs)} nhiệm vụ và các kỳ của {templates} nhiệm vụ định kỳ, "
            "qua từng bước giao, tiếp nhận, gửi và duyệt sản phẩm…"
        )
        for spec in specs:
            year.plan(spec, rng)
        for day in _first_working_days(year):
            year.at(day, year.generate)
        year.run()
        count = Task.objects.count()
    seconds = time.monotonic() - started
    say(f"Đã tạo {count} nhiệm vụ mẫu trong {seconds:.1f} giây.")
    return DemoTasksResult(created=True, tasks=count, seconds=seconds)
