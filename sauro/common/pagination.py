"""Keyset pagination: one page of an ordered queryset after a signed cursor, one query at any depth.

The one paginator of the house (API lists and list pages alike). A ``Keyset`` names the columns of a total order,
each with its Python type, direction and whether it may be NULL; its last key must be unique (the primary key or
another unique column), so that a page never repeats or skips a row, even while rows are added.

- ``Keyset.order(qs)`` puts a queryset in that order; NULLs of a nullable key come **last**, in both directions.
- ``Keyset.page(qs, cursor=…, limit=…)`` reads the rows after the cursor and gives the next page's cursor (``None``
  on the last page). ``fetch`` lets a caller read the chosen rows its own way (the task lists choose the page's ids
  first and join after: ``tasks.selectors.page_rows``).
- The cursor holds the last row's key values (ints, strings, dates, aware datetimes, decimals, NULL), signed with
  the keyset's name and keys: a client cannot forge one, nor reuse one made for another list or order.
  ``Keyset.decode`` raises ``BadCursor`` (a ``ValidationFailed`` on the field ``cursor``: the API answers it as a
  422 with a Vietnamese message; pages catch it and show the first page or a form error, as each one did).

The condition is the expanded form of a row comparison — ``(k1 > v1) OR (k1 = v1 AND k2 > v2) OR …`` with
``k IS NULL`` for "later" on a nullable key — which both databases can serve from an index on the keys (on the
task list, ``(due_date > d) OR (due_date = d AND id > n) OR due_date IS NULL``: the due-date index walk the
million-task benchmarks rely on).

A kernel module: it imports Django and ``sauro.common.errors`` only, never another sauro app.
"""

from __future__ import annotations

import datetime
import decimal
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from django.core import signing
from django.db.models import F, Model, Q, QuerySet
from django.db.models.expressions import OrderBy
from django.utils.translation import gettext_lazy as _

from sauro.common.errors import ValidationFailed

M = TypeVar("M", bound=Model)

MSG_BAD_CURSOR = _("Con trỏ phân trang không hợp lệ. Hãy tải lại trang đầu của danh sách.")

# The types a key may hold. ``datetime`` before ``date``: a datetime is a date too.
KeyType = type[int] | type[str] | type[datetime.date] | type[datetime.datetime] | type[decimal.Decimal]


class BadCursor(ValidationFailed):
    """A cursor this keyset did not make (tampered, truncated, another list's, or for another order)."""

    def __init__(self) -> None:
        message = str(MSG_BAD_CURSOR)
        super().__init__(message, fields={"cursor": message})


@dataclass(frozen=True)
class Key:
    """One column of a keyset order: a model field (``__`` paths allowed), its type, direction and nullability."""

    field: str
    type: KeyType
    descending: bool = False
    nullable: bool = False

    def order_by(self) -> OrderBy:
        expr = F(self.field)
        if self.nullable:
            return expr.desc(nulls_last=True) if self.descending else expr.asc(nulls_last=True)
        return expr.desc() if self.descending else expr.asc()

    def dump(self, value: Any) -> Any:
        """``value`` as JSON (the cursor's payload)."""
        if value is None:
            if not self.nullable:
                raise ValueError(f"{self.field} is NULL but not declared nullable")
            return None
        if self.type is datetime.datetime:
            if not isinstance(value, datetime.datetime) or value.tzinfo is None:
                raise ValueError(f"{self.field}: an aware datetime expected, got {value!r}")
            return value.isoformat()
        if self.type is datetime.date:
            if not isinstance(value, datetime.date) or isinstance(value, datetime.datetime):
                raise ValueError(f"{self.field}: a date expected, got {value!r}")
            return value.isoformat()
        if self.type is decimal.Decimal:
            return str(decimal.Decimal(value))
        if not isinstance(value, self.type) or isinstance(value, bool):
            raise ValueError(f"{self.field}: {self.type.__name__} expected, got {value!r}")
        return value

    def load(self, raw: Any) -> Any:
        """The value ``dump`` wrote; ``ValueError``/``TypeError`` for anything else."""
        if raw is None:
            if not self.nullable:
                raise ValueError("NULL for a key that cannot be NULL")
            return None
        if self.type is int:
            if not isinstance(raw, int) or isinstance(raw, bool):
                raise TypeError(raw)
            return raw
        if not isinstance(raw, str):
            raise TypeError(raw)
        if self.type is str:
            return raw
        if self.type is datetime.datetime:
            moment = datetime.datetime.fromisoformat(raw)
            if moment.tzinfo is None:
                raise ValueError(raw)
            return moment
        if self.type is datetime.date:
            return datetime.date.fromisoformat(raw)
        number = decimal.Decimal(raw)  # InvalidOperation is a ValueError (ArithmeticError) subclass: caught below
        if not number.is_finite():
            raise ValueError(raw)
        return number


