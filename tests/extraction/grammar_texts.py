"""Texts and a hand-built unit matcher shared by the segmenter, sentence and pipeline tests (no database).

The sentences are those of the demo's texts (``sauro/demo/data/*.txt``: the Huế conclusion of January 2026, the
Congress resolution, the action programme) and sentences written the way the Thành ủy's conclusions write them.
"""

from __future__ import annotations

import datetime
from pathlib import Path

from sauro.extraction.types import UnitRef
from sauro.extraction.units import UnitEntry, UnitMatcher

DATA = Path(__file__).resolve().parents[2] / "sauro" / "demo" / "data"
REF = datetime.date(2026, 1, 15)

_UNITS = (
    # id, code, name, short names, kind
    (1, "TU", "Thành ủy Huế", ("Thành ủy",), "committee"),
    (2, "TTTU", "Thường trực Thành ủy", (), "standing"),
    (3, "BTVTU", "Ban Thường vụ Thành ủy", (), "standing"),
    (4, "VPTU", "Văn phòng Thành ủy", (), "agency"),
    (5, "BTCTU", "Ban Tổ chức Thành ủy", (), "agency"),
    (6, "UBKTTU", "Ủy ban Kiểm tra Thành ủy", (), "agency"),
    (7, "BTGDVTU", "Ban Tuyên giáo và Dân vận Thành ủy", (), "agency"),
    (8, "BNCTU", "Ban Nội chính Thành ủy", (), "agency"),
    (9, "TCT", "Trường Chính trị Nguyễn Chí Thanh", (), "agency"),
    (10, "DUUBND", "Đảng ủy Ủy ban nhân dân thành phố", (), "party_committee"),
    (11, "P-ANCUU", "Đảng ủy phường An Cựu", (), "ward"),
    (12, "P-PHUXUAN", "Đảng ủy phường Phú Xuân", (), "ward"),
)


def unit(code: str) -> UnitRef:
    for id_, c, name, _, _ in _UNITS:
        if c == code:
            return UnitRef(id_, c, name)
    raise KeyError(code)


def matcher() -> UnitMatcher:
    return UnitMatcher(
        UnitEntry(UnitRef(id_, code, name), (name, *short), kind, None if code == "TU" else "TU")
        for id_, code, name, short, kind in _UNITS
    )


# A conclusion as the Thành ủy writes one: header, preamble, evaluation, numbered tasks, signature, recipients.
CONCLUSION = """THÀNH ỦY HUẾ
Số 15-KL/TU
ĐẢNG CỘNG SẢN VIỆT NAM
Huế, ngày 15 tháng 01 năm 2026

KẾT LUẬN
của Ban Thường vụ Thành ủy về nhiệm vụ trọng tâm quý I năm 2026

Ngày 12/01/2026, Ban Thường vụ Thành ủy đã họp, nghe Văn phòng Thành ủy báo cáo kết quả thực hiện nhiệm vụ quý IV/2025. Ban Thường vụ Thành ủy kết luận như sau:

I. ĐÁNH GIÁ CHUNG
Trong quý IV/2025, toàn hệ thống các cơ quan Đảng thành phố đã bám sát sự lãnh đạo, chỉ đạo của Thành ủy, Ban Thường vụ Thành ủy, chủ động, trách nhiệm trong tham mưu, phục vụ. Tốc độ tăng trưởng kinh tế của TP. Huế đạt 8,5%, thu ngân sách đạt 1.250 tỷ đồng...

II. NHIỆM VỤ TRỌNG TÂM QUÝ I NĂM 2026
1. Về công tác xây dựng Đảng
a) Ban Tổ chức Thành ủy chủ trì, phối hợp với Văn phòng Thành ủy, Ủy ban Kiểm tra Thành ủy xây dựng Kế hoạch triển khai Nghị quyết số 57-NQ/TW, báo cáo Ban Thường vụ Thành ủy trước ngày 15/3/2026.
b) Giao Ủy ban Kiểm tra Thành ủy xây dựng dự thảo Quy chế phối hợp kiểm tra, giám sát, trình Thường trực Thành ủy trong quý I/2026. Ban Nội chính Thành ủy phối hợp.
2. Về công tác tuyên giáo và dân vận
2.1. Ban Tuyên giáo và Dân vận Thành ủy tham mưu Ban Thường vụ Thành ủy tổ chức hội nghị quán triệt Kết luận của Ban Bí thư, hoàn thành trước ngày 28/02/2026.
2.2. Ban Tổ chức Thành ủy và Ban Tuyên giáo và Dân vận Thành ủy mỗi ban xây dựng đề án nâng cao chất lượng công tác tham mưu.
- Đề nghị các cơ quan, đơn vị rà soát lại toàn bộ chương trình công tác quý I và năm 2026;
- Đảng ủy phường An Cựu, Đảng ủy phường Phú Xuân theo chức năng, nhiệm vụ báo cáo số liệu kết nạp đảng viên về Văn phòng Thành ủy.
3. Văn phòng Thành ủy theo dõi, đôn đốc, định kỳ hằng quý báo cáo Ban Thường vụ Thành ủy kết quả thực hiện.

Nơi nhận:
- Ban Thường vụ Thành ủy,
- Các ban đảng Thành ủy,
- Lưu Văn phòng Thành ủy.
T/M BAN THƯỜNG VỤ
PHÓ BÍ THƯ THƯỜNG TRỰC
"""
