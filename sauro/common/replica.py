"""Reads of read-only pages from a PostgreSQL streaming replica (``DATABASE_REPLICA_URL``, docs/operations.md).

Only what is chosen goes there: a view marked ``@read_only_page`` (lists, dashboards, reports, exports), for a GET
or HEAD request, reads from the replica through ``ReplicaRouter``. Everything else reads and writes the primary:

- every other page and the API, forms and actions, the worker and the console commands;
- a marked page once it has written anything in the request (reads after a write see the write: the primary);
- any read inside a transaction (``select_for_update``, a service's ``atomic`` block): it decides a write;
- the tables of logins, sessions, tokens, throttling and the task queue (``PRIMARY_ONLY_APPS``), which must never
  lag: a password just changed, a session just ended, a lock-out just set.

A replica lags the primary by a moment: a marked page may show the state of a few milliseconds (or, if the
replica falls behind, seconds) ago. Without a replica configured, everything goes to the primary; with one that
cannot be reached, marked pages read the primary too, and the replica is tried again after ``RETRY_SECONDS``.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from contextvars import ContextVar
from dataclasses import dataclass
from typing import Any, TypeVar

from django.db import DEFAULT_DB_ALIAS, DatabaseError, connections
from django.http import HttpRequest, HttpResponse

from sauro.common.deployment import REPLICA

F = TypeVar("F", bound=Callable[..., Any])
logger = logging.getLogger(__name__)

_MARK = "sauro_read_only_page"
SAFE_METHODS = frozenset({"GET", "HEAD"})
PRIMARY_ONLY_APPS = frozenset({"accounts", "auth", "sessions", "axes", "contenttypes", "admin", "django_tasks_db"})


@dataclass
class _RequestReads:
    replica: bool = False  # the view is a read-only page, asked with GET/HEAD
    wrote: bool = False  # something was written in this request


_current: ContextVar[_RequestReads | None] = ContextVar("sauro_replica_reads", default=None)


def read_only_page(view: F) -> F:
    """Mark a view whose GET reads may come from the replica (it stays on the primary for any other method)."""
    setattr(view, _MARK, True)
    return view


RETRY_SECONDS = 30.0
_unreachable_until = [0.0]  # per process: when to try a replica that could not be reached again


def replica_configured() -> bool:
    return REPLICA in connections.settings


def replica_available() -> bool:
    """Whether the replica is configured and answers (a connection is opened, or kept from an earlier request)."""
    if not replica_configured() or time.monotonic() < _unreachable_until[0]:
        return False
    try:
        connections[REPLICA].ensure_connection()
    except DatabaseError:
        logger.warning("The read replica cannot be reached: read-only pages read the primary for %ss", RETRY_SECONDS)
        _unreachable_until[0] = time.monotonic() + RETRY_SECONDS
        return False
    return True


class ReplicaRouter:
    """Reads of a marked page to the replica, everything else to the primary (``default``)."""

    def db_for_read(self, model: type[Any], **hints: Any) -> str | None:
        reads = _current.get()
        if reads is None or not reads.replica or reads.wrote:
            return None
        if model._meta.app_label in PRIMARY_ONLY_APPS or not replica_configured():
            return None
        if connections[DEFAULT_DB_ALIAS].in_atomic_block:
            return None
        return REPLICA

    def db_for_write(self, model: type[Any], **hints: Any) -> str:
        reads = _current.get()
        if reads is not None:
            reads.wrote = True
        return DEFAULT_DB_ALIAS

    def allow_relation(self, obj1: Any, obj2: Any, **hints: Any) -> bool | None:
        # The replica holds the primary's rows: an object read from one may point at an object read from the other.
        both = {obj1._state.db, obj2._state.db}
        return True if both <= {DEFAULT_DB_ALIAS, REPLICA} else None

    def allow_migrate(self, db: str, app_label: str, **hints: Any) -> bool | None:
        return False if db == REPLICA else None


class ReplicaReadsMiddleware:
    """Opens a request's read routing, lets a marked view read from the replica, and closes it with the response
    (a ``TemplateResponse`` renders inside it, so its template's queries are routed too)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        token = _current.set(_RequestReads())
        try:
            return self.get_response(request)
        finally:
            _current.reset(token)

    def process_view(self, request: HttpRequest, view_func: Callable[..., Any], *args: Any) -> None:
        reads = _current.get()
        if reads is None or request.method not in SAFE_METHODS or not getattr(view_func, _MARK, False):
            return
        reads.replica = replica_available()