@dataclass(frozen=True)
class Page(Generic[M]):
    items: list[M]
    next_cursor: str | None


def _read(ordered: QuerySet[M], count: int) -> list[M]:
    return list(ordered[:count])


class Keyset:
    """A total order over some rows, and the cursors that page through it (see the module's docstring)."""

    def __init__(self, name: str, *keys: Key) -> None:
        if not keys:
            raise ValueError("a keyset needs at least one key")
        if keys[-1].nullable:
            raise ValueError("the last key is the unique tie-breaker: it cannot be NULL")
        self.name = name
        self.keys = keys
        spec = ",".join(f"{'-' if k.descending else ''}{k.field}{'?' if k.nullable else ''}" for k in keys)
        self._salt = f"sauro.pagination:{name}:{spec}"

    def order(self, qs: QuerySet[M]) -> QuerySet[M]:
        """``qs`` in this order (NULLs last on every database, in both directions)."""
        return qs.order_by(*(key.order_by() for key in self.keys))

    # --- cursors ---------------------------------------------------------------------------------------------

    def encode(self, row: Any) -> str:
        """The signed cursor pointing just after ``row`` (a model instance, or a dict of the key fields)."""
        if isinstance(row, dict):
            values = [row[key.field] for key in self.keys]
        else:
            values = [_attribute(row, key.field) for key in self.keys]
        return self.encode_values(values)

    def encode_values(self, values: Sequence[Any]) -> str:
        payload = [key.dump(value) for key, value in zip(self.keys, values, strict=True)]
        return signing.dumps(payload, salt=self._salt, compress=True)

    def decode(self, cursor: str) -> tuple[Any, ...]:
        """The key values of the row a cursor points after; ``BadCursor`` if this keyset did not make it."""
        try:
            payload = signing.loads(cursor, salt=self._salt)
            if not isinstance(payload, list) or len(payload) != len(self.keys):
                raise BadCursor
            return tuple(key.load(raw) for key, raw in zip(self.keys, payload, strict=True))
        except (signing.BadSignature, ValueError, TypeError, ArithmeticError) as exc:
            raise BadCursor from exc

    # --- the condition ---------------------------------------------------------------------------------------

    def after(self, values: Sequence[Any]) -> Q:
        """The rows strictly after the row with key ``values`` in this order.

        ``(k1 ≻ v1) OR (k1 = v1 AND k2 ≻ v2) OR …``, where for a nullable key "later than v" also takes NULL
        (NULLs come last) and nothing is later than NULL but the next keys among the NULLs.
        """
        terms: list[Q] = []
        tail: list[Q] = []  # "k1 IS NULL" of a nullable first key, last as the task lists always wrote it
        equal = Q()
        for key, value in zip(self.keys, values, strict=True):
            op = "lt" if key.descending else "gt"
            if value is None:  # among the NULLs: only equality continues
                equal &= Q(**{f"{key.field}__isnull": True})
                continue
            later = Q(**{f"{key.field}__{op}": value})
            if key.nullable and not equal:
                terms.append(later)
                tail.append(Q(**{f"{key.field}__isnull": True}))
            elif key.nullable:
                terms.append(equal & (later | Q(**{f"{key.field}__isnull": True})))
            else:
                terms.append(equal & later if equal else later)
            equal &= Q(**{key.field: value})
        condition, *rest = [*terms, *tail]  # at least the last key's term: it is never NULL
        for term in rest:
            condition |= term
        return condition

    # --- a page ----------------------------------------------------------------------------------------------

    def page(
        self,
        qs: QuerySet[M],
        *,
        limit: int,
        cursor: str | None = None,
        position: Sequence[Any] | None = None,
        fetch: Callable[[QuerySet[M], int], list[M]] = _read,
    ) -> Page[M]:
        """The first ``limit`` rows of ``qs`` after ``cursor`` (or the decoded ``position``) in this order.

        One query (``fetch`` reads ``limit + 1`` rows to know whether a page follows). ``BadCursor`` for a cursor
        this keyset did not make.
        """
        if cursor:
            position = self.decode(cursor)
        ordered = self.order(qs)
        if position is not None:
            ordered = ordered.filter(self.after(position))
        rows = fetch(ordered, limit + 1)
        if len(rows) <= limit:
            return Page(items=rows, next_cursor=None)
        rows = rows[:limit]
        return Page(items=rows, next_cursor=self.encode(rows[-1]))


def _attribute(row: Any, path: str) -> Any:
    value = row
    for part in path.split("__"):
        value = getattr(value, part)
        if value is None:
            return None
    return value
