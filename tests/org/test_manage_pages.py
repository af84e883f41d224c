"""The office's organisation pages: restructuring with a preview (rename, move, merge), memberships and roles, and
committee terms — each through its service, journalled, and refused to everyone but Văn phòng and the administrator."""

from __future__ import annotations

import datetime
from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from sauro.accounts.models import User
from sauro.audit.models import AuditEntry
from sauro.directives.models import Term
from sauro.directives.services import term_create
from sauro.org.models import Membership, Unit, UnitName
from sauro.org.services import ERR_MERGE_DATE
from sauro.programs.models import WorkProgramItem
from sauro.programs.services import ItemInput, item_create, program_create
from sauro.reports.models import ReportDuty
from sauro.reports.services import reports_generate
from sauro.tasks.models import Task
from sauro.tasks.services import task_create, task_issue
from tests.conftest import Org
from tests.tasks.conftest import TODAY, complete_fields

ClientFor = Callable[[User], Client]
D = datetime.date


def page(response: Any) -> str:
    return response.content.decode()


@pytest.fixture
def ward_work(org: Org, today: Any) -> dict[str, Any]:
    """Phú Xuân's open work: a task it leads, an item of its 2026 program, its pending report duties."""
    draft = task_create(
        acting_user=org.monitor,
        owner_unit=org.office,
        fields=complete_fields(
            org,
            title="Giải quyết kiến nghị của cử tri phường Phú Xuân",
            lead_unit=org.phuxuan.pk,
            coordinating_units=[],
            responsible_person=org.phuxuan_head.pk,
        ),
    )
    task = task_issue(acting_user=org.monitor, task=draft)
    program = program_create(acting_user=org.phuxuan_head, unit_id=org.phuxuan.pk, year=2026)
    item = item_create(
        acting_user=org.phuxuan_head,
        program=program,
        data=ItemInput(key="1", content="Chỉnh trang khu phố văn minh", month=4, lead_unit_id=org.phuxuan.pk),
    )
    reports_generate(as_of=TODAY)
    duties = list(ReportDuty.objects.filter(unit=org.phuxuan, state="pending"))
    assert duties
    return {"task": task, "item": item, "duties": duties}


def merge_body(org: Org, **extra: str) -> dict[str, Any]:
    return {"predecessors": [org.phuxuan.pk], "successor": org.ancuu.pk, "on_date": TODAY.isoformat(), **extra}


# --- merge: preview, then confirm ------------------------------------------------------------------------------


def test_merge_preview_lists_everything_that_moves_and_changes_nothing(
    org: Org, ward_work: dict[str, Any], client_for: ClientFor
) -> None:
    entries = AuditEntry.objects.count()
    response = client_for(org.monitor).post(reverse("org:units_merge"), merge_body(org))
    assert response.status_code == 200
    html = page(response)
    assert "Xem trước" in html and "Xác nhận" in html
    # the person, the task, the program item and each report duty, by name, with their counts
    assert "Võ Văn Phú" in html
    assert "Giải quyết kiến nghị của cử tri phường Phú Xuân" in html
    assert "Chỉnh trang khu phố văn minh" in html
    for duty in ward_work["duties"]:
        assert str(duty) in html
    assert 'data-preview-group="Nhiệm vụ đang thực hiện và dự thảo"' in html
    total = 1 + 1 + 1 + len(ward_work["duties"])  # membership, task, item, duties
    assert f"<strong data-preview-total>{total}</strong>" in html
    # the confirm form carries the same values
    assert 'name="confirm" value="1"' in html
    assert f'name="predecessors" value="{org.phuxuan.pk}"' in html
    # nothing changed
    assert AuditEntry.objects.count() == entries
    assert Unit.objects.get(pk=org.phuxuan.pk).valid_to is None
    assert Task.objects.get(pk=ward_work["task"].pk).lead_unit_id == org.phuxuan.pk
    assert WorkProgramItem.objects.get(pk=ward_work["item"].pk).lead_unit_id == org.phuxuan.pk
    assert ReportDuty.objects.filter(unit=org.phuxuan, state="pending").count() == len(ward_work["duties"])


