"""The register's diacritics-free search (docs/petitions.md, "Search").

- ``Letter.search_text``: the folded text of the searched fields (``Letter.SEARCHED_FIELDS``), filled here for the
  letters already registered, in batches (``common.text.search_text``, as ``Letter.save`` keeps it afterwards). A
  protected denouncer's identity is not in the letter's columns (``petitions.identity``), so not in it either.
- ``letter_search_trgm`` (PostgreSQL only): a trigram index on it, so ``search_text LIKE '%word%'`` reads the
  matching letters instead of the whole register (as the tasks', ``tasks`` migration 0003). SQLite scans.
"""

from django.db import migrations, models

from sauro.common.text import search_text

TRGM_INDEX = "letter_search_trgm"
BATCH = 2000
# As ``Letter.SEARCHED_FIELDS`` (a migration does not read the model's class attributes).
SEARCHED_FIELDS = (
    "incoming_number",
    "summary",
    "signer_name",
    "signer_address",
    "address",
    "forwarded_by",
    "forward_body",
    "document_number",
)


def fill_search_text(apps, schema_editor):  # type: ignore[no-untyped-def]
    Letter = apps.get_model("petitions", "Letter")
    db = schema_editor.connection.alias
    last = 0
    while True:
        rows = list(
            Letter.objects.using(db).filter(pk__gt=last).order_by("pk").values_list("pk", *SEARCHED_FIELDS)[:BATCH]
        )
        if not rows:
            return
        letters = [Letter(pk=pk, search_text=search_text(*parts)) for pk, *parts in rows]
        Letter.objects.using(db).bulk_update(letters, ["search_text"], batch_size=500)
        last = rows[-1][0]


def create_trigram_index(apps, schema_editor):  # type: ignore[no-untyped-def]
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    schema_editor.execute(
        f"CREATE INDEX IF NOT EXISTS {TRGM_INDEX} ON petitions_letter USING gin (search_text gin_trgm_ops)"
    )


def drop_trigram_index(apps, schema_editor):  # type: ignore[no-untyped-def]
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f"DROP INDEX IF EXISTS {TRGM_INDEX}")


class Migration(migrations.Migration):
    dependencies = [("petitions", "0007_intake")]

    operations = [
        migrations.AddField(
            model_name="letter",
            name="search_text",
            field=models.TextField(blank=True, default="", editable=False, verbose_name="văn bản tìm kiếm"),
        ),
        migrations.RunPython(fill_search_text, migrations.RunPython.noop),
        migrations.RunPython(create_trigram_index, drop_trigram_index),
    ]
