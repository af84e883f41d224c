"""A product is submitted with its files (issue 17): checked like every upload, journalled with their names, sizes
and SHA-256, shown to the authority beside "Duyệt" / "Trả lại" and downloaded only by who sees the task; the page
and the API tell each person the one step to take next; submitting below 100% or with an open obstacle asks for a
confirmation the server requires."""

from __future__ import annotations

import datetime
import hashlib
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from sauro.accounts.models import User
from sauro.accounts.services import api_token_create
from sauro.audit.models import AuditEntry
from sauro.common.errors import ValidationFailed
from sauro.common.uploads import ERR_FILE_CONTENT
from sauro.monitoring.services import obstacle_create, progress_update_create
from sauro.tasks import access, services
from sauro.tasks.choices import TaskState
from sauro.tasks.models import Submission, SubmissionFile, Task
from tests.conftest import Org

from .conftest import TODAY, Clock

ClientFor = Callable[[User], Client]
MakeDraft = Callable[..., Task]
PDF = b"%PDF-1.7\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"
PROGRAM = b"MZ\x90\x00\x03\x00\x00\x00" + b"\x00" * 64


@pytest.fixture(autouse=True)
def _media(settings: Any, tmp_path: Path) -> None:
    settings.MEDIA_ROOT = tmp_path / "media"


def pdf(name: str = "bao-cao.pdf", content: bytes = PDF) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type="application/pdf")


@pytest.fixture
def working(org: Org, make_draft: MakeDraft) -> Task:
    """A task accepted by the Ban's head, its officer assigned."""
    task = services.task_issue(acting_user=org.monitor, task=make_draft())
    return services.task_accept(acting_user=org.btc_head, task=task, officer_ids=[org.btc_officer.pk])


def at_percent(org: Org, task: Task, percent: int) -> Task:
    progress_update_create(acting_user=org.btc_officer, task=task, done="Đã rà soát danh sách.", percent=percent)
    task.refresh_from_db()
    return task


def api_client(user: User) -> Client:
    _, secret = api_token_create(acting_user=user, user=user)
    return Client(HTTP_AUTHORIZATION=f"Bearer {secret}")


def text_of(response: Any) -> str:
    import html

    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", response.content.decode())).split())


# --- the service ----------------------------------------------------------------------------------------------


def test_files_are_stored_and_journalled_with_name_size_and_sha256(org: Org, working: Task) -> None:
    task = at_percent(org, working, 100)
    annex = PDF + b"% phu luc\n"
    submission = services.task_submit(
        acting_user=org.btc_officer,
        task=task,
        product_note="Báo cáo số 15-BC/BTCTU",
        files=[pdf("bao-cao.pdf"), pdf("phu-luc.pdf", annex)],
        confirmed=False,  # nothing to confirm at 100% without an open obstacle
    )
    files = list(submission.files.all())
    assert [(f.original_name, f.size, f.content_type) for f in files] == [
        ("bao-cao.pdf", len(PDF), "application/pdf"),
        ("phu-luc.pdf", len(annex), "application/pdf"),
    ]
    assert files[0].file.read() == PDF
    entry = AuditEntry.objects.filter(action="task.submitted").latest("seq")
    assert entry.after is not None
    assert entry.after["tasks.submissionfile.original_name"] == [
        {"name": "bao-cao.pdf", "size": len(PDF), "sha256": hashlib.sha256(PDF).hexdigest()},
        {"name": "phu-luc.pdf", "size": len(annex), "sha256": hashlib.sha256(annex).hexdigest()},
    ]
    assert files[0].sha256 == hashlib.sha256(PDF).hexdigest()


def test_a_program_renamed_to_pdf_is_refused_in_vietnamese_and_nothing_is_submitted(org: Org, working: Task) -> None:
    with pytest.raises(ValidationFailed) as refused:
        services.task_submit(
            acting_user=org.btc_officer,
            task=working,
            product_note="Báo cáo",
            files=[pdf("bao-cao.pdf", PROGRAM)],
        )
    assert refused.value.message == str(ERR_FILE_CONTENT).format(name="bao-cao.pdf", label="PDF", ext=".pdf")
    assert refused.value.fields == {"file": refused.value.message}
    working.refresh_from_db()
    assert working.state == TaskState.IN_PROGRESS
    assert not Submission.objects.filter(task=working).exists()
    assert not SubmissionFile.objects.exists()


def test_below_100_percent_an_unconfirmed_submission_is_refused(org: Org, working: Task) -> None:
    task = at_percent(org, working, 40)
    assert access.submit_caveats(task) == ["tiến độ mới đạt 40%"]
    with pytest.raises(ValidationFailed) as refused:
        services.task_submit(acting_user=org.btc_officer, task=task, product_note="Báo cáo", confirmed=False)
    assert refused.value.code == "confirmation_required"
    assert refused.value.fields == {
        "confirm": "Nhiệm vụ có tiến độ mới đạt 40%: hãy đánh dấu ô xác nhận nếu vẫn gửi sản phẩm."
    }
    services.task_submit(acting_user=org.btc_officer, task=task, product_note="Báo cáo", confirmed=True)
    task.refresh_from_db()
    assert task.state == TaskState.SUBMITTED


