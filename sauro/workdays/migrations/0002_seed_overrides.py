"""Seed the override table with the 2025–2026 decisions known when the calendar was written.

Only documents whose existence was checked are cited by number; where the number is not known the document
is described instead. Each row's note says what the decision was, so an administrator can verify it.
"""

import datetime

from django.db import migrations

VPCP_8726 = (
    "Công văn số 8726/VPCP-KGVX ngày 26/11/2024 của Văn phòng Chính phủ truyền đạt ý kiến chỉ đạo của "
    "Thủ tướng Chính phủ về việc nghỉ Tết Âm lịch và một số dịp nghỉ lễ năm 2025"
)
BNV_NEW_YEAR_2026 = (
    "Thông báo của Bộ Nội vụ ngày 25/12/2025 về việc hoán đổi ngày làm việc dịp Tết Dương lịch 2026, theo ý kiến "
    "đồng ý của Thủ tướng Chính phủ (chưa ghi được số hiệu văn bản)"
)
NQ_80_CULTURE_DAY = (
    "Nghị quyết số 80-NQ/TW của Bộ Chính trị về phát triển văn hóa Việt Nam (chọn ngày 24/11 hằng năm là "
    "Ngày Văn hóa Việt Nam, người lao động được nghỉ hưởng nguyên lương); Nghị quyết số 30/NQ-CP của Chính phủ "
    "giao sửa đổi, bổ sung khoản 1 Điều 112 Bộ luật Lao động để thực hiện"
)

OVERRIDES = [
    # -- Tết Nguyên đán Ất Tỵ 2025: 9 days off, Saturday 25 Jan to Sunday 2 Feb, no swap --------------------
    {
        "date": datetime.date(2025, 1, 27),
        "is_working_day": False,
        "name": "Tết Nguyên đán (28 tháng Chạp năm Giáp Thìn)",
        "citing_document": VPCP_8726,
        "note": (
            "Lịch được duyệt: 5 ngày Tết từ thứ Hai 27/01 đến hết thứ Sáu 31/01/2025 (28 tháng Chạp đến mùng 3 "
            "Tết), cùng 4 ngày nghỉ hằng tuần: nghỉ liên tục 9 ngày từ 25/01 đến hết 02/02/2025."
        ),
    },
    {
        "date": datetime.date(2025, 2, 3),
        "is_working_day": True,
        "name": "Làm việc bình thường sau Tết Ất Tỵ",
        "citing_document": VPCP_8726,
        "note": (
            "Quy tắc mặc định (ngày cuối năm âm lịch và mùng 1–4, nghỉ bù ngày trùng cuối tuần) sẽ cho nghỉ bù "
            "thứ Hai 03/02 vì mùng 4 Tết là thứ Bảy 01/02; lịch được duyệt đặt 5 ngày Tết vào 27–31/01 nên "
            "03/02/2025 là ngày làm việc."
        ),
    },
    # -- Ngày Chiến thắng 30/4 and Quốc tế Lao động 1/5/2025: 5 days off, 30 Apr – 4 May ---------------------
    {
        "date": datetime.date(2025, 5, 2),
        "is_working_day": False,
        "name": "Nghỉ lễ 30/4 – 1/5 (hoán đổi với thứ Bảy 26/4/2025)",
        "citing_document": VPCP_8726,
        "note": "Hoán đổi ngày làm việc thứ Sáu 02/5 sang thứ Bảy 26/4/2025; nghỉ liên tục 5 ngày từ 30/4 đến hết 04/5.",
    },
    {
        "date": datetime.date(2025, 4, 26),
        "is_working_day": True,
        "name": "Làm bù cho thứ Sáu 02/5/2025",
        "citing_document": VPCP_8726,
        "note": "Ngày làm việc hoán đổi cho thứ Sáu 02/5/2025.",
    },
    # -- Quốc khánh 2025: 30 Aug – 2 Sep -----------------------------------------------------------------------
    {
        "date": datetime.date(2025, 9, 1),
        "is_working_day": False,
        "name": "Quốc khánh (ngày liền kề trước 2/9)",
        "citing_document": VPCP_8726,
        "note": (
            "Nghỉ 2 ngày Quốc khánh thứ Hai 01/9 và thứ Ba 02/9/2025, cùng 2 ngày cuối tuần: nghỉ liên tục 4 ngày "
            "từ 30/8 đến hết 02/9. Trùng với bố trí mặc định của hệ thống; ghi lại để có văn bản căn cứ."
        ),
    },
    # -- Tết Dương lịch 2026: 4 days off, 1–4 Jan, Friday 2 Jan swapped with Saturday 10 Jan ------------------
    {
        "date": datetime.date(2026, 1, 2),
        "is_working_day": False,
        "name": "Nghỉ Tết Dương lịch (hoán đổi với thứ Bảy 10/01/2026)",
        "citing_document": BNV_NEW_YEAR_2026,
        "note": (
            "Áp dụng cho cơ quan hành chính nhà nước, đơn vị sự nghiệp công lập: nghỉ liên tục 4 ngày từ thứ Năm "
            "01/01 đến hết Chủ nhật 04/01/2026, làm bù thứ Bảy 10/01/2026."
        ),
    },
    {
        "date": datetime.date(2026, 1, 10),
        "is_working_day": True,
        "name": "Làm bù cho thứ Sáu 02/01/2026",
        "citing_document": BNV_NEW_YEAR_2026,
        "note": "Ngày làm việc hoán đổi cho thứ Sáu 02/01/2026.",
    },
    # -- Ngày Văn hóa Việt Nam 24/11 ---------------------------------------------------------------------------
    {
        "date": datetime.date(2026, 11, 24),
        "is_working_day": False,
        "name": "Ngày Văn hóa Việt Nam",
        "citing_document": NQ_80_CULTURE_DAY,
        "note": (
            "Chủ trương của Bộ Chính trị; khi ghi dòng này Bộ luật Lao động chưa được sửa đổi để bổ sung ngày nghỉ. "
            "Cập nhật văn bản căn cứ khi luật sửa đổi được ban hành và thêm một dòng cho mỗi năm sau (nếu 24/11 "
            "trùng thứ Bảy hoặc Chủ nhật, như năm 2029 và 2030, ghi cả ngày nghỉ bù)."
        ),
    },
]


def seed(apps, schema_editor):
    WorkdayOverride = apps.get_model("workdays", "WorkdayOverride")
    for row in OVERRIDES:
        values = dict(row)
        WorkdayOverride.objects.get_or_create(date=values.pop("date"), defaults=values)


def unseed(apps, schema_editor):
    WorkdayOverride = apps.get_model("workdays", "WorkdayOverride")
    WorkdayOverride.objects.filter(date__in=[row["date"] for row in OVERRIDES]).delete()


class Migration(migrations.Migration):
    dependencies = [("workdays", "0001_initial")]

    operations = [migrations.RunPython(seed, unseed)]