def test_merge_confirm_moves_people_tasks_items_and_duties(
    org: Org, ward_work: dict[str, Any], client_for: ClientFor
) -> None:
    client = client_for(org.monitor)
    response = client.post(reverse("org:units_merge"), merge_body(org, confirm="1"))
    assert response.status_code == 302
    assert response["Location"] == reverse("org:unit_detail", args=[org.ancuu.pk])
    old = Unit.objects.get(pk=org.phuxuan.pk)
    assert (old.valid_to, old.successor_id) == (TODAY - datetime.timedelta(days=1), org.ancuu.pk)
    assert Task.objects.get(pk=ward_work["task"].pk).lead_unit_id == org.ancuu.pk
    assert WorkProgramItem.objects.get(pk=ward_work["item"].pk).lead_unit_id == org.ancuu.pk
    assert not ReportDuty.objects.filter(unit=org.phuxuan, state="pending").exists()
    assert Membership.objects.active_on(TODAY).filter(person=org.phuxuan_head, unit=org.ancuu).exists()
    actions = set(AuditEntry.objects.filter(actor=org.monitor).values_list("action", flat=True))
    assert {"unit.merge", "membership.transfer", "workprogramitem.unit_succeeded"} <= actions
    detail = page(client.get(response["Location"]))
    assert "Đã sáp nhập “Đảng ủy phường Phú Xuân” vào “Đảng ủy phường An Cựu”." in detail


def test_merge_confirm_checks_the_inputs_again(org: Org, ward_work: dict[str, Any], client_for: ClientFor) -> None:
    too_early = merge_body(org, confirm="1", on_date=org.START.isoformat())
    response = client_for(org.monitor).post(reverse("org:units_merge"), too_early)
    assert response.status_code == 422
    assert ERR_MERGE_DATE in page(response)
    assert Unit.objects.get(pk=org.phuxuan.pk).valid_to is None
    into_itself = merge_body(org, successor=str(org.phuxuan.pk))
    response = client_for(org.monitor).post(reverse("org:units_merge"), into_itself)
    assert response.status_code == 422
    assert "Đơn vị kế thừa không được là một trong các đơn vị bị sáp nhập." in page(response)


@pytest.mark.parametrize("who", ["btc_head", "phuxuan_head", "inspector", "leader", "btc_officer"])
def test_only_the_office_and_the_administrator_restructure(
    org: Org, today: Any, client_for: ClientFor, who: str
) -> None:
    client = client_for(getattr(org, who))
    assert client.get(reverse("org:units_merge")).status_code == 403
    assert client.post(reverse("org:units_merge"), merge_body(org, confirm="1")).status_code == 403
    assert Unit.objects.get(pk=org.phuxuan.pk).valid_to is None
    for name in ("org:unit_rename", "org:unit_move", "org:unit_staff"):
        assert client.get(reverse(name, args=[org.ancuu.pk])).status_code in (403, 404)


def test_the_administrator_may_restructure_too(org: Org, today: Any, client_for: ClientFor) -> None:
    assert client_for(org.admin).get(reverse("org:units_merge")).status_code == 200


# --- rename and move ---------------------------------------------------------------------------------------------


def test_rename_preview_then_confirm(org: Org, today: Any, client_for: ClientFor) -> None:
    client = client_for(org.monitor)
    url = reverse("org:unit_rename", args=[org.ancuu.pk])
    body = {"name": "Đảng ủy phường An Cựu mới", "on_date": TODAY.isoformat()}
    preview = client.post(url, body)
    assert preview.status_code == 200
    assert "Đảng ủy phường An Cựu mới" in page(preview) and 'name="confirm"' in page(preview)
    assert Unit.objects.get(pk=org.ancuu.pk).name == "Đảng ủy phường An Cựu"
    done = client.post(url, {**body, "confirm": "1"})
    assert done.status_code == 302
    assert Unit.objects.get(pk=org.ancuu.pk).name == "Đảng ủy phường An Cựu mới"
    former = UnitName.objects.get(unit=org.ancuu)
    assert (former.name, former.valid_to) == ("Đảng ủy phường An Cựu", TODAY - datetime.timedelta(days=1))
    assert AuditEntry.objects.filter(action="unit.rename", actor=org.monitor).count() == 1
    again = client.post(url, {**body, "confirm": "1"})
    assert again.status_code == 422 and "Tên mới trùng tên hiện tại." in page(again)


