"""The daily work of every app, in one place above the apps; run by the django-tasks database worker
(``sauro db_worker``, started by ``sauro serve``).

Three self-renewing daily chains (``common.daily.DailyChain``); every run first queues the next day's run, so the
chain survives a failure:

- ``generate_recurring_instances``, shortly after midnight (Asia/Ho_Chi_Minh), when the new period has begun:
  the instances of recurring tasks (``tasks.recurrence.run_generation``; never twice for a period);
- ``run_daily_pass``, at 06:30, before the working day: in this order, the handover of what people who left a unit
  held there, for the memberships that ended in the last days (``org.services.membership_ends_catch_up``: an end
  entered ahead of time takes effect at midnight; open tasks go to the unit's head, told once), the reminder pass of
  the day
  (``monitoring.reminders.run_reminders``: due dates, nudges, stuck and long-overdue tasks escalated to the
  supervising leader and Văn phòng, obstacles moved up; nothing on a day off), the report duties of the day and
  their reminders (``reports.jobs.run_daily_reports``), the petitions' hot-spot early warning
  (``petitions.jobs.run_hotspot_scan``: each new flag raised and notified once), then the daily e-mail digests of
  everything notified so far — the escalations included (``notifications.emails.send_daily_digests``), and last
  the sessions (``identity.sessions.run_daily_sessions``: those of people left without any role ended, the expired
  ones cleared);
- ``run_nightly_backup``, at 02:00: an archive of the database, the uploaded files and the journal's checkpoints
  into ``SAURO_BACKUP_DIR``, then the archives beyond the retention deleted (``backup.nightly.nightly_backup``).

and a self-renewing chain every SAURO_AUDIT_CHECKPOINT_MINUTES (``common.daily.IntervalChain``):

- ``write_audit_checkpoint``: a checkpoint of the audit journal's head appended to the checkpoint file outside the
  database (``audit.checkpoints.checkpoint_write``), and once a day a full check of the journal whose outcome the
  journal page shows (``audit.verify.audit_verify``).

``sauro tasks schedule`` and ``sauro remind --schedule`` (both run at start-up by ``sauro serve``) start the chains,
or restart them after the worker was down; ``sauro serve`` starts the backup chain itself (``ensure_nightly_backup``:
the first backup is the coming night's). Each day's run is queued at most once, and a duplicate run does nothing
twice: every app's daily function is idempotent (reminders are logged under a unique key, duties are unique per
period, a recurring task's period gets one instance).

An app's daily work is a plain function of the day in that app; only this module knows the order and the times.
"""

from __future__ import annotations

import datetime
import logging
from typing import Any

from django.conf import settings
from django_tasks import task
from django_tasks_db.models import DBTaskResult

from sauro.common import clock
from sauro.common.daily import DailyChain, IntervalChain

logger = logging.getLogger(__name__)

# --- recurring tasks, after midnight ------------------------------------------------------------------------------

# When the next day's run may start, local time: after midnight, when the new period has begun.
GENERATION_RUN_AT = datetime.time(0, 30)
# Any constant identifying this chain's lock among the advisory locks of the database ("SAUROGEN").
_GENERATION_LOCK_KEY = 0x5341_5552_4F47_454E


@task()
def generate_recurring_instances(day: str | None = None) -> dict[str, int]:
    """Create today's instances of recurring tasks; queue tomorrow's run first so the chain survives a failure.

    ``day`` is the day the run was queued for (its idempotency key); the generation is always for the day it
    actually runs, ``clock.today()``, so a run delayed by a stopped worker still creates the current period's
    instances.
    """
    from sauro.tasks.recurrence import run_generation

    today = clock.today()
    ensure_recurring_generation(day=today, include_today=False)
    result = run_generation(as_of=today)
    if day and day != today.isoformat():
        logger.info("Chạy bù lượt tạo nhiệm vụ định kỳ của ngày %s vào ngày %s.", day, today.isoformat())
    return {
        "created": len(result.created),
        "left_as_draft": len(result.left_as_draft),
        "already_there": result.already_there,
        "failed": len(result.failed),
    }


GENERATION = DailyChain(job=generate_recurring_instances, run_at=GENERATION_RUN_AT, lock_key=_GENERATION_LOCK_KEY)


def recurring_generation_jobs(day: datetime.date) -> list[DBTaskResult]:
    """Queued, running or finished-successfully generation jobs for ``day`` (failed ones do not count)."""
    return GENERATION.jobs(day)


def ensure_recurring_generation(*, day: datetime.date | None = None, include_today: bool = True) -> list[datetime.date]:
    """Queue the generation job for ``day`` (default today; to run at once) and for the next day (to run at 00:30
    local time), each unless already queued. Returns the days queued by this call."""
    return GENERATION.ensure(day=day, include_today=include_today)


# --- the daily pass, before the working day -----------------------------------------------------------------------

# When the next day's run may start, local time: before the working day begins, so reminders arrive first thing.
PASS_RUN_AT = datetime.time(6, 30)
# Any constant identifying this chain's lock among the advisory locks of the database ("SAUROREM").
_PASS_LOCK_KEY = 0x5341_5552_4F52_454D


