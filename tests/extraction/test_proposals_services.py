"""Proposals from a directive's text: a run is kept with the directive, proposals are edited, dropped, merged and
created as draft tasks through the task services, each write journalled; who may is ``extraction.access``."""

from __future__ import annotations

import datetime
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from docx import Document

from sauro.audit.models import AuditEntry
from sauro.common.errors import Conflict, PermissionDeniedError, ServiceError, ValidationFailed
from sauro.directives.models import Directive
from sauro.directives.services import directive_attach_file
from sauro.extraction import services
from sauro.extraction.checklist import open_clears
from sauro.extraction.models import Proposal, ProposalStatus, RunSource
from sauro.tasks.choices import EventKind, ProductKind, TaskState
from sauro.tasks.models import Task
from tests.common.files import pdf_bytes
from tests.conftest import Org
from tests.extraction.proposals_setup import FIRST, SECOND, TEXT, TODAY, directive, today  # noqa: F401

pytestmark = pytest.mark.django_db


def run_of(org: Org, directive: Directive, text: str = TEXT) -> list[Proposal]:  # noqa: F811
    run = services.proposals_extract(acting_user=org.monitor, directive=directive, text=text)
    return list(run.proposals.order_by("position"))


def actions() -> list[str]:
    return list(AuditEntry.objects.order_by("seq").values_list("action", flat=True))


def test_a_pasted_text_becomes_a_run_of_proposals_beside_their_sentences(org: Org, directive: Directive) -> None:  # noqa: F811
    first, second = run_of(org, directive)
    run = first.run
    assert (run.directive, run.owner_unit, run.source, run.text) == (directive, org.office, RunSource.PASTED, TEXT)
    assert run.ref_date == directive.issued_on  # relative deadlines count from the directive's date
    assert (first.lead, second.lead) == (org.btc, org.ubkt)
    assert TEXT[first.start : first.end] == first.sentence and first.sentence.rstrip(".") == FIRST
    assert TEXT[second.start : second.end].strip(" .") == SECOND
    assert "person" in open_clears(first) and "responsibility" not in open_clears(first)
    assert actions()[-1] == "proposal_run.create"


def test_the_directive_full_text_is_read_when_nothing_is_pasted(org: Org, today: object) -> None:  # noqa: F811
    from tests.extraction.proposals_setup import make_directive

    d = make_directive(org, full_text=TEXT)
    run = services.proposals_extract(acting_user=org.monitor, directive=d)
    assert run.source == RunSource.FULL_TEXT and run.proposals.count() == 2


def test_an_attached_docx_is_read(org: Org, directive: Directive) -> None:  # noqa: F811
    document = Document()
    document.add_paragraph(f"1. {FIRST}.")
    out = io.BytesIO()
    document.save(out)
    attachment = directive_attach_file(
        acting_user=org.monitor, directive=directive, upload=SimpleUploadedFile("kl.docx", out.getvalue())
    )
    run = services.proposals_extract(acting_user=org.monitor, directive=directive, attachment_id=attachment.pk)
    assert (run.source, run.attachment) == (RunSource.ATTACHMENT, attachment)
    assert run.proposals.get().lead == org.btc


def test_a_scanned_pdf_attachment_is_refused_with_the_clear_message(org: Org, directive: Directive) -> None:  # noqa: F811
    attachment = directive_attach_file(
        acting_user=org.monitor, directive=directive, upload=SimpleUploadedFile("scan.pdf", pdf_bytes())
    )
    with pytest.raises(ServiceError) as caught:
        services.proposals_extract(acting_user=org.monitor, directive=directive, attachment_id=attachment.pk)
    assert caught.value.code == "scanned_pdf"
    assert not directive.proposal_runs.exists()


def test_another_directives_attachment_is_refused(org: Org, directive: Directive) -> None:  # noqa: F811
    with pytest.raises(ValidationFailed):
        services.proposals_extract(acting_user=org.monitor, directive=directive, attachment_id=999_999)


