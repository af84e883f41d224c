"""Demo directives for the Huế demo: the term 2025 – 2030 of Thành ủy Huế and a small directive tree.

The tree follows PRODUCT §4: the Resolution of the XVII City Party Congress (2 – 4 October 2025) → the City
Committee's Action Program implementing it → agency plans; and the notice of conclusions of the January 2026
conference of the city's Party agencies, whose text (``demo_data/seed-hue-conclusion-2026-01.txt``) is the origin
of the product; and a flood-response letter marked Hỏa tốc (độ khẩn), the one urgent directive of the demo. Numbers,
dates after the Congress and the texts of the programs, plans and the letter are invented for the demo.

``load_demo_directives`` is idempotent and writes through the services (so the journal records it, attributed to
the office's demo account when it exists). It needs the demo organisation (``sauro.demo.loader.load_demo``).
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from pathlib import Path

from django.db import transaction

from sauro.accounts.models import User
from sauro.directives.access import can_register_directives
from sauro.directives.choices import DirectiveKind, Urgency
from sauro.directives.models import Directive, Term
from sauro.directives.services import DirectiveInput, directive_create, term_create
from sauro.org.models import Unit

DATA_DIR = Path(__file__).resolve().parent / "demo_data"
CONCLUSION_FILE = DATA_DIR / "seed-hue-conclusion-2026-01.txt"
RESOLUTION_FILE = DATA_DIR / "nghi-quyet-dai-hoi-xvii.txt"
PROGRAM_FILE = DATA_DIR / "chuong-trinh-hanh-dong-01.txt"

COMMITTEE_CODE = "TU"
TERM_NAME = "Nhiệm kỳ 2025 – 2030"
# The XVII Congress met 2 – 4 October 2025; the brief of the demo starts the term on 1 October.
TERM_START = datetime.date(2025, 10, 1)
OFFICE_ACCOUNT = "vanphong"


@dataclass(frozen=True)
class DemoDirective:
    key: str
    kind: str
    number: int
    issuer_code: str
    unit_code: str
    issued_on: datetime.date
    summary: str
    signer: str
    full_text: str = ""
    parent: str = ""
    urgency: str = Urgency.NORMAL


FLOOD_TEXT = (
    "Trước diễn biến mưa lớn kéo dài, lũ trên các sông lên nhanh, nguy cơ ngập sâu, sạt lở đất tại nhiều địa bàn, "
    "Ban Thường vụ Thành ủy yêu cầu các cấp ủy, tổ chức đảng, cơ quan, đơn vị:\n\n"
    "1. Tập trung lãnh đạo, chỉ đạo triển khai ngay các biện pháp ứng phó theo phương châm “bốn tại chỗ”; "
    "chủ động sơ tán người dân ra khỏi vùng nguy hiểm, tuyệt đối không để xảy ra thiệt hại về người do chủ quan.\n\n"
    "2. Bí thư các đảng ủy xã, phường trực tiếp chỉ đạo, có mặt tại địa bàn xung yếu; bảo đảm lương thực, nước "
    "uống, thuốc men cho các hộ bị cô lập.\n\n"
    "3. Sau khi nước rút, khẩn trương khắc phục hậu quả, vệ sinh môi trường, ổn định đời sống Nhân dân; báo cáo "
    "tình hình thiệt hại về Thường trực Thành ủy (qua Văn phòng Thành ủy) trước 16 giờ hằng ngày.\n\n"
    "(Dữ liệu mẫu: nội dung được soạn cho bản trình diễn.)"
)


def _plan_text(agency: str, focus: str) -> str:
    return (
        f"Thực hiện Chương trình hành động số 01-CTr/TU của Thành ủy, {agency} ban hành Kế hoạch {focus}.\n\n"
        "Kế hoạch phân công cụ thể từng nhiệm vụ cho các phòng, bộ phận và cán bộ phụ trách, bảo đảm rõ người, "
        "rõ việc, rõ thời gian, rõ trách nhiệm, rõ sản phẩm, rõ thẩm quyền; định kỳ báo cáo kết quả về Văn phòng "
        "Thành ủy.\n\n(Dữ liệu mẫu: nội dung được soạn cho bản trình diễn.)"
    )


# The source page's photo caption, which the copied text carries between two paragraphs.
PHOTO_CAPTION = "Đồng chí Phạm Đức Tiến, Phó Bí thư Thường trực Thành ủy phát biểu kết luận hội nghị"


def conclusion_text() -> str:
    """The text of the January 2026 conclusion as published, without what the copy added around it: the first line
    (the page's date and the caption of its first photo) and the caption of the second photo."""
    lines = CONCLUSION_FILE.read_text(encoding="utf-8").splitlines()
    if lines and lines[0].strip().startswith("date "):
        lines = lines[1:]
    return "\n".join(line for line in lines if line.strip() != PHOTO_CAPTION).strip()


def demo_directives() -> list[DemoDirective]:
    secretary = "T/M Ban Chấp hành Đảng bộ thành phố, Bí thư Thành ủy"
    return [
        DemoDirective(
            key="resolution",
            kind=DirectiveKind.NQ,
            number=1,
            issuer_code="TU",
            unit_code="TU",
            issued_on=datetime.date(2025, 10, 4),
            summary="Nghị quyết Đại hội đại biểu Đảng bộ thành phố Huế lần thứ XVII, nhiệm kỳ 2025 – 2030",
            signer="T/M Đoàn Chủ tịch Đại hội",
            full_text=RESOLUTION_FILE.read_text(encoding="utf-8").strip(),
        ),
        DemoDirective(
            key="flood",
            kind=DirectiveKind.CV,
            number=35,
            issuer_code="TU",
            unit_code="TU",
            issued_on=datetime.date(2025, 10, 27),
            summary="Về việc tập trung lãnh đạo, chỉ đạo ứng phó và khắc phục hậu quả mưa lũ",
            signer="T/M Ban Thường vụ Thành ủy, Phó Bí thư Thường trực Thành ủy",
            full_text=FLOOD_TEXT,
            urgency=Urgency.FLASH,
        ),
        DemoDirective(
            key="program",
            kind=DirectiveKind.CTR,
            number=1,
            issuer_code="TU",
            unit_code="TU",
            issued_on=datetime.date(2025, 11, 20),
            summary=(
                "Chương trình hành động thực hiện Nghị quyết Đại hội đại biểu Đảng bộ thành phố lần thứ XVII, "
                "nhiệm kỳ 2025 – 2030"
            ),
            signer=secretary,
            full_text=PROGRAM_FILE.read_text(encoding="utf-8").strip(),
            parent="resolution",
        ),
        DemoDirective(
            key="plan-btc",
            kind=DirectiveKind.KH,
            number=1,
            issuer_code="BTCTU",
            unit_code="BTCTU",
            issued_on=datetime.date(2025, 12, 10),
            summary=(
                "Kế hoạch thực hiện Chương trình hành động của Thành ủy về công tác tổ chức xây dựng Đảng, "
                "cán bộ và bảo vệ chính trị nội bộ năm 2026"
            ),
            signer="Trưởng Ban Tổ chức Thành ủy",
            full_text=_plan_text(
                "Ban Tổ chức Thành ủy", "về công tác tổ chức xây dựng Đảng, cán bộ và bảo vệ chính trị nội bộ"
            ),
            parent="program",
        ),
        DemoDirective(
            key="plan-btgdv",
            kind=DirectiveKind.KH,
            number=1,
            issuer_code="BTGDVTU",
            unit_code="BTGDVTU",
            issued_on=datetime.date(2025, 12, 12),
            summary=(
                "Kế hoạch tuyên truyền, học tập, quán triệt Nghị quyết Đại hội đại biểu Đảng bộ thành phố lần "
                "thứ XVII và Chương trình hành động của Thành ủy"
            ),
            signer="Trưởng Ban Tuyên giáo và Dân vận Thành ủy",
            full_text=_plan_text(
                "Ban Tuyên giáo và Dân vận Thành ủy", "tuyên truyền, học tập, quán triệt Nghị quyết Đại hội"
            ),
            parent="program",
        ),
        DemoDirective(
            key="plan-vptu",
            kind=DirectiveKind.KH,
            number=1,
            issuer_code="VPTU",
            unit_code="VPTU",
            issued_on=datetime.date(2025, 12, 15),
            summary=(
                "Kế hoạch ứng dụng công nghệ thông tin, chuyển đổi số trong theo dõi, đánh giá việc thực hiện "
                "nhiệm vụ của các cơ quan, đơn vị năm 2026"
            ),
            signer="Chánh Văn phòng Thành ủy",
            full_text=_plan_text(
                "Văn phòng Thành ủy",
                "ứng dụng công nghệ thông tin, chuyển đổi số trong theo dõi, đánh giá việc thực hiện nhiệm vụ",
            ),
            parent="program",
        ),
        DemoDirective(
            key="conclusion",
            kind=DirectiveKind.TB,
            number=1,
            issuer_code="TU",
            unit_code="TU",
            issued_on=datetime.date(2026, 1, 9),
            summary=(
                "Thông báo kết luận của đồng chí Phó Bí thư Thường trực Thành ủy tại Hội nghị giao ban các cơ quan "
                "Đảng thành phố quý IV năm 2025, triển khai nhiệm vụ quý I năm 2026"
            ),
            signer="T/L Ban Thường vụ Thành ủy, Chánh Văn phòng Thành ủy",
            full_text=conclusion_text(),
            parent="program",
        ),
    ]


@dataclass
class DemoDirectivesResult:
    created: int = 0
    term_created: bool = False
    skipped_reason: str = ""
    keys: list[str] = field(default_factory=list)


def load_demo_directives() -> DemoDirectivesResult:
    """Create the demo term and directives that are not there yet (by number-symbol); safe to call again."""
    result = DemoDirectivesResult()
    with transaction.atomic():
        committee = Unit.objects.filter(code=COMMITTEE_CODE).first()
        if committee is None:
            result.skipped_reason = "Chưa có tổ chức mẫu (Thành ủy Huế, mã TU): hãy nạp dữ liệu mẫu trước."
            return result
        office = User.objects.filter(username=OFFICE_ACCOUNT, is_active=True).first()
        if office is not None and not can_register_directives(office):
            office = None
        term = Term.objects.filter(committee=committee, starts_on=TERM_START).first()
        if term is None:
            term = term_create(acting_user=None, committee=committee, name=TERM_NAME, starts_on=TERM_START)
            result.term_created = True
        units = {u.code: u for u in Unit.objects.filter(code__in={s.unit_code for s in demo_directives()})}
        made: dict[str, Directive] = {}
        for spec in demo_directives():
            existing = Directive.objects.filter(
                term=term, kind=spec.kind, issuer_code=spec.issuer_code, number=spec.number
            ).first()
            unit = units.get(spec.unit_code)
            if existing is not None or unit is None:
                if existing is not None:
                    made[spec.key] = existing
                continue
            parent = made.get(spec.parent) if spec.parent else None
            made[spec.key] = directive_create(
                acting_user=office,
                data=DirectiveInput(
                    kind=spec.kind,
                    number=spec.number,
                    issuer_code=spec.issuer_code,
                    issuing_unit_id=unit.pk,
                    issued_on=spec.issued_on,
                    summary=spec.summary,
                    signer=spec.signer,
                    full_text=spec.full_text,
                    parent_id=parent.pk if parent is not None else None,
                    urgency=spec.urgency,
                ),
            )
            result.created += 1
            result.keys.append(spec.key)
    return result
