"""The worker's nightly backup (``daily.jobs.run_nightly_backup``): an archive in ``SAURO_BACKUP_DIR`` that restores
(it passes every check of ``sauro restore``'s reading), the archives beyond the retention deleted, other files left
alone, and the next night's run queued; ``sauro serve`` starts the chain with the coming night's run."""

from __future__ import annotations

import datetime
from pathlib import Path
from typing import Any

from django.utils import timezone

from sauro.backup.nightly import archive_name, archives
from sauro.backup.restore import read_archive
from sauro.common import clock
from sauro.daily.jobs import BACKUP_RUN_AT, ensure_nightly_backup, nightly_backup_jobs, run_nightly_backup
from tests.backup.conftest import Instance, journal_length
from tests.conftest import Org


def test_the_nightly_job_writes_an_archive_and_keeps_only_what_the_retention_says(
    source: Instance, org: Org, settings: Any, tmp_path: Path
) -> None:
    directory = tmp_path / "backups"
    directory.mkdir()
    settings.SAURO_BACKUP_DIR = directory
    settings.SAURO_BACKUP_KEEP_DAILY, settings.SAURO_BACKUP_KEEP_WEEKLY, settings.SAURO_BACKUP_KEEP_MONTHLY = 3, 0, 0
    now = timezone.now()
    earlier = [directory / archive_name(now - datetime.timedelta(days=n), encrypted=False) for n in range(1, 6)]
    for path in earlier:
        path.write_bytes(b"an older archive")
    (directory / "ghi-chu.txt").write_text("not an archive")

    result = run_nightly_backup.call(day=clock.today().isoformat())

    new = Path(result["archive"])
    assert new.parent == directory and new not in earlier
    assert sorted(archives(directory)) == sorted([new, earlier[0], earlier[1]])  # today's and the two nights before
    assert (directory / "ghi-chu.txt").exists()
    assert sorted(result["removed"]) == sorted(p.name for p in earlier[2:])
    staging = tmp_path / "staging"
    staging.mkdir()
    assert read_archive(new, staging, None).manifest["journal_head"]["last_seq"] == journal_length()
    assert nightly_backup_jobs(clock.today() + datetime.timedelta(days=1))


def test_start_up_queues_the_coming_night_only(transactional_db: None) -> None:
    today = clock.today()
    tomorrow = today + datetime.timedelta(days=1)

    assert ensure_nightly_backup() == [tomorrow]
    assert ensure_nightly_backup() == []  # at most once a night

    (job,) = nightly_backup_jobs(tomorrow)
    assert job.run_after == timezone.make_aware(datetime.datetime.combine(tomorrow, BACKUP_RUN_AT))
    assert nightly_backup_jobs(today) == []