def test_an_open_obstacle_asks_for_confirmation_even_at_100_percent(org: Org, working: Task) -> None:
    task = at_percent(org, working, 100)
    assert access.submit_caveats(task) == []
    obstacle_create(
        acting_user=org.btc_head,
        task=task,
        description="Chưa có hướng dẫn của Trung ương.",
        proposal="Đề nghị Thường trực cho ý kiến.",
        decider_unit_id=org.standing.pk,
    )
    assert access.submit_caveats(task) == ["còn 1 khó khăn, vướng mắc chưa được trả lời"]
    with pytest.raises(ValidationFailed):
        services.task_submit(acting_user=org.btc_officer, task=task, product_note="Báo cáo", confirmed=False)


def test_next_step_after_acceptance_on_submission_and_after_a_return(org: Org, working: Task, today: Clock) -> None:
    def step(user: User, task: Task) -> access.NextStep | None:
        task.refresh_from_db()
        names = access.allowed_actions(
            user, task, officer_ids={org.btc_officer.pk}, pending_extension=False, pending_reassignment=False
        ).names
        return access.next_step(
            user,
            task,
            actions=[*names, *access.other_actions(user, task)],
            submissions=list(task.submissions.all()),
            officer_ids={org.btc_officer.pk},
        )

    assert step(org.btc_officer, working) == access.NextStep("progress", "Nhiệm vụ đang thực hiện: cập nhật tiến độ.")
    services.task_submit(acting_user=org.btc_officer, task=working, product_note="Bản đầu")
    assert step(org.leader, working) == access.NextStep("approve", "Sản phẩm chờ anh/chị duyệt.")
    assert step(org.btc_officer, working) == access.NextStep(
        "", "Sản phẩm đã gửi ngày 02/03/2026, chờ cấp có thẩm quyền duyệt."
    )
    today.set(TODAY + datetime.timedelta(days=2))
    services.task_return(acting_user=org.leader, task=working, reason="Thiếu danh sách đề xuất")
    assert step(org.btc_officer, working) == access.NextStep(
        "submit", "Sản phẩm bị trả lại ngày 04/03/2026 — lý do: Thiếu danh sách đề xuất"
    )
    assert step(org.inspector, working) is None


# --- the pages --------------------------------------------------------------------------------------------------


def submit_post(client: Client, task: Task, **extra: Any) -> Any:
    data = {"submit-product_note": "Báo cáo số 15-BC/BTCTU", "submit-product_ref": "15-BC/BTCTU", **extra}
    return client.post(reverse("tasks:submit", args=[task.pk]), data)


def test_the_authority_sees_the_files_beside_approve_and_return_and_downloads_them(
    org: Org, working: Task, client_for: ClientFor
) -> None:
    task = at_percent(org, working, 100)
    response = submit_post(client_for(org.btc_officer), task, **{"submit-attachments": [pdf(), pdf("phu-luc.pdf")]})
    assert response.status_code == 302, response.content[:2000]
    stored = list(SubmissionFile.objects.order_by("id"))
    assert [f.original_name for f in stored] == ["bao-cao.pdf", "phu-luc.pdf"]

    markup = client_for(org.leader).get(reverse("tasks:detail", args=[task.pk])).content.decode()
    approve = markup[markup.index('id="thao-tac-approve"') :]
    approve = approve[: approve.index("</details>")]
    link = reverse("tasks:submission_file", args=[stored[0].pk])
    assert f'href="{link}"' in approve and "bao-cao.pdf" in approve and "phu-luc.pdf" in approve
    assert "Duyệt sản phẩm" in approve
    assert " open" in markup[markup.index('id="thao-tac-approve"') : markup.index('id="thao-tac-approve"') + 40]
    returned = markup[markup.index('id="thao-tac-return"') :]
    assert f'href="{link}"' in returned[: returned.index("</details>")]
    assert "Sản phẩm chờ anh/chị duyệt." in markup

    download = client_for(org.leader).get(link)
    assert download.status_code == 200
    assert b"".join(download.streaming_content) == PDF  # type: ignore[attr-defined]
    assert download["Content-Type"] == "application/pdf"
    assert "attachment" in download["Content-Disposition"]
    assert client_for(org.phuxuan_head).get(link).status_code == 404  # another unit's head: as if it did not exist
    assert client_for(org.ancuu_officer).get(link).status_code == 404
    anonymous = Client().get(link)
    assert anonymous.status_code == 302
    assert anonymous["Location"].startswith(reverse(settings.LOGIN_URL))


