"""Indexes for a ten-year history (docs/performance.md).

- ``task_ongoing``: the few ongoing tasks, so "due in the period OR ongoing" is two index scans, not a table scan.
- ``task_search_trgm`` (PostgreSQL only): a trigram index on the folded search text, so the diacritics-free
  ``LIKE '%word%'`` search reads the matching rows instead of the whole table. SQLite scans (small databases).
"""

from django.db import migrations, models

TRGM_INDEX = "task_search_trgm"


def create_trigram_index(apps, schema_editor):  # type: ignore[no-untyped-def]
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    schema_editor.execute(f"CREATE INDEX IF NOT EXISTS {TRGM_INDEX} ON tasks_task USING gin (search_text gin_trgm_ops)")


def drop_trigram_index(apps, schema_editor):  # type: ignore[no-untyped-def]
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f"DROP INDEX IF EXISTS {TRGM_INDEX}")


class Migration(migrations.Migration):
    dependencies = [("tasks", "0002_monitoring_fields")]

    operations = [
        migrations.AddIndex(
            model_name="task",
            index=models.Index(fields=["is_ongoing"], condition=models.Q(is_ongoing=True), name="task_ongoing"),
        ),
        migrations.RunPython(create_trigram_index, drop_trigram_index),
    ]
