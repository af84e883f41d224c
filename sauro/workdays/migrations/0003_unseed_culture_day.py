"""Remove 24/11/2026 (Ngày Văn hóa Việt Nam) from the override table, where 0002 seeded it as a day off.

No legal text makes 24/11 a day off: the public holidays are those of Điều 112 Bộ luật Lao động, which has not been
amended to add it. Nghị quyết 80-NQ/TW and the Government's resolution naming 24/11 "Ngày Văn hóa Việt Nam" state a
policy and ask for the Code to be amended; they do not themselves give workers the day off. A row of the table
must rest on a text that decides the day's status, so the seeded row goes.

Only the row as 0002 wrote it is deleted: if an administrator has since changed it (cited a text, renamed it,
made it a working day), their row stays. Reversing puts the seeded row back when the date is free.
"""

import datetime

from django.db import migrations

DAY = datetime.date(2026, 11, 24)
SEEDED = {
    "is_working_day": False,
    "name": "Ngày Văn hóa Việt Nam",
    "citing_document": (
        "Nghị quyết số 80-NQ/TW của Bộ Chính trị về phát triển văn hóa Việt Nam (chọn ngày 24/11 hằng năm là "
        "Ngày Văn hóa Việt Nam, người lao động được nghỉ hưởng nguyên lương); Nghị quyết số 30/NQ-CP của Chính phủ "
        "giao sửa đổi, bổ sung khoản 1 Điều 112 Bộ luật Lao động để thực hiện"
    ),
    "note": (
        "Chủ trương của Bộ Chính trị; khi ghi dòng này Bộ luật Lao động chưa được sửa đổi để bổ sung ngày nghỉ. "
        "Cập nhật văn bản căn cứ khi luật sửa đổi được ban hành và thêm một dòng cho mỗi năm sau (nếu 24/11 "
        "trùng thứ Bảy hoặc Chủ nhật, như năm 2029 và 2030, ghi cả ngày nghỉ bù)."
    ),
}


def unseed_culture_day(apps, schema_editor):
    WorkdayOverride = apps.get_model("workdays", "WorkdayOverride")
    # The calendar's cache is keyed by the table's row count and latest ``updated_at``: a deleted row is seen.
    WorkdayOverride.objects.filter(date=DAY, **SEEDED).delete()


def reseed_culture_day(apps, schema_editor):
    WorkdayOverride = apps.get_model("workdays", "WorkdayOverride")
    WorkdayOverride.objects.get_or_create(date=DAY, defaults=SEEDED)


class Migration(migrations.Migration):
    dependencies = [("workdays", "0002_seed_overrides")]

    operations = [migrations.RunPython(unseed_culture_day, reseed_culture_day)]
