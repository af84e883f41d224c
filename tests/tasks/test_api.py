"""API of tasks: drafting, the six clears at issue, the whole lifecycle, requests to the authority, visibility
(404 on every endpoint), roles (403), states (409), the keyset walk and pinned query counts."""

from __future__ import annotations

import datetime
from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client
from pytest_django import DjangoAssertNumQueries

from sauro.accounts.models import User
from sauro.accounts.services import api_token_create
from sauro.tasks import rules, services
from sauro.tasks.choices import EventKind, RequestState, TaskState
from sauro.tasks.models import ExtensionRequest, ReassignmentRequest, Task
from tests.conftest import Org

from .conftest import TODAY, Clock

D = datetime.timedelta
MakeDraft = Callable[..., Task]

DETAIL_KEYS = {
    "id",
    "title",
    "content",
    "state",
    "reporting_state",
    "due_date",
    "original_due_date",
    "completed_on",
    "issued_on",
    "lead_unit_id",
    "coordinating_unit_ids",
    "responsible_person_id",
    "supervising_leader_id",
    "authority_unit_id",
    "directive_id",
    "parent_id",
    "product_kind",
    "product_description",
    "progress",
    "bounce_count",
    "extension_count",
    "classification",
    "version",
    "six_clears",
    "six_clears_missing",
    "warnings",
}


def api_client(user: User) -> Client:
    _, secret = api_token_create(acting_user=user, user=user)
    return Client(HTTP_AUTHORIZATION=f"Bearer {secret}")


def post(client: Client, url: str, body: dict[str, Any] | None = None) -> Any:
    return client.post(url, body or {}, content_type="application/json")


def patch(client: Client, url: str, body: dict[str, Any]) -> Any:
    return client.patch(url, body, content_type="application/json")


def body_of(org: Org, **overrides: Any) -> dict[str, Any]:
    """A complete POST /tasks body (the six clears hold), as an integrator would send it."""
    body: dict[str, Any] = {
        "title": "Rà soát, bổ sung quy hoạch cán bộ nhiệm kỳ 2025 – 2030",
        "content": (
            "Rà soát danh sách quy hoạch cán bộ diện Ban Thường vụ quản lý, đề xuất bổ sung, đưa ra khỏi quy hoạch."
        ),
        "lead_unit_id": org.btc.pk,
        "coordinating_unit_ids": [org.office.pk],
        "responsible_person_id": org.btc_head.pk,
        "supervising_leader_id": org.leader.pk,
        "due_date": (TODAY + D(days=30)).isoformat(),
        "product_kind": "report",
        "product_description": "Báo cáo kết quả rà soát kèm danh sách đề xuất",
        "authority_unit_id": org.standing.pk,
    }
    body.update(overrides)
    return body


def assert_error(response: Any, status: int, code: str, message: str | None = None) -> dict[str, Any]:
    assert response.status_code == status, response.content
    body = response.json()
    assert set(body) == {"code", "message", "fields"}
    assert body["code"] == code
    if message is not None:
        assert body["message"] == message
    return body


def assert_not_found(response: Any) -> None:
    assert_error(response, 404, "not_found", "Không tìm thấy.")
    assert response.json()["fields"] == {}


def issued(org: Org, make_draft: MakeDraft, **overrides: Any) -> Task:
    task = make_draft(**overrides)
    return services.task_issue(acting_user=org.monitor, task=task)


def items(client: Client, **params: Any) -> list[dict[str, Any]]:
    """Every page of /tasks, following next_cursor."""
    out: list[dict[str, Any]] = []
    cursor = None
    for _ in range(200):
        response = client.get("/api/v1/tasks", {**params, **({"cursor": cursor} if cursor else {})})
        assert response.status_code == 200, response.content
        page = response.json()
        out.extend(page["items"])
        cursor = page["next_cursor"]
        if cursor is None:
            return out
    raise AssertionError("pagination does not end")


# --- drafting ---------------------------------------------------------------------------------------------------


def test_a_draft_with_only_a_title_names_every_gap(org: Org, today: Clock) -> None:
    response = post(api_client(org.monitor), "/api/v1/tasks", {"title": "Cụ thể hóa Nghị quyết Đại hội"})
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["state"] == "draft"
    assert body["version"] == 1
    assert body["owner_unit_id"] == org.office.pk
    assert body["six_clears"] == dict.fromkeys(rules.CLEAR_NAMES, False)
    assert body["six_clears_missing"]["authority"] == rules.ERR_AUTHORITY_MISSING
    assert body["six_clears_missing"]["time"] == rules.ERR_DUE_MISSING
    assert set(body["six_clears_missing"]) == set(rules.CLEAR_NAMES)
    assert isinstance(body["warnings"], list)
    assert set(body) >= DETAIL_KEYS


