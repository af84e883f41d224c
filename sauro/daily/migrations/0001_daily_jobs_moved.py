"""The daily jobs moved to ``sauro.daily.jobs``: runs already queued under their old paths follow them.

The worker imports a job by its stored path; without this, the next day's run queued by the old code would fail
and, where nothing restarts the chains (``sauro tasks schedule``, ``sauro remind --schedule``), end them.
"""

from django.db import migrations

MOVED = {
    "sauro.monitoring.jobs.run_daily_monitoring": "sauro.daily.jobs.run_daily_pass",
    "sauro.tasks.jobs.generate_recurring_instances": "sauro.daily.jobs.generate_recurring_instances",
}


def follow_the_move(apps, schema_editor):  # type: ignore[no-untyped-def]
    result = apps.get_model("django_tasks_database", "DBTaskResult")
    for old, new in MOVED.items():
        result.objects.filter(task_path=old, status="READY").update(task_path=new)


class Migration(migrations.Migration):
    dependencies = [("django_tasks_database", "0021_conditional_partial_index_ordering")]

    operations = [migrations.RunPython(follow_the_move, migrations.RunPython.noop)]