def test_only_those_who_draft_tasks_may_propose(org: Org, directive: Directive) -> None:  # noqa: F811
    for person in (org.btc_officer, org.inspector):
        with pytest.raises(PermissionDeniedError):
            services.proposals_extract(acting_user=person, directive=directive, text=TEXT)
    # A unit head proposes in their unit's name.
    run = services.proposals_extract(acting_user=org.phuxuan_head, directive=directive, text=TEXT)
    assert run.owner_unit == org.phuxuan


def test_another_units_run_is_not_theirs_to_act_on(org: Org, directive: Directive) -> None:  # noqa: F811
    first, _ = run_of(org, directive)
    with pytest.raises(PermissionDeniedError):
        services.proposal_drop(acting_user=org.phuxuan_head, proposal=first)
    with pytest.raises(PermissionDeniedError):
        services.proposals_create_drafts(acting_user=org.phuxuan_head, run=first.run)
    first.refresh_from_db()
    assert first.status == ProposalStatus.OPEN


def test_an_edit_is_journalled_and_a_stale_one_refused(org: Org, directive: Directive) -> None:  # noqa: F811
    first, _ = run_of(org, directive)
    edited = services.proposal_update(
        acting_user=org.monitor,
        proposal=first,
        expected_version=1,
        changes={
            "title": "Rà soát quy hoạch cán bộ nhiệm kỳ 2025 – 2030",
            "coordinating": [org.office.pk],
            "product_kind": ProductKind.REPORT,
            "product": "Báo cáo kết quả rà soát",
            "authority": org.standing.pk,
            "due_date": TODAY.replace(month=6, day=30),
        },
    )
    assert edited.version == 2 and list(edited.coordinating.all()) == [org.office]
    assert open_clears(edited) == ["person"]
    assert actions()[-1] == "proposal.update"
    with pytest.raises(Conflict):
        services.proposal_update(acting_user=org.monitor, proposal=first, expected_version=1, changes={"title": "X"})
    with pytest.raises(ValidationFailed):
        services.proposal_update(acting_user=org.monitor, proposal=first, changes={"title": "  "})
    with pytest.raises(ValidationFailed):
        services.proposal_update(acting_user=org.monitor, proposal=first, changes={"lead": 999_999})


def test_a_dropped_proposal_is_kept_and_not_created(org: Org, directive: Directive) -> None:  # noqa: F811
    first, second = run_of(org, directive)
    services.proposal_drop(acting_user=org.monitor, proposal=first)
    first.refresh_from_db()
    assert first.status == ProposalStatus.DROPPED
    assert actions()[-1] == "proposal.drop"
    with pytest.raises(Conflict):
        services.proposal_drop(acting_user=org.monitor, proposal=first)
    result = services.proposals_create_drafts(acting_user=org.monitor, run=first.run)
    assert [p.pk for p, _ in result.created] == [second.pk]


def test_merging_joins_two_proposals_of_the_same_lead(org: Org, directive: Directive) -> None:  # noqa: F811
    text = f"{FIRST}. Ban Tổ chức Thành ủy báo cáo kết quả rà soát. {SECOND}."
    first, second, third = run_of(org, directive, text)
    with pytest.raises(ValidationFailed):
        services.proposal_merge(acting_user=org.monitor, proposal=third, into=first)  # another lead unit
    merged = services.proposal_merge(acting_user=org.monitor, proposal=second, into=first)
    second.refresh_from_db()
    assert second.status == ProposalStatus.DROPPED
    assert merged.title.startswith("Rà soát, bổ sung quy hoạch cán bộ") and "áo cáo kết quả rà soát" in merged.title
    assert FIRST in merged.sentence and "báo cáo kết quả rà soát" in merged.sentence
    assert (merged.start, merged.end) == (first.start, second.end)
    assert actions()[-1] == "proposal.merge"


