"""Fixtures of the directive tests: a fixed "today", uploads in a temporary folder, the term of the committee and
a helper that registers directives through the service."""

from __future__ import annotations

import datetime
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from django.test import Client

from sauro.accounts.models import User
from sauro.accounts.services import api_token_create
from sauro.common import clock
from sauro.directives.models import Directive, Term
from sauro.directives.services import DirectiveInput, directive_create, term_create
from tests.conftest import Org

TODAY = datetime.date(2026, 3, 2)
TERM_START = datetime.date(2025, 10, 1)
DAY = datetime.date(2026, 1, 9)

MakeDirective = Callable[..., Directive]


@pytest.fixture(autouse=True)
def _fixed_today(monkeypatch: pytest.MonkeyPatch) -> None:
    # Directives may not be dated after today; pin today so the tests mean the same on any machine.
    monkeypatch.setattr(clock, "today", lambda: TODAY)


@pytest.fixture(autouse=True)
def media_root(settings: Any, tmp_path: Path) -> Iterator[Path]:
    root = tmp_path / "media"
    settings.MEDIA_ROOT = root
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {"BACKEND": "django.core.files.storage.FileSystemStorage", "OPTIONS": {"location": root}},
    }
    yield root


@pytest.fixture
def term(org: Org) -> Term:
    return term_create(acting_user=None, committee=org.city, name="Nhiệm kỳ 2025 – 2030", starts_on=TERM_START)


@pytest.fixture
def make(org: Org, term: Term) -> MakeDirective:
    """Register a directive as Văn phòng; defaults give a Kết luận of Thành ủy (TU) dated 09/01/2026."""

    def make_directive(*, acting_user: User | None = None, **fields: Any) -> Directive:
        values: dict[str, Any] = {
            "kind": "KL",
            "issuer_code": "TU",
            "issuing_unit_id": org.city.pk,
            "issued_on": DAY,
            "summary": "Kết luận hội nghị giao ban các cơ quan Đảng quý IV năm 2025",
        }
        values.update(fields)
        return directive_create(acting_user=acting_user or org.monitor, data=DirectiveInput(**values))

    return make_directive


def api_client(user: User) -> Client:
    _, secret = api_token_create(acting_user=user, user=user)
    return Client(HTTP_AUTHORIZATION=f"Bearer {secret}")
