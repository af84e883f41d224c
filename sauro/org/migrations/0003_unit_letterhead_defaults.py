"""Fill each unit's letterhead (Hướng dẫn 36-HD/VPTW) with the defaults computed from its name and kind
(``org.letterhead.defaults``): "ĐẢNG BỘ THÀNH PHỐ HUẾ / ĐẢNG ỦY PHƯỜNG PHÚ XUÂN", ``ĐU``, "Phú Xuân" for a ward;
"THÀNH ỦY HUẾ / BAN TỔ CHỨC", ``BTCTU`` for a Ban … Units whose letterhead the office has already set are left
alone; the signer's name is left for the office to fill."""

from django.db import migrations

from sauro.org import letterhead


def fill(apps, schema_editor):
    Unit = apps.get_model("org", "Unit")
    units = {u.pk: u for u in Unit.objects.all()}
    for unit in units.values():
        if unit.doc_name:
            continue
        ids = [int(part) for part in unit.path.strip("/").split("/") if part][:-1]
        root = units.get(ids[0]) if ids else None
        parent = units.get(ids[-1]) if ids else None
        values = letterhead.defaults(
            name=unit.name,
            kind=unit.kind,
            code=unit.code,
            is_root=not ids,
            parent_name=parent.name if parent else "",
            parent_kind=parent.kind if parent else "",
            committee_name=root.name if root else unit.name,
        )
        for name, value in values.items():
            setattr(unit, name, value)
        unit.save(update_fields=list(values))


def clear(apps, schema_editor):
    Unit = apps.get_model("org", "Unit")
    Unit.objects.update(
        doc_superior="", doc_name="", doc_symbol="", doc_place="", signer_on_behalf="", signer_title="", doc_archive=""
    )


class Migration(migrations.Migration):
    dependencies = [("org", "0002_unit_letterhead")]

    operations = [migrations.RunPython(fill, clear)]
