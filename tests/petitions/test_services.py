"""The register's services: rights, validation with Vietnamese messages, the party-denunciation rule, the decision
that makes and issues a six-clear task, and the letter's state following its task."""

from __future__ import annotations

import datetime

import pytest
from django.http import Http404

from sauro.audit.models import AuditEntry
from sauro.common.errors import Conflict, PermissionDeniedError, ValidationFailed
from sauro.org.services import unit_create
from sauro.petitions import selectors, services
from sauro.petitions.choices import LetterState
from sauro.petitions.services import DecisionInput, ReceptionDayInput
from sauro.tasks.choices import ProductKind, TaskState
from sauro.tasks.services import task_accept, task_approve, task_cancel, task_submit
from tests.conftest import Org
from tests.petitions.conftest import RECEIVED, forward_to_ancuu, letter_input, reception_input
from tests.tasks.conftest import TODAY, Clock

pytestmark = pytest.mark.django_db


def state_of(org: Org, letter_id: int) -> str:
    return str(selectors.letter_get(user=org.monitor, letter_id=letter_id).state)  # type: ignore[attr-defined]


def test_a_letter_is_registered_and_journalled(org: Org, today: Clock) -> None:
    letter = services.letter_create(acting_user=org.monitor, data=letter_input(org))
    entry = AuditEntry.objects.get(action="letter.create")
    assert (entry.object_id, entry.unit_id_snapshot) == (str(letter.pk), org.office.pk)
    assert entry.after is not None and entry.after["summary"].startswith("Kiến nghị")
    assert state_of(org, letter.pk) == LetterState.RECEIVED
    # The address names An Cựu: the commune where the matter arose.
    assert letter.commune_id == org.ancuu.pk


def test_an_address_under_a_former_commune_name_maps_to_the_current_unit(org: Org, today: Clock) -> None:
    merged = unit_create(
        acting_user=None,
        code="X-THUYBANG",
        name="Đảng ủy xã Thủy Bằng",
        kind="commune",
        parent=org.city,
        valid_from=Org.START,
    )
    merged.merged_from_note = "Xã Thủy Bằng; Xã Hương Hồ"
    merged.save()
    letter = services.letter_create(
        acting_user=org.monitor, data=letter_input(org, address="Thôn 3, xã Hương Hồ, thành phố Huế", signer_address="")
    )
    assert letter.commune_id == merged.pk


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"signer_kind": "one", "signer_count": 3}, "signer_count", services.ERR_SIGNERS_ONE),
        ({"signer_kind": "several", "signer_count": 1}, "signer_count", services.ERR_SIGNERS_SEVERAL),
        ({"signer_name": "  "}, "signer_name", services.ERR_SIGNER_NAME),
        ({"source": "forwarded"}, "forwarded_by", services.ERR_FORWARDED_BY),
        ({"kind": "mixed"}, "main_kind", services.ERR_MAIN_KIND),
        ({"summary": "  "}, "summary", services.ERR_SUMMARY_REQUIRED),
        ({"accepted_on": RECEIVED - datetime.timedelta(days=1)}, "accepted_on", None),
        ({"received_on": TODAY + datetime.timedelta(days=1)}, "received_on", None),
        ({"topic": "weather"}, "topic", None),
    ],
)
def test_a_letter_with_bad_facts_is_refused_on_its_field(
    org: Org, today: Clock, overrides: dict[str, object], field: str, message: str | None
) -> None:
    with pytest.raises(ValidationFailed) as caught:
        services.letter_create(acting_user=org.monitor, data=letter_input(org, **overrides))
    assert field in caught.value.fields
    if message is not None:
        assert caught.value.fields[field] == message
    assert not AuditEntry.objects.filter(action="letter.create").exists()


def test_who_may_register_a_letter(org: Org, today: Clock) -> None:
    # The inspector reads but never writes; a ward's head writes in their own ward's register only.
    with pytest.raises(PermissionDeniedError):
        services.letter_create(acting_user=org.inspector, data=letter_input(org))
    with pytest.raises(ValidationFailed) as caught:  # another ward is unknown to them
        services.letter_create(acting_user=org.phuxuan_head, data=letter_input(org, unit_id=org.ancuu.pk))
    assert caught.value.fields == {"unit_id": services.ERR_UNIT_UNKNOWN}
    with pytest.raises(PermissionDeniedError):  # the city they see, but do not keep its register
        services.letter_create(acting_user=org.phuxuan_head, data=letter_input(org, unit_id=org.city.pk))
    own = services.letter_create(acting_user=org.ancuu_officer, data=letter_input(org, unit_id=org.ancuu.pk))
    assert own.unit_id == org.ancuu.pk