def test_a_complete_draft_is_clear_and_warns_on_vague_content(org: Org, today: Clock) -> None:
    client = api_client(org.monitor)
    body = post(client, "/api/v1/tasks", body_of(org)).json()
    assert body["six_clears"] == dict.fromkeys(rules.CLEAR_NAMES, True)
    assert body["six_clears_missing"] == {}
    assert body["warnings"] == []
    assert body["coordinating_unit_ids"] == [org.office.pk]
    vague = post(client, "/api/v1/tasks", body_of(org, content="Tiếp tục tăng cường.")).json()
    assert any("chung chung" in warning for warning in vague["warnings"])


@pytest.mark.parametrize(
    ("who", "unit"),
    [("monitor", "office"), ("leader", "standing"), ("btc_head", "btc"), ("phuxuan_head", "phuxuan")],
)
def test_the_owner_unit_is_the_first_unit_the_caller_drafts_for(org: Org, today: Clock, who: str, unit: str) -> None:
    response = post(api_client(getattr(org, who)), "/api/v1/tasks", {"title": "Việc cần giao"})
    assert response.status_code == 201, response.content
    assert response.json()["owner_unit_id"] == getattr(org, unit).pk


@pytest.mark.parametrize("who", ["btc_officer", "inspector", "admin"])
def test_someone_who_drafts_for_no_unit_gets_403(org: Org, today: Clock, who: str) -> None:
    response = post(api_client(getattr(org, who)), "/api/v1/tasks", {"title": "Việc cần giao"})
    body = assert_error(response, 403, "forbidden")
    assert "không có quyền soạn nhiệm vụ" in body["message"]
    assert not Task.objects.exists()


@pytest.mark.parametrize("value", ["top_secret", "tuyet_mat", "Mật"])
def test_tuyet_mat_is_refused_with_its_own_message(org: Org, today: Clock, value: str) -> None:
    response = post(api_client(org.monitor), "/api/v1/tasks", {"title": "Việc mật", "classification": value})
    body = assert_error(response, 422, "validation_error")
    assert "tuyệt mật" in body["message"]
    assert "tuyệt mật" in body["fields"]["classification"]
    assert not Task.objects.exists()


def test_a_secret_draft_is_kept(org: Org, today: Clock) -> None:
    body = {"title": "Việc mật", "classification": "secret", "cleared_person_ids": [org.leader.pk]}
    response = post(api_client(org.monitor), "/api/v1/tasks", body)
    assert response.status_code == 201, response.content
    assert response.json()["classification"] == "secret"
    assert response.json()["version"] == 1


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"title": "   "}, "title"),
        ({}, "title"),
        ({"title": "x" * 301}, "title"),
        ({"title": "Việc", "due_date": "1999-12-31"}, "due_date"),
        ({"title": "Việc", "due_date": "31/12/2026"}, "due_date"),
        ({"title": "Việc", "product_kind": "bao_cao"}, "product_kind"),
        ({"title": "Việc", "lead_unit_id": 0}, "lead_unit_id"),
        ({"title": "Việc", "coordinating_unit_ids": "1"}, "coordinating_unit_ids"),
        ({"title": "Việc\x00"}, "title"),
    ],
)
def test_bad_bodies_are_422_in_vietnamese(org: Org, today: Clock, body: dict[str, Any], field: str) -> None:
    response = post(api_client(org.monitor), "/api/v1/tasks", body)
    result = assert_error(response, 422, "validation_error")
    assert field in result["fields"], result


def test_references_outside_the_callers_view_are_404_naming_the_field(org: Org, today: Clock) -> None:
    client = api_client(org.phuxuan_head)
    response = post(client, "/api/v1/tasks", {"title": "Việc của phường", "coordinating_unit_ids": [org.ancuu.pk]})
    body = assert_error(response, 404, "not_found")
    assert body["fields"] == {"coordinating_unit_ids": "Không tìm thấy đơn vị đã chọn."}
    response = post(client, "/api/v1/tasks", {"title": "Việc", "responsible_person_id": org.ancuu_head.pk})
    assert assert_error(response, 404, "not_found")["fields"] == {
        "responsible_person_id": "Không tìm thấy người đã chọn."
    }
    response = post(client, "/api/v1/tasks", {"title": "Việc", "directive_id": 987654})
    assert set(assert_error(response, 404, "not_found")["fields"]) == {"directive_id"}
    assert not Task.objects.exists()


