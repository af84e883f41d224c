from django.db import migrations, models

# The lists of choices of the filter forms (units, directives, people) are cached under the "choices" version
# (sauro.common.versioned). These triggers move it in the transaction of every write to the tables those lists are
# built from. Statement-level: a bulk UPDATE moves it once. PostgreSQL only: SQLite caches nothing.
#
# A version starts from the clock in microseconds and each move takes it to at least the clock, so that it never comes
# back to a value already used as a key (a database dropped and migrated again, a test's transaction rolled back, the
# table emptied by a flush: sauro.common.versioned starts the row again) while a cache still holds entries.
# It is written by an UPDATE of the row: a reader sees the new version exactly when it sees the written data.
CHOICES_TABLES = {
    "org_unit": "INSERT OR UPDATE OR DELETE OR TRUNCATE",
    "org_membership": "INSERT OR UPDATE OR DELETE OR TRUNCATE",
    "directives_directive": "INSERT OR UPDATE OR DELETE OR TRUNCATE",
    # Not last_login (each login) nor the password: only what the lists show or filter on.
    "accounts_user": "INSERT OR DELETE OR TRUNCATE OR UPDATE OF username, full_name, is_active",
}

FUNCTION_SQL = """
CREATE OR REPLACE FUNCTION sauro_bump_data_version() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE common_dataversion
    SET version = greatest(version + 1, (extract(epoch FROM clock_timestamp()) * 1000000)::bigint)
    WHERE key = TG_ARGV[0];
    RETURN NULL;
END
$$;
"""


def create_triggers(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(
        "INSERT INTO common_dataversion (key, version) "
        "VALUES ('choices', (extract(epoch FROM clock_timestamp()) * 1000000)::bigint) ON CONFLICT DO NOTHING"
    )
    schema_editor.execute(FUNCTION_SQL)
    for table, events in CHOICES_TABLES.items():
        schema_editor.execute(
            f"CREATE TRIGGER sauro_choices_version AFTER {events} ON {table} "
            "FOR EACH STATEMENT EXECUTE FUNCTION sauro_bump_data_version('choices')"
        )


def drop_triggers(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for table in CHOICES_TABLES:
        schema_editor.execute(f"DROP TRIGGER IF EXISTS sauro_choices_version ON {table}")
    schema_editor.execute("DROP FUNCTION IF EXISTS sauro_bump_data_version()")


class Migration(migrations.Migration):
    initial = True

    dependencies = [
        ("accounts", "0001_initial"),
        ("org", "0001_initial"),
        ("directives", "0002_directive_urgency"),
    ]

    operations = [
        migrations.CreateModel(
            name="DataVersion",
            fields=[
                ("key", models.CharField(max_length=40, primary_key=True, serialize=False, verbose_name="khóa")),
                ("version", models.BigIntegerField(default=0, verbose_name="phiên bản")),
            ],
            options={"verbose_name": "phiên bản dữ liệu", "verbose_name_plural": "phiên bản dữ liệu"},
        ),
        migrations.RunPython(create_triggers, drop_triggers),
    ]
