"""Business errors raised by services, carrying a stable code and a Vietnamese message."""

from __future__ import annotations


class ServiceError(Exception):
    """A refused business action. ``code`` is stable for API clients; ``message`` is shown to users."""

    status = 400

    def __init__(self, message: str, *, code: str = "invalid", fields: dict[str, str] | None = None) -> None:
        super().__init__(message)
        self.code = code
        self.message = message
        self.fields = fields or {}


class ValidationFailed(ServiceError):
    status = 422

    def __init__(self, message: str, *, code: str = "validation_error", fields: dict[str, str] | None = None) -> None:
        super().__init__(message, code=code, fields=fields)


class Conflict(ServiceError):
    """The object changed since the user loaded it (stale version) or is in an unexpected state."""

    status = 409

    def __init__(self, message: str, *, code: str = "conflict", fields: dict[str, str] | None = None) -> None:
        super().__init__(message, code=code, fields=fields)


class PermissionDeniedError(ServiceError):
    status = 403

    def __init__(self, message: str, *, code: str = "forbidden", fields: dict[str, str] | None = None) -> None:
        super().__init__(message, code=code, fields=fields)