def test_a_subtask_belongs_to_the_parents_lead_unit(org: Org, make_draft: MakeDraft) -> None:
    parent = issued(org, make_draft)
    client = api_client(org.btc_head)
    stopped = issued(org, make_draft)
    services.task_cancel(acting_user=org.leader, task=stopped, reason="Không còn cần thiết")
    response = post(client, "/api/v1/tasks", {"title": "Phần việc của phòng", "parent_id": stopped.pk})
    body = assert_error(response, 409, "wrong_state")
    assert set(body["fields"]) == {"parent_id"}
    response = post(
        client,
        "/api/v1/tasks",
        {"title": "Phần việc của phòng", "parent_id": parent.pk, "lead_unit_id": org.btc_dept.pk},
    )
    assert response.status_code == 201, response.content
    sub = response.json()
    assert sub["parent_id"] == parent.pk
    assert sub["owner_unit_id"] == org.btc.pk
    assert sub["authority_unit_id"] == org.btc.pk  # the parent's lead unit accepts the sub-task's product
    # A parent the caller cannot see is a 404 like one that does not exist.
    response = post(api_client(org.phuxuan_head), "/api/v1/tasks", {"title": "Việc", "parent_id": parent.pk})
    assert assert_error(response, 404, "not_found")["fields"] == {"parent_id": "Không tìm thấy nhiệm vụ cha."}


# --- editing a draft --------------------------------------------------------------------------------------------


def test_patch_changes_only_the_fields_given(org: Org, make_draft: MakeDraft) -> None:
    task = make_draft(authority_unit=None)
    client = api_client(org.monitor)
    response = patch(client, f"/api/v1/tasks/{task.pk}", {"authority_unit_id": org.standing.pk, "version": 1})
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["authority_unit_id"] == org.standing.pk
    assert body["six_clears"]["authority"] is True
    assert body["version"] == 2
    assert body["title"] == task.title
    assert body["coordinating_unit_ids"] == [org.office.pk]
    # Null clears a field that may be empty.
    body = patch(
        client, f"/api/v1/tasks/{task.pk}", {"due_date": None, "coordinating_unit_ids": [], "version": 2}
    ).json()
    assert body["due_date"] is None
    assert body["coordinating_unit_ids"] == []
    assert body["six_clears"]["time"] is False
    assert body["version"] == 3


def test_a_stale_patch_is_409_and_changes_nothing(org: Org, make_draft: MakeDraft) -> None:
    task = make_draft()
    client = api_client(org.monitor)
    assert patch(client, f"/api/v1/tasks/{task.pk}", {"title": "Tên mới", "version": 1}).status_code == 200
    response = patch(client, f"/api/v1/tasks/{task.pk}", {"title": "Tên cũ hơn", "version": 1})
    assert_error(response, 409, "stale_version", services.ERR_STALE)
    task.refresh_from_db()
    assert task.title == "Tên mới"
    assert task.version == 2


def test_a_patch_without_version_is_422_and_changes_nothing(org: Org, make_draft: MakeDraft) -> None:
    # Issue 16: a PATCH without the version it was based on would overwrite whatever another person saved since.
    task = make_draft()
    client = api_client(org.monitor)
    response = patch(client, f"/api/v1/tasks/{task.pk}", {"title": "Ghi đè"})
    body = assert_error(response, 422, "validation_error")
    assert body["fields"] == {"version": "Trường này là bắt buộc."}
    assert patch(client, f"/api/v1/tasks/{task.pk}", {"title": "Ghi đè", "version": None}).status_code == 422
    task.refresh_from_db()
    assert (task.title, task.version) == ("Rà soát, bổ sung quy hoạch cán bộ nhiệm kỳ 2025 – 2030", 1)
    assert patch(client, f"/api/v1/tasks/{task.pk}", {"title": "Đúng bản", "version": 1}).status_code == 200
    stale = patch(client, f"/api/v1/tasks/{task.pk}", {"title": "Bản cũ", "version": 1})
    assert_error(stale, 409, "stale_version")


def test_patch_refuses_null_where_a_field_cannot_be_empty(org: Org, make_draft: MakeDraft) -> None:
    task = make_draft()
    response = patch(
        api_client(org.monitor), f"/api/v1/tasks/{task.pk}", {"title": None, "is_ongoing": None, "version": 1}
    )
    body = assert_error(response, 422, "validation_error")
    assert set(body["fields"]) == {"title", "is_ongoing"}
    response = patch(
        api_client(org.monitor), f"/api/v1/tasks/{task.pk}", {"classification": "top_secret", "version": 1}
    )
    assert "tuyệt mật" in assert_error(response, 422, "validation_error")["message"]


