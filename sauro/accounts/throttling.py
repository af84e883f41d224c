"""Login throttling: who is locked out after wrong passwords, and where the client's address comes from.

django-axes counts failures per (user name, address) pair (``AXES_LOCKOUT_PARAMETERS = [["username",
"ip_address"]]``): ``AXES_FAILURE_LIMIT`` wrong passwords for one name from one address lock that name *from that
address* only. Colleagues behind the same NAT keep logging in, and the owner can still log in from elsewhere; a
stranger who guesses at a name locks only themselves out.

On top of that, ``SauroAxesHandler`` (``AXES_HANDLER``) keeps a softer ceiling per address: when an address has
failed ``SAURO_LOGIN_ADDRESS_FAILURE_LIMIT`` times in the cool-off window, whatever the names, every login from it
is refused until the window has passed — a password-spraying address is stopped. A successful login clears only
its own pair's count, so a sprayer who also owns an account cannot wipe their record by logging in.

When a pair reaches the limit axes sends ``user_locked_out``; ``lockout_began`` tells its receivers (the owner's
notification, in ``notifications``) that this request is the one that locked the pair, so the owner is told once
per lockout, not at every further attempt.

The client's address is ``client_address`` (``AXES_CLIENT_IP_CALLABLE``): ``REMOTE_ADDR``, or behind
``SAURO_PROXY_COUNT`` trusted reverse proxies the address the outermost one saw, read from ``X-Forwarded-For``
counted from the right (entries further left were written by the client and prove nothing).
"""

from __future__ import annotations

import ipaddress
from typing import Any

from axes.attempts import get_cool_off_threshold
from axes.conf import settings as axes_settings
from axes.handlers.database import AxesDatabaseHandler
from axes.helpers import get_failure_limit
from axes.models import AccessAttempt
from django.conf import settings
from django.db.models import Sum
from django.http import HttpRequest


def _valid_address(value: str) -> str | None:
    try:
        return str(ipaddress.ip_address(value.strip()))
    except ValueError:
        return None


def client_address(request: HttpRequest) -> str | None:
    """The client's address, trusting exactly ``SAURO_PROXY_COUNT`` reverse proxies in front of the app.

    Each trusted proxy appends the address it received the request from to ``X-Forwarded-For``, so with N proxies
    the client is the N-th entry from the right. With no proxy configured the header is ignored: anyone can send it.
    A header shorter than N (a request that did not come through all the proxies) falls back to ``REMOTE_ADDR``.
    """
    remote = request.META.get("REMOTE_ADDR") or None
    count = int(getattr(settings, "SAURO_PROXY_COUNT", 0) or 0)
    if count <= 0:
        return remote
    forwarded = [part for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if part.strip()]
    if len(forwarded) < count:
        return remote
    return _valid_address(forwarded[-count]) or remote


def address_failure_limit() -> int:
    return int(settings.SAURO_LOGIN_ADDRESS_FAILURE_LIMIT)


class SauroAxesHandler(AxesDatabaseHandler):
    """axes' database handler, counting per (name, address) pair plus a softer ceiling per address."""

    def address_failures(self, request: HttpRequest) -> int:
        """Failures from the request's address in the cool-off window, whatever the names."""
        address = getattr(request, "axes_ip_address", None)
        if not address:
            return 0
        attempts = AccessAttempt.objects.filter(ip_address=address)
        if axes_settings.AXES_COOLOFF_TIME is not None:
            attempts = attempts.filter(attempt_time__gte=get_cool_off_threshold(request))
        return int(attempts.aggregate(total=Sum("failures_since_start"))["total"] or 0)

    def get_failures(self, request: HttpRequest, credentials: dict[str, Any] | None = None) -> int:
        pair = super().get_failures(request, credentials)
        address_locked = self.address_failures(request) >= address_failure_limit()
        # Read by lockout_began and the lockout page (which says which of the two locks applies).
        request.sauro_pair_failures = pair  # type: ignore[attr-defined]
        request.sauro_address_locked = address_locked  # type: ignore[attr-defined]
        if address_locked:
            return max(pair, get_failure_limit(request, credentials))
        return pair


def lockout_began(request: HttpRequest | None) -> bool:
    """Whether the failure just counted on ``request`` is the one that locked its (name, address) pair."""
    if request is None:
        return False
    pair = getattr(request, "sauro_pair_failures", None)
    return pair is not None and pair == get_failure_limit(request, getattr(request, "axes_credentials", None))