def test_move_preview_lists_the_subtree_then_confirm(org: Org, today: Any, client_for: ClientFor) -> None:
    client = client_for(org.monitor)
    url = reverse("org:unit_move", args=[org.btc_dept.pk])
    preview = client.post(url, {"parent": org.office.pk})
    assert preview.status_code == 200
    assert "Phòng Tổ chức cán bộ" in page(preview) and "Văn phòng Thành ủy" in page(preview)
    assert Unit.objects.get(pk=org.btc_dept.pk).parent_id == org.btc.pk
    assert client.post(url, {"parent": org.office.pk, "confirm": "1"}).status_code == 302
    moved = Unit.objects.get(pk=org.btc_dept.pk)
    assert (moved.parent_id, moved.path) == (org.office.pk, f"{org.office.path}{moved.pk}/")
    # a unit cannot go under itself: not even offered
    own = client.post(reverse("org:unit_move", args=[org.btc.pk]), {"parent": org.btc.pk})
    assert own.status_code == 422


# --- memberships and roles --------------------------------------------------------------------------------------


def test_add_change_and_end_a_membership(org: Org, today: Any, client_for: ClientFor) -> None:
    client = client_for(org.monitor)
    staff = reverse("org:unit_staff", args=[org.ancuu.pk])
    assert "Bùi Văn Cựu" in page(client.get(staff))
    added = client.post(
        staff,
        {
            "person": org.btc_officer.pk,
            "role": "officer",
            "position": "Chuyên viên",
            "valid_from": TODAY.isoformat(),
            "valid_to": "",
        },
    )
    assert added.status_code == 302
    m = Membership.objects.get(person=org.btc_officer, unit=org.ancuu)
    assert (m.role, m.valid_from, m.valid_to) == ("officer", TODAY, None)

    later = TODAY + datetime.timedelta(days=10)
    changed = client.post(
        reverse("org:membership_change", args=[m.pk]),
        {"role": "unit_head", "position": "Phó Bí thư", "on_date": later.isoformat()},
    )
    assert changed.status_code == 302
    m.refresh_from_db()
    assert m.valid_to == later - datetime.timedelta(days=1)
    new = Membership.objects.get(person=org.btc_officer, unit=org.ancuu, role="unit_head")
    assert (new.valid_from, new.position) == (later, "Phó Bí thư")

    end = later + datetime.timedelta(days=30)
    ended = client.post(reverse("org:membership_end", args=[new.pk]), {"valid_to": end.isoformat()})
    assert ended.status_code == 302
    new.refresh_from_db()
    assert new.valid_to == end
    actions = list(AuditEntry.objects.filter(actor=org.monitor).values_list("action", flat=True))
    assert actions.count("membership.create") == 1
    assert actions.count("membership.change") == 1
    assert actions.count("membership.end") == 1


def test_membership_form_errors_are_shown_in_vietnamese(org: Org, today: Any, client_for: ClientFor) -> None:
    client = client_for(org.monitor)
    staff = reverse("org:unit_staff", args=[org.ancuu.pk])
    body = {"person": org.ancuu_head.pk, "role": "unit_head", "valid_from": TODAY.isoformat()}
    twice = client.post(staff, body)
    assert twice.status_code == 422
    assert "Đặng Thị An đã giữ vai trò “Lãnh đạo đơn vị” tại Đảng ủy phường An Cựu" in page(twice)
    backwards = client.post(
        staff, {**body, "person": org.btc_officer.pk, "valid_to": (TODAY - datetime.timedelta(days=1)).isoformat()}
    )
    assert backwards.status_code == 422 and "Ngày kết thúc phải bằng hoặc sau ngày bắt đầu." in page(backwards)


def test_memberships_of_an_unseen_unit_are_404_and_others_may_not_write(
    org: Org, today: Any, client_for: ClientFor
) -> None:
    m = Membership.objects.get(person=org.btc_head, unit=org.btc)
    assert client_for(org.phuxuan_head).get(reverse("org:membership_end", args=[m.pk])).status_code == 404
    assert (
        client_for(org.btc_head)
        .post(reverse("org:membership_end", args=[m.pk]), {"valid_to": "2026-03-02"})
        .status_code
        == 403
    )
    assert Membership.objects.get(pk=m.pk).valid_to is None


# --- terms ------------------------------------------------------------------------------------------------------


