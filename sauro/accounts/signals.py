"""A person's API tokens die with the credentials that issued them.

Whatever path changes a password — Django's password change and reset forms, the admin's "change password",
``sauro changepassword``, ``set_unusable_password`` — ends in ``User.save()`` with the new password pending
(``_password``, which ``set_password`` keeps until the save; our ``password_dropped`` for an unusable one). A
save that deactivates the person (``is_active`` false) counts too. Either way every token of the person still
unrevoked is revoked, journalled with the reason, in the save's transaction.

A hash upgrade at login (``check_password`` re-hashing with newer parameters) clears ``_password`` before saving,
so it is not a password change. ``QuerySet.update`` sends no signal: deactivating with it leaves the tokens
unrevoked, but ``api_token_authenticate`` refuses the tokens of an inactive person anyway.

The apps above register what else ends with the credentials (``register_credentials_change_hook``: the identity
app ends the person's other sessions), called with the person and the reason after the tokens are revoked.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from sauro.accounts.models import User
from sauro.accounts.services import REASON_DEACTIVATED, REASON_NEW_CREDENTIALS, api_tokens_revoke_all

CredentialsChangeHook = Callable[[User, str], None]
_hooks: dict[str, CredentialsChangeHook] = {}


def register_credentials_change_hook(name: str, hook: CredentialsChangeHook) -> None:
    """Run ``hook(user, reason)`` when a person's password changes or the person is deactivated (by name: a second
    registration under the same name replaces the first)."""
    _hooks[name] = hook


def revoke_tokens_on_credentials_change(
    sender: type[User], instance: User, created: bool, update_fields: frozenset[str] | None = None, **_: Any
) -> None:
    password_changed = getattr(instance, "_password", None) is not None or getattr(instance, "password_dropped", False)
    instance.password_dropped = False
    if created:
        return
    if password_changed:
        reason = REASON_NEW_CREDENTIALS
    elif not instance.is_active and (update_fields is None or "is_active" in update_fields):
        reason = REASON_DEACTIVATED
    else:
        return
    api_tokens_revoke_all(acting_user=None, user=instance, reason=reason)
    for hook in _hooks.values():
        hook(instance, reason)
