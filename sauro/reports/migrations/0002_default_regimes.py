"""The default reporting regime (PRODUCT §8): every committee's agencies and commune-level committees owe a
monthly, quarterly, 6-month, 9-month and yearly report, due after the settings' working days."""

from django.db import migrations

DEFAULT_KINDS = ("monthly", "quarterly", "half_year", "nine_month", "yearly")


def seed(apps, schema_editor):  # type: ignore[no-untyped-def]
    ReportRegime = apps.get_model("reports", "ReportRegime")
    for kind in DEFAULT_KINDS:
        if not ReportRegime.objects.filter(kind=kind, scope="agencies_communes", committee__isnull=True).exists():
            ReportRegime.objects.create(
                kind=kind,
                scope="agencies_communes",
                committee=None,
                note="Mặc định theo chế độ báo cáo của cấp ủy (Nghị định 09/2019/NĐ-CP).",
            )


def unseed(apps, schema_editor):  # type: ignore[no-untyped-def]
    ReportRegime = apps.get_model("reports", "ReportRegime")
    ReportRegime.objects.filter(kind__in=DEFAULT_KINDS, scope="agencies_communes", committee__isnull=True).delete()


class Migration(migrations.Migration):
    dependencies = [("reports", "0001_initial")]

    operations = [migrations.RunPython(seed, unseed)]
