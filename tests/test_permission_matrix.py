"""Who may open every page and call every API operation: a matrix generated from the URL conf and the OpenAPI
document, so a new page or operation without a row fails here ("new endpoint without a row").

Each row gives the expected status for five actors on one object of the miniature Huế (``tests.conftest.Org``):

- ``anon``: nobody logged in — pages redirect to the login page (302), the API answers 401;
- ``officer``: ``org.btc_officer``, officer of Ban Tổ chức's department (and of Văn phòng), assigned to the Ban's
  tasks: sees the Ban's work and may do what workers do, nothing more;
- ``other``: ``org.phuxuan_head``, head of a ward with no part in the Ban's work: another unit's data is a 404, as
  if it did not exist (PRODUCT §2, docs/architecture.md "Visibility gate");
- ``inspector``: Ủy ban Kiểm tra, read-only over everything (PRODUCT §2): pages that read are a 200, every write a
  403 (drafts are not "everything": they belong to the drafting unit until issued);
- ``right``: the person who may do it (named per row).

Expected statuses are exact for a refusal (302 to the login, 401, 403, 404, 405) and ``OK`` for the gate passed
(200, 201, 204, 302, or a 400/409/422 of the service's own checks): the matrix checks the gate, not validation.
Writes are sent with a minimal valid body so that the gate is what decides, and each request runs in a savepoint
rolled back afterwards, so every row meets the same objects in the same state.
"""

from __future__ import annotations

import datetime
import json
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone

from sauro.accounts.models import ApiToken, User
from sauro.accounts.services import api_token_create
from sauro.common import clock
from sauro.directives.models import Directive, DirectiveAttachment
from sauro.directives.services import DirectiveInput, directive_attach_file, directive_create, term_create
from sauro.discussions.models import Comment, CommentFile
from sauro.discussions.services import comment_post
from sauro.extraction.models import Proposal
from sauro.extraction.services import proposals_extract
from sauro.meetings.models import Meeting
from sauro.meetings.services import MeetingInput, meeting_create
from sauro.monitoring.models import Obstacle, ProgressAttachment
from sauro.monitoring.services import obstacle_create, progress_update_create
from sauro.notifications.choices import EmailState, NotificationKind
from sauro.notifications.models import Notification
from sauro.petitions.models import HotSpot, Letter, Reception, ReceptionDay
from sauro.petitions.services import (
    LetterInput,
    ReceptionDayInput,
    ReceptionInput,
    letter_create,
    reception_create,
    reception_day_create,
)
from sauro.programs.models import WorkProgram, WorkProgramItem
from sauro.programs.services import ItemInput, item_create, program_create
from sauro.reports.choices import ReportKind
from sauro.reports.models import ReportDuty, ReportRegime, ReportSubmission
from sauro.reports.services import report_submit, reports_generate
from sauro.tasks.models import ExtensionRequest, ReassignmentRequest, SubmissionFile, Task
from sauro.tasks.services import (
    extension_request_create,
    reassignment_request_create,
    task_accept,
    task_issue,
    task_submit,
)
from tests.conftest import PASSWORD, Org
from tests.tasks.conftest import TODAY, complete_fields

PDF = b"%PDF-1.7\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"
OK = "ok"
PASSED = {200, 201, 204, 302, 400, 409, 422}
ACTORS = ("anon", "officer", "other", "inspector", "right")
Expected = int | str


# --- the objects every row is about ----------------------------------------------------------------------------


@dataclass
class World:
    """One of everything a path parameter names, all of Ban Tổ chức's work (none of Phú Xuân's)."""

    org: Org
    draft: Task  # drafted by Văn phòng, lead unit Ban Tổ chức
    issued: Task  # issued to Ban Tổ chức, not yet accepted
    in_progress: Task  # accepted by the Ban's head, the Ban's officer assigned
    submitted: Task  # its product awaits Thường trực's decision
    extension: ExtensionRequest  # pending, on a task in progress
    reassignment: ReassignmentRequest  # pending, on a task in progress
    obstacle: Obstacle  # raised by the Ban's head to Thường trực, unanswered
    progress_file: ProgressAttachment
    submission_file: SubmissionFile  # the file of the submitted task's product
    directive: Directive
    directive_file: DirectiveAttachment
    proposal: Proposal  # proposed from the directive's text by Văn phòng (its run belongs to Văn phòng)
    program: WorkProgram  # Ban Tổ chức's 2026 program
    item: WorkProgramItem
    duty: ReportDuty  # Ban Tổ chức's quarterly report duty
    report_file: ReportSubmission
    notification: Notification  # addressed to the Ban's head
    token: ApiToken  # the Ban's head's
    comment: Comment  # the Ban's head's, on the task in progress
    comment_file: CommentFile
    meeting: Meeting  # Ban Tổ chức's briefing, registered by its head, no conclusion yet
    letter: Letter  # received by Văn phòng (the Ban's officer is also an officer there), not yet decided
    reception: Reception  # a visit to Văn phòng's reception office
    reception_day: ReceptionDay  # the city Secretary's reception day, planned
    hotspot: HotSpot  # a hot spot on Văn phòng's letter (issue 19 point 7)


