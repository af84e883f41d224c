"""Helpers for the petitions register: a letter and a visit as their services take them, on the miniature Huế
(``tests.conftest.Org``) with the clock on Monday 2 March 2026."""

from __future__ import annotations

import datetime
from typing import Any

from sauro.org.models import Membership
from sauro.petitions.services import DecisionInput, LetterInput, ReceptionInput
from tests.conftest import Org
from tests.tasks.conftest import Clock, today  # noqa: F401  (fixture re-exported for this package)

RECEIVED = datetime.date(2026, 2, 26)  # a Thursday, four days before the clock's Monday


def letter_input(org: Org, **overrides: Any) -> LetterInput:
    """A kiến nghị received by Văn phòng by post, about land in An Cựu."""
    fields: dict[str, Any] = {
        "unit_id": org.office.pk,
        "source": "post",
        "signer_kind": "one",
        "signer_name": "Nguyễn Thị Lành",
        "signer_address": "12 Hùng Vương, phường An Cựu",
        "kind": "kien_nghi",
        "summary": "Kiến nghị xem xét việc cấp giấy chứng nhận quyền sử dụng đất cho hộ gia đình.",
        "topic": "land",
        "address": "12 Hùng Vương, phường An Cựu",
        "received_on": RECEIVED,
    }
    fields.update(overrides)
    return LetterInput(**fields)


def forward_to_ancuu(org: Org, **overrides: Any) -> DecisionInput:
    """Forward to An Cựu: its head answers, decided by Thường trực."""
    fields: dict[str, Any] = {
        "decision": "forward",
        "forward_unit_id": org.ancuu.pk,
        "document_number": "125-CV/VPTU",
        "officer_id": org.ancuu_head.pk,
        "product": "answer",
        "authority_unit_id": org.standing.pk,
    }
    fields.update(overrides)
    return DecisionInput(**fields)


def reception_input(org: Org, **overrides: Any) -> ReceptionInput:
    """A visit of a group of six to Văn phòng's reception office."""
    fields: dict[str, Any] = {
        "unit_id": org.office.pk,
        "received_on": RECEIVED,
        "receiver_kind": "office",
        "citizen_name": "Trần Văn Hòa",
        "citizen_address": "Tổ 5, phường Phú Xuân",
        "id_number": "046085001234",
        "people_count": 6,
        "is_group": True,
        "representatives": "Trần Văn Hòa, Lê Thị Mai",
        "summary": "Đề nghị giải quyết dứt điểm việc bồi thường khi thu hồi đất làm đường.",
        "kind": "khieu_nai_1",
        "handled_by": "UBND phường Phú Xuân (2025)",
        "competence": "out",
        "guidance": "transferred",
        "document_number": "88-CV/VPTU",
    }
    fields.update(overrides)
    return ReceptionInput(**fields)


def name_secretaries(org: Org) -> None:
    """Record the Secretaries' positions (chức vụ), as the demo organisation does: the city's in Thường trực, the
    wards' in their wards; An Cựu's officer is not one."""
    Membership.objects.filter(person=org.leader, unit=org.standing).update(position="Bí thư Thành ủy")
    Membership.objects.filter(person=org.ancuu_head, unit=org.ancuu).update(position="Bí thư Đảng ủy phường An Cựu")
    Membership.objects.filter(person=org.phuxuan_head, unit=org.phuxuan).update(
        position="Bí thư Đảng ủy phường Phú Xuân"
    )
    Membership.objects.filter(person=org.ancuu_officer, unit=org.ancuu).update(
        position="Phó Bí thư Đảng ủy phường An Cựu"
    )