def test_a_bad_file_is_refused_on_the_page_with_the_reason(org: Org, working: Task, client_for: ClientFor) -> None:
    task = at_percent(org, working, 100)
    response = submit_post(client_for(org.btc_officer), task, **{"submit-attachments": [pdf("bao-cao.pdf", PROGRAM)]})
    assert response.status_code == 422
    assert "Nội dung tệp “bao-cao.pdf” không phải là PDF" in text_of(response)
    assert not Submission.objects.exists()


def test_at_40_percent_the_page_requires_the_confirmation(org: Org, working: Task, client_for: ClientFor) -> None:
    task = at_percent(org, working, 40)
    client = client_for(org.btc_officer)
    page = text_of(client.get(reverse("tasks:detail", args=[task.pk])))
    assert "Tôi xác nhận gửi sản phẩm khi tiến độ mới đạt 40%." in page
    assert "Việc cần làm tiếp: Nhiệm vụ đang thực hiện: cập nhật tiến độ." in page

    refused = submit_post(client, task)
    assert refused.status_code == 200  # the form's own error (the rule is checked before the service)
    assert "Nhiệm vụ có tiến độ mới đạt 40%: hãy đánh dấu ô xác nhận nếu vẫn gửi sản phẩm." in text_of(refused)
    assert not Submission.objects.exists()

    assert submit_post(client, task, **{"submit-confirm": "on"}).status_code == 302
    task.refresh_from_db()
    assert task.state == TaskState.SUBMITTED


def test_after_acceptance_the_page_opens_progress_and_a_return_shows_its_reason_beside_the_form(
    org: Org, working: Task, client_for: ClientFor
) -> None:
    client = client_for(org.btc_officer)
    url = reverse("tasks:detail", args=[working.pk])
    markup = client.get(url).content.decode()
    assert re.search(r'id="thao-tac-progress" open', markup)
    assert not re.search(r'id="thao-tac-submit" open', markup)

    services.task_submit(acting_user=org.btc_officer, task=working, product_note="Bản đầu", files=[pdf()])
    services.task_return(acting_user=org.leader, task=working, reason="Thiếu danh sách đề xuất")
    markup = client.get(url).content.decode()
    assert re.search(r'id="thao-tac-submit" open', markup)
    panel = markup[markup.index('id="thao-tac-submit"') :]
    panel = text_of_markup(panel[: panel.index("</details>")])
    assert "Sản phẩm bị trả lại ngày 02/03/2026 — lý do: Thiếu danh sách đề xuất" in panel
    assert "bao-cao.pdf" in panel


def text_of_markup(markup: str) -> str:
    import html

    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", markup)).split())


# --- the API ----------------------------------------------------------------------------------------------------


def test_the_api_takes_files_as_multipart_and_shows_them_with_the_next_step(org: Org, working: Task) -> None:
    task = at_percent(org, working, 100)
    url = f"/api/v1/tasks/{task.pk}"
    response = api_client(org.btc_officer).post(
        f"{url}/submit",
        {"product_note": "Báo cáo số 15-BC/BTCTU", "product_ref": "15-BC/BTCTU", "files": [pdf(), pdf("pl.pdf")]},
    )
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["state"] == "submitted"
    files = body["submissions"][0]["files"]
    assert [(f["name"], f["size"], f["sha256"]) for f in files] == [
        ("bao-cao.pdf", len(PDF), hashlib.sha256(PDF).hexdigest()),
        ("pl.pdf", len(PDF), hashlib.sha256(PDF).hexdigest()),
    ]
    leader = api_client(org.leader).get(url).json()
    assert leader["next_step"] == {"action": "approve", "message": "Sản phẩm chờ anh/chị duyệt."}
    assert leader["submissions"][0]["files"][0]["download_url"] == files[0]["download_url"]
    assert api_client(org.phuxuan_head).get(url).status_code == 404


def test_the_api_refuses_a_bad_file_and_an_explicitly_unconfirmed_submission(org: Org, working: Task) -> None:
    task = at_percent(org, working, 40)
    client = api_client(org.btc_officer)
    url = f"/api/v1/tasks/{task.pk}/submit"
    bad = client.post(url, {"product_note": "Báo cáo", "files": [pdf("x.pdf", PROGRAM)]})
    assert bad.status_code == 422
    assert bad.json()["fields"]["file"].startswith("Nội dung tệp “x.pdf” không phải là PDF")
    unconfirmed = client.post(url, {"product_note": "Báo cáo", "confirm": False}, content_type="application/json")
    assert unconfirmed.status_code == 422
    assert unconfirmed.json()["code"] == "confirmation_required"
    confirmed = client.post(url, {"product_note": "Báo cáo", "confirm": "true"})  # multipart, without files
    assert confirmed.status_code == 200, confirmed.content
    assert confirmed.json()["submissions"][0]["files"] == []
    other = client.post(url, "product_note=x", content_type="text/plain")
    assert other.status_code == 400
    assert other.json()["code"] == "invalid_json"