def build_world(org: Org) -> World:
    def draft(**overrides: Any) -> Task:
        return task_create_for(org, **overrides)

    def issue(**overrides: Any) -> Task:
        return task_issue(acting_user=org.monitor, task=draft(**overrides))

    def start(**overrides: Any) -> Task:
        return task_accept(acting_user=org.btc_head, task=issue(**overrides), officer_ids=[org.btc_officer.pk])

    in_progress = start(title="Rà soát quy hoạch cán bộ")
    submitted_task = start(title="Tổng hợp danh sách cán bộ")
    submission = task_submit(
        acting_user=org.btc_officer,
        task=submitted_task,
        product_note="Danh sách cán bộ",
        files=[SimpleUploadedFile("danh-sach.pdf", PDF)],
    )
    extension = extension_request_create(
        acting_user=org.btc_officer,
        task=start(title="Kiện toàn tổ chức bộ máy"),
        new_due_date=TODAY + datetime.timedelta(days=60),
        reason="Chờ hướng dẫn của Trung ương.",
    )
    reassignment = reassignment_request_create(
        acting_user=org.btc_head,
        task=start(title="Tuyên truyền nghị quyết"),
        proposed_unit_id=org.ubkt.pk,
        reason="Thuộc chức năng của Ủy ban Kiểm tra.",
    )
    obstacle = obstacle_create(
        acting_user=org.btc_head,
        task=start(title="Sắp xếp đơn vị hành chính"),
        description="Chưa có hướng dẫn về tiêu chuẩn mới.",
        proposal="Đề nghị cho áp dụng tiêu chuẩn hiện hành.",
        decider_unit_id=org.standing.pk,
    )
    update = progress_update_create(
        acting_user=org.btc_officer,
        task=in_progress,
        done="Đã rà soát xong danh sách.",
        percent=40,
        files=[SimpleUploadedFile("tien-do.pdf", PDF)],
    )
    term_create(acting_user=None, committee=org.city, name="Nhiệm kỳ 2025 – 2030", starts_on=datetime.date(2025, 10, 1))
    directive = directive_create(
        acting_user=org.monitor,
        data=DirectiveInput(
            kind="KL",
            issuer_code="TU",
            issuing_unit_id=org.city.pk,
            issued_on=datetime.date(2026, 1, 9),
            summary="Kết luận hội nghị giao ban các cơ quan Đảng",
        ),
    )
    directive_file = directive_attach_file(
        acting_user=org.monitor, directive=directive, upload=SimpleUploadedFile("kl.pdf", PDF)
    )
    proposal = proposals_extract(
        acting_user=org.monitor, directive=directive, text="Ban Tổ chức Thành ủy rà soát quy hoạch cán bộ."
    ).proposals.get()
    program = program_create(acting_user=org.btc_head, unit_id=org.btc.pk, year=2026)
    item = item_create(
        acting_user=org.btc_head, program=program, data=ItemInput(key="1", content="Rà soát quy hoạch", month=3)
    )
    ReportRegime.objects.exclude(kind=ReportKind.QUARTERLY).update(active=False)
    reports_generate(as_of=TODAY)
    duty = ReportDuty.objects.get(unit=org.btc, kind=ReportKind.QUARTERLY, period_key="2026Q1")
    report_file = report_submit(acting_user=org.btc_head, duty=duty, upload=SimpleUploadedFile("bc.pdf", PDF))
    duty.refresh_from_db()
    notification = Notification.objects.create(
        recipient=org.btc_head,
        kind=NotificationKind.TASK_ISSUED,
        title="Nhiệm vụ mới",
        url=f"/nhiem-vu/{in_progress.pk}/",
        created_at=clock.now(),
        email_state=EmailState.NOT_NEEDED,
    )
    token, _ = api_token_create(acting_user=org.btc_head, user=org.btc_head, name="Một cửa")
    comment = comment_post(
        acting_user=org.btc_head,
        task=in_progress,
        body="Đề nghị bổ sung danh sách.",
        files=[SimpleUploadedFile("danh-sach.pdf", PDF)],
    )
    return World(
        org=org,
        token=token,
        draft=draft(title="Dự thảo chưa giao"),
        issued=issue(title="Đã giao, chờ tiếp nhận"),
        in_progress=Task.objects.get(pk=in_progress.pk),
        submitted=Task.objects.get(pk=submitted_task.pk),
        extension=extension,
        reassignment=reassignment,
        obstacle=obstacle,
        progress_file=update.attachments.get(),
        submission_file=submission.files.get(),
        directive=directive,
        directive_file=directive_file,
        proposal=proposal,
        program=program,
        item=item,
        duty=duty,
        report_file=report_file,
        notification=notification,
        comment=comment,
        comment_file=comment.files.get(),
        meeting=meeting_create(acting_user=org.btc_head, data=MeetingInput(**meeting_body(org))),
        letter=letter_create(acting_user=org.monitor, data=LetterInput(**letter_body(org))),
        reception=reception_create(acting_user=org.monitor, data=ReceptionInput(**reception_body(org))),
        reception_day=reception_day_create(
            acting_user=org.monitor, data=ReceptionDayInput(unit_id=org.city.pk, leader_id=org.leader.pk, day=TODAY)
        ),
        hotspot=_hotspot_on(Letter.objects.latest("pk")),
    )


def _hotspot_on(letter: Letter) -> HotSpot:
    """A hot spot resting on ``letter`` (as the scan stores one; its notification is not what is tested here)."""
    now = timezone.now()
    spot = HotSpot.objects.create(
        key=f"complex:L{letter.pk}", reason="complex", topic=letter.topic, raised_on=now.date(), raised_at=now
    )
    spot.letters.set([letter])
    return spot


def letter_body(org: Org, received_on: Any = datetime.date(2026, 2, 26)) -> dict[str, Any]:
    """A kiến nghị received by Văn phòng by post."""
    return {
        "unit_id": org.office.pk,
        "source": "post",
        "signer_kind": "one",
        "signer_name": "Nguyễn Thị Lành",
        "kind": "kien_nghi",
        "topic": "land",
        "summary": "Kiến nghị xem xét việc cấp giấy chứng nhận quyền sử dụng đất.",
        "received_on": received_on,
    }


def letter_form(w: World) -> dict[str, Any]:
    body = letter_body(w.org, received_on="26/02/2026")
    return {**body, "unit": body.pop("unit_id"), "signer_count": 1, "complexity": "normal"}


def reception_body(org: Org, received_on: Any = datetime.date(2026, 2, 26)) -> dict[str, Any]:
    """A visit to Văn phòng's reception office."""
    return {
        "unit_id": org.office.pk,
        "received_on": received_on,
        "receiver_kind": "office",
        "citizen_name": "Trần Văn Hòa",
        "summary": "Đề nghị giải quyết việc bồi thường khi thu hồi đất.",
        "kind": "khieu_nai_1",
        "guidance": "guided",
    }


def reception_form(w: World) -> dict[str, Any]:
    body = reception_body(w.org, received_on="26/02/2026")
    return {**body, "unit": body.pop("unit_id"), "people_count": 1, "competence": "unclear"}


def meeting_body(org: Org, held_on: Any = datetime.date(2026, 2, 10)) -> dict[str, Any]:
    """A meeting of Ban Tổ chức, chaired by its head."""
    return {
        "kind": "briefing",
        "title": "Giao ban công tác tổ chức",
        "held_on": held_on,
        "host_unit_id": org.btc.pk,
        "chair_id": org.btc_head.pk,
        "duration_minutes": 60,
        "attendees": 12,
    }


def meeting_form(w: World) -> dict[str, Any]:
    body = meeting_body(w.org, held_on="10/02/2026")
    return {
        "kind": body["kind"],
        "title": body["title"],
        "held_on": body["held_on"],
        "host_unit": body["host_unit_id"],
        "chair": body["chair_id"],
        "duration_minutes": body["duration_minutes"],
        "attendees": body["attendees"],
    }


def task_create_for(org: Org, **overrides: Any) -> Task:
    from sauro.tasks.services import task_create

    return task_create(acting_user=org.monitor, owner_unit=org.office, fields=complete_fields(org, **overrides))


# --- the table -------------------------------------------------------------------------------------------------


@dataclass
class Row:
    """The expected status per actor; ``right`` names the Org attribute of the person who may do it."""

    officer: Expected
    other: Expected
    inspector: Expected
    right: str
    params: Callable[[World], dict[str, Any]] = lambda w: {}
    body: Callable[[World], Any] = lambda w: None
    query: Callable[[World], str] = lambda w: ""
    multipart: bool = False  # an upload: sent as a form with a small PDF
    anon: Expected | None = None  # default: 302 for a page, 401 for an operation
    right_status: Expected = OK
    why: str = ""


def task(name: str) -> Callable[[World], dict[str, Any]]:
    return lambda w: {"task_id": getattr(w, name).pk}


def every(status: Expected, right: str = "btc_head", **kw: Any) -> Row:
    """A page or operation anyone logged in may use: the same status for everyone."""
    kw.setdefault("right_status", status)
    return Row(officer=status, other=status, inspector=status, right=right, **kw)


# Read of something of Ban Tổ chức: its people and the committee-wide roles see it, the ward's head does not.
def ban_read(params: Callable[[World], dict[str, Any]], right: str = "btc_head", **kw: Any) -> Row:
    return Row(officer=200, other=404, inspector=200, right=right, params=params, right_status=200, **kw)


# A write on something of Ban Tổ chức that the workers may not do: they see it (403), the ward does not (404).
def ban_write(right: str, params: Callable[[World], dict[str, Any]], **kw: Any) -> Row:
    return Row(officer=403, other=404, inspector=403, right=right, params=params, **kw)


