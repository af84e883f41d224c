"""Registering and editing directives: numbering per kind and term, duplicates, stale edits, the tree, rights,
and the journal."""

from __future__ import annotations

import datetime

import pytest
from django.db import IntegrityError

from sauro.audit.models import AuditEntry
from sauro.audit.verify import audit_verify
from sauro.common.errors import Conflict, PermissionDeniedError, ValidationFailed
from sauro.directives import services
from sauro.directives.models import Directive, Term
from sauro.directives.numbering import next_number
from sauro.directives.selectors import term_for
from sauro.directives.services import DirectiveInput, directive_create, directive_update, term_create
from sauro.org.choices import UnitKind
from sauro.org.services import unit_create, units_merge
from tests.conftest import START, Org
from tests.directives.conftest import DAY, TERM_START, TODAY, MakeDirective


def test_numbers_run_from_01_per_kind_and_issuer(make: MakeDirective, term: Term) -> None:
    first = make()
    second = make(summary="Kết luận thứ hai")
    assert (first.number, second.number) == (1, 2)
    assert first.number_symbol == "Số 01-KL/TU"
    assert second.symbol == "02-KL/TU"
    assert make(kind="TB").number == 1  # another kind
    assert make(issuer_code="BTVTU").number == 1  # another issuer
    assert make(number=15).number == 15
    assert make().number == 16  # the highest plus one
    assert next_number("KL", "TU", term) == 17
    assert first.term == term
    assert first.version == 1


def test_a_new_term_restarts_at_01(org: Org, make: MakeDirective, term: Term) -> None:
    former = term_create(
        acting_user=None,
        committee=org.city,
        name="Nhiệm kỳ 2020 – 2025",
        starts_on=datetime.date(2020, 10, 15),
        ends_on=TERM_START - datetime.timedelta(days=1),
    )
    old = [make(issued_on=datetime.date(2025, 8, 1)), make(issued_on=datetime.date(2025, 9, 30))]
    assert [d.number for d in old] == [1, 2]
    assert {d.term for d in old} == {former}
    new = make(issued_on=TERM_START)
    assert (new.number, new.term) == (1, term)
    # The same number-symbol may exist once in each term.
    assert make(issued_on=datetime.date(2025, 9, 1), number=9).number == 9
    assert make(number=9).term == term


def test_the_term_is_that_of_the_nearest_committee(org: Org, term: Term) -> None:
    ward_term = term_create(
        acting_user=org.monitor, committee=org.phuxuan, name="Nhiệm kỳ 2025 – 2030", starts_on=START
    )
    assert term_for(org.phuxuan, DAY) == ward_term
    assert term_for(org.btc_dept, DAY) == term  # a department numbers in the committee's term
    assert term_for(org.city, datetime.date(2025, 9, 30)) is None


def test_duplicate_number_is_refused_naming_the_holder(make: MakeDirective) -> None:
    holder = make(number=15)
    with pytest.raises(ValidationFailed) as caught:
        make(number=15, summary="Một kết luận khác")
    error = caught.value
    assert error.code == "number_taken"
    assert error.message == (
        "Số 15-KL/TU đã được dùng cho kết luận “Kết luận hội nghị giao ban các cơ quan Đảng quý IV năm 2025” "
        "ban hành ngày 09/01/2026 (Nhiệm kỳ 2025 – 2030). Số tiếp theo còn trống là 16."
    )
    assert error.fields == {"number": error.message}
    assert Directive.objects.count() == 1
    # Editing another directive onto the number is refused too; keeping one's own number is fine.
    other = make()
    with pytest.raises(ValidationFailed, match="Số 15-KL/TU đã được dùng"):
        directive_update(
            acting_user=None, directive=other, expected_version=1, data=DirectiveInput.from_directive(other, number=15)
        )
    kept = directive_update(
        acting_user=None, directive=holder, expected_version=1, data=DirectiveInput.from_directive(holder)
    )
    assert kept.number == 15


def test_duplicate_from_a_race_is_caught_at_the_constraint(
    make: MakeDirective, monkeypatch: pytest.MonkeyPatch
) -> None:
    make(number=15)
    real_holder = services._holder
    calls: list[int] = []

    def blind_first_time(directive: Directive) -> Directive | None:
        # The other transaction commits between our check and our insert: the check sees nothing.
        calls.append(1)
        return None if len(calls) == 1 else real_holder(directive)

    monkeypatch.setattr(services, "_holder", blind_first_time)
    with pytest.raises(ValidationFailed, match=r"^Số 15-KL/TU đã được dùng cho kết luận") as caught:
        make(number=15)
    assert caught.value.code == "number_taken"
    assert len(calls) == 2
    assert Directive.objects.count() == 1  # the savepoint rolled back, the transaction stays usable