def test_only_drafts_are_patched_and_only_by_their_drafters(org: Org, make_draft: MakeDraft) -> None:
    task = make_draft()
    response = patch(api_client(org.btc_head), f"/api/v1/tasks/{task.pk}", {"title": "Khác", "version": 1})
    assert_not_found(response)  # a draft of Văn phòng is not the lead unit's yet
    services.task_issue(acting_user=org.monitor, task=task)
    response = patch(api_client(org.monitor), f"/api/v1/tasks/{task.pk}", {"title": "Khác", "version": 2})
    assert_error(response, 409, "not_a_draft", services.ERR_NOT_A_DRAFT)
    response = patch(api_client(org.btc_head), f"/api/v1/tasks/{task.pk}", {"title": "Khác", "version": 2})
    assert_error(response, 409, "not_a_draft")


# --- issuing: the six clears ------------------------------------------------------------------------------------


def test_issue_without_an_authority_is_422_naming_it(org: Org, make_draft: MakeDraft) -> None:
    task = make_draft(authority_unit=None)
    response = post(api_client(org.monitor), f"/api/v1/tasks/{task.pk}/issue")
    body = assert_error(response, 422, "six_clears_incomplete", services.ERR_SIX_CLEARS)
    assert body["fields"] == {"authority": rules.ERR_AUTHORITY_MISSING}
    task.refresh_from_db()
    assert task.state == TaskState.DRAFT


def test_issue_names_every_missing_clear_in_vietnamese(org: Org, today: Clock) -> None:
    client = api_client(org.monitor)
    task_id = post(client, "/api/v1/tasks", {"title": "Chỉ có tên"}).json()["id"]
    body = assert_error(post(client, f"/api/v1/tasks/{task_id}/issue"), 422, "six_clears_incomplete")
    assert set(body["fields"]) == set(rules.CLEAR_NAMES)
    assert body["fields"]["person"] == rules.ERR_PERSON_MISSING
    assert body["fields"]["product"] == rules.ERR_PRODUCT_KIND_MISSING


def test_issue_checks_the_version_when_given(org: Org, make_draft: MakeDraft) -> None:
    task = make_draft()
    client = api_client(org.monitor)
    assert_error(post(client, f"/api/v1/tasks/{task.pk}/issue", {"version": 7}), 409, "stale_version")
    response = post(client, f"/api/v1/tasks/{task.pk}/issue", {"version": 1})
    assert response.status_code == 200, response.content
    assert response.json()["state"] == "issued"
    assert_error(post(client, f"/api/v1/tasks/{task.pk}/issue"), 409, "wrong_state")


# --- the lifecycle ----------------------------------------------------------------------------------------------


def test_the_full_lifecycle_over_the_api(org: Org, make_draft: MakeDraft, today: Clock) -> None:
    office, btc, officer, leader = (api_client(u) for u in (org.monitor, org.btc_head, org.btc_officer, org.leader))
    created = post(office, "/api/v1/tasks", body_of(org))
    assert created.status_code == 201, created.content
    task_id = created.json()["id"]
    url = f"/api/v1/tasks/{task_id}"

    issued_body = post(office, f"{url}/issue").json()
    assert issued_body["state"] == "issued"
    assert issued_body["issued_on"] == TODAY.isoformat()
    assert issued_body["original_due_date"] == (TODAY + D(days=30)).isoformat()
    assert issued_body["reporting_state"] == "open_on_time"

    # The body of accept is optional: no body at all …
    other = issued(org, make_draft)
    response = btc.generic("POST", f"/api/v1/tasks/{other.pk}/accept")
    assert response.status_code == 200, response.content
    assert response.json()["state"] == "in_progress"
    # … or officers of the lead unit.
    accepted = post(btc, f"{url}/accept", {"officer_ids": [org.btc_officer.pk]}).json()
    assert accepted["state"] == "in_progress"
    assert accepted["officer_ids"] == [org.btc_officer.pk]

    today.set(TODAY + D(days=10))
    submitted = post(officer, f"{url}/submit", {"product_note": "Báo cáo số 12-BC/BTCTU", "product_ref": "12-BC/BTCTU"})
    assert submitted.status_code == 200, submitted.content
    assert submitted.json()["state"] == "submitted"

    today.set(TODAY + D(days=40))  # approved after the due date by "Thường trực Thành ủy" …
    approved = post(leader, f"{url}/approve", {"note": "Đồng ý"})
    assert approved.status_code == 200, approved.content
    done = approved.json()
    assert done["state"] == "done"
    assert done["progress"] == 100
    # … but completed on the day the product was submitted: on time.
    assert done["completed_on"] == (TODAY + D(days=10)).isoformat()
    assert done["reporting_state"] == "done_on_time"

    # Approving twice: the second finds the task already done.
    assert_error(post(leader, f"{url}/approve"), 409, "wrong_state")

    detail = leader.get(url).json()
    assert set(detail) >= DETAIL_KEYS
    assert detail == {**done, "updated_at": detail["updated_at"]}
    assert detail["lead_unit_id"] == org.btc.pk
    assert detail["authority_unit_id"] == org.standing.pk
    assert detail["responsible_person_id"] == org.btc_head.pk
    assert detail["supervising_leader_id"] == org.leader.pk
    assert detail["six_clears"] == dict.fromkeys(rules.CLEAR_NAMES, True)

    events = leader.get(f"{url}/events").json()
    assert [e["kind"] for e in events] == [
        EventKind.CREATED,
        EventKind.ISSUED,
        EventKind.ACCEPTED,
        EventKind.SUBMITTED,
        EventKind.APPROVED,
    ]
    assert events[1]["from_state"] == "draft"
    assert events[1]["to_state"] == "issued"
    assert events[3]["actor_id"] == org.btc_officer.pk
    assert events[3]["actor_name"] == "Phạm Thị Chuyên"
    assert events[3]["note"] == "Báo cáo số 12-BC/BTCTU"
    assert events[0]["kind_label"] == "Tạo dự thảo"