def unit_read(params: Callable[[World], dict[str, Any]], **kw: Any) -> Row:
    """A read of Ban Tổ chức's own (program, report duty): its department's officer and the ward do not see it."""
    return Row(officer=404, other=404, inspector=200, right="btc_head", params=params, right_status=200, **kw)


def unit_write(params: Callable[[World], dict[str, Any]], **kw: Any) -> Row:
    """A write on Ban Tổ chức's own program or duty: its head's; the inspector sees it (403)."""
    return Row(officer=404, other=404, inspector=403, right="btc_head", params=params, **kw)


def btc_head_role(w: World) -> int:
    """The Ban's head's membership in the Ban."""
    from sauro.org.models import Membership

    return Membership.objects.get(person=w.org.btc_head, unit=w.org.btc).pk


def deadline() -> str:
    return (TODAY + datetime.timedelta(days=60)).isoformat()


# Pages, by URL name (namespace:name) and method.
PAGES: dict[tuple[str, str], Row] = {
    ("GET", "home"): every(OK),
    ("GET", "login"): every(OK, anon=200, why="the login page is public"),
    ("POST", "logout"): every(302, anon=302, right_status=302),
    # Password reset by e-mail is public (tests/accounts/test_password_reset.py).
    ("GET", "password_reset"): every(OK, anon=200, why="public"),
    ("GET", "password_reset_done"): every(OK, anon=200, why="public"),
    ("GET", "password_reset_confirm"): every(
        OK, anon=200, params=lambda w: {"uidb64": "MQ", "token": "khong-hop-le"}, why="public: an invalid link"
    ),
    ("GET", "password_reset_complete"): every(OK, anon=200, why="public"),
    # --- organisation: the tree is the user's visible part; another unit or its people are a 404
    ("GET", "org:unit_tree"): every(200),
    ("GET", "org:unit_detail"): ban_read(lambda w: {"unit_id": w.org.btc.pk}),
    ("GET", "org:person_detail"): ban_read(lambda w: {"person_id": w.org.btc_head.pk}),
    # --- the office's organisation pages: Văn phòng (and the administrator) restructure and staff units; the Ban's
    # officer sees the Ban (403), the ward's head does not (404); a preview (POST without confirm) is a write's gate
    ("GET", "org:units_merge"): Row(officer=403, other=403, inspector=403, right="monitor", right_status=200),
    ("POST", "org:units_merge"): Row(
        officer=403,
        other=403,
        inspector=403,
        right="monitor",
        body=lambda w: {"predecessors": [w.org.ancuu.pk], "successor": w.org.phuxuan.pk, "on_date": TODAY.isoformat()},
    ),
    ("GET", "org:unit_rename"): ban_write("monitor", lambda w: {"unit_id": w.org.btc.pk}, right_status=200),
    ("POST", "org:unit_rename"): ban_write(
        "monitor",
        lambda w: {"unit_id": w.org.btc.pk},
        body=lambda w: {"name": "Ban Tổ chức Thành ủy Huế", "on_date": TODAY.isoformat(), "confirm": "1"},
    ),
    ("GET", "org:unit_move"): ban_write("monitor", lambda w: {"unit_id": w.org.btc_dept.pk}, right_status=200),
    ("POST", "org:unit_move"): ban_write(
        "monitor", lambda w: {"unit_id": w.org.btc_dept.pk}, body=lambda w: {"parent": w.org.office.pk}
    ),
    ("GET", "org:unit_staff"): ban_write("monitor", lambda w: {"unit_id": w.org.btc.pk}, right_status=200),
    ("POST", "org:unit_staff"): ban_write(
        "monitor",
        lambda w: {"unit_id": w.org.btc.pk},
        body=lambda w: {"person": w.org.btc_officer.pk, "role": "officer", "valid_from": TODAY.isoformat()},
    ),
    ("GET", "org:membership_change"): ban_write(
        "monitor", lambda w: {"membership_id": btc_head_role(w)}, right_status=200
    ),
    ("POST", "org:membership_change"): ban_write(
        "monitor",
        lambda w: {"membership_id": btc_head_role(w)},
        body=lambda w: {"role": "unit_head", "position": "Trưởng ban", "on_date": TODAY.isoformat()},
    ),
    ("GET", "org:membership_end"): ban_write(
        "monitor", lambda w: {"membership_id": btc_head_role(w)}, right_status=200
    ),
    ("POST", "org:membership_end"): ban_write(
        "monitor", lambda w: {"membership_id": btc_head_role(w)}, body=lambda w: {"valid_to": TODAY.isoformat()}
    ),
    # --- the journal: the inspection committee's reading (PRODUCT §2) and the administrators'.
    # (the page says so: everyone else gets a 404)
    ("GET", "audit:list"): Row(officer=404, other=404, inspector=200, right="admin"),
    # --- meetings: seen by whoever sees the host unit; registered by Văn phòng, leaders and the host unit's heads; the
    # conclusion registered as a directive by Văn phòng and leaders (who register directives)
    ("GET", "meetings:list"): every(200),
    ("GET", "meetings:create"): Row(officer=403, other=200, inspector=403, right="btc_head", right_status=200),
    ("POST", "meetings:create"): Row(
        officer=403, other=422, inspector=403, right="btc_head", body=meeting_form, why="the ward sees no Ban"
    ),
    ("GET", "meetings:detail"): ban_read(lambda w: {"meeting_id": w.meeting.pk}),
    ("GET", "meetings:edit"): ban_write("btc_head", lambda w: {"meeting_id": w.meeting.pk}, right_status=200),
    ("POST", "meetings:edit"): ban_write("btc_head", lambda w: {"meeting_id": w.meeting.pk}, body=meeting_form),
    ("POST", "meetings:delete"): ban_write("btc_head", lambda w: {"meeting_id": w.meeting.pk}),
    ("POST", "meetings:conclusion_create"): ban_write(
        "monitor",
        lambda w: {"meeting_id": w.meeting.pk},
        body=lambda w: {"issued_on": "12/02/2026", "issuer_code": "BTCTU", "summary": "Thông báo kết luận"},
    ),
    ("POST", "meetings:conclusion_link"): ban_write(
        "btc_head", lambda w: {"meeting_id": w.meeting.pk}, body=lambda w: {"directive": w.directive.pk}
    ),
    # --- petitions (issue 19): a letter is seen by its unit's people (the Ban's officer is also Văn phòng's), the
    # committee-wide readers and the unit it went to; registered by them and Văn phòng; decided by Văn phòng, the
    # leaders and the unit's heads
    ("GET", "petitions:letters"): every(200),
    ("GET", "petitions:letter_create"): Row(officer=200, other=200, inspector=403, right="monitor", right_status=200),
    ("POST", "petitions:letter_create"): Row(
        officer=OK, other=422, inspector=403, right="monitor", body=letter_form, why="the ward sees no Văn phòng"
    ),
    ("GET", "petitions:letter_detail"): ban_read(lambda w: {"letter_id": w.letter.pk}, right="monitor"),
    ("GET", "petitions:letter_edit"): Row(
        officer=200,
        other=404,
        inspector=403,
        right="monitor",
        params=lambda w: {"letter_id": w.letter.pk},
        right_status=200,
    ),
    ("POST", "petitions:letter_edit"): Row(
        officer=OK,
        other=404,
        inspector=403,
        right="monitor",
        params=lambda w: {"letter_id": w.letter.pk},
        body=letter_form,
    ),
    ("POST", "petitions:letter_decide"): ban_write(
        "monitor", lambda w: {"letter_id": w.letter.pk}, body=lambda w: {"decision": "keep"}
    ),
    # Who saw a denouncer's identity (point 6): Ủy ban Kiểm tra's page only.
    ("GET", "petitions:identity_views"): Row(
        officer=403, other=403, inspector=200, right="inspector", right_status=200
    ),
    ("GET", "petitions:receptions"): every(200),
    ("GET", "petitions:reception_create"): Row(
        officer=200, other=200, inspector=403, right="monitor", right_status=200
    ),
    ("POST", "petitions:reception_create"): Row(
        officer=OK, other=422, inspector=403, right="monitor", body=reception_form, why="the ward sees no Văn phòng"
    ),
    ("GET", "petitions:reception_detail"): ban_read(lambda w: {"reception_id": w.reception.pk}, right="monitor"),
    ("GET", "petitions:reception_edit"): Row(
        officer=200,
        other=404,
        inspector=403,
        right="monitor",
        params=lambda w: {"reception_id": w.reception.pk},
        right_status=200,
    ),
    ("POST", "petitions:reception_edit"): Row(
        officer=OK,
        other=404,
        inspector=403,
        right="monitor",
        params=lambda w: {"reception_id": w.reception.pk},
        body=reception_form,
    ),
    ("GET", "petitions:reception_days"): every(200),
    ("POST", "petitions:reception_days"): Row(
        officer=OK,
        other=OK,
        inspector=403,
        right="monitor",
        body=lambda w: {"unit": w.org.city.pk, "leader": w.org.leader.pk, "day": "03/03/2026", "state": "planned"},
        why="the officer and the ward keep their own units' calendars: the city's is refused on the form (422)",
    ),
    # Hot spots (issue 19 point 7): seen by whoever sees one of their letters or visits.
    ("GET", "petitions:hotspots"): every(200),
    ("GET", "petitions:hotspot_detail"): ban_read(lambda w: {"hotspot_id": w.hotspot.pk}, right="monitor"),
    ("POST", "petitions:reception_day_state"): Row(
        officer=404,
        other=404,
        inspector=403,
        right="monitor",
        params=lambda w: {"day_id": w.reception_day.pk},
        body=lambda w: {"state": "held"},
    ),
    # --- directives: everyone reads them, Văn phòng registers and edits them
    ("GET", "directives:list"): every(200),
    # the committees' terms (nhiệm kỳ): Văn phòng and the administrator declare and close them
    ("GET", "directives:terms"): Row(officer=403, other=403, inspector=403, right="monitor", right_status=200),
    ("POST", "directives:terms"): Row(
        officer=403,
        other=403,
        inspector=403,
        right="monitor",
        body=lambda w: {"committee": w.org.phuxuan.pk, "name": "Nhiệm kỳ 2025 – 2030", "starts_on": "2025-10-01"},
    ),
    ("GET", "directives:term_close"): Row(
        officer=403,
        other=403,
        inspector=403,
        right="monitor",
        params=lambda w: {"term_id": w.directive.term_id},
        right_status=200,
    ),
    ("POST", "directives:term_close"): Row(
        officer=403,
        other=403,
        inspector=403,
        right="monitor",
        params=lambda w: {"term_id": w.directive.term_id},
        body=lambda w: {"ends_on": "2030-09-30"},
    ),
    ("GET", "directives:create"): Row(officer=403, other=403, inspector=403, right="monitor", right_status=200),
    ("POST", "directives:create"): Row(officer=403, other=403, inspector=403, right="monitor"),
    ("GET", "directives:number_field"): Row(officer=403, other=403, inspector=403, right="monitor"),
    ("GET", "directives:detail"): every(200, params=lambda w: {"directive_id": w.directive.pk}),
    ("GET", "directives:edit"): Row(
        officer=403, other=403, inspector=403, right="monitor", params=lambda w: {"directive_id": w.directive.pk}
    ),
    ("POST", "directives:edit"): Row(
        officer=403, other=403, inspector=403, right="monitor", params=lambda w: {"directive_id": w.directive.pk}
    ),
    ("POST", "directives:attachment_upload"): Row(
        officer=403,
        other=403,
        inspector=403,
        right="monitor",
        params=lambda w: {"directive_id": w.directive.pk},
        multipart=True,
    ),
    ("GET", "directives:attachment_download"): every(
        200, params=lambda w: {"directive_id": w.directive.pk, "attachment_id": w.directive_file.pk}
    ),
    ("POST", "directives:attachment_delete"): Row(
        officer=403,
        other=403,
        inspector=403,
        right="monitor",
        params=lambda w: {"directive_id": w.directive.pk, "attachment_id": w.directive_file.pk},
    ),
    # --- proposals from a directive's text: whoever drafts tasks (Văn phòng, a unit head — the ward's head for the
    # ward) and sees the directive; a run is acted on by those drafting for its unit (Văn phòng's: the ward's is 404)
    ("GET", "extraction:proposals"): Row(
        officer=403,
        other=200,
        inspector=403,
        right="monitor",
        right_status=200,
        params=lambda w: {"directive_id": w.directive.pk},
    ),
    ("POST", "extraction:proposals"): Row(
        officer=403,
        other=OK,
        inspector=403,
        right="monitor",
        params=lambda w: {"directive_id": w.directive.pk},
        body=lambda w: {"text": "Ban Tổ chức Thành ủy tham mưu kế hoạch."},
    ),
    ("POST", "extraction:create_drafts"): Row(
        officer=403, other=OK, inspector=403, right="monitor", params=lambda w: {"directive_id": w.directive.pk}
    ),
    ("POST", "extraction:proposal_edit"): Row(
        officer=403,
        other=404,
        inspector=403,
        right="monitor",
        params=lambda w: {"directive_id": w.directive.pk, "proposal_id": w.proposal.pk},
        body=lambda w: {f"p{w.proposal.pk}-title": "Rà soát quy hoạch", f"p{w.proposal.pk}-version": "1"},
    ),
    ("POST", "extraction:proposal_drop"): Row(
        officer=403,
        other=404,
        inspector=403,
        right="monitor",
        params=lambda w: {"directive_id": w.directive.pk, "proposal_id": w.proposal.pk},
    ),
    ("POST", "extraction:proposal_merge"): Row(
        officer=403,
        other=404,
        inspector=403,
        right="monitor",
        params=lambda w: {"directive_id": w.directive.pk, "proposal_id": w.proposal.pk},
        body=lambda w: {"into": str(w.proposal.pk)},
    ),
    # --- task lists: everyone has one (of what they may see)
    ("GET", "tasks:list"): every(200),
    ("GET", "tasks:export"): every(200),
    ("GET", "tasks:counts"): every(200),
    ("GET", "tasks:mine"): every(200),
    ("GET", "tasks:inbox"): every(200),
    # --- drafting: a unit head drafts for their unit, Văn phòng for the committee; officers and inspectors do not
    ("GET", "tasks:create"): Row(officer=403, other=200, inspector=403, right="monitor"),
    ("POST", "tasks:create"): Row(officer=403, other=OK, inspector=403, right="monitor", body=lambda w: {"title": ""}),
    ("POST", "tasks:check"): Row(officer=403, other=OK, inspector=403, right="monitor"),
    ("GET", "tasks:lead_options"): Row(
        officer=OK, other=404, inspector=OK, right="monitor", query=lambda w: f"?task={w.draft.pk}", why="a draft"
    ),
    # --- a task: its detail is read by whoever sees it
    ("GET", "tasks:detail"): ban_read(task("in_progress")),
    # A draft is Văn phòng's until issued: the Ban's officer sees it only as an officer of Văn phòng, and may not
    # edit it; the committee-wide roles see every task of their committee, drafts included (tasks.access), so the
    # inspector sees it and may not touch it; the ward does not see it.
    ("GET", "tasks:edit"): Row(officer=403, other=404, inspector=403, right="monitor", params=task("draft")),
    ("POST", "tasks:edit"): Row(
        officer=403, other=404, inspector=403, right="monitor", params=task("draft"), body=lambda w: {"title": ""}
    ),
    ("POST", "tasks:issue"): Row(officer=403, other=404, inspector=403, right="monitor", params=task("draft")),
    # --- the lifecycle, each by its actor (PRODUCT §2, §6)
    ("POST", "tasks:accept"): ban_write("btc_head", task("issued")),
    ("POST", "tasks:submit"): Row(
        officer=OK,
        other=404,
        inspector=403,
        right="btc_officer",
        params=task("in_progress"),
        body=lambda w: {"submit-product_note": "Báo cáo", "submit-confirm": "on"},  # at 40%: confirmed
        why="the assigned officer submits the product",
    ),
    ("POST", "tasks:approve"): ban_write("leader", task("submitted")),
    ("POST", "tasks:return"): ban_write("leader", task("submitted"), body=lambda w: {"return-reason": "Chưa đạt"}),
    ("POST", "tasks:cancel"): ban_write("leader", task("in_progress"), body=lambda w: {"cancel-reason": "Không còn"}),
    ("POST", "tasks:set_focus"): ban_write(
        "leader", task("in_progress"), body=lambda w: {"set_focus-is_focus": "on"}, why="the authority flags focus"
    ),
    ("POST", "tasks:request_extension"): Row(
        officer=OK,
        other=404,
        inspector=403,
        right="btc_officer",
        params=task("in_progress"),
        body=lambda w: {"request_extension-new_due_date": deadline(), "request_extension-reason": "Chờ ý kiến"},
    ),
    ("POST", "tasks:request_reassignment"): ban_write(
        "btc_head",
        task("in_progress"),
        body=lambda w: {
            "request_reassignment-proposed_unit": w.org.ubkt.pk,
            "request_reassignment-reason": "Không đúng chức năng",
        },
    ),
    ("POST", "tasks:decide_extension"): ban_write(
        "leader", lambda w: {"task_id": w.extension.task_id}, body=lambda w: {"decide_extension-decision": "1"}
    ),
    ("POST", "tasks:decide_reassignment"): ban_write(
        "leader",
        lambda w: {"task_id": w.reassignment.task_id},
        body=lambda w: {"decide_reassignment-decision": "0"},
    ),
    # --- monitoring on the task page: workers report, the body asked answers, Văn phòng rates
    ("POST", "tasks:progress"): Row(
        officer=OK,
        other=404,
        inspector=403,
        right="btc_officer",
        params=task("in_progress"),
        body=lambda w: {"progress-done": "Đã làm", "progress-percent": "50"},
    ),
    ("POST", "tasks:raise_obstacle"): Row(
        officer=OK,
        other=404,
        inspector=403,
        right="btc_officer",
        params=task("in_progress"),
        body=lambda w: {
            "raise_obstacle-description": "Vướng",
            "raise_obstacle-proposal": "Đề xuất",
            "raise_obstacle-decider_unit": w.org.standing.pk,
        },
    ),
    ("POST", "tasks:answer_obstacle"): ban_write(
        "leader",
        lambda w: {"task_id": w.obstacle.task_id},
        body=lambda w: {"answer_obstacle-obstacle": w.obstacle.pk, "answer_obstacle-answer": "Đồng ý"},
    ),
    ("POST", "tasks:rate_confidence"): ban_write(
        "monitor", task("in_progress"), body=lambda w: {"rate_confidence-level": "green"}
    ),
    ("GET", "monitoring:obstacles"): every(200),
    ("GET", "monitoring:progress_attachment"): ban_read(lambda w: {"attachment_id": w.progress_file.pk}),
    # A submitted product's file: whoever sees the task (the authority deciding, the Ban, the committee-wide roles).
    ("GET", "tasks:submission_file"): ban_read(lambda w: {"file_id": w.submission_file.pk}),
    # --- a task's discussion: read by whoever sees the task, written by the people involved (the inspector reads
    # and takes no part), each comment changed by its author only
    ("GET", "discussions:thread"): ban_read(task("in_progress")),
    ("POST", "discussions:post"): Row(
        officer=OK,
        other=404,
        inspector=403,
        right="btc_head",
        params=task("in_progress"),
        body=lambda w: {"body": "Ý kiến trao đổi"},
    ),
    ("GET", "discussions:edit"): ban_write(
        "btc_head", lambda w: {"comment_id": w.comment.pk}, right_status=200, why="the author's own comment"
    ),
    ("POST", "discussions:edit"): ban_write(
        "btc_head", lambda w: {"comment_id": w.comment.pk}, body=lambda w: {"body": "Sửa", "version": 1}
    ),
    ("POST", "discussions:delete"): ban_write("btc_head", lambda w: {"comment_id": w.comment.pk}),
    ("GET", "discussions:file"): ban_read(lambda w: {"file_id": w.comment_file.pk}),
    # --- notifications: one's own; another person's notification does not exist for you
    ("GET", "notifications:list"): every(200),
    ("GET", "notifications:preferences"): every(200),
    ("POST", "notifications:read_all"): every(302),
    ("GET", "notifications:open"): Row(
        officer=404, other=404, inspector=404, right="btc_head", params=lambda w: {"notification_id": w.notification.pk}
    ),
    ("POST", "notifications:read"): Row(
        officer=404, other=404, inspector=404, right="btc_head", params=lambda w: {"notification_id": w.notification.pk}
    ),
    # --- work programs and report duties are the unit's own: read by the members of the unit and the units above
    # (never the bodies above or beside them: programs.access, reports.selectors) and the committee-wide roles, so
    # the Ban's officer, who sits in its department, does not see the Ban's own program or duty (a 404); written
    # by the unit's head (and, for programs, the committee's monitors and leaders).
    ("GET", "programs:list"): every(200),
    ("GET", "programs:create"): Row(officer=403, other=200, inspector=403, right="btc_head"),
    ("GET", "programs:template"): every(200),
    ("GET", "programs:detail"): unit_read(lambda w: {"program_id": w.program.pk}),
    ("GET", "programs:export"): unit_read(lambda w: {"program_id": w.program.pk}),
    ("GET", "programs:edit"): unit_write(lambda w: {"program_id": w.program.pk}),
    ("POST", "programs:import"): unit_write(
        lambda w: {"program_id": w.program.pk}, multipart=True, right_status=OK, why="a PDF is no spreadsheet: 422"
    ),
    ("GET", "programs:item_create"): unit_write(lambda w: {"program_id": w.program.pk}),
    ("GET", "programs:item_edit"): unit_write(lambda w: {"program_id": w.program.pk, "item_id": w.item.pk}),
    ("POST", "programs:item_delete"): unit_write(lambda w: {"program_id": w.program.pk, "item_id": w.item.pk}),
    ("POST", "programs:item_create_task"): unit_write(lambda w: {"program_id": w.program.pk, "item_id": w.item.pk}),
    ("POST", "programs:item_link_task"): unit_write(
        lambda w: {"program_id": w.program.pk, "item_id": w.item.pk}, body=lambda w: {"task": w.in_progress.pk}
    ),
    ("GET", "reports:list"): every(200),
    ("GET", "reports:duty"): unit_read(lambda w: {"duty_id": w.duty.pk}),
    # The inspector sees the duty: sending its report is forbidden (403), not a duty that does not exist.
    ("POST", "reports:duty"): unit_write(
        lambda w: {"duty_id": w.duty.pk}, body=lambda w: {"text": "Báo cáo", "version": w.duty.version}
    ),
    ("GET", "reports:submission_file"): unit_read(lambda w: {"submission_id": w.report_file.pk}),
    ("GET", "reports:quarterly"): unit_read(
        lambda w: {},
        query=lambda w: f"?unit={w.org.btc.pk}&quarter=2026Q1&format=docx",
        why="the Ban's quarterly report",
    ),
    # The petitions report (issue 19, point 8): of a unit whose register the user reads (Văn phòng's: the Ban's officer
    # also works there; the ward does not read it).
    ("GET", "reports:petitions"): ban_read(
        lambda w: {},
        right="monitor",
        query=lambda w: f"?unit={w.org.office.pk}&period=2026Q1&format=docx",
        why="Văn phòng's petitions report",
    ),
    # --- dashboards: each their own view of what they see
    ("GET", "dashboard:overview"): every(200),
    ("GET", "dashboard:mine"): every(200),
    # The dashboard's petitions cards, loaded after it: each person's own figures (empty when there are none).
    ("GET", "dashboard:petitions"): every(200),
    # Single sign-on is off unless configured (tests/identity/test_sso.py runs it against a real provider).
    ("GET", "identity:sso_start"): every(404, anon=404, why="single sign-on not configured"),
    ("GET", "identity:sso_callback"): every(404, anon=404, why="single sign-on not configured"),
    # Two factors (tests/identity/test_twofactor.py): each person's own; nobody here has a factor yet.
    ("GET", "identity:2fa_verify"): every(302, why="no factor yet: sent to set one up"),
    ("GET", "identity:2fa_setup"): every(200),
    ("GET", "identity:2fa_codes"): every(200),
    ("POST", "identity:passkey_register_options"): every(200),
    ("POST", "identity:passkey_register"): every(400, why="no credential sent"),
    ("POST", "identity:passkey_auth_options"): every(200),
    ("POST", "identity:passkey_auth"): every(400, why="no credential sent"),
    ("GET", "identity:security"): every(200),
}