def test_forwarding_to_a_ward_issues_a_six_clear_task_due_on_the_statutory_deadline(org: Org, today: Clock) -> None:
    letter = services.letter_create(acting_user=org.monitor, data=letter_input(org))
    statutory = selectors.letter_deadlines_of(letter).due["handling"]
    assert statutory == datetime.date(2026, 3, 12)  # 10 working days after Thursday 26 February
    decided = services.letter_decide(acting_user=org.monitor, letter=letter, data=forward_to_ancuu(org))
    task = decided.task
    assert task is not None
    assert (task.state, task.lead_unit_id, task.responsible_person_id) == (
        TaskState.ISSUED,
        org.ancuu.pk,
        org.ancuu_head.pk,
    )
    assert (task.due_date, task.product_kind, task.authority_unit_id) == (
        statutory,
        ProductKind.OTHER,
        org.standing.pk,
    )
    assert task.product_description == "Văn bản trả lời người gửi đơn"
    assert (decided.forward_unit_id, decided.document_number) == (org.ancuu.pk, "125-CV/VPTU")
    assert AuditEntry.objects.filter(action="letter.decide", object_id=str(letter.pk)).count() == 1
    assert state_of(org, letter.pk) == LetterState.IN_HANDLING
    # The ward the letter was forwarded to sees it; another ward does not.
    assert selectors.letter_get(user=org.ancuu_head, letter_id=letter.pk).pk == letter.pk
    with pytest.raises(Http404):
        selectors.letter_get(user=org.phuxuan_head, letter_id=letter.pk)


def test_the_letter_state_follows_its_task(org: Org, today: Clock) -> None:
    letter = services.letter_create(acting_user=org.monitor, data=letter_input(org))
    task = services.letter_decide(acting_user=org.monitor, letter=letter, data=forward_to_ancuu(org)).task
    assert task is not None
    task = task_accept(acting_user=org.ancuu_head, task=task, officer_ids=[org.ancuu_officer.pk])
    assert state_of(org, letter.pk) == LetterState.IN_HANDLING
    task_submit(acting_user=org.ancuu_officer, task=task, product_note="Văn bản trả lời số 12/UBND")
    task_approve(acting_user=org.leader, task=task)
    assert state_of(org, letter.pk) == LetterState.ANSWERED
    other = services.letter_create(acting_user=org.monitor, data=letter_input(org))
    stopped = services.letter_decide(acting_user=org.monitor, letter=other, data=forward_to_ancuu(org)).task
    assert stopped is not None
    task_cancel(acting_user=org.leader, task=stopped, reason="Người gửi đơn rút đơn")
    assert state_of(org, other.pk) == LetterState.STOPPED
    # The list filters on the derived state.
    answered = selectors.letter_list(user=org.monitor, filters=selectors.LetterFilters(state="answered"))
    assert [x.pk for x in answered] == [letter.pk]


def test_a_gap_in_the_six_clears_refuses_the_whole_decision(org: Org, today: Clock) -> None:
    letter = services.letter_create(acting_user=org.monitor, data=letter_input(org))
    # An officer of another unit cannot be the responsible person of An Cựu's task.
    with pytest.raises(ValidationFailed) as caught:
        services.letter_decide(
            acting_user=org.monitor, letter=letter, data=forward_to_ancuu(org, officer_id=org.btc_officer.pk)
        )
    assert "person" in caught.value.fields
    letter.refresh_from_db()
    assert (letter.decision, letter.task_id) == ("", None)
    assert not AuditEntry.objects.filter(action="letter.decide").exists()