def test_return_then_resubmit_then_cancel(org: Org, make_draft: MakeDraft) -> None:
    task = issued(org, make_draft)
    btc, leader = api_client(org.btc_head), api_client(org.leader)
    url = f"/api/v1/tasks/{task.pk}"
    post(btc, f"{url}/accept")
    post(btc, f"{url}/submit", {"product_note": "Bản đầu"})
    body = assert_error(post(leader, f"{url}/return", {"reason": " "}), 422, "validation_error")
    assert "reason" in body["fields"]
    returned = post(leader, f"{url}/return", {"reason": "Thiếu danh sách đề xuất"}).json()
    assert returned["state"] == "returned"
    assert returned["bounce_count"] == 1
    assert returned["completed_on"] is None
    assert post(btc, f"{url}/submit", {"product_note": "Bản hoàn chỉnh"}).json()["state"] == "submitted"
    # Only the authority stops a task, with a reason.
    response = post(btc, f"{url}/cancel", {"reason": "Không cần nữa"})
    assert_error(response, 403, "forbidden", services.ERR_NOT_AUTHORITY)
    cancelled = post(leader, f"{url}/cancel", {"reason": "Nội dung đã được lồng ghép vào nhiệm vụ khác"}).json()
    assert cancelled["state"] == "cancelled"
    assert cancelled["reporting_state"] is None
    assert_error(post(leader, f"{url}/cancel", {"reason": "Lần nữa"}), 409, "wrong_state")


def test_wrong_role_on_a_visible_task_is_403_with_the_services_message(org: Org, make_draft: MakeDraft) -> None:
    task = issued(org, make_draft)
    url = f"/api/v1/tasks/{task.pk}"
    inspector = api_client(org.inspector)
    assert inspector.get(url).status_code == 200  # committee-wide: sees every task
    assert_error(post(inspector, f"{url}/accept"), 403, "forbidden", services.ERR_NOT_LEAD_HEAD)
    # The drafter who is not the lead unit's head: 403 too.
    assert_error(post(api_client(org.monitor), f"{url}/accept"), 403, "forbidden", services.ERR_NOT_LEAD_HEAD)
    post(api_client(org.btc_head), f"{url}/accept")
    post(api_client(org.btc_head), f"{url}/submit", {"product_note": "Báo cáo"})
    for outsider in (org.monitor, org.btc_head):
        assert_error(post(api_client(outsider), f"{url}/approve"), 403, "forbidden", services.ERR_NOT_AUTHORITY)


def test_wrong_state_is_409(org: Org, make_draft: MakeDraft) -> None:
    task = make_draft()
    url = f"/api/v1/tasks/{task.pk}"
    monitor = api_client(org.monitor)
    assert_error(post(monitor, f"{url}/submit", {"product_note": "Sớm quá"}), 409, "wrong_state")
    assert_error(post(monitor, f"{url}/approve"), 409, "wrong_state")
    services.task_issue(acting_user=org.monitor, task=task)
    body = assert_error(post(api_client(org.leader), f"{url}/approve"), 409, "wrong_state")
    assert "Đã giao" in body["message"]