def api_ban_write(right: str, params: Callable[[World], dict[str, Any]], body: Any = None, **kw: Any) -> Row:
    return Row(officer=403, other=404, inspector=403, right=right, params=params, body=lambda w: body or {}, **kw)


def api_worker_write(params: Callable[[World], dict[str, Any]], body: Any, **kw: Any) -> Row:
    """What the assigned officer may do: the inspector sees the task (403), the ward does not (404)."""
    return Row(officer=OK, other=404, inspector=403, right="btc_officer", params=params, body=lambda w: body, **kw)


API: dict[tuple[str, str], Row] = {
    ("POST", "/api/v1/auth/token"): every(
        OK, anon=OK, body=lambda w: {"username": "bantochuc", "password": PASSWORD}, why="public: asking for a token"
    ),
    ("DELETE", "/api/v1/auth/token"): every(OK),
    ("GET", "/api/v1/auth/tokens"): every(200),
    # One's own token: another person's does not exist for you.
    ("POST", "/api/v1/auth/tokens/{token_id}/revoke"): every(
        404, params=lambda w: {"token_id": w.token.pk}, right_status=OK
    ),
    ("GET", "/api/v1/me"): every(200),
    ("GET", "/api/v1/units"): every(200),
    ("GET", "/api/v1/units/{unit_id}"): ban_read(lambda w: {"unit_id": w.org.btc.pk}),
    ("GET", "/api/v1/people"): every(200),
    ("GET", "/api/v1/meetings"): every(200),
    ("POST", "/api/v1/meetings"): Row(
        officer=403,
        other=422,
        inspector=403,
        right="btc_head",
        body=lambda w: {**meeting_body(w.org), "held_on": "2026-02-10"},
        why="the ward's head records their own ward's meetings; the Ban is unknown to them",
    ),
    ("GET", "/api/v1/petitions/letters"): every(200),
    ("POST", "/api/v1/petitions/letters"): Row(
        officer=OK,
        other=422,
        inspector=403,
        right="monitor",
        body=lambda w: {**letter_body(w.org), "received_on": "2026-02-26"},
        why="Văn phòng's officer keeps its register; the ward sees no Văn phòng",
    ),
    ("GET", "/api/v1/petitions/letters/{letter_id}"): ban_read(lambda w: {"letter_id": w.letter.pk}, right="monitor"),
    ("POST", "/api/v1/petitions/letters/{letter_id}/decision"): api_ban_write(
        "monitor", lambda w: {"letter_id": w.letter.pk}, {"decision": "keep"}
    ),
    # Issue 19, point 5: the likely duplicates among the letters one sees (none for the ward: an empty list); linking
    # is the register's (Văn phòng's officer: the letter to itself, a 422), the inspector only reads it.
    ("POST", "/api/v1/petitions/letters/duplicates"): every(
        200, body=lambda w: {"summary": "Kiến nghị xem xét việc cấp giấy chứng nhận quyền sử dụng đất."}
    ),
    ("POST", "/api/v1/petitions/letters/{letter_id}/links"): Row(
        officer=OK,
        other=404,
        inspector=403,
        right="monitor",
        params=lambda w: {"letter_id": w.letter.pk},
        body=lambda w: {"duplicate_of_id": w.letter.pk},
    ),
    ("GET", "/api/v1/petitions/receptions"): every(200),
    ("POST", "/api/v1/petitions/receptions"): Row(
        officer=OK,
        other=422,
        inspector=403,
        right="monitor",
        body=lambda w: {**reception_body(w.org), "received_on": "2026-02-26"},
    ),
    ("PATCH", "/api/v1/petitions/letters/{letter_id}"): Row(
        officer=OK,
        other=404,
        inspector=403,
        right="monitor",
        params=lambda w: {"letter_id": w.letter.pk},
        body=lambda w: {"version": w.letter.version, "summary": "Sửa tóm tắt."},
        why="Văn phòng's officer keeps its register; the inspector reads it, the ward does not see it",
    ),
    ("GET", "/api/v1/petitions/receptions/{reception_id}"): ban_read(
        lambda w: {"reception_id": w.reception.pk}, right="monitor"
    ),
    ("PATCH", "/api/v1/petitions/receptions/{reception_id}"): Row(
        officer=OK,
        other=404,
        inspector=403,
        right="monitor",
        params=lambda w: {"reception_id": w.reception.pk},
        body=lambda w: {"version": w.reception.version, "outcome": "Đã hướng dẫn."},
        why="as for a letter",
    ),
    ("GET", "/api/v1/petitions/reception-days"): every(200),
    ("POST", "/api/v1/petitions/reception-days"): Row(
        officer=403,
        other=403,
        inspector=403,
        right="monitor",
        body=lambda w: {"unit_id": w.org.city.pk, "leader_id": w.org.leader.pk, "day": "2026-03-03"},
        why="they see the city but keep only their own units' calendars",
    ),
    ("GET", "/api/v1/petitions/reception-days/figures"): every(200),
    ("GET", "/api/v1/petitions/hotspots"): every(200),
    ("GET", "/api/v1/petitions/hotspots/{hotspot_id}"): ban_read(
        lambda w: {"hotspot_id": w.hotspot.pk}, right="monitor"
    ),
    ("GET", "/api/v1/reports/petitions"): ban_read(
        lambda w: {},
        right="monitor",
        query=lambda w: f"?unit={w.org.office.pk}&period=2026-03&format=xlsx",
        why="Văn phòng's petitions report",
    ),
    # The intake API (Open311) takes an integration account's token only: every browser session is a 401. Who may
    # submit and whose requests a token sees: tests/petitions/test_open311.py.
    ("GET", "/api/v1/open311/services"): every(401, why="token only"),
    ("POST", "/api/v1/open311/requests"): every(401, why="token only"),
    ("GET", "/api/v1/open311/requests"): every(401, why="token only"),
    ("GET", "/api/v1/open311/requests/{service_request_id}"): every(
        401, params=lambda w: {"service_request_id": w.letter.pk}, why="token only"
    ),
    ("GET", "/api/v1/directives"): every(200),
    ("POST", "/api/v1/directives"): Row(
        officer=403,
        other=403,
        inspector=403,
        right="monitor",
        body=lambda w: {
            "kind": "KL",
            "issuer_code": "TU",
            "issuing_unit_id": w.org.city.pk,
            "issued_on": "2026-01-10",
            "summary": "Kết luận",
        },
    ),
    ("GET", "/api/v1/directives/next-number"): Row(
        officer=403, other=403, inspector=403, right="monitor", query=lambda w: "?kind=KL&issuer_code=TU&year=2026"
    ),
    ("GET", "/api/v1/directives/{directive_id}/proposals"): Row(
        officer=403,
        other=200,
        inspector=403,
        right="monitor",
        right_status=200,
        params=lambda w: {"directive_id": w.directive.pk},
    ),
    ("POST", "/api/v1/directives/{directive_id}/proposals"): Row(
        officer=403,
        other=OK,
        inspector=403,
        right="monitor",
        params=lambda w: {"directive_id": w.directive.pk},
        body=lambda w: {"text": "Ban Tổ chức Thành ủy tham mưu kế hoạch."},
    ),
    ("POST", "/api/v1/directives/{directive_id}/proposals/create-drafts"): Row(
        officer=403,
        other=OK,
        inspector=403,
        right="monitor",
        params=lambda w: {"directive_id": w.directive.pk},
        body=lambda w: {},
    ),
    ("POST", "/api/v1/extraction/proposals"): Row(
        officer=403,
        other=OK,
        inspector=403,
        right="monitor",
        body=lambda w: {"text": "Ban Tổ chức Thành ủy tham mưu kế hoạch.", "ref_date": "2026-03-02"},
    ),
    ("GET", "/api/v1/directives/{directive_id}"): every(200, params=lambda w: {"directive_id": w.directive.pk}),
    ("PATCH", "/api/v1/directives/{directive_id}"): Row(
        officer=403,
        other=403,
        inspector=403,
        right="monitor",
        params=lambda w: {"directive_id": w.directive.pk},
        body=lambda w: {"version": w.directive.version},
    ),
    ("POST", "/api/v1/directives/{directive_id}/attachments"): Row(
        officer=403,
        other=403,
        inspector=403,
        right="monitor",
        params=lambda w: {"directive_id": w.directive.pk},
        multipart=True,
    ),
    ("DELETE", "/api/v1/directives/{directive_id}/attachments/{attachment_id}"): Row(
        officer=403,
        other=403,
        inspector=403,
        right="monitor",
        params=lambda w: {"directive_id": w.directive.pk, "attachment_id": w.directive_file.pk},
    ),
    ("GET", "/api/v1/tasks"): every(200),
    ("POST", "/api/v1/tasks"): Row(
        officer=403, other=OK, inspector=403, right="monitor", body=lambda w: {"title": "x"}
    ),
    ("GET", "/api/v1/tasks/{task_id}"): ban_read(task("in_progress")),
    ("PATCH", "/api/v1/tasks/{task_id}"): Row(
        officer=403,
        other=404,
        inspector=403,
        right="monitor",
        params=task("draft"),
        body=lambda w: {"title": "Mới", "version": w.draft.version},
    ),
    ("GET", "/api/v1/tasks/{task_id}/events"): ban_read(task("in_progress")),
    ("GET", "/api/v1/tasks/{task_id}/extension-requests"): ban_read(task("in_progress")),
    ("POST", "/api/v1/tasks/{task_id}/extension-requests"): api_worker_write(
        task("in_progress"), {"new_due_date": deadline(), "reason": "Chờ ý kiến"}
    ),
    ("GET", "/api/v1/tasks/{task_id}/reassignment-requests"): ban_read(task("in_progress")),
    ("POST", "/api/v1/tasks/{task_id}/reassignment-requests"): Row(
        officer=403,
        other=404,
        inspector=403,
        right="btc_head",
        params=task("in_progress"),
        body=lambda w: {"proposed_unit_id": w.org.ubkt.pk, "reason": "Không đúng chức năng"},
    ),
    ("POST", "/api/v1/tasks/{task_id}/issue"): Row(
        officer=403, other=404, inspector=403, right="monitor", params=task("draft"), body=lambda w: {}
    ),
    ("POST", "/api/v1/tasks/{task_id}/accept"): api_ban_write("btc_head", task("issued")),
    ("POST", "/api/v1/tasks/{task_id}/submit"): api_worker_write(task("in_progress"), {"product_note": "Báo cáo"}),
    ("POST", "/api/v1/tasks/{task_id}/approve"): api_ban_write("leader", task("submitted")),
    ("POST", "/api/v1/tasks/{task_id}/return"): api_ban_write("leader", task("submitted"), {"reason": "Chưa đạt"}),
    ("POST", "/api/v1/tasks/{task_id}/cancel"): api_ban_write("leader", task("in_progress"), {"reason": "Không còn"}),
    ("POST", "/api/v1/tasks/{task_id}/focus"): api_ban_write("leader", task("in_progress"), {"is_focus": True}),
    ("POST", "/api/v1/extension-requests/{request_id}/decide"): api_ban_write(
        "leader", lambda w: {"request_id": w.extension.pk}, {"approve": True}
    ),
    ("POST", "/api/v1/reassignment-requests/{request_id}/decide"): api_ban_write(
        "leader", lambda w: {"request_id": w.reassignment.pk}, {"approve": False}
    ),
    ("GET", "/api/v1/programs"): every(200),
    ("GET", "/api/v1/programs/{program_id}"): unit_read(lambda w: {"program_id": w.program.pk}),
    ("GET", "/api/v1/obstacles"): every(200),
    ("GET", "/api/v1/obstacles/{obstacle_id}"): ban_read(lambda w: {"obstacle_id": w.obstacle.pk}),
    ("POST", "/api/v1/obstacles/{obstacle_id}/answer"): api_ban_write(
        "leader", lambda w: {"obstacle_id": w.obstacle.pk}, {"answer": "Đồng ý"}
    ),
    ("GET", "/api/v1/tasks/{task_id}/obstacles"): ban_read(task("in_progress")),
    ("POST", "/api/v1/tasks/{task_id}/obstacles"): api_worker_write(
        task("in_progress"), {"description": "Vướng", "proposal": "Đề xuất"}
    ),
    ("GET", "/api/v1/tasks/{task_id}/progress"): ban_read(task("in_progress")),
    ("POST", "/api/v1/tasks/{task_id}/progress"): api_worker_write(
        task("in_progress"), {"done": "Đã làm", "percent": 50}
    ),
    ("GET", "/api/v1/tasks/{task_id}/confidence"): ban_read(task("in_progress")),
    ("POST", "/api/v1/tasks/{task_id}/confidence"): api_ban_write("monitor", task("in_progress"), {"level": "green"}),
    ("GET", "/api/v1/tasks/{task_id}/comments"): ban_read(task("in_progress")),
    ("POST", "/api/v1/tasks/{task_id}/comments"): Row(
        officer=OK,
        other=404,
        inspector=403,
        right="btc_head",
        params=task("in_progress"),
        body=lambda w: {"body": "Ý kiến trao đổi"},
        multipart=True,
    ),
    ("PATCH", "/api/v1/comments/{comment_id}"): api_ban_write(
        "btc_head", lambda w: {"comment_id": w.comment.pk}, {"body": "Sửa", "version": 1}
    ),
    ("DELETE", "/api/v1/comments/{comment_id}"): api_ban_write("btc_head", lambda w: {"comment_id": w.comment.pk}),
    ("GET", "/api/v1/notifications"): every(200),
    ("POST", "/api/v1/notifications/read-all"): every(OK),
    ("GET", "/api/v1/notifications/preferences"): every(200),
    ("PUT", "/api/v1/notifications/preferences"): every(OK, body=lambda w: {"email_mode": "off"}),
    ("POST", "/api/v1/notifications/{notification_id}/read"): Row(
        officer=404, other=404, inspector=404, right="btc_head", params=lambda w: {"notification_id": w.notification.pk}
    ),
    ("GET", "/api/v1/stats/tasks"): every(200),
    ("GET", "/api/v1/stats/dashboard"): every(200),
}


