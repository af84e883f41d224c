"""What the proposals tests share: a directive of Thành ủy, a text with two sentences naming units by their full
names (what the unit matcher knows today), and the fixtures (imported by the test modules that use them)."""

from __future__ import annotations

import datetime

import pytest

from sauro.directives.models import Directive
from sauro.directives.services import DirectiveInput, directive_create, term_create
from sauro.org.choices import Role
from tests.conftest import Org
from tests.tasks.conftest import TODAY, Clock, today  # noqa: F401  (fixture re-exported)

FIRST = "Ban Tổ chức Thành ủy rà soát, bổ sung quy hoạch cán bộ"
SECOND = "Ủy ban Kiểm tra Thành ủy kiểm tra việc thực hiện quy chế làm việc"
TEXT = f"{FIRST}. {SECOND}."


def make_directive(org: Org, **extra: str) -> Directive:
    term_create(acting_user=None, committee=org.city, name="Nhiệm kỳ 2025 – 2030", starts_on=datetime.date(2025, 10, 1))
    return directive_create(
        acting_user=org.monitor,
        data=DirectiveInput(
            kind="KL",
            issuer_code="TU",
            issuing_unit_id=org.city.pk,
            issued_on=TODAY - datetime.timedelta(days=3),
            summary="Kết luận hội nghị giao ban các cơ quan Đảng",
            **extra,
        ),
    )


@pytest.fixture
def directive(org: Org, today: Clock) -> Directive:  # noqa: F811
    return make_directive(org)


@pytest.fixture
def office_head(org: Org) -> Org:
    """Văn phòng gets a head (its chief): a unit someone acts for may lead a task."""
    org.also(org.monitor, org.office, Role.UNIT_HEAD)
    return org