def test_officers_must_belong_to_the_lead_unit(org: Org, make_draft: MakeDraft) -> None:
    task = issued(org, make_draft)
    response = post(
        api_client(org.btc_head), f"/api/v1/tasks/{task.pk}/accept", {"officer_ids": [org.ancuu_officer.pk]}
    )
    body = assert_error(response, 422, "validation_error")
    assert set(body["fields"]) == {"officer_ids"}
    task.refresh_from_db()
    assert task.state == TaskState.ISSUED


# --- requests to the authority ----------------------------------------------------------------------------------


def test_extension_request_and_decision(org: Org, make_draft: MakeDraft) -> None:
    task = issued(org, make_draft)
    btc, leader = api_client(org.btc_head), api_client(org.leader)
    url = f"/api/v1/tasks/{task.pk}/extension-requests"
    new_due = (TODAY + D(days=60)).isoformat()
    too_early = post(btc, url, {"new_due_date": (TODAY + D(days=5)).isoformat(), "reason": "Chậm"})
    assert "new_due_date" in assert_error(too_early, 422, "validation_error")["fields"]
    response = post(btc, url, {"new_due_date": new_due, "reason": "Chờ ý kiến của các huyện ủy"})
    assert response.status_code == 201, response.content
    request = response.json()
    assert request["state"] == "pending"
    assert request["current_due_date"] == (TODAY + D(days=30)).isoformat()
    assert request["new_due_date"] == new_due
    assert_error(post(btc, url, {"new_due_date": new_due, "reason": "Lần nữa"}), 409, "request_pending")
    assert [r["id"] for r in btc.get(url).json()] == [request["id"]]

    decide = f"/api/v1/extension-requests/{request['id']}/decide"
    assert_error(post(btc, decide, {"approve": True}), 403, "forbidden", services.ERR_NOT_AUTHORITY)
    decided = post(leader, decide, {"approve": True, "note": "Đồng ý gia hạn"})
    assert decided.status_code == 200, decided.content
    assert decided.json()["state"] == RequestState.APPROVED
    assert decided.json()["decided_by_id"] == org.leader.pk
    detail = leader.get(f"/api/v1/tasks/{task.pk}").json()
    assert detail["due_date"] == new_due
    assert detail["original_due_date"] == (TODAY + D(days=30)).isoformat()
    assert detail["extension_count"] == 1
    assert_error(post(leader, decide, {"approve": False}), 409, "request_decided")


def test_reassignment_request_and_decision(org: Org, make_draft: MakeDraft) -> None:
    task = issued(org, make_draft)
    btc, leader = api_client(org.btc_head), api_client(org.leader)
    url = f"/api/v1/tasks/{task.pk}/reassignment-requests"
    response = post(btc, url, {"proposed_unit_id": org.ubkt.pk, "reason": "Thuộc chức năng của Ủy ban Kiểm tra"})
    assert response.status_code == 201, response.content
    request = response.json()
    assert request["from_unit_id"] == org.btc.pk
    assert request["proposed_unit_id"] == org.ubkt.pk
    assert [r["id"] for r in leader.get(url).json()] == [request["id"]]
    decided = post(leader, f"/api/v1/reassignment-requests/{request['id']}/decide", {"approve": True})
    assert decided.status_code == 200, decided.content
    assert decided.json()["state"] == "approved"
    detail = leader.get(f"/api/v1/tasks/{task.pk}").json()
    assert detail["lead_unit_id"] == org.ubkt.pk
    assert detail["state"] == "issued"
    assert detail["bounce_count"] == 1
    assert detail["responsible_person_id"] is None
    assert detail["six_clears"]["person"] is False


# --- visibility: 404 on every endpoint --------------------------------------------------------------------------