def test_drafts_are_created_through_the_task_services_linked_to_the_directive_and_point(
    org: Org,
    directive: Directive,  # noqa: F811
) -> None:
    text = f"1. Công tác cán bộ\n1.1. {FIRST}.\n{SECOND}."
    proposals = run_of(org, directive, text)
    result = services.proposals_create_drafts(acting_user=org.monitor, run=proposals[0].run)
    assert result.failed == []
    tasks = [t for _, t in result.created]
    assert len(tasks) == len(proposals)
    for task in tasks:
        task.refresh_from_db()
        assert (task.state, task.directive, task.owner_unit, task.created_by) == (
            TaskState.DRAFT,
            directive,
            org.office,
            org.monitor,
        )
        assert task.events.filter(kind=EventKind.CREATED).exists()
    by_lead = {t.lead_unit: t for t in tasks}
    assert FIRST in by_lead[org.btc].source_paragraph
    point = proposals[[p.lead for p in proposals].index(org.btc)].point
    if point:  # the sentence grammar knows its numbered point: the draft names it
        assert by_lead[org.btc].source_paragraph.startswith(f"Điểm {point}:")
    for p in Proposal.objects.filter(run=proposals[0].run):
        assert p.status == ProposalStatus.CREATED and p.task is not None
    journal = actions()
    assert journal.count("task.created") == len(tasks) and journal.count("proposal.task_created") == len(tasks)


def test_a_proposal_refused_by_the_task_services_does_not_lose_the_others(org: Org, directive: Directive) -> None:  # noqa: F811
    # Văn phòng has no head in the miniature Huế: nobody could act for it as a lead unit, the task services refuse.
    text = f"{FIRST}. Văn phòng Thành ủy theo dõi, đôn đốc việc thực hiện. {SECOND}."
    proposals = run_of(org, directive, text)
    assert [p.lead for p in proposals] == [org.btc, org.office, org.ubkt]
    result = services.proposals_create_drafts(acting_user=org.monitor, run=proposals[0].run)
    assert [p.pk for p, _ in result.created] == [proposals[0].pk, proposals[2].pk]
    [(failed, error)] = result.failed
    assert failed.pk == proposals[1].pk and error.message
    failed.refresh_from_db()
    assert failed.status == ProposalStatus.OPEN and failed.task is None  # kept, to fix and create again
    assert Task.objects.filter(directive=directive).count() == 2
    # Fixed (another lead unit), it is created on the next click.
    services.proposal_update(acting_user=org.monitor, proposal=failed, changes={"lead": org.btc.pk})
    again = services.proposals_create_drafts(acting_user=org.monitor, run=proposals[0].run)
    assert [p.pk for p, _ in again.created] == [failed.pk] and again.failed == []


def test_a_recurring_duty_becomes_a_recurring_draft(org: Org, directive: Directive) -> None:  # noqa: F811
    [proposal] = run_of(org, directive, f"{FIRST}.")
    Proposal.objects.filter(pk=proposal.pk).update(
        time_kind="recurring", recurrence="quarterly", due_date=TODAY.replace(month=6, day=25), time_text="hằng quý"
    )
    [(_, task)] = services.proposals_create_drafts(acting_user=org.monitor, run=proposal.run).created
    task.refresh_from_db()
    assert (task.recurrence, task.recurrence_day, task.recurrence_month) == ("quarterly", 25, 3)


def test_a_deadline_on_a_day_off_is_shown_with_the_working_day_it_moves_to(
    org: Org,
    directive: Directive,  # noqa: F811
    client_for: object,
) -> None:
    from django.urls import reverse

    text = "Ban Tổ chức Thành ủy rà soát, bổ sung quy hoạch cán bộ, hoàn thành trước ngày 14/3/2026."  # a Saturday
    [p] = run_of(org, directive, text)
    assert (p.due_date, p.due_stated) == (datetime.date(2026, 3, 16), datetime.date(2026, 3, 14))
    page = client_for(org.monitor).get(reverse("extraction:proposals", args=[directive.pk]))  # type: ignore[operator]
    assert "16/03/2026" in page.content.decode() and "văn bản ghi 14/03/2026, ngày nghỉ" in page.content.decode()
    # A day the person sets is theirs: the text's day is no longer shown.
    p = services.proposal_update(
        acting_user=org.monitor,
        proposal=p,
        changes={"due_date": datetime.date(2026, 3, 20)},
        expected_version=p.version,
    )
    assert p.due_stated is None
