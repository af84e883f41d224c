"""Every service that writes a business row also appends a journal entry (docs/architecture.md: "audit entry in the
same transaction").

The public functions of every ``sauro/*/services.py`` are wrapped (in their module and wherever a module of the
project imported them by name), and ``post_save``/``post_delete`` of every model is
watched while a broad scenario runs through the services: the organisation changed (a unit created, renamed,
moved, merged; memberships opened and ended), a directive registered and edited, a task's whole life (drafted,
edited, issued, accepted, submitted, returned, submitted again, approved; an extension and a reassignment asked
and decided; a task cancelled), progress reported, an obstacle raised and answered, confidence rated, a work
program and its item, a report duty submitted. For each outermost service call that finished, the rows it saved
or deleted are compared with the journal entries it appended.

Rows that are not business events, and so need no journal entry of their own:

- the journal itself (``AuditEntry``, ``AuditHead``) and its checkpoints and verifications;
- sessions, and the ``last_used_at`` stamp of an API token (bookkeeping of a login, not a decision);
- notifications, their e-mail state and the reader's e-mail preference: messages *about* business events, whose
  events are journalled where they happen, and personal settings;
- reminder logs (``ReminderLog``, ``ReportReminderLog``) and update expectations: the idempotency keys and the
  derived ledger of the daily jobs, recomputed from the journalled task events;
- ``DataVersion`` and ``DoneTaskMonth``: caches kept by database triggers, not by services;
- the background task queue (django-tasks' results).

Limits: ``QuerySet.update``/``bulk_create`` send no signals, so a service writing only through them is not seen
here (``reports_generate`` is such a service; its own tests check its entry).
"""

from __future__ import annotations

import datetime
import importlib
import inspect
import pkgutil
import sys
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from functools import wraps
from pathlib import Path
from typing import Any

import pytest
from django.apps import apps
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db.models import Model
from django.db.models.signals import post_delete, post_save

import sauro
from sauro.common import clock
from sauro.org.choices import Role, UnitKind
from tests.conftest import START, START_NEXT, Org
from tests.tasks.conftest import TODAY, complete_fields

NOT_BUSINESS = {
    "audit.AuditEntry",
    "audit.AuditHead",
    "audit.AuditCheckpoint",
    "audit.AuditVerification",
    "sessions.Session",
    "notifications.Notification",
    "notifications.NotificationPreference",
    "monitoring.ReminderLog",
    "monitoring.UpdateExpectation",
    "reports.ReportReminderLog",
    "common.DataVersion",
    "tasks.DoneTaskMonth",
    "django_tasks_database.DBTaskResult",
}
# Service functions that write only non-business rows (see above) or nothing at all.
NOT_WRITERS = {"accounts.api_token_authenticate"}
PDF = b"%PDF-1.7\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"


@dataclass
class Call:
    name: str
    writes: set[str] = field(default_factory=set)
    entries: int = 0


@dataclass
class Recorder:
    stack: list[Call] = field(default_factory=list)
    finished: list[Call] = field(default_factory=list)

    def wrap(self, name: str, fn: Callable[..., Any]) -> Callable[..., Any]:
        @wraps(fn)
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            call = Call(name)
            self.stack.append(call)
            try:
                result = fn(*args, **kwargs)
            finally:
                self.stack.pop()
            if self.stack:  # an inner call: its writes and entries count for the outermost one
                self.stack[0].writes |= call.writes
                self.stack[0].entries += call.entries
            else:
                self.finished.append(call)
            return result

        return wrapper

    def saw(self, sender: type[Model], **kwargs: Any) -> None:
        if not self.stack:
            return
        label = sender._meta.label
        if label == "audit.AuditEntry":
            if kwargs.get("created", True):
                self.stack[-1].entries += 1
        elif label not in NOT_BUSINESS:
            self.stack[-1].writes.add(label)


def service_modules() -> list[Any]:
    root = Path(sauro.__file__).parent
    modules = []
    for info in pkgutil.iter_modules([str(root)]):
        if (root / info.name / "services.py").exists():
            modules.append(importlib.import_module(f"sauro.{info.name}.services"))
    return modules


