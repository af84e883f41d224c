"""Who may read the journal.

The journal sits below the apps that write to it, so it does not know roles: the ``org`` app, which does, registers
its rule here when Django starts (``register_reader_check`` in ``OrgConfig.ready``, ARCHITECTURE rule 11). Without a
registered rule nobody may read it.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from django.contrib.auth.models import _User as User

_reader_check: Callable[[User], bool] | None = None


def register_reader_check(check: Callable[[User], bool]) -> None:
    """Make ``check(user)`` the answer to "may this user read the journal?"."""
    global _reader_check
    _reader_check = check


def can_read_audit(user: User) -> bool:
    """Whether ``user`` may read the journal (the page, its API); everyone else gets a 404."""
    return _reader_check is not None and _reader_check(user)