def test_a_due_date_after_the_statutory_deadline_is_refused(org: Org, today: Clock) -> None:
    letter = services.letter_create(acting_user=org.monitor, data=letter_input(org))
    with pytest.raises(ValidationFailed) as caught:
        services.letter_decide(
            acting_user=org.monitor,
            letter=letter,
            data=forward_to_ancuu(org, due_date=datetime.date(2026, 3, 13)),
        )
    assert caught.value.fields["due_date"] == services.ERR_DUE_AFTER_STATUTORY.format(day="12/03/2026")
    earlier = services.letter_decide(
        acting_user=org.monitor, letter=letter, data=forward_to_ancuu(org, due_date=datetime.date(2026, 3, 10))
    )
    assert earlier.task is not None and earlier.task.due_date == datetime.date(2026, 3, 10)


def test_a_letter_is_decided_once(org: Org, today: Clock) -> None:
    letter = services.letter_create(acting_user=org.monitor, data=letter_input(org))
    services.letter_decide(
        acting_user=org.monitor, letter=letter, data=DecisionInput(decision="guide", document_number="12-HD/VPTU")
    )
    assert state_of(org, letter.pk) == LetterState.GUIDED
    with pytest.raises(Conflict):
        services.letter_decide(acting_user=org.monitor, letter=letter, data=forward_to_ancuu(org))


def test_forwarding_outside_the_organisation_makes_no_task(org: Org, today: Clock) -> None:
    letter = services.letter_create(acting_user=org.monitor, data=letter_input(org))
    decided = services.letter_decide(
        acting_user=org.monitor,
        letter=letter,
        data=DecisionInput(decision="forward", forward_body="UBND thành phố Huế", document_number="130-CV/VPTU"),
    )
    assert (decided.task_id, decided.forward_body) == (None, "UBND thành phố Huế")
    assert state_of(org, letter.pk) == LetterState.FORWARDED
    with pytest.raises(ValidationFailed) as caught:
        services.letter_decide(
            acting_user=org.monitor,
            letter=services.letter_create(acting_user=org.monitor, data=letter_input(org)),
            data=DecisionInput(decision="forward", document_number="131-CV/VPTU"),
        )
    assert caught.value.fields == {"forward_unit_id": services.ERR_FORWARD_TARGET}


def test_an_anonymous_denunciation_of_a_party_member_is_only_kept(org: Org, today: Clock, settings: object) -> None:
    letter = services.letter_create(
        acting_user=org.monitor,
        data=letter_input(
            org, kind="to_cao", signer_kind="anonymous", signer_name="", topic="party_members", summary="Tố cáo ông A."
        ),
    )
    assert letter.signer_name == ""
    assert selectors.letter_deadlines_of(letter).due == {}
    with pytest.raises(ValidationFailed) as caught:
        services.letter_decide(acting_user=org.monitor, letter=letter, data=forward_to_ancuu(org))
    assert caught.value.fields == {"decision": services.ERR_KEPT_BY_RULE}
    kept = services.letter_decide(acting_user=org.monitor, letter=letter, data=DecisionInput(decision="keep"))
    assert kept.task_id is None
    assert state_of(org, letter.pk) == LetterState.KEPT


def test_the_rule_is_a_setting(org: Org, today: Clock, settings: object) -> None:
    settings.SAURO_PETITIONS_KEEP_UNSIGNED_PARTY_DENUNCIATIONS = False  # type: ignore[attr-defined]
    letter = services.letter_create(
        acting_user=org.monitor,
        data=letter_input(
            org, kind="to_cao", signer_kind="several", signer_count=3, against_party_member=True, topic="land"
        ),
    )
    assert "handling" in selectors.letter_deadlines_of(letter).due
    decided = services.letter_decide(acting_user=org.monitor, letter=letter, data=forward_to_ancuu(org))
    assert decided.task is not None


def test_only_those_acting_for_the_unit_decide(org: Org, today: Clock) -> None:
    letter = services.letter_create(acting_user=org.monitor, data=letter_input(org))
    for person in (org.btc_officer, org.inspector, org.ancuu_head):
        with pytest.raises(PermissionDeniedError):
            services.letter_decide(acting_user=person, letter=letter, data=DecisionInput(decision="keep"))


def test_a_stale_edit_is_refused(org: Org, today: Clock) -> None:
    letter = services.letter_create(acting_user=org.monitor, data=letter_input(org))
    services.letter_update(
        acting_user=org.monitor, letter=letter, data=letter_input(org, accepted_on=RECEIVED), expected_version=1
    )
    with pytest.raises(Conflict):
        services.letter_update(acting_user=org.monitor, letter=letter, data=letter_input(org), expected_version=1)