@pytest.fixture
def recorder(monkeypatch: pytest.MonkeyPatch) -> Iterator[Recorder]:
    rec = Recorder()
    wrapped: dict[int, Callable[..., Any]] = {}
    for module in service_modules():
        app = module.__name__.split(".")[1]
        for name, fn in inspect.getmembers(module, inspect.isfunction):
            if name.startswith("_") or fn.__module__ != module.__name__:
                continue
            wrapped[id(fn)] = rec.wrap(f"{app}.{name}", fn)
    # Wherever a service was imported by name (``from sauro.tasks.services import task_create``), the wrapper
    # replaces it too, so what is seen does not depend on which modules were imported before the test.
    for module_name, module in list(sys.modules.items()):
        if module is None or not (module_name == "sauro" or module_name.startswith("sauro.")):
            continue
        for name, value in list(vars(module).items()):
            if inspect.isfunction(value) and id(value) in wrapped:
                monkeypatch.setattr(module, name, wrapped[id(value)])

    def on_save(sender: type[Model], **kwargs: Any) -> None:
        rec.saw(sender, **kwargs)

    def on_delete(sender: type[Model], **kwargs: Any) -> None:
        rec.saw(sender, **kwargs)

    post_save.connect(on_save, weak=False, dispatch_uid="test-journal-save")
    post_delete.connect(on_delete, weak=False, dispatch_uid="test-journal-delete")
    try:
        yield rec
    finally:
        post_save.disconnect(dispatch_uid="test-journal-save")
        post_delete.disconnect(dispatch_uid="test-journal-delete")


@pytest.fixture
def fixed_clock(monkeypatch: pytest.MonkeyPatch, settings: Any, tmp_path: Path) -> None:
    moment = datetime.datetime(2026, 3, 2, 9, 0, tzinfo=datetime.UTC)
    monkeypatch.setattr(clock, "today", lambda: TODAY)
    monkeypatch.setattr(clock, "now", lambda: moment)
    settings.MEDIA_ROOT = tmp_path
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {"BACKEND": "django.core.files.storage.FileSystemStorage", "OPTIONS": {"location": tmp_path}},
    }


def svc(app: str) -> Any:
    """The app's services module: calls go through its attributes, which the recorder wrapped."""
    return importlib.import_module(f"sauro.{app}.services")


