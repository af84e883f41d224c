"""The current request id, and a memo for values read once per request, kept in context variables (safe across
threads and async tasks)."""

from __future__ import annotations

from contextvars import ContextVar, Token
from typing import Any

_request_id: ContextVar[str] = ContextVar("sauro_request_id", default="")
_memo: ContextVar[dict[str, Any] | None] = ContextVar("sauro_request_memo", default=None)


def set_request_id(value: str) -> Token[str]:
    return _request_id.set(value)


def reset_request_id(token: Token[str]) -> None:
    _request_id.reset(token)


def current_request_id() -> str:
    return _request_id.get()


def start_memo() -> Token[dict[str, Any] | None]:
    """A fresh memo for the request starting (``RequestIdMiddleware``)."""
    return _memo.set({})


def end_memo(token: Token[dict[str, Any] | None]) -> None:
    _memo.reset(token)


def memo() -> dict[str, Any] | None:
    """The current request's memo (``None`` outside a request: commands, workers, tests calling code directly)."""
    return _memo.get()
