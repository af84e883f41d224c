"""A done task counts in the regime month of the day its product was approved (``approved_on``), not of its
submission: a report as of an earlier day still sees it open (issue 20). ``approved_on`` is filled from the
approving submission's decision time, in Asia/Ho_Chi_Minh days; the trigger keys the summary on
``coalesce(approved_on, completed_on)`` and the summary is recounted."""

from zoneinfo import ZoneInfo

from django.db import migrations

LOCAL = ZoneInfo("Asia/Ho_Chi_Minh")

TRIGGER_SQL = """
CREATE OR REPLACE FUNCTION sauro_task_done_month() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    old_in boolean := false;
    new_in boolean := false;
BEGIN
    IF TG_OP <> 'INSERT' THEN
        old_in := OLD.state = 'done' AND OLD.classification = 'normal' AND OLD.due_date IS NOT NULL
            AND OLD.completed_on IS NOT NULL AND OLD.issued_on <= OLD.completed_on;
    END IF;
    IF TG_OP <> 'DELETE' THEN
        new_in := NEW.state = 'done' AND NEW.classification = 'normal' AND NEW.due_date IS NOT NULL
            AND NEW.completed_on IS NOT NULL AND NEW.issued_on <= NEW.completed_on;
    END IF;
    old_in := coalesce(old_in, false);
    new_in := coalesce(new_in, false);
    IF old_in AND new_in
        AND coalesce(OLD.lead_unit_id, 0) = coalesce(NEW.lead_unit_id, 0)
        AND sauro_regime_month(OLD.due_date) = sauro_regime_month(NEW.due_date)
        AND sauro_regime_month(coalesce(OLD.approved_on, OLD.completed_on))
            = sauro_regime_month(coalesce(NEW.approved_on, NEW.completed_on))
        AND OLD.is_ongoing = NEW.is_ongoing
        AND coalesce(OLD.completed_on <= OLD.deadline, false) = coalesce(NEW.completed_on <= NEW.deadline, false)
    THEN
        RETURN NULL;
    END IF;
    IF old_in THEN
        UPDATE tasks_donetaskmonth SET n = n - 1
        WHERE due_month = sauro_regime_month(OLD.due_date) AND lead_unit_id = coalesce(OLD.lead_unit_id, 0)
            AND done_month = sauro_regime_month(coalesce(OLD.approved_on, OLD.completed_on))
            AND is_ongoing = OLD.is_ongoing AND on_time = coalesce(OLD.completed_on <= OLD.deadline, false);
    END IF;
    IF new_in THEN
        INSERT INTO tasks_donetaskmonth (due_month, lead_unit_id, done_month, is_ongoing, on_time, n)
        VALUES (sauro_regime_month(NEW.due_date), coalesce(NEW.lead_unit_id, 0),
                sauro_regime_month(coalesce(NEW.approved_on, NEW.completed_on)),
                NEW.is_ongoing, coalesce(NEW.completed_on <= NEW.deadline, false), 1)
        ON CONFLICT (due_month, lead_unit_id, done_month, is_ongoing, on_time)
        DO UPDATE SET n = tasks_donetaskmonth.n + 1;
    END IF;
    RETURN NULL;
END
$$;
"""

# Frozen here: tasks.summary.RECOUNT_SQL holds the same definition for rebuilding after a bulk load.
RECOUNT_SQL = """
TRUNCATE tasks_donetaskmonth;
INSERT INTO tasks_donetaskmonth (due_month, lead_unit_id, done_month, is_ongoing, on_time, n)
SELECT sauro_regime_month(due_date), coalesce(lead_unit_id, 0), sauro_regime_month(coalesce(approved_on, completed_on)),
       is_ongoing, coalesce(completed_on <= deadline, false), count(*)
FROM tasks_task
WHERE state = 'done' AND classification = 'normal' AND due_date IS NOT NULL AND completed_on IS NOT NULL
    AND issued_on <= completed_on
GROUP BY 1, 2, 3, 4, 5;
"""