def test_terms_list_create_and_close(org: Org, today: Any, client_for: ClientFor) -> None:
    term_create(acting_user=None, committee=org.city, name="Nhiệm kỳ 2020 – 2025", starts_on=D(2020, 10, 1))
    client = client_for(org.monitor)
    listing = page(client.get(reverse("directives:terms")))
    assert "Nhiệm kỳ 2020 – 2025" in listing and "đang diễn ra" in listing
    old = Term.objects.get()
    overlap = client.post(
        reverse("directives:terms"),
        {"committee": org.city.pk, "name": "Nhiệm kỳ 2025 – 2030", "starts_on": "2025-10-01"},
    )
    assert overlap.status_code == 422
    assert "Nhiệm kỳ trùng thời gian với “Nhiệm kỳ 2020 – 2025” của Thành ủy Huế." in page(overlap)
    closed = client.post(reverse("directives:term_close", args=[old.pk]), {"ends_on": "2025-09-30"})
    assert closed.status_code == 302
    assert Term.objects.get(pk=old.pk).ends_on == D(2025, 9, 30)
    created = client.post(
        reverse("directives:terms"),
        {"committee": org.city.pk, "name": "Nhiệm kỳ 2025 – 2030", "starts_on": "2025-10-01"},
    )
    assert created.status_code == 302
    assert Term.objects.filter(committee=org.city).count() == 2
    assert {"term.create", "term.close"} <= set(
        AuditEntry.objects.filter(actor=org.monitor).values_list("action", flat=True)
    )
    for who in (org.btc_head, org.inspector, org.leader):
        assert client_for(who).get(reverse("directives:terms")).status_code == 403
        assert (
            client_for(who).post(reverse("directives:term_close", args=[old.pk]), {"ends_on": "2025-09-30"}).status_code
            == 403
        )


# --- the services behind the pages ------------------------------------------------------------------------------


def test_the_services_refuse_everyone_but_the_office_and_the_administrator(org: Org, today: Any) -> None:
    from sauro.common.errors import PermissionDeniedError
    from sauro.org import services

    m = Membership.objects.get(person=org.ancuu_officer, unit=org.ancuu)
    for who in (org.btc_head, org.leader, org.inspector):
        with pytest.raises(PermissionDeniedError):
            services.unit_rename(acting_user=who, unit=org.ancuu, new_name="Tên khác", on_date=TODAY)
        with pytest.raises(PermissionDeniedError):
            services.units_merge(acting_user=who, predecessors=[org.ancuu], successor=org.phuxuan, on_date=TODAY)
        with pytest.raises(PermissionDeniedError):
            services.membership_change(acting_user=who, membership=m, role="unit_head", position="", on_date=TODAY)
    services.membership_change(acting_user=org.admin, membership=m, role="unit_head", position="", on_date=TODAY)


def test_a_role_change_keeps_history_and_refuses_what_makes_no_sense(org: Org, today: Any) -> None:
    from sauro.common.errors import ValidationFailed
    from sauro.org import services

    m = Membership.objects.get(person=org.ancuu_officer, unit=org.ancuu)
    with pytest.raises(ValidationFailed, match="trùng với hiện tại"):
        services.membership_change(acting_user=org.monitor, membership=m, role=m.role, position="", on_date=TODAY)
    with pytest.raises(ValidationFailed, match="phải sau ngày bắt đầu"):
        services.membership_change(
            acting_user=org.monitor, membership=m, role="unit_head", position="", on_date=m.valid_from
        )
    new = services.membership_change(
        acting_user=org.monitor, membership=m, role="unit_head", position="Phó Bí thư", on_date=TODAY
    )
    m.refresh_from_db()
    assert (m.role, m.valid_to) == ("officer", TODAY - datetime.timedelta(days=1))
    assert (new.role, new.valid_from, new.valid_to) == ("unit_head", TODAY, None)
    entry = AuditEntry.objects.get(action="membership.change")
    assert entry.summary == f"Bùi Văn Cựu: Chuyên viên → Lãnh đạo đơn vị từ ngày {TODAY:%d/%m/%Y}"


def test_the_merge_preview_counts_what_each_app_moves(org: Org, ward_work: dict[str, Any]) -> None:
    from sauro.org.selectors import merge_preview

    preview = merge_preview(predecessors=[org.phuxuan], on_date=TODAY)
    counts = {g.label: g.count for g in preview.groups}
    assert counts == {
        "Nhiệm vụ đang thực hiện và dự thảo": 1,
        "Mục chương trình công tác": 1,
        "Nghĩa vụ báo cáo chưa gửi": len(ward_work["duties"]),
    }
    assert [m.person for m in preview.memberships] == [org.phuxuan_head]
