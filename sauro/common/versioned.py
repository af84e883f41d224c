"""Lists kept between requests under the version of the data they are built from (``DataVersion``).

A filter form offers a few hundred units, a hundred directives and the people of a unit on every list page: three
queries and their labels, a quarter of the page's time, for lists that change a few times a month. They are kept
in Django's cache (each process's memory by default, ``CACHES`` for a shared one) under a key holding:

- the version that triggers move in the transaction of every write to the tables they are read from (migration
  ``common.0001``): a reader sees the new version exactly when it sees the new rows, so a list is never kept under a
  version older than its rows;
- the user, whose visibility gate chose the rows;
- the day, since memberships and units have validity dates.

The version is read once per request (kept on the user object, as ``org.access.user_scope`` is). On SQLite, which
has no triggers here, every list is built afresh.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable
from typing import TYPE_CHECKING, TypeVar

from django.core.cache import cache
from django.db import connection, router

from sauro.common import clock
from sauro.common.models import DataVersion

if TYPE_CHECKING:
    # The configured user model as the type checker resolves it; the kernel imports no app (ARCHITECTURE rule 11).
    from django.contrib.auth.models import _User as User

T = TypeVar("T")

CHOICES = "choices"
# Entries of superseded versions are never read again; this only bounds how long they take space.
TIMEOUT_SECONDS = 6 * 3600

_ATTR = "_sauro_data_versions"
# The version a missing row starts from: the clock in microseconds, as migration common.0001 starts and moves it.
START_SQL = (
    "INSERT INTO common_dataversion (key, version) "
    "VALUES (%s, (extract(epoch FROM clock_timestamp()) * 1000000)::bigint) ON CONFLICT DO NOTHING"
)


def data_version(user: User, key: str) -> int | None:
    """The version ``key`` has for this request, or ``None`` where nothing is cached (SQLite)."""
    if connection.vendor != "postgresql":
        return None
    versions: dict[str, int | None] = user.__dict__.setdefault(_ATTR, {})
    if key not in versions:
        version = DataVersion.objects.filter(key=key).values_list("version", flat=True).first()
        versions[key] = version if version is not None else _start(key)
    return versions[key]


def _start(key: str) -> int:
    """The row of ``key`` made again where it is missing (a ``flush`` empties every table), from the clock in
    microseconds as the triggers move it: never a version a cache may already hold under that key."""
    with connection.cursor() as cursor:
        cursor.execute(START_SQL, [key])
    # Read back where it was written: on a replica (sauro.common.replica) the row may not have arrived yet.
    return DataVersion.objects.using(router.db_for_write(DataVersion)).values_list("version", flat=True).get(key=key)


def cached_for(user: User, name: str, build: Callable[[], T], *parts: Hashable, key: str = CHOICES) -> T:
    """``build()``, kept under the current version of ``key`` for this user, this day and ``parts``."""
    version = data_version(user, key)
    if version is None or not user.is_authenticated:
        return build()
    cache_key = ":".join(map(str, ("sauro", key, version, name, user.pk, clock.today().isoformat(), *parts)))
    value: T | None = cache.get(cache_key)
    if value is None:
        value = build()
        cache.set(cache_key, value, TIMEOUT_SECONDS)
    return value