# The trigger of 0005 (done month by completion), put back when going backwards.
OLD_TRIGGER_SQL = """
CREATE OR REPLACE FUNCTION sauro_task_done_month() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    old_in boolean := false;
    new_in boolean := false;
BEGIN
    IF TG_OP <> 'INSERT' THEN
        old_in := OLD.state = 'done' AND OLD.classification = 'normal' AND OLD.due_date IS NOT NULL
            AND OLD.completed_on IS NOT NULL AND OLD.issued_on <= OLD.completed_on;
    END IF;
    IF TG_OP <> 'DELETE' THEN
        new_in := NEW.state = 'done' AND NEW.classification = 'normal' AND NEW.due_date IS NOT NULL
            AND NEW.completed_on IS NOT NULL AND NEW.issued_on <= NEW.completed_on;
    END IF;
    old_in := coalesce(old_in, false);
    new_in := coalesce(new_in, false);
    IF old_in AND new_in
        AND coalesce(OLD.lead_unit_id, 0) = coalesce(NEW.lead_unit_id, 0)
        AND sauro_regime_month(OLD.due_date) = sauro_regime_month(NEW.due_date)
        AND sauro_regime_month(OLD.completed_on) = sauro_regime_month(NEW.completed_on)
        AND OLD.is_ongoing = NEW.is_ongoing
        AND coalesce(OLD.completed_on <= OLD.deadline, false) = coalesce(NEW.completed_on <= NEW.deadline, false)
    THEN
        RETURN NULL;
    END IF;
    IF old_in THEN
        UPDATE tasks_donetaskmonth SET n = n - 1
        WHERE due_month = sauro_regime_month(OLD.due_date) AND lead_unit_id = coalesce(OLD.lead_unit_id, 0)
            AND done_month = sauro_regime_month(OLD.completed_on) AND is_ongoing = OLD.is_ongoing
            AND on_time = coalesce(OLD.completed_on <= OLD.deadline, false);
    END IF;
    IF new_in THEN
        INSERT INTO tasks_donetaskmonth (due_month, lead_unit_id, done_month, is_ongoing, on_time, n)
        VALUES (sauro_regime_month(NEW.due_date), coalesce(NEW.lead_unit_id, 0), sauro_regime_month(NEW.completed_on),
                NEW.is_ongoing, coalesce(NEW.completed_on <= NEW.deadline, false), 1)
        ON CONFLICT (due_month, lead_unit_id, done_month, is_ongoing, on_time)
        DO UPDATE SET n = tasks_donetaskmonth.n + 1;
    END IF;
    RETURN NULL;
END
$$;
"""

OLD_RECOUNT_SQL = """
TRUNCATE tasks_donetaskmonth;
INSERT INTO tasks_donetaskmonth (due_month, lead_unit_id, done_month, is_ongoing, on_time, n)
SELECT sauro_regime_month(due_date), coalesce(lead_unit_id, 0), sauro_regime_month(completed_on), is_ongoing,
       coalesce(completed_on <= deadline, false), count(*)
FROM tasks_task
WHERE state = 'done' AND classification = 'normal' AND due_date IS NOT NULL AND completed_on IS NOT NULL
    AND issued_on <= completed_on
GROUP BY 1, 2, 3, 4, 5;
"""

CHUNK = 2000


def backfill_approved_on(apps, schema_editor):
    """Each done task's approval day: the local day of its last approved submission's decision."""
    Task = apps.get_model("tasks", "Task")
    Submission = apps.get_model("tasks", "Submission")
    by_day: dict = {}
    rows = (
        Submission.objects.filter(outcome="approved", decided_at__isnull=False, task__state="done")
        .order_by("task_id", "decided_at", "id")
        .values_list("task_id", "decided_at")
    )
    last: dict = {}
    for task_id, decided_at in rows.iterator(chunk_size=CHUNK):
        last[task_id] = decided_at.astimezone(LOCAL).date()
    for task_id, day in last.items():
        by_day.setdefault(day, []).append(task_id)
    for day, ids in by_day.items():
        for i in range(0, len(ids), CHUNK):
            Task.objects.filter(pk__in=ids[i : i + CHUNK]).update(approved_on=day)


def forwards_sql(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(TRIGGER_SQL)


def recount(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(RECOUNT_SQL)


def backwards_sql(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(OLD_TRIGGER_SQL)
        schema_editor.execute(OLD_RECOUNT_SQL)


class Migration(migrations.Migration):
    dependencies = [
        ("tasks", "0009_task_approved_on"),
    ]

    operations = [
        migrations.RunPython(forwards_sql, backwards_sql),
        migrations.RunPython(backfill_approved_on, migrations.RunPython.noop),
        migrations.RunPython(recount, migrations.RunPython.noop),
    ]