def test_another_units_task_is_404_on_every_endpoint(org: Org, make_draft: MakeDraft) -> None:
    task = issued(org, make_draft)
    services.task_accept(acting_user=org.btc_head, task=task)
    extension = services.extension_request_create(
        acting_user=org.btc_head, task=task, new_due_date=TODAY + D(days=90), reason="Cần thêm thời gian"
    )
    reassignment = services.reassignment_request_create(
        acting_user=org.btc_head, task=task, proposed_unit_id=org.ubkt.pk, reason="Không đúng chức năng"
    )
    outsider = api_client(org.phuxuan_head)
    url = f"/api/v1/tasks/{task.pk}"
    before = Task.objects.get(pk=task.pk).version

    for path in ("", "/events", "/extension-requests", "/reassignment-requests"):
        assert_not_found(outsider.get(f"{url}{path}"))
    assert_not_found(patch(outsider, url, {"title": "Của tôi", "version": before}))
    calls: list[tuple[str, dict[str, Any]]] = [
        (f"{url}/issue", {}),
        (f"{url}/accept", {}),
        (f"{url}/submit", {"product_note": "Sản phẩm"}),
        (f"{url}/approve", {}),
        (f"{url}/return", {"reason": "Chưa đạt"}),
        (f"{url}/cancel", {"reason": "Dừng"}),
        (f"{url}/extension-requests", {"new_due_date": (TODAY + D(days=99)).isoformat(), "reason": "Gia hạn"}),
        (f"{url}/reassignment-requests", {"proposed_unit_id": org.phuxuan.pk, "reason": "Chuyển"}),
        (f"/api/v1/extension-requests/{extension.pk}/decide", {"approve": True}),
        (f"/api/v1/reassignment-requests/{reassignment.pk}/decide", {"approve": True}),
    ]
    for path, body in calls:
        assert_not_found(post(outsider, path, body))
    # Not in the list either; nothing changed.
    assert items(outsider) == []
    assert Task.objects.get(pk=task.pk).version == before
    assert ExtensionRequest.objects.get(pk=extension.pk).state == RequestState.PENDING
    assert ReassignmentRequest.objects.get(pk=reassignment.pk).state == RequestState.PENDING
    # Ids that exist nowhere look exactly the same.
    assert_not_found(outsider.get("/api/v1/tasks/987654"))
    assert_not_found(post(outsider, "/api/v1/extension-requests/987654/decide", {"approve": True}))
    assert_not_found(post(outsider, "/api/v1/reassignment-requests/987654/decide", {"approve": True}))
    # The same task is visible to the lead unit's head, over a browser session too.
    session = Client()
    session.force_login(org.btc_head)
    assert session.get(url).json()["id"] == task.pk


def test_a_draft_is_invisible_outside_the_drafting_unit(org: Org, make_draft: MakeDraft) -> None:
    task = make_draft()
    assert_not_found(api_client(org.btc_head).get(f"/api/v1/tasks/{task.pk}"))
    assert_not_found(post(api_client(org.btc_head), f"/api/v1/tasks/{task.pk}/issue"))
    assert api_client(org.leader).get(f"/api/v1/tasks/{task.pk}").status_code == 200


def test_unauthenticated_calls_are_401(org: Org, make_draft: MakeDraft) -> None:
    task = make_draft()
    assert_error(Client().get(f"/api/v1/tasks/{task.pk}"), 401, "unauthenticated")
    assert_error(post(Client(), "/api/v1/tasks", {"title": "Việc"}), 401, "unauthenticated")


# --- the list ---------------------------------------------------------------------------------------------------


def test_paging_through_every_task_returns_each_exactly_once_in_order(org: Org, make_draft: MakeDraft) -> None:
    dues = [TODAY + D(days=d) for d in (30, 10, 10, 45, 10, 30)] + [None, None, None]
    tasks = [make_draft(title=f"Nhiệm vụ {i}", due_date=due) for i, due in enumerate(dues)]
    client = api_client(org.monitor)
    expected = sorted(tasks, key=lambda t: (t.due_date is None, t.due_date or TODAY, t.pk))
    for limit in (1, 2, 4, 100):
        walked = items(client, limit=limit)
        assert [t["id"] for t in walked] == [t.pk for t in expected], limit
    # Rows added while walking after the current position still show up, none twice.
    first = client.get("/api/v1/tasks", {"limit": 3}).json()
    late = make_draft(title="Nhiệm vụ thêm", due_date=TODAY + D(days=50))
    rest = items(client, limit=3, cursor=first["next_cursor"])
    ids = [t["id"] for t in first["items"] + rest]
    assert len(ids) == len(set(ids)) == len(tasks) + 1
    assert late.pk in ids


def test_a_forged_cursor_is_422(org: Org, today: Clock) -> None:
    response = api_client(org.monitor).get("/api/v1/tasks", {"cursor": "khong-hop-le"})
    assert set(assert_error(response, 422, "validation_error")["fields"]) == {"cursor"}


