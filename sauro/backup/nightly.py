"""The nightly backup the worker runs (``daily.jobs.run_nightly_backup``): an archive named after its local time in
``settings.SAURO_BACKUP_DIR`` (encrypted when ``SAURO_BACKUP_PASSPHRASE`` is set), then the archives beyond the
retention (``backup.retention``: by default 7 daily, 4 weekly, 12 monthly) deleted. Only files named like its own
archives are ever considered; the keys are not written here (``sauro backup --keys-out`` once, kept apart)."""

from __future__ import annotations

import datetime
import re
from pathlib import Path
from typing import Any

from django.conf import settings
from django.utils import timezone

from sauro.backup.archive import create_backup, passphrase_from_env
from sauro.backup.retention import Retention, archives_to_keep
from sauro.common import clock

ARCHIVE_NAME = re.compile(r"^sauro-(\d{8}-\d{6})\.tar\.gz(\.enc)?$")


def archive_name(moment: datetime.datetime, *, encrypted: bool) -> str:
    local = timezone.localtime(moment)
    return f"sauro-{local:%Y%m%d-%H%M%S}.tar.gz" + (".enc" if encrypted else "")


def archives(directory: Path) -> dict[Path, datetime.datetime]:
    """The nightly archives in ``directory`` and their (local, naive) times, read from their names."""
    found: dict[Path, datetime.datetime] = {}
    if not directory.is_dir():
        return found
    for path in directory.iterdir():
        match = ARCHIVE_NAME.match(path.name)
        if match and path.is_file():
            try:
                found[path] = datetime.datetime.strptime(match.group(1), "%Y%m%d-%H%M%S")
            except ValueError:
                continue
    return found


def policy_from_settings() -> Retention:
    return Retention(
        daily=settings.SAURO_BACKUP_KEEP_DAILY,
        weekly=settings.SAURO_BACKUP_KEEP_WEEKLY,
        monthly=settings.SAURO_BACKUP_KEEP_MONTHLY,
    )


def prune(directory: Path, policy: Retention) -> list[Path]:
    """Delete the archives in ``directory`` beyond the retention; returns those deleted."""
    found = archives(directory)
    keep = archives_to_keep(found.values(), policy)
    removed = []
    for path, moment in sorted(found.items()):
        if moment not in keep:
            path.unlink(missing_ok=True)
            removed.append(path)
    return removed


def nightly_backup(*, now: datetime.datetime | None = None) -> dict[str, Any]:
    directory = Path(settings.SAURO_BACKUP_DIR)
    passphrase = passphrase_from_env()
    out = directory / archive_name(now or clock.real_now(), encrypted=bool(passphrase))
    result = create_backup(out, passphrase=passphrase)
    removed = prune(directory, policy_from_settings())
    return {
        "archive": str(result.path),
        "size": result.size,
        "encrypted": result.encrypted,
        "journal_entries": result.journal_entries,
        "files": result.files,
        "removed": [p.name for p in removed],
    }