def run_scenario(org: Org) -> None:
    org_s, tasks, mon, dirs, progs, reps = (
        svc("org"),
        svc("tasks"),
        svc("monitoring"),
        svc("directives"),
        svc("programs"),
        svc("reports"),
    )
    # --- the organisation
    dept = org_s.unit_create(
        acting_user=org.admin,
        code="VPTU-TH",
        name="Phòng Tổng hợp",
        kind=UnitKind.DEPARTMENT,
        parent=org.office,
        valid_from=START,
    )
    org_s.unit_rename(acting_user=org.admin, unit=dept, new_name="Phòng Tổng hợp – Theo dõi", on_date=TODAY)
    org_s.unit_move(acting_user=org.admin, unit=dept, new_parent=org.btc)
    joined = org_s.membership_create(
        acting_user=org.admin, person=org.monitor, unit=dept, role=Role.OFFICER, valid_from=START
    )
    promoted = org_s.membership_change(
        acting_user=org.admin, membership=joined, role=Role.UNIT_HEAD, position="Trưởng phòng", on_date=START_NEXT
    )
    org_s.membership_end(acting_user=org.admin, membership=promoted, valid_to=TODAY)
    # --- a ward's former term, declared and closed
    former = dirs.term_create(
        acting_user=org.admin, committee=org.phuxuan, name="Nhiệm kỳ 2020 – 2025", starts_on=datetime.date(2020, 10, 1)
    )
    dirs.term_close(acting_user=org.admin, term=former, ends_on=datetime.date(2025, 9, 30))
    # --- a directive
    dirs.term_create(
        acting_user=org.admin, committee=org.city, name="Nhiệm kỳ 2025 – 2030", starts_on=datetime.date(2025, 10, 1)
    )
    directive = dirs.directive_create(
        acting_user=org.monitor,
        data=dirs.DirectiveInput(
            kind="KL",
            issuer_code="TU",
            issuing_unit_id=org.city.pk,
            issued_on=datetime.date(2026, 1, 9),
            summary="Kết luận hội nghị giao ban",
        ),
    )
    dirs.directive_update(
        acting_user=org.monitor,
        directive=directive,
        expected_version=directive.version,
        data=dirs.DirectiveInput.from_directive(directive),
    )
    attachment = dirs.directive_attach_file(
        acting_user=org.monitor, directive=directive, upload=SimpleUploadedFile("kl.pdf", PDF)
    )
    dirs.directive_remove_attachment(acting_user=org.monitor, attachment=attachment)
    # --- proposals from the directive's text: read, edited, merged, dropped, created as drafts
    ext = svc("extraction")
    run = ext.proposals_extract(
        acting_user=org.monitor,
        directive=directive,
        text="Ban Tổ chức Thành ủy rà soát quy hoạch. Ban Tổ chức Thành ủy báo cáo kết quả. Ủy ban Kiểm tra Thành ủy "
        "kiểm tra. Văn phòng Thành ủy theo dõi.",
    )
    first, second, _third, fourth = run.proposals.order_by("position")
    ext.proposal_update(acting_user=org.monitor, proposal=first, changes={"product": "Báo cáo"})
    ext.proposal_merge(acting_user=org.monitor, proposal=second, into=first)
    ext.proposal_drop(acting_user=org.monitor, proposal=fourth)
    ext.proposals_create_drafts(acting_user=org.monitor, run=run)
    # --- a meeting, edited, its conclusion recorded as a directive; another deleted
    meet = svc("meetings")
    about = {
        "kind": "briefing",
        "title": "Giao ban công tác tổ chức",
        "held_on": datetime.date(2026, 2, 10),
        "host_unit_id": org.btc.pk,
        "chair_id": org.btc_head.pk,
        "duration_minutes": 60,
        "attendees": 12,
    }
    meeting = meet.meeting_create(acting_user=org.btc_head, data=meet.MeetingInput(**about))
    meeting = meet.meeting_update(
        acting_user=org.btc_head,
        meeting=meeting,
        expected_version=1,
        data=meet.MeetingInput(**{**about, "unit_ids": [org.btc_dept.pk]}),
    )
    meet.meeting_record_conclusion(
        acting_user=org.monitor,
        meeting=meeting,
        data=meet.ConclusionInput(issuer_code="BTCTU", issued_on=datetime.date(2026, 2, 11), summary="Kết luận"),
    )
    spare = meet.meeting_create(acting_user=org.btc_head, data=meet.MeetingInput(**{**about, "title": "Vào nhầm"}))
    meet.meeting_delete(acting_user=org.btc_head, meeting=spare)
    # --- the petitions register: a reception day planned and held, a visit entered and corrected, a letter
    # registered, corrected and forwarded to a ward as a task, another kept for information
    pet = svc("petitions")
    day = pet.reception_day_create(
        acting_user=org.phuxuan_head,
        data=pet.ReceptionDayInput(unit_id=org.phuxuan.pk, leader_id=org.phuxuan_head.pk, day=TODAY),
    )
    pet.reception_day_set_state(acting_user=org.phuxuan_head, day=day, state="held")
    visit_about = {
        "unit_id": org.phuxuan.pk,
        "received_on": TODAY,
        "receiver_kind": "leader",
        "receiving_leader_id": org.phuxuan_head.pk,
        "citizen_name": "Trần Văn Hòa",
        "summary": "Đề nghị giải quyết việc bồi thường.",
        "kind": "khieu_nai_1",
        "guidance": "guided",
    }
    visit = pet.reception_create(acting_user=org.phuxuan_head, data=pet.ReceptionInput(**visit_about))
    pet.reception_update(
        acting_user=org.phuxuan_head, reception=visit, data=pet.ReceptionInput(**{**visit_about, "people_count": 2})
    )
    letter_about = {
        "unit_id": org.office.pk,
        "source": "post",
        "signer_kind": "one",
        "signer_name": "Nguyễn Thị Lành",
        "kind": "kien_nghi",
        "topic": "land",
        "summary": "Kiến nghị về cấp giấy chứng nhận quyền sử dụng đất.",
        "received_on": TODAY,
    }
    letter = pet.letter_create(acting_user=org.monitor, data=pet.LetterInput(**letter_about))
    letter = pet.letter_update(
        acting_user=org.monitor, letter=letter, data=pet.LetterInput(**{**letter_about, "accepted_on": TODAY})
    )
    pet.letter_decide(
        acting_user=org.monitor,
        letter=letter,
        data=pet.DecisionInput(
            decision="forward",
            forward_unit_id=org.ancuu.pk,
            document_number="125-CV/VPTU",
            officer_id=org.ancuu_head.pk,
            product="answer",
            authority_unit_id=org.standing.pk,
        ),
    )
    kept = pet.letter_create(acting_user=org.monitor, data=pet.LetterInput(**letter_about))
    pet.letter_decide(acting_user=org.monitor, letter=kept, data=pet.DecisionInput(decision="keep"))

    # --- a task's life
    def draft(**overrides: Any) -> Any:
        return tasks.task_create(
            acting_user=org.monitor, owner_unit=org.office, fields=complete_fields(org, **overrides)
        )

    def started(**overrides: Any) -> Any:
        task = tasks.task_issue(acting_user=org.monitor, task=draft(**overrides))
        return tasks.task_accept(acting_user=org.btc_head, task=task, officer_ids=[org.btc_officer.pk])

    task = draft()
    task = tasks.task_update(acting_user=org.monitor, task=task, changes={"title": "Rà soát quy hoạch cán bộ"})
    task = tasks.task_issue(acting_user=org.monitor, task=task)
    task = tasks.task_accept(acting_user=org.btc_head, task=task, officer_ids=[org.btc_officer.pk])
    mon.progress_update_create(
        acting_user=org.btc_officer, task=task, done="Đã rà soát", percent=40, files=[SimpleUploadedFile("a.pdf", PDF)]
    )
    obstacle = mon.obstacle_create(
        acting_user=org.btc_officer,
        task=task,
        description="Chưa có hướng dẫn",
        proposal="Cho áp dụng tiêu chuẩn hiện hành",
        decider_unit_id=org.standing.pk,
    )
    mon.obstacle_answer(acting_user=org.leader, obstacle=obstacle, answer="Đồng ý áp dụng.")
    mon.confidence_rate(acting_user=org.monitor, task=task, level="green")
    talk = svc("discussions")
    comment = talk.comment_post(
        acting_user=org.btc_officer, task=task, body="Nhờ @bantochuc xem", files=[SimpleUploadedFile("b.pdf", PDF)]
    )
    talk.comment_edit(acting_user=org.btc_officer, comment=comment, body="Nhờ @bithu xem", expected_version=1)
    talk.comment_delete(acting_user=org.btc_officer, comment=comment)
    extension = tasks.extension_request_create(
        acting_user=org.btc_officer, task=task, new_due_date=TODAY + datetime.timedelta(days=60), reason="Chờ ý kiến"
    )
    tasks.extension_request_decide(acting_user=org.leader, request=extension, approve=True)
    tasks.task_submit(acting_user=org.btc_officer, task=task, product_note="Báo cáo rà soát")
    tasks.task_return(acting_user=org.leader, task=task, reason="Bổ sung danh sách")
    tasks.task_submit(acting_user=org.btc_officer, task=task, product_note="Báo cáo rà soát (bổ sung)")
    tasks.task_approve(acting_user=org.leader, task=task)
    moved = started(title="Tuyên truyền nghị quyết")
    reassignment = tasks.reassignment_request_create(
        acting_user=org.btc_head, task=moved, proposed_unit_id=org.ubkt.pk, reason="Thuộc chức năng Ủy ban Kiểm tra"
    )
    tasks.reassignment_request_decide(acting_user=org.leader, request=reassignment, approve=True)
    tasks.task_cancel(acting_user=org.leader, task=started(title="Việc không còn cần"), reason="Đã có chủ trương khác")
    # --- a work program and a report
    program = progs.program_create(acting_user=org.btc_head, unit_id=org.btc.pk, year=2026)
    item = progs.item_create(
        acting_user=org.btc_head, program=program, data=progs.ItemInput(key="1", content="Rà soát", month=3)
    )
    progs.item_update(
        acting_user=org.btc_head,
        item=item,
        expected_version=item.version,
        data=progs.ItemInput(key="1", content="Rà soát quy hoạch", month=3),
    )
    progs.item_create_task(acting_user=org.btc_head, item=item)
    progs.program_update(
        acting_user=org.btc_head, program=program, expected_version=program.version, title="", state="draft"
    )
    reps.reports_generate(as_of=TODAY)
    from sauro.reports.models import ReportDuty

    duty = ReportDuty.objects.filter(unit=org.btc).first()
    assert duty is not None, "the regimes give Ban Tổ chức a duty"
    reps.report_submit(acting_user=org.btc_head, duty=duty, text="Báo cáo quý")
    # --- the org again: a merge moves open work to the successor
    org_s.units_merge(acting_user=org.admin, predecessors=[org.ancuu], successor=org.phuxuan, on_date=TODAY)