def test_list_filters(org: Org, make_draft: MakeDraft, today: Clock) -> None:
    overdue = issued(org, make_draft, title="Quy hoạch cán bộ", due_date=TODAY + D(days=5))
    on_time = issued(org, make_draft, title="Kiểm tra đảng viên", due_date=TODAY + D(days=40))
    ward = issued(
        org,
        make_draft,
        title="Chỉnh trang đô thị",
        lead_unit=org.phuxuan.pk,
        responsible_person=org.phuxuan_head.pk,
        coordinating_units=[],
        due_date=TODAY + D(days=40),
    )
    draft = make_draft(title="Dự thảo chưa giao", due_date=None)
    services.task_accept(acting_user=org.btc_head, task=on_time, officer_ids=[org.btc_officer.pk])
    today.set(TODAY + D(days=10))
    client = api_client(org.monitor)

    def ids(**params: Any) -> set[int]:
        return {t["id"] for t in items(client, **params)}

    assert ids() == {overdue.pk, on_time.pk, ward.pk, draft.pk}
    assert ids(q="kiem tra dang vien") == {on_time.pk}
    assert ids(q="Chỉnh trang") == {ward.pk}
    assert ids(lead_unit_id=org.btc.pk) == {overdue.pk, on_time.pk, draft.pk}
    assert ids(unit_id=org.city.pk) == {overdue.pk, on_time.pk, ward.pk, draft.pk}
    assert ids(unit_id=org.phuxuan.pk) == {ward.pk}
    assert ids(state="draft") == {draft.pk}
    assert ids(state=["draft", "issued"]) == {overdue.pk, ward.pk, draft.pk}
    assert ids(state="in_progress") == {on_time.pk}
    assert ids(reporting_state="open_overdue") == {overdue.pk}
    assert ids(reporting_state=["open_on_time", "open_overdue"]) == {overdue.pk, on_time.pk, ward.pk}
    assert ids(reporting_state="open_on_time", as_of=TODAY.isoformat()) == {overdue.pk, on_time.pk, ward.pk}
    assert ids(due_before=(TODAY + D(days=6)).isoformat()) == {overdue.pk}
    assert ids(due_after=(TODAY + D(days=6)).isoformat()) == {on_time.pk, ward.pk}
    assert ids(responsible_person_id=org.phuxuan_head.pk) == {ward.pk}
    assert ids(officer_id=org.btc_officer.pk) == {on_time.pk}
    assert ids(officer_id=org.btc_head.pk, limit=1) == {overdue.pk, on_time.pk, draft.pk}
    assert ids(parent_id=on_time.pk) == set()
    # The ward sees its own task only.
    assert {t["id"] for t in items(api_client(org.phuxuan_head))} == {ward.pk}
    row = next(t for t in items(client) if t["id"] == overdue.pk)
    assert row["reporting_state"] == "open_overdue"
    assert row["coordinating_unit_ids"] == [org.office.pk]
    assert "six_clears" not in row


@pytest.mark.parametrize(
    ("params", "field"),
    [({"state": "xong"}, "state"), ({"due_before": "hom-nay"}, "due_before"), ({"as_of": "0"}, "as_of")],
)
def test_bad_list_filters_are_422(org: Org, today: Clock, params: dict[str, str], field: str) -> None:
    response = api_client(org.monitor).get("/api/v1/tasks", params)
    fields = assert_error(response, 422, "validation_error")["fields"]
    assert [name.split(".")[0] for name in fields] == [field]


@pytest.mark.parametrize("size", [3, 15])
def test_the_list_runs_a_fixed_number_of_queries(
    org: Org, make_draft: MakeDraft, django_assert_max_num_queries: DjangoAssertNumQueries, size: int
) -> None:
    for i in range(size):
        task = issued(org, make_draft, title=f"Nhiệm vụ {i}", coordinating_units=[org.office.pk, org.ubkt.pk])
        services.task_accept(acting_user=org.btc_head, task=task, officer_ids=[org.btc_officer.pk])
    client = api_client(org.leader)
    client.get("/api/v1/tasks")  # the token's last use is written once a minute: not part of the count
    with django_assert_max_num_queries(6):  # + every unit's path (the task gate's subtrees as ids)
        response = client.get("/api/v1/tasks", {"limit": 100})
    page = response.json()
    assert len(page["items"]) == size
    assert all(t["coordinating_unit_ids"] == sorted([org.office.pk, org.ubkt.pk]) for t in page["items"])
    assert all(t["officer_ids"] == [org.btc_officer.pk] for t in page["items"])


@pytest.mark.parametrize("body", ['"Một chuỗi"', "[1, 2]", "12", "null"])
def test_a_body_that_is_not_a_json_object_is_422(org: Org, make_draft: MakeDraft, body: str) -> None:
    task = make_draft()
    client = api_client(org.monitor)
    response = client.post("/api/v1/tasks", body, content_type="application/json")
    assert set(assert_error(response, 422, "validation_error")["fields"]) == {"body"}
    response = client.post(f"/api/v1/tasks/{task.pk}/issue", '"Một chuỗi"', content_type="application/json")
    assert set(assert_error(response, 422, "validation_error")["fields"]) == {"body"}
    assert Task.objects.count() == 1