def test_a_group_visit_is_registered(org: Org, today: Clock) -> None:
    visit = services.reception_create(acting_user=org.monitor, data=reception_input(org))
    assert (visit.people_count, visit.is_group, visit.commune_id) == (6, True, org.phuxuan.pk)
    assert AuditEntry.objects.filter(action="reception.create", object_id=str(visit.pk)).exists()
    with pytest.raises(ValidationFailed) as caught:
        services.reception_create(acting_user=org.monitor, data=reception_input(org, representatives=""))
    assert caught.value.fields == {"representatives": services.ERR_GROUP_REPRESENTATIVES}
    with pytest.raises(ValidationFailed) as caught:
        services.reception_create(acting_user=org.monitor, data=reception_input(org, receiver_kind="leader"))
    assert caught.value.fields == {"receiving_leader_id": services.ERR_LEADER_REQUIRED}
    with pytest.raises(ValidationFailed) as caught:
        services.reception_create(acting_user=org.monitor, data=reception_input(org, document_number=""))
    assert caught.value.fields == {"document_number": services.ERR_DOCUMENT_REQUIRED}


def test_a_visit_on_a_leaders_reception_day(org: Org, today: Clock) -> None:
    day = services.reception_day_create(
        acting_user=org.monitor,
        data=ReceptionDayInput(unit_id=org.city.pk, leader_id=org.leader.pk, day=RECEIVED),
    )
    visit = services.reception_create(
        acting_user=org.monitor,
        data=reception_input(
            org, unit_id=org.city.pk, receiver_kind="leader", receiving_leader_id=org.leader.pk, reception_day_id=day.pk
        ),
    )
    assert visit.reception_day_id == day.pk
    with pytest.raises(ValidationFailed) as caught:
        services.reception_create(
            acting_user=org.monitor,
            data=reception_input(
                org,
                unit_id=org.city.pk,
                received_on=RECEIVED - datetime.timedelta(days=1),
                receiver_kind="leader",
                receiving_leader_id=org.leader.pk,
                reception_day_id=day.pk,
            ),
        )
    assert "reception_day_id" in caught.value.fields


def test_a_reception_day_cannot_be_held_in_the_future(org: Org, today: Clock) -> None:
    data = ReceptionDayInput(
        unit_id=org.ancuu.pk, leader_id=org.ancuu_head.pk, day=TODAY + datetime.timedelta(days=3), state="held"
    )
    with pytest.raises(ValidationFailed) as caught:
        services.reception_day_create(acting_user=org.ancuu_head, data=data)
    assert "state" in caught.value.fields
    planned = services.reception_day_create(
        acting_user=org.ancuu_head, data=ReceptionDayInput(**{**data.__dict__, "state": "planned"})
    )
    with pytest.raises(ValidationFailed):
        services.reception_day_set_state(acting_user=org.ancuu_head, day=planned, state="held")
    with pytest.raises(ValidationFailed) as caught:
        services.reception_day_create(
            acting_user=org.ancuu_head, data=ReceptionDayInput(**{**data.__dict__, "state": "planned"})
        )
    assert "day" in caught.value.fields


def test_a_visit_records_one_letter_handed_in_journalled(org: Org, today: Clock) -> None:
    visit = services.reception_create(acting_user=org.monitor, data=reception_input(org))
    first = services.letter_create(acting_user=org.monitor, data=letter_input(org))
    second = services.letter_create(acting_user=org.monitor, data=letter_input(org, signer_name="Lê Văn Tám"))
    services.reception_attach_letter(acting_user=org.monitor, reception=visit, letter=first)
    entry = AuditEntry.objects.filter(action="reception.update", object_id=str(visit.pk)).latest("pk")
    assert (entry.before["letter_id"], entry.after["letter_id"]) == (None, first.pk)
    with pytest.raises(ValidationFailed) as refused:
        services.reception_attach_letter(acting_user=org.monitor, reception=visit, letter=second)
    assert "đã có đơn nhận khi tiếp" in refused.value.message
    with pytest.raises(PermissionDeniedError):  # An Cựu's head does not keep Văn phòng's register
        services.reception_attach_letter(acting_user=org.ancuu_head, reception=visit.pk, letter=first)
    visit.refresh_from_db()
    assert (visit.letter_id, visit.version) == (first.pk, 2)
