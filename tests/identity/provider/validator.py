"""The claims the test provider puts in ID tokens and userinfo: name, e-mail, login name and the groups."""

from __future__ import annotations

from typing import Any

from oauth2_provider.oauth2_validators import OAuth2Validator


class ClaimsValidator(OAuth2Validator):
    oidc_claim_scope = None  # every claim whatever the scopes: the test decides what the provider says

    def get_additional_claims(self, request: Any) -> dict[str, Any]:
        user = request.user
        return {
            "name": user.first_name,
            "email": user.email,
            "email_verified": True,
            "preferred_username": user.username,
            "groups": sorted(user.groups.values_list("name", flat=True)),
        }