def test_other_integrity_errors_are_not_disguised(make: MakeDirective, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(services, "_holder", lambda directive: None)

    def broken_save(*args: object, **kwargs: object) -> None:
        raise IntegrityError("something else")

    monkeypatch.setattr(Directive, "save", broken_save)
    with pytest.raises(ValidationFailed, match="vừa được dùng cho một văn bản khác"):
        make()


def test_stale_edit_is_a_409_and_loses_nothing(org: Org, make: MakeDirective) -> None:
    directive = make()
    directive_update(
        acting_user=org.leader,
        directive=directive,
        expected_version=1,
        data=DirectiveInput.from_directive(directive, summary="Sửa bởi lãnh đạo"),
    )
    with pytest.raises(Conflict) as caught:
        directive_update(
            acting_user=org.monitor,
            directive=directive,
            expected_version=1,
            data=DirectiveInput.from_directive(directive, summary="Sửa từ bản cũ"),
        )
    assert caught.value.status == 409
    assert caught.value.code == "stale_version"
    assert caught.value.message == (
        "Văn bản này đã được sửa (thành phiên bản 2) sau khi bạn mở để sửa (phiên bản 1). "
        "Nội dung bạn nhập chưa được lưu."
    )
    directive.refresh_from_db()
    assert (directive.summary, directive.version) == ("Sửa bởi lãnh đạo", 2)


def test_edit_changes_fields_and_journals_before_and_after(org: Org, make: MakeDirective) -> None:
    directive = make(signer="Nguyễn Văn Bí, Bí thư Thành ủy")
    updated = directive_update(
        acting_user=org.monitor,
        directive=directive,
        expected_version=1,
        data=DirectiveInput.from_directive(directive, kind="TB", summary="  Thông báo   kết luận  ", number=None),
    )
    assert (updated.kind, updated.number, updated.version) == ("TB", 1, 2)
    assert updated.summary == "Thông báo kết luận"
    assert "so 01-tb/tu" in updated.search_text and "thong bao ket luan" in updated.search_text
    entry = AuditEntry.objects.order_by("-seq").first()
    assert entry is not None
    assert entry.action == "directive.update"
    assert entry.actor_id == org.monitor.pk
    assert entry.before is not None and entry.before["kind"] == "KL"
    assert entry.after is not None and entry.after["kind"] == "TB" and entry.after["version"] == 2
    assert audit_verify().ok


def test_registration_is_journalled(org: Org, make: MakeDirective) -> None:
    directive = make()
    entry = AuditEntry.objects.order_by("-seq").first()
    assert entry is not None
    assert (entry.action, entry.object_id, entry.unit_id_snapshot) == (
        "directive.create",
        str(directive.pk),
        org.city.pk,
    )
    assert entry.summary == "Đăng ký Kết luận số 01-KL/TU"
    assert entry.after is not None and entry.after["summary"] == directive.summary
    assert directive.created_by == org.monitor


@pytest.mark.parametrize("who", ["btc_head", "btc_officer", "inspector", "admin", "phuxuan_head"])
def test_only_the_office_and_leaders_register(org: Org, make: MakeDirective, who: str) -> None:
    with pytest.raises(PermissionDeniedError) as caught:
        make(acting_user=getattr(org, who))
    assert caught.value.status == 403
    assert "Chỉ Văn phòng (theo dõi, tổng hợp) và lãnh đạo" in caught.value.message
    assert not Directive.objects.exists()


def test_leaders_register_too(org: Org, make: MakeDirective) -> None:
    assert make(acting_user=org.leader).created_by == org.leader


def test_refused_before_looking_at_the_data(org: Org, make: MakeDirective) -> None:
    # An officer sending rubbish learns nothing but that they may not register.
    with pytest.raises(PermissionDeniedError):
        make(acting_user=org.btc_officer, issuing_unit_id=987654, summary=" ")


@pytest.mark.parametrize(
    ("fields", "field", "message"),
    [
        ({"summary": "   "}, "summary", "Trích yếu không được để trống."),
        ({"place": " "}, "place", "Địa danh không được để trống."),
        ({"kind": "XY"}, "kind", "“XY” không phải mã loại văn bản"),
        ({"issuer_code": "T U"}, "issuer_code", "Ký hiệu cơ quan ban hành “T U” không hợp lệ"),
        ({"number": 0}, "number", "Số văn bản phải từ 01"),
        ({"issued_on": TODAY + datetime.timedelta(days=1)}, "issued_on", "không được sau ngày hôm nay (02/03/2026)"),
        (
            {"issued_on": datetime.date(2025, 9, 30)},
            "issued_on",
            "Chưa khai báo nhiệm kỳ nào của cấp ủy bao gồm ngày 30/09/2025",
        ),
        ({"issuing_unit_id": 987654}, "issuing_unit_id", "Không tìm thấy cơ quan ban hành"),
        ({"parent_id": 987654}, "parent_id", "Không tìm thấy văn bản cấp trên"),
    ],
)
def test_invalid_input_is_refused_per_field(
    make: MakeDirective, fields: dict[str, object], field: str, message: str
) -> None:
    with pytest.raises(ValidationFailed) as caught:
        make(**fields)
    assert message in caught.value.fields[field]
    assert not Directive.objects.exists()


def test_issuing_unit_outside_the_committee_is_unknown(org: Org, make: MakeDirective) -> None:
    elsewhere = unit_create(
        acting_user=None, code="TU-KHAC", name="Tỉnh ủy khác", kind=UnitKind.COMMITTEE, parent=None, valid_from=START
    )
    with pytest.raises(ValidationFailed, match="Không tìm thấy cơ quan ban hành"):
        make(issuing_unit_id=elsewhere.pk)


def test_issuing_unit_must_be_active_on_the_date(org: Org, make: MakeDirective) -> None:
    units_merge(acting_user=None, predecessors=[org.ancuu], successor=org.phuxuan, on_date=datetime.date(2026, 1, 1))
    with pytest.raises(ValidationFailed, match="“Đảng ủy phường An Cựu” không hoạt động vào ngày 09/01/2026"):
        make(issuing_unit_id=org.ancuu.pk, issuer_code="DUPAC")
    before = make(issuing_unit_id=org.ancuu.pk, issuer_code="DUPAC", issued_on=datetime.date(2025, 12, 1))
    assert before.issuing_unit == org.ancuu


def test_directives_form_a_tree_without_cycles(make: MakeDirective) -> None:
    resolution = make(kind="NQ", summary="Nghị quyết Đại hội")
    program = make(kind="CTr", summary="Chương trình hành động", parent_id=resolution.pk)
    plan = make(kind="KH", summary="Kế hoạch", parent_id=program.pk)
    assert plan.parent == program and program.parent == resolution

    for parent in (plan, program):
        with pytest.raises(ValidationFailed) as caught:
            directive_update(
                acting_user=None,
                directive=resolution,
                expected_version=1,
                data=DirectiveInput.from_directive(resolution, parent_id=parent.pk),
            )
        assert "sẽ" not in caught.value.message
        assert "đang cụ thể hóa (trực tiếp hoặc gián tiếp) chính văn bản này" in caught.value.fields["parent_id"]
    with pytest.raises(ValidationFailed, match="không thể là văn bản cấp trên của chính nó"):
        directive_update(
            acting_user=None,
            directive=plan,
            expected_version=1,
            data=DirectiveInput.from_directive(plan, parent_id=plan.pk),
        )
    # Moving a plan under another branch is fine.
    other = make(kind="CTr", summary="Chương trình khác")
    moved = directive_update(
        acting_user=None,
        directive=plan,
        expected_version=1,
        data=DirectiveInput.from_directive(plan, parent_id=other.pk),
    )
    assert moved.parent == other


def test_tree_depth_is_bounded(make: MakeDirective, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(services, "MAX_TREE_DEPTH", 3)
    chain = [make(kind="KH", summary="Cấp 1")]
    for level in range(2, 4):
        chain.append(make(kind="KH", summary=f"Cấp {level}", parent_id=chain[-1].pk))
    with pytest.raises(ValidationFailed, match="không được sâu quá 3 cấp"):
        make(kind="KH", summary="Cấp 4", parent_id=chain[-1].pk)


def test_terms_do_not_overlap(org: Org, term: Term) -> None:
    with pytest.raises(ValidationFailed, match="Nhiệm kỳ trùng thời gian với “Nhiệm kỳ 2025 – 2030” của Thành ủy Huế"):
        term_create(acting_user=None, committee=org.city, name="Trùng", starts_on=datetime.date(2030, 1, 1))
    with pytest.raises(ValidationFailed, match="Ngày kết thúc nhiệm kỳ phải sau ngày bắt đầu"):
        term_create(
            acting_user=None,
            committee=org.phuxuan,
            name="Sai",
            starts_on=datetime.date(2025, 1, 2),
            ends_on=datetime.date(2025, 1, 1),
        )
    with pytest.raises(PermissionDeniedError):
        term_create(acting_user=org.btc_head, committee=org.phuxuan, name="X", starts_on=START)
    created = term_create(acting_user=org.admin, committee=org.phuxuan, name="Nhiệm kỳ 2025 – 2030", starts_on=START)
    assert AuditEntry.objects.filter(action="term.create", object_id=str(created.pk)).exists()


def test_system_registration_needs_no_person(org: Org, term: Term) -> None:
    directive = directive_create(
        acting_user=None,
        data=DirectiveInput(
            kind="QĐi", issuer_code="tu", issuing_unit_id=org.city.pk, issued_on=DAY, summary="Quy định"
        ),
    )
    assert directive.created_by is None
    assert directive.number_symbol == "Số 01-QĐi/TU"
