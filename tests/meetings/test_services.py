"""The register's writes: each is journalled; who may do what; what is refused."""

from __future__ import annotations

import datetime

import pytest

from sauro.audit.models import AuditEntry
from sauro.common.errors import Conflict, PermissionDeniedError, ValidationFailed
from sauro.directives.services import DirectiveInput, directive_create
from sauro.meetings import services
from sauro.meetings.models import Meeting
from sauro.meetings.services import ConclusionInput
from tests.conftest import Org

from .conftest import meeting_input

pytestmark = pytest.mark.usefixtures("today", "term")
D = datetime.date


def entries(action: str) -> list[AuditEntry]:
    return list(AuditEntry.objects.filter(action=action).order_by("seq"))


def conclusion(**overrides: object) -> ConclusionInput:
    fields: dict[str, object] = {
        "issuer_code": "BTCTU",
        "issued_on": D(2026, 2, 12),
        "summary": "Thông báo kết luận giao ban công tác xây dựng Đảng",
    }
    fields.update(overrides)
    return ConclusionInput(**fields)  # type: ignore[arg-type]


def test_create_update_delete_are_journalled(org: Org, make_meeting) -> None:  # type: ignore[no-untyped-def]
    meeting = make_meeting(acting_user=org.btc_head)
    assert meeting.host_unit == org.btc
    assert [u.pk for u in meeting.units.all()] == [org.btc_dept.pk]
    [created] = entries("meeting.create")
    assert created.actor == org.btc_head
    assert created.object_id == str(meeting.pk)
    assert created.after["attendees"] == 25

    updated = services.meeting_update(
        acting_user=org.btc_head,
        meeting=meeting,
        expected_version=1,
        data=meeting_input(org, attendees=12, could_be_document=True, document_note="Chỉ để phổ biến văn bản."),
    )
    assert (updated.version, updated.attendees, updated.could_be_document) == (2, 12, True)
    [edit] = entries("meeting.update")
    assert (edit.before["attendees"], edit.after["attendees"]) == (25, 12)

    services.meeting_delete(acting_user=org.btc_head, meeting=updated)
    assert not Meeting.objects.filter(pk=meeting.pk).exists()
    [deleted] = entries("meeting.delete")
    assert deleted.object_id == str(meeting.pk)
    assert deleted.before["title"] == meeting.title


def test_who_may_register(org: Org, make_meeting) -> None:  # type: ignore[no-untyped-def]
    # Văn phòng and leaders for any unit; a unit's head for their own unit only; officers and inspectors never.
    assert make_meeting(acting_user=org.leader).pk
    for person in (org.btc_officer, org.inspector):
        with pytest.raises(PermissionDeniedError):
            make_meeting(acting_user=person)
    # The ward's head does not see Ban Tổ chức: that unit does not exist for them.
    with pytest.raises(ValidationFailed) as exc:
        make_meeting(acting_user=org.phuxuan_head)
    assert exc.value.fields == {"host_unit_id": services.ERR_UNIT_UNKNOWN}
    # Ban Tổ chức's head sees Văn phòng's chain but does not act for it.
    with pytest.raises(PermissionDeniedError):
        make_meeting(acting_user=org.btc_head, host_unit_id=org.city.pk, chair_id=org.leader.pk)
    assert make_meeting(
        acting_user=org.phuxuan_head, host_unit_id=org.phuxuan.pk, chair_id=org.phuxuan_head.pk, unit_ids=[]
    )
    assert not entries("meeting.update")
    assert len(entries("meeting.create")) == 2


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"title": "   "}, "title", services.ERR_TITLE_REQUIRED),
        ({"duration_minutes": 0}, "duration_minutes", services.ERR_DURATION),
        ({"attendees": 0}, "attendees", services.ERR_ATTENDEES),
        ({"could_be_document": True}, "document_note", services.ERR_NOTE_REQUIRED),
        ({"held_on": D(2025, 6, 30)}, "host_unit_id", None),  # before the unit existed
        ({"kind": "party"}, "kind", None),
    ],
)
def test_refusals(org: Org, make_meeting, overrides, field, message) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(ValidationFailed) as exc:
        make_meeting(**overrides)
    assert field in exc.value.fields
    if message:
        assert exc.value.fields[field] == message
    assert not Meeting.objects.exists()
    assert not entries("meeting.create")


