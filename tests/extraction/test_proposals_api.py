"""The proposals API: read a directive's text into a stored run, read it back, create drafts; raw text without
storing. Errors in the common shape; another unit's directive a 404, whoever drafts no tasks a 403."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from sauro.directives.models import Directive
from sauro.directives.services import directive_attach_file
from sauro.extraction.models import ProposalRun
from sauro.tasks.models import Task
from tests.common.files import pdf_bytes
from tests.conftest import Org
from tests.extraction.proposals_setup import FIRST, SECOND, TEXT, directive, today  # noqa: F401

pytestmark = pytest.mark.django_db


def call(user: Any, method: str, path: str, body: Any = None) -> Any:
    client = Client()
    client.force_login(user)
    kwargs: dict[str, Any] = {}
    if body is not None:
        kwargs = {"data": json.dumps(body), "content_type": "application/json"}
    return getattr(client, method)(f"/api/v1{path}", **kwargs)


def test_a_run_is_stored_and_read_back_as_items_with_proposal_ids(org: Org, directive: Directive) -> None:  # noqa: F811
    response = call(org.monitor, "post", f"/directives/{directive.pk}/proposals", {"text": TEXT})
    assert response.status_code == 201, response.content
    run = response.json()
    assert run["source"] == "pasted" and run["directive_id"] == directive.pk
    sentences = [item["sentence"].strip(" .") for item in run["items"]]
    assert sentences == [FIRST, SECOND]
    task = run["items"][0]["tasks"][0]
    assert task["lead"] == {"id": org.btc.pk, "code": "BTCTU", "name": "Ban Tổ chức Thành ủy"}
    assert task["status"] == "open" and task["id"] > 0 and "person" in task["open_clears"]
    again = call(org.monitor, "get", f"/directives/{directive.pk}/proposals").json()
    assert again["run"]["id"] == run["id"] and again["run"]["items"] == run["items"]


def test_create_drafts_reports_each_proposal(org: Org, directive: Directive) -> None:  # noqa: F811
    text = f"Văn phòng Thành ủy theo dõi việc thực hiện. {FIRST}."
    call(org.monitor, "post", f"/directives/{directive.pk}/proposals", {"text": text})
    response = call(org.monitor, "post", f"/directives/{directive.pk}/proposals/create-drafts", {})
    assert response.status_code == 200
    result = response.json()
    [created] = result["created"]
    [failed] = result["failed"]
    task = Task.objects.get(pk=created["task_id"])
    assert task.directive_id == directive.pk and created["task_url"] == f"/nhiem-vu/{task.pk}/"
    assert failed["message"] and failed["code"]
    # The failed proposal stays open; the read shows which is which.
    statuses = {
        t["id"]: (t["status"], t["task_id"])
        for item in call(org.monitor, "get", f"/directives/{directive.pk}/proposals").json()["run"]["items"]
        for t in item["tasks"]
    }
    assert statuses[created["proposal_id"]] == ("created", task.pk)
    assert statuses[failed["proposal_id"]] == ("open", None)


def test_raw_text_is_read_without_storing(org: Org) -> None:
    response = call(org.btc_head, "post", "/extraction/proposals", {"text": TEXT, "ref_date": "2026-03-02"})
    assert response.status_code == 200
    items = response.json()["items"]
    assert [i["tasks"][0]["lead"]["name"] for i in items] == ["Ban Tổ chức Thành ủy", "Ủy ban Kiểm tra Thành ủy"]
    assert not ProposalRun.objects.exists()


def test_refusals_in_the_common_shape(org: Org, directive: Directive) -> None:  # noqa: F811
    forbidden = call(org.btc_officer, "post", f"/directives/{directive.pk}/proposals", {"text": TEXT})
    assert forbidden.status_code == 403 and set(forbidden.json()) == {"code", "message", "fields"}
    assert call(org.inspector, "post", "/extraction/proposals", {"text": TEXT}).status_code == 403
    assert call(org.monitor, "post", "/directives/999999/proposals", {"text": TEXT}).status_code == 404
    empty = call(org.monitor, "post", f"/directives/{directive.pk}/proposals", {})
    assert empty.status_code == 422 and "Hãy dán nội dung" in empty.json()["message"]
    scan = directive_attach_file(
        acting_user=org.monitor, directive=directive, upload=SimpleUploadedFile("scan.pdf", pdf_bytes())
    )
    scanned = call(org.monitor, "post", f"/directives/{directive.pk}/proposals", {"attachment_id": scan.pk})
    assert scanned.status_code == 400 and scanned.json()["code"] == "scanned_pdf"
    assert "bản quét" in scanned.json()["message"]


def test_another_units_run_is_not_shown(org: Org, directive: Directive) -> None:  # noqa: F811
    call(org.monitor, "post", f"/directives/{directive.pk}/proposals", {"text": TEXT})
    assert call(org.phuxuan_head, "get", f"/directives/{directive.pk}/proposals").json() == {"run": None}
