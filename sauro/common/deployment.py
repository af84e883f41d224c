"""Settings for running on several machines, read from the environment (docs/operations.md).

Pure functions of an environment mapping, so that ``sauro/settings.py`` and the tests build the same settings:

- ``cache_settings``: Django's cache in each process's memory, or Redis shared by every app server (``REDIS_URL``);
- ``default_storage``: uploaded files on the local disk under ``var/media``, or in an S3-compatible object store
  (``SAURO_STORAGE=s3``) that every app server and worker reaches;
- ``replica_database``: a PostgreSQL streaming replica (``DATABASE_REPLICA_URL``) for the reads of read-only
  pages (``sauro.common.replica``).

Nothing here imports Django's models: settings are read before the apps load.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

import dj_database_url

REPLICA = "replica"


class ConfigurationError(RuntimeError):
    """An environment that names a feature without what it needs (said at start-up, not at the first upload)."""


def secret_key_fallbacks(environ: Mapping[str, str]) -> list[str]:
    """``SECRET_KEY_FALLBACKS``: former secret keys, separated by spaces or commas, still accepted while a new
    ``SECRET_KEY`` is rolled out (sessions and signed values made with them stay valid; nothing new is signed)."""
    return [key for key in environ.get("SECRET_KEY_FALLBACKS", "").replace(",", " ").split() if key]


def cache_settings(environ: Mapping[str, str]) -> dict[str, Any]:
    """``CACHES``: Redis at ``REDIS_URL`` (e.g. ``redis://10.0.0.5:6379/0``) when set, else each process's memory.

    Nothing that must be shared lives only in the cache: sessions and login throttling are in the database, and the
    cached filter lists are keyed by a version the database moves (``sauro.common.versioned``). A shared cache lets
    every app server reuse what another built instead of each building its own.
    """
    url = environ.get("REDIS_URL", "").strip()
    if not url:
        return {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "sauro"}}
    return {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": url,
            "KEY_PREFIX": environ.get("SAURO_CACHE_PREFIX", "sauro"),
            # A cache that is down must not take the site with it: a slow Redis answers "nothing cached".
            "OPTIONS": {"socket_connect_timeout": 2, "socket_timeout": 2},
        }
    }


def default_storage(environ: Mapping[str, str], media_root: Path) -> dict[str, Any]:
    """``STORAGES["default"]``: where uploaded files (attachments, report files, progress files) are kept.

    ``SAURO_STORAGE=s3`` keeps them in the bucket ``SAURO_S3_BUCKET`` of an S3-compatible store (AWS, MinIO, Ceph,
    Viettel/FPT object storage…) at ``SAURO_S3_ENDPOINT_URL``; keys from ``SAURO_S3_ACCESS_KEY_ID`` /
    ``SAURO_S3_SECRET_ACCESS_KEY`` (or the usual ``AWS_*`` variables and instance roles when unset). Files are read
    back through the application (downloads check the visibility gate), never through public or signed URLs.
    """
    kind = environ.get("SAURO_STORAGE", "filesystem").strip().lower() or "filesystem"
    if kind in {"filesystem", "file", "local"}:
        return {"BACKEND": "django.core.files.storage.FileSystemStorage", "OPTIONS": {"location": media_root}}
    if kind != "s3":
        raise ConfigurationError(f"SAURO_STORAGE={kind!r}: expected 'filesystem' or 's3'")
    bucket = environ.get("SAURO_S3_BUCKET", "").strip()
    if not bucket:
        raise ConfigurationError("SAURO_STORAGE=s3 needs SAURO_S3_BUCKET")
    options: dict[str, Any] = {
        "bucket_name": bucket,
        # Two uploads of the same name (every report file is "bao-cao.docx") must not overwrite each other.
        "file_overwrite": False,
        "default_acl": None,
        "querystring_auth": True,
        "location": environ.get("SAURO_S3_PREFIX", "").strip("/"),
    }
    optional = {
        "endpoint_url": "SAURO_S3_ENDPOINT_URL",
        "region_name": "SAURO_S3_REGION",
        "access_key": "SAURO_S3_ACCESS_KEY_ID",
        "secret_key": "SAURO_S3_SECRET_ACCESS_KEY",
        "addressing_style": "SAURO_S3_ADDRESSING_STYLE",
    }
    for option, name in optional.items():
        value = environ.get(name, "").strip()
        if value:
            options[option] = value
    return {"BACKEND": "storages.backends.s3.S3Storage", "OPTIONS": options}


def replica_database(environ: Mapping[str, str], primary: dj_database_url.DBConfig) -> dj_database_url.DBConfig | None:
    """``DATABASES["replica"]`` from ``DATABASE_REPLICA_URL`` (a read-only PostgreSQL standby), or ``None``.

    It takes the primary's connection options (``jit=off``, ``work_mem``), and in tests it mirrors the primary
    (no test database of its own is made for it).
    """
    url = environ.get("DATABASE_REPLICA_URL", "").strip()
    if not url:
        return None
    replica = dj_database_url.parse(url, conn_max_age=primary.get("CONN_MAX_AGE") or 0)
    if replica.get("ENGINE") != "django.db.backends.postgresql" or primary.get("ENGINE") != replica.get("ENGINE"):
        raise ConfigurationError("DATABASE_REPLICA_URL needs PostgreSQL for both the primary and the replica")
    replica["OPTIONS"] = {**primary.get("OPTIONS", {}), **replica.get("OPTIONS", {})}
    # A replica that went away is noticed at the start of the next request (and marked pages fall back).
    replica["CONN_HEALTH_CHECKS"] = True
    replica["TEST"] = {"MIRROR": "default"}
    return replica