def test_no_meeting_in_the_future(org: Org, make_meeting) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(ValidationFailed) as exc:
        make_meeting(held_on=D(2026, 3, 3))  # the clock says 02/03/2026
    assert "không được sau hôm nay (02/03/2026)" in exc.value.fields["held_on"]


def test_stale_edit_is_refused(org: Org, make_meeting) -> None:  # type: ignore[no-untyped-def]
    meeting = make_meeting()
    services.meeting_update(acting_user=org.monitor, meeting=meeting, expected_version=1, data=meeting_input(org))
    with pytest.raises(Conflict):
        services.meeting_update(
            acting_user=org.monitor, meeting=meeting, expected_version=1, data=meeting_input(org, attendees=3)
        )
    meeting.refresh_from_db()
    assert (meeting.version, meeting.attendees) == (2, 25)


def test_record_the_conclusion_registers_a_numbered_notice(org: Org, make_meeting) -> None:  # type: ignore[no-untyped-def]
    meeting = make_meeting()
    directive = services.meeting_record_conclusion(acting_user=org.monitor, meeting=meeting, data=conclusion())
    meeting.refresh_from_db()
    assert meeting.conclusion == directive
    assert (directive.kind, directive.issuing_unit, directive.symbol) == ("TB", org.btc, "01-TB/BTCTU")
    assert directive.created_by == org.monitor
    # The directive's own entry (directives.services) and the meeting's.
    assert [e.object_id for e in entries("directive.create")] == [str(directive.pk)]
    [linked] = entries("meeting.conclusion")
    assert (linked.before["conclusion_id"], linked.after["conclusion_id"]) == (None, directive.pk)
    # Once recorded: no second conclusion, and the meeting can no longer be deleted.
    with pytest.raises(Conflict):
        services.meeting_record_conclusion(acting_user=org.monitor, meeting=meeting, data=conclusion())
    with pytest.raises(Conflict):
        services.meeting_delete(acting_user=org.monitor, meeting=meeting)
    assert Meeting.objects.filter(pk=meeting.pk).exists()


def test_conclusion_refusals(org: Org, make_meeting) -> None:  # type: ignore[no-untyped-def]
    meeting = make_meeting(acting_user=org.btc_head)
    # Before the meeting: refused.
    with pytest.raises(ValidationFailed) as exc:
        services.meeting_record_conclusion(
            acting_user=org.monitor, meeting=meeting, data=conclusion(issued_on=D(2026, 2, 9))
        )
    assert "issued_on" in exc.value.fields
    # The Ban's head records the meeting but may not register a directive (directives.access): 403, nothing written.
    with pytest.raises(PermissionDeniedError):
        services.meeting_record_conclusion(acting_user=org.btc_head, meeting=meeting, data=conclusion())
    # An officer may do neither.
    with pytest.raises(PermissionDeniedError):
        services.meeting_record_conclusion(acting_user=org.btc_officer, meeting=meeting, data=conclusion())
    meeting.refresh_from_db()
    assert meeting.conclusion is None
    assert not entries("meeting.conclusion")
    assert not entries("directive.create")


def test_link_an_existing_notice(org: Org, make_meeting) -> None:  # type: ignore[no-untyped-def]
    meeting = make_meeting(acting_user=org.btc_head)

    def register(kind: str, day: datetime.date) -> int:
        data = DirectiveInput(
            kind=kind, issuer_code="BTCTU", issuing_unit_id=org.btc.pk, issued_on=day, summary=f"{kind} {day}"
        )
        return directive_create(acting_user=org.monitor, data=data).pk

    plan = register("KH", D(2026, 2, 11))
    early = register("TB", D(2026, 2, 9))
    notice = register("TB", D(2026, 2, 11))
    for directive_id in (plan, early, 999_999):
        with pytest.raises(ValidationFailed):
            services.meeting_link_conclusion(acting_user=org.btc_head, meeting=meeting, directive_id=directive_id)
    linked = services.meeting_link_conclusion(acting_user=org.btc_head, meeting=meeting, directive_id=notice)
    assert linked.conclusion_id == notice
    assert entries("meeting.conclusion")[0].actor == org.btc_head
    # A notice concludes one meeting only.
    other = make_meeting(acting_user=org.btc_head, title="Họp chuyên đề")
    with pytest.raises(ValidationFailed) as exc:
        services.meeting_link_conclusion(acting_user=org.btc_head, meeting=other, directive_id=notice)
    assert "đã là thông báo kết luận" in exc.value.fields["directive_id"]