# --- walking the site ------------------------------------------------------------------------------------------

SKIPPED_PREFIXES = ("quan-tri/", "api/v1/", "static/", "media/")


def url_names() -> set[str]:
    """Every named URL pattern of the site except the admin, static files and the API mount."""
    found: set[str] = set()

    def walk(patterns: list[URLPattern | URLResolver], prefix: str, namespace: str) -> None:
        for p in patterns:
            route = prefix + str(p.pattern)
            if route.startswith(SKIPPED_PREFIXES):
                continue
            if isinstance(p, URLResolver):
                ns = namespace
                if p.namespace:
                    ns = f"{namespace}{p.namespace}:"
                walk(p.url_patterns, route, ns)
            else:
                assert p.name, f"every page has a name: {route}"
                found.add(namespace + p.name)

    walk(get_resolver().url_patterns, "", "")
    return found


def openapi_operations(client: Client) -> set[tuple[str, str]]:
    schema = client.get("/api/v1/openapi.json").json()
    return {(method.upper(), path) for path, item in schema["paths"].items() for method in item}


def test_every_page_has_a_row() -> None:
    names = url_names()
    rows = {name for _, name in PAGES}
    assert names - rows == set(), "new page without a row in the permission matrix"
    assert rows - names == set(), "a row for a page that no longer exists"


