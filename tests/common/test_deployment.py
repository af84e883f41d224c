"""Settings for several app servers (issue 16, point 9; docs/operations.md): the shared cache on a real Redis, and
what the environment variables of the object store and the replica give."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from django.core.cache import cache, caches
from django.core.cache.backends.redis import RedisCache
from django.test import Client

from sauro.common.deployment import (
    ConfigurationError,
    cache_settings,
    default_storage,
    replica_database,
    secret_key_fallbacks,
)

ROOT = Path(__file__).resolve().parents[2]
REDIS_URL = os.environ.get("SAURO_TEST_REDIS_URL", "redis://127.0.0.1:6379/15")


def _redis_reachable() -> bool:
    try:
        with socket.create_connection(("127.0.0.1", 6379), timeout=1) as probe:
            probe.sendall(b"PING\r\n")
            return probe.recv(16).startswith(b"+PONG")
    except OSError:
        return False


@pytest.fixture
def redis_cache(settings: Any) -> Iterator[dict[str, str]]:
    """Django's cache on Redis under a prefix of this test's own; skipped only without Redis and outside CI."""
    if not _redis_reachable():
        if os.environ.get("CI"):
            pytest.fail("Redis is not answering on 127.0.0.1:6379 under CI (.ci/run starts it)")
        pytest.skip("no Redis on 127.0.0.1:6379")
    environ = {"REDIS_URL": REDIS_URL, "SAURO_CACHE_PREFIX": f"sauro-test-{uuid.uuid4().hex}"}
    settings.CACHES = cache_settings(environ)
    yield environ
    cache.clear()


def _in_another_process(environ: dict[str, str], code: str) -> str:
    """Run ``code`` in a separate Django process (another app server) with the same environment variables."""
    env = {**os.environ, **environ, "SECRET_KEY": "another-app-server", "DJANGO_SETTINGS_MODULE": "sauro.settings"}
    env.pop("DATABASE_REPLICA_URL", None)
    script = f"import django; django.setup(); from django.core.cache import cache; {code}"
    done = subprocess.run(  # noqa: S603 — fixed argv
        [sys.executable, "-c", script], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120, check=True
    )
    return done.stdout.strip()


def test_the_cache_is_shared_between_app_servers(redis_cache: dict[str, str]) -> None:
    assert isinstance(caches["default"], RedisCache)
    cache.set("shared-list", [(1, "Thành ủy Huế"), (2, "Văn phòng")], 60)
    assert (
        _in_another_process(redis_cache, "print(cache.get('shared-list'))") == "[(1, 'Thành ủy Huế'), (2, 'Văn phòng')]"
    )
    _in_another_process(redis_cache, "cache.set('from-the-other', 'Phú Xuân', 60)")
    assert cache.get("from-the-other") == "Phú Xuân"


def test_without_redis_each_process_keeps_its_own_cache() -> None:
    assert cache_settings({})["default"]["BACKEND"] == "django.core.cache.backends.locmem.LocMemCache"
    redis = cache_settings({"REDIS_URL": "redis://10.0.0.5:6379/0"})["default"]
    assert redis["BACKEND"] == "django.core.cache.backends.redis.RedisCache"
    assert redis["LOCATION"] == "redis://10.0.0.5:6379/0"


def test_object_store_settings(tmp_path: Path) -> None:
    assert default_storage({}, tmp_path) == {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {"location": tmp_path},
    }
    s3 = default_storage(
        {
            "SAURO_STORAGE": "s3",
            "SAURO_S3_BUCKET": "sauro-hue",
            "SAURO_S3_ENDPOINT_URL": "https://s3.example.vn",
            "SAURO_S3_REGION": "hn-1",
            "SAURO_S3_ACCESS_KEY_ID": "key",
            "SAURO_S3_SECRET_ACCESS_KEY": "secret",
        },
        tmp_path,
    )
    assert s3["BACKEND"] == "storages.backends.s3.S3Storage"
    assert s3["OPTIONS"] == {
        "bucket_name": "sauro-hue",
        "file_overwrite": False,
        "default_acl": None,
        "querystring_auth": True,
        "location": "",
        "endpoint_url": "https://s3.example.vn",
        "region_name": "hn-1",
        "access_key": "key",
        "secret_key": "secret",
    }
    with pytest.raises(ConfigurationError, match="SAURO_S3_BUCKET"):
        default_storage({"SAURO_STORAGE": "s3"}, tmp_path)
    with pytest.raises(ConfigurationError, match="SAURO_STORAGE"):
        default_storage({"SAURO_STORAGE": "ftp"}, tmp_path)


def test_replica_settings() -> None:
    primary = {
        "ENGINE": "django.db.backends.postgresql",
        "CONN_MAX_AGE": 60,
        "OPTIONS": {"options": "-c jit=off -c work_mem=32MB"},
    }
    assert replica_database({}, primary) is None
    replica = replica_database({"DATABASE_REPLICA_URL": "postgres://sauro:pw@10.0.0.6:5432/sauro"}, primary)
    assert replica is not None
    assert (replica["HOST"], replica["PORT"], replica["NAME"]) == ("10.0.0.6", 5432, "sauro")
    assert replica["OPTIONS"] == {"options": "-c jit=off -c work_mem=32MB"}
    assert replica["TEST"] == {"MIRROR": "default"}
    assert replica["CONN_HEALTH_CHECKS"] is True
    with pytest.raises(ConfigurationError):
        replica_database({"DATABASE_REPLICA_URL": "sqlite:///x.sqlite3"}, primary)


def test_a_rotated_secret_key_keeps_sessions_while_the_former_one_is_a_fallback(settings: Any, org: Any) -> None:
    former = "former-key-" + "x" * 50
    settings.SECRET_KEY = former
    during, after = Client(), Client()
    during.force_login(org.monitor)
    after.force_login(org.monitor)

    settings.SECRET_KEY = "new-key-" + "y" * 50
    settings.SECRET_KEY_FALLBACKS = secret_key_fallbacks({"SECRET_KEY_FALLBACKS": f"{former}, older-key"})
    assert during.get("/").status_code == 200  # still logged in while the former key is a fallback

    settings.SECRET_KEY_FALLBACKS = secret_key_fallbacks({})
    assert after.get("/").status_code == 302  # without it, sessions made under the former key end
