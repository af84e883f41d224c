"""Ship the rule book of statutory deadlines with the defaults of issue 19 (point 3), version "2026.1".

The rules start at the laws' effective dates: Luật Khiếu nại 2011 from 01/7/2012, Luật Tố cáo 2018 from 01/01/2019;
kiến nghị and phản ánh from 01/7/2012 as well. The acceptance of a complaint changes for letters received from
01/7/2026 (10 calendar days → 7 working days). Where the document behind a default is not yet recorded, the
``basis`` says so, for the office to complete in the admin. ``DEFAULT_RULES`` is read by the tests, which check that
the engine gives the issue's deadlines from exactly these rows.
"""

import datetime

from django.db import migrations

VERSION = "2026.1"
COMPLAINTS_FROM = datetime.date(2012, 7, 1)
DENUNCIATIONS_FROM = datetime.date(2019, 1, 1)
ACCEPTANCE_CHANGE = datetime.date(2026, 7, 1)

LAW_COMPLAINTS = "Luật Khiếu nại 2011"
LAW_DENUNCIATIONS = "Luật Tố cáo 2018"
ACCEPTANCE_2026 = "Quy định áp dụng cho đơn nhận từ ngày 01/7/2026 (cần ghi số hiệu văn bản căn cứ)"
DEFAULT_BASIS = "Thời hạn mặc định của Sáu Rõ (cần ghi văn bản căn cứ)"


def _rule(kind, key, count, unit, counted_from, *, start, end=None, complexity="normal", remote=False, basis):
    return {
        "kind": kind,
        "key": key,
        "count": count,
        "unit": unit,
        "counted_from": counted_from,
        "effective_from": start,
        "effective_to": end,
        "complexity": complexity,
        "remote": remote,
        "version": VERSION,
        "basis": basis,
    }


def _complaint_rules():
    rules = []
    # (kind, normal, complex, remote normal, remote complex): days from the acceptance.
    for kind, normal, complex_, remote, remote_complex in (
        ("khieu_nai_1", 30, 45, 45, 60),
        ("khieu_nai_2", 45, 60, 60, 70),
    ):
        rules += [
            _rule(
                kind,
                "acceptance",
                10,
                "calendar",
                "receipt",
                start=COMPLAINTS_FROM,
                end=ACCEPTANCE_CHANGE - datetime.timedelta(days=1),
                basis=LAW_COMPLAINTS,
            ),
            _rule(kind, "acceptance", 7, "working", "receipt", start=ACCEPTANCE_CHANGE, basis=ACCEPTANCE_2026),
        ]
        for count, complexity, in_remote in (
            (normal, "normal", False),
            (complex_, "complex", False),
            (remote, "normal", True),
            (remote_complex, "complex", True),
        ):
            rules.append(
                _rule(
                    kind,
                    "resolution",
                    count,
                    "calendar",
                    "acceptance",
                    start=COMPLAINTS_FROM,
                    complexity=complexity,
                    remote=in_remote,
                    basis=LAW_COMPLAINTS,
                )
            )
    return rules


DEFAULT_RULES = [
    *(
        _rule(kind, "handling", 10, "working", "receipt", start=COMPLAINTS_FROM, basis=DEFAULT_BASIS)
        for kind in ("kien_nghi", "phan_anh")
    ),
    *_complaint_rules(),
    _rule("to_cao", "handling", 7, "working", "receipt", start=DENUNCIATIONS_FROM, basis=LAW_DENUNCIATIONS),
    _rule(
        "to_cao",
        "handling_max",
        10,
        "working",
        "receipt",
        start=DENUNCIATIONS_FROM,
        basis=f"{LAW_DENUNCIATIONS} (khi phải xác minh)",
    ),
    _rule("to_cao", "transfer", 5, "working", "receipt", start=DENUNCIATIONS_FROM, basis=LAW_DENUNCIATIONS),
    _rule("to_cao", "resolution", 30, "calendar", "acceptance", start=DENUNCIATIONS_FROM, basis=LAW_DENUNCIATIONS),
    _rule(
        "to_cao",
        "resolution_max",
        60,
        "calendar",
        "acceptance",
        start=DENUNCIATIONS_FROM,
        complexity="complex",
        basis=f"{LAW_DENUNCIATIONS} (gia hạn một lần 30 ngày)",
    ),
    _rule(
        "to_cao",
        "resolution_max",
        90,
        "calendar",
        "acceptance",
        start=DENUNCIATIONS_FROM,
        complexity="very_complex",
        basis=f"{LAW_DENUNCIATIONS} (gia hạn hai lần, mỗi lần 30 ngày)",
    ),
]


def ship_defaults(apps, schema_editor):
    DeadlineRule = apps.get_model("petitions", "DeadlineRule")
    for row in DEFAULT_RULES:
        DeadlineRule.objects.get_or_create(
            kind=row["kind"],
            key=row["key"],
            complexity=row["complexity"],
            remote=row["remote"],
            effective_from=row["effective_from"],
            defaults=row,
        )


def remove_defaults(apps, schema_editor):
    # Only the shipped rows: a rule an administrator added under the same version label stays.
    DeadlineRule = apps.get_model("petitions", "DeadlineRule")
    for row in DEFAULT_RULES:
        DeadlineRule.objects.filter(
            kind=row["kind"],
            key=row["key"],
            complexity=row["complexity"],
            remote=row["remote"],
            effective_from=row["effective_from"],
            version=VERSION,
        ).delete()


class Migration(migrations.Migration):
    dependencies = [("petitions", "0001_initial")]

    operations = [migrations.RunPython(ship_defaults, remove_defaults)]