@task()
def run_daily_pass(day: str | None = None) -> dict[str, Any]:
    """Queue tomorrow's run first (so the chain survives a failure), then the directory's sync (when configured),
    the handovers of memberships that ended, today's reminders, report duties and digests.

    ``day`` is the day the run was queued for (its idempotency key); the pass is always for the day it actually
    runs, ``clock.today()``.
    """
    from sauro.identity.directory import directory_daily_sync
    from sauro.identity.sessions import run_daily_sessions
    from sauro.monitoring.reminders import run_reminders
    from sauro.notifications.emails import send_daily_digests
    from sauro.org.services import membership_ends_catch_up
    from sauro.petitions.jobs import run_hotspot_scan
    from sauro.reports.jobs import run_daily_reports

    today = clock.today()
    ensure_daily_pass(day=today, include_today=False)
    if day and day != today.isoformat():
        logger.info("Chạy bù lượt nhắc việc của ngày %s vào ngày %s.", day, today.isoformat())
    # The directory first (when one is configured): the entries removed or disabled lose their accounts, the groups
    # left end their memberships, whose tasks the handovers below give to the units' heads.
    directory = directory_daily_sync()
    # Before the reminders, so that they already go to whoever now holds the tasks.
    handed_over = membership_ends_catch_up(today)
    result = run_reminders(as_of=today)
    reports = run_daily_reports(today)  # report duties of the day and their reminders, before the digests
    hotspots = run_hotspot_scan(today)  # the petitions' hot spots (issue 19 point 7), before the digests too
    digests = send_daily_digests(day=today)
    sessions = run_daily_sessions(today)
    return {
        "day": today.isoformat(),
        "skipped_day_off": result.skipped_day_off,
        "sent": dict(result.sent),
        "already_sent": result.already_sent,
        "failed": result.failed,
        "digests": digests,
        "reports": reports,
        "hotspots": hotspots,
        "handed_over": handed_over,
        "directory": directory,
        "sessions": sessions,
    }


DAILY_PASS = DailyChain(job=run_daily_pass, run_at=PASS_RUN_AT, lock_key=_PASS_LOCK_KEY)


def daily_pass_jobs(day: datetime.date) -> list[DBTaskResult]:
    """Queued, running or finished-successfully daily passes for ``day`` (failed ones do not count)."""
    return DAILY_PASS.jobs(day)


def ensure_daily_pass(*, day: datetime.date | None = None, include_today: bool = True) -> list[datetime.date]:
    """Queue the daily pass for ``day`` (default today; at once) and for the next day (at 06:30 local time), each
    unless already queued. Returns the days queued by this call."""
    return DAILY_PASS.ensure(day=day, include_today=include_today)


# --- the audit journal's checkpoints, every SAURO_AUDIT_CHECKPOINT_MINUTES -----------------------------------------

# Any constant identifying this chain's lock among the advisory locks of the database ("SAUROCKP").
_CHECKPOINT_LOCK_KEY = 0x5341_5552_4F43_4B50
# How old the last recorded full check of the journal may be before a checkpoint run makes a new one.
VERIFY_EVERY = datetime.timedelta(hours=24)


@task()
def write_audit_checkpoint(slot: str | None = None) -> dict[str, Any]:
    """Queue the next slot's run first (so the chain survives a failure), then append a checkpoint of the journal's
    head to the checkpoint file; once a day, also check the whole journal and record the outcome.

    A journal that no longer verifies since the previous checkpoint is not anchored: the run fails (the worker logs
    it) and the next one tries again.
    """
    from sauro.audit.checkpoints import checkpoint_write
    from sauro.audit.verify import audit_verify, last_verification

    ensure_audit_checkpoints(include_current=False)
    checkpoint = checkpoint_write()
    result: dict[str, Any] = {"slot": slot, "seq": checkpoint.seq if checkpoint else None}
    last = last_verification()
    if last is None or last.at <= clock.real_now() - VERIFY_EVERY:
        verified = audit_verify(record=True)
        result["verified"] = verified.ok
        if not verified.ok:
            logger.error("Nhật ký KHÔNG toàn vẹn: mục số %s — %s", verified.bad_seq, verified.problem)
    return result


AUDIT_CHECKPOINTS = IntervalChain(
    job=write_audit_checkpoint,
    minutes=lambda: int(settings.SAURO_AUDIT_CHECKPOINT_MINUTES),
    lock_key=_CHECKPOINT_LOCK_KEY,
)


def ensure_audit_checkpoints(*, include_current: bool = True) -> list[datetime.datetime]:
    """Queue the checkpoint job for the current slot (at once) and the next one, each unless already queued."""
    return AUDIT_CHECKPOINTS.ensure(include_current=include_current)


# --- the nightly backup -------------------------------------------------------------------------------------------

# When the next day's run may start, local time: in the quiet of the night, after the day's last writes.
BACKUP_RUN_AT = datetime.time(2, 0)
# Any constant identifying this chain's lock among the advisory locks of the database ("SAUROBAK").
_BACKUP_LOCK_KEY = 0x5341_5552_4F42_414B


@task()
def run_nightly_backup(day: str | None = None) -> dict[str, Any]:
    """Queue the next night's run first (so the chain survives a failure), then write tonight's archive into
    ``SAURO_BACKUP_DIR`` and delete the archives beyond the retention."""
    from sauro.backup.nightly import nightly_backup

    today = clock.today()
    ensure_nightly_backup(day=today, include_today=False)
    result = nightly_backup()
    logger.info("Sao lưu hằng đêm: %s (%s byte).", result["archive"], result["size"])
    return {"day": today.isoformat(), **result}


BACKUP = DailyChain(job=run_nightly_backup, run_at=BACKUP_RUN_AT, lock_key=_BACKUP_LOCK_KEY)


def nightly_backup_jobs(day: datetime.date) -> list[DBTaskResult]:
    """Queued, running or finished-successfully nightly backups for ``day`` (failed ones do not count)."""
    return BACKUP.jobs(day)


def ensure_nightly_backup(*, day: datetime.date | None = None, include_today: bool = False) -> list[datetime.date]:
    """Queue the nightly backup for the next day at 02:00 local time (and, with ``include_today``, one for ``day``
    at once), each unless already queued. Returns the days queued by this call."""
    return BACKUP.ensure(day=day, include_today=include_today)