def test_every_service_that_writes_a_business_row_appends_a_journal_entry(
    org: Org, fixed_clock: None, recorder: Recorder
) -> None:
    run_scenario(org)
    called = {c.name for c in recorder.finished}
    writers = [c for c in recorder.finished if c.writes]
    assert len(called) >= 25, sorted(called)  # the scenario reached the services it names
    # ... and the signals saw their writes (else every call would pass for want of a write).
    assert {
        "tasks.Task",
        "monitoring.Obstacle",
        "org.Unit",
        "directives.Directive",
        "discussions.Comment",
        "meetings.Meeting",
        "petitions.Letter",
        "petitions.Reception",
        "petitions.ReceptionDay",
    } <= set().union(*(c.writes for c in writers))
    silent = sorted({f"{c.name} wrote {sorted(c.writes)}" for c in writers if c.entries == 0})
    assert silent == [], "services that wrote business rows without a journal entry:\n" + "\n".join(silent)


def test_the_exclusions_name_real_models() -> None:
    """Each excluded label is a model of the project (a renamed model would otherwise slip through unseen)."""
    labels = {m._meta.label for m in apps.get_models()}
    assert NOT_BUSINESS - labels <= {"django_tasks_database.DBTaskResult"}, NOT_BUSINESS - labels
    assert all(name.count(".") == 1 for name in NOT_WRITERS)


def test_the_demo_loads_through_journalled_services(recorder: Recorder, fixed_clock: None, db: None) -> None:
    """The Huế demo, loaded through the services (``sauro.demo.loader.load_demo``, as ``sauro serve --setup`` does):
    every service call it makes through a module attribute is seen, and none wrote without a journal entry."""
    from sauro.demo.loader import load_demo

    load_demo()
    writers = [c for c in recorder.finished if c.writes]
    assert writers, "the demo wrote through the services"
    # Drafting, the lifecycle, monitoring, programs and reports: the demo's calls are seen wherever it imported them.
    assert {"tasks.task_create", "tasks.task_issue", "monitoring.obstacle_create", "programs.program_create"} <= {
        c.name for c in writers
    }
    silent = sorted({f"{c.name} wrote {sorted(c.writes)}" for c in writers if c.entries == 0})
    assert silent == [], "services that wrote business rows without a journal entry:\n" + "\n".join(silent)