@pytest.mark.django_db
def test_every_api_operation_has_a_row() -> None:
    operations = openapi_operations(Client())
    assert operations - set(API) == set(), "new API operation without a row in the permission matrix"
    assert set(API) - operations == set(), "a row for an operation that no longer exists"


# --- running the rows ------------------------------------------------------------------------------------------


@pytest.fixture
def world(org: Org, monkeypatch: pytest.MonkeyPatch, settings: Any, tmp_path: Path) -> Iterator[World]:
    moment = datetime.datetime(2026, 3, 2, 9, 0, tzinfo=datetime.UTC)
    monkeypatch.setattr(clock, "today", lambda: TODAY)
    monkeypatch.setattr(clock, "now", lambda: moment)
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {"BACKEND": "django.core.files.storage.FileSystemStorage", "OPTIONS": {"location": tmp_path}},
    }
    yield build_world(org)


def matches(expected: Expected, status: int) -> bool:
    return status in PASSED if expected == OK else status == expected


def logged_in(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def actors_of(row: Row, org: Org, anon_default: Expected) -> list[tuple[str, Client, Expected]]:
    """Fresh clients for each row (logging out, for one, ends the session)."""
    return [
        ("anon", Client(), row.anon if row.anon is not None else anon_default),
        ("officer", logged_in(org.btc_officer), row.officer),
        ("other", logged_in(org.phuxuan_head), row.other),
        ("inspector", logged_in(org.inspector), row.inspector),
        (f"right={row.right}", logged_in(getattr(org, row.right)), row.right_status),
    ]


def send(client: Client, method: str, url: str, body: Any, *, api: bool, multipart: bool = False) -> int:
    """One request in a savepoint rolled back afterwards: every row meets the same world."""
    with transaction.atomic():
        if multipart:
            response = client.post(url, {**(body or {}), "file": SimpleUploadedFile("tep.pdf", PDF)})
        elif method == "GET":
            response = client.get(url)
        elif api:
            payload = json.dumps(body if body is not None else {})
            response = client.generic(method, url, payload, content_type="application/json")
        else:
            response = client.post(url, body or {})
        transaction.set_rollback(True)
    return response.status_code


def walk(world: World, table: dict[tuple[str, str], Any], url_of: Any, *, api: bool) -> list[str]:
    """Send every row of ``table`` as each of its five actors; the mismatches, one line each."""
    mismatches, count = [], 0
    for (method, name), row in table.items():
        url = url_of(name, row) + row.query(world)
        for actor, client, expected in actors_of(row, world.org, 401 if api else 302):
            status = send(client, method, url, row.body(world), api=api, multipart=row.multipart)
            count += 1
            if not matches(expected, status):
                mismatches.append(f"{method} {name} {url} as {actor}: expected {expected}, got {status}")
    assert count == 5 * len(table)
    return mismatches


def test_pages(world: World) -> None:
    mismatches = walk(world, PAGES, lambda name, row: reverse(name, kwargs=row.params(world)), api=False)
    assert mismatches == [], "\n".join(mismatches)


def test_api(world: World) -> None:
    mismatches = walk(world, API, lambda path, row: path.format(**row.params(world)), api=True)
    assert mismatches == [], "\n".join(mismatches)


def test_the_objects_are_in_the_state_each_row_needs(world: World) -> None:
    """The rows' objects are what the rows claim (else a refusal could pass for the gate's)."""
    org = world.org
    assert (world.draft.state, world.draft.owner_unit_id) == ("draft", org.office.pk)
    assert world.issued.state == "issued"
    assert world.in_progress.state == "in_progress"
    assert set(world.in_progress.officers.values_list("pk", flat=True)) == {org.btc_officer.pk}
    assert world.submitted.state == "submitted"
    assert world.extension.state == world.reassignment.state == "pending"
    assert world.obstacle.answered_at is None and world.obstacle.decider_unit_id == org.standing.pk
    assert {world.program.unit_id, world.duty.unit_id} == {org.btc.pk}
    assert world.notification.recipient_id == world.token.user_id == org.btc_head.pk
    assert world.in_progress.lead_unit_id == org.btc.pk
