"""The proposals page of a directive: read a text, see its sentences highlighted beside the proposals, edit, drop,
merge, create the drafts; the link on the directive's page; the text escaped everywhere."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from sauro.directives import panels
from sauro.directives.models import Directive
from sauro.extraction import services
from sauro.extraction.models import Proposal, ProposalStatus
from sauro.extraction.views import PROPOSALS_PANEL, directive_proposals_panel, segments
from sauro.tasks.models import Task
from tests.conftest import Org
from tests.extraction.proposals_setup import FIRST, SECOND, TEXT, directive, today  # noqa: F401

pytestmark = pytest.mark.django_db

# Session (with the user), scope, every unit's path (the tasks rule of the directives' gate), the directive, the
# drafting right (memberships), the attachments, the runs, the proposals with their units, their coordinating units,
# the unit choices (once for every form), the header's membership, the bell's count, the session saved (savepoint,
# update, release) — the same for 2 or 6 proposals.
QUERIES = 16


def page_url(d: Directive) -> str:
    return reverse("extraction:proposals", args=[d.pk])


def logged_in(user: object) -> Client:
    client = Client()
    client.force_login(user)  # type: ignore[arg-type]
    return client


def test_the_directive_page_links_to_the_proposals_page_for_those_who_draft(org: Org, directive: Directive) -> None:  # noqa: F811
    detail = reverse("directives:detail", args=[directive.pk])
    page = logged_in(org.monitor).get(detail).content.decode()
    assert "Đề xuất nhiệm vụ từ văn bản" in page and page_url(directive) in page
    assert page_url(directive) not in logged_in(org.btc_officer).get(detail).content.decode()
    services.proposals_extract(acting_user=org.monitor, directive=directive, text=TEXT)
    assert "còn 2 đề xuất chờ xử lý" in logged_in(org.monitor).get(detail).content.decode()


def test_the_panel_costs_a_few_queries(
    org: Org,
    directive: Directive,  # noqa: F811
    django_assert_max_num_queries: object,
) -> None:
    services.proposals_extract(acting_user=org.monitor, directive=directive, text=TEXT)
    request = Client().get("/").wsgi_request
    request.user = org.monitor
    with django_assert_max_num_queries(4):  # type: ignore[operator]
        panel = directive_proposals_panel(request, directive)  # type: ignore[arg-type]
    assert panel is not None and panel.context["waiting"] == 2
    assert PROPOSALS_PANEL in panels._providers


def test_reading_a_pasted_text_shows_the_sentences_marked_beside_the_proposals(org: Org, directive: Directive) -> None:  # noqa: F811
    client = logged_in(org.monitor)
    assert client.get(page_url(directive)).status_code == 200
    response = client.post(page_url(directive), {"text": TEXT})
    assert response.status_code == 302
    page = client.get(page_url(directive)).content.decode()
    marks = re.findall(r'<mark id="(cau-\d+-\d+)">([^<]*)</mark>', page)
    assert [text.strip(" .") for _, text in marks] == [FIRST, SECOND]
    for mark, _ in marks:
        assert f'href="#{mark}"' in page  # each proposal links to its sentence
    assert "Rõ người" in page and "Chưa có người chịu trách nhiệm chính" in page
    assert "Tạo tất cả thành nhiệm vụ dự thảo" in page


def test_the_text_is_escaped_never_trusted(org: Org, directive: Directive) -> None:  # noqa: F811
    client = logged_in(org.monitor)
    hostile = f"<script>alert(1)</script> {FIRST} <b>ngay</b>."
    client.post(page_url(directive), {"text": hostile})
    page = client.get(page_url(directive)).content.decode()
    assert "<script>alert(1)</script>" not in page and "<b>ngay</b>" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page


def test_an_empty_form_without_full_text_says_what_to_do(org: Org, directive: Directive) -> None:  # noqa: F811
    response = logged_in(org.monitor).post(page_url(directive), {"text": ""})
    assert response.status_code == 422
    assert "Hãy dán nội dung văn bản" in response.content.decode()


def test_edit_drop_merge_and_create_from_the_page(org: Org, directive: Directive) -> None:  # noqa: F811
    client = logged_in(org.monitor)
    client.post(page_url(directive), {"text": f"{FIRST}. Ban Tổ chức Thành ủy báo cáo kết quả. {SECOND}."})
    first, second, third = Proposal.objects.order_by("position")
    # edit
    prefix = f"p{first.pk}"
    response = client.post(
        reverse("extraction:proposal_edit", args=[directive.pk, first.pk]),
        {
            f"{prefix}-title": "Rà soát quy hoạch cán bộ",
            f"{prefix}-lead": str(org.btc.pk),
            f"{prefix}-coordinating": [str(org.office.pk)],
            f"{prefix}-product_kind": "report",
            f"{prefix}-product": "Báo cáo rà soát",
            f"{prefix}-authority": str(org.standing.pk),
            f"{prefix}-due_date": "30/06/2026",
            f"{prefix}-version": "1",
        },
    )
    assert response.status_code == 302 and response["Location"].endswith(f"#de-xuat-{first.pk}")
    first.refresh_from_db()
    assert first.title == "Rà soát quy hoạch cán bộ" and first.due_date is not None
    # a stale edit keeps what was typed and says why
    stale = client.post(
        reverse("extraction:proposal_edit", args=[directive.pk, first.pk]),
        {f"{prefix}-title": "Tên mới đã gõ", f"{prefix}-version": "1"},
    )
    assert stale.status_code == 422
    assert "Tên mới đã gõ" in stale.content.decode() and "người khác sửa" in stale.content.decode()
    # merge the second into the first (same lead), drop the third
    client.post(reverse("extraction:proposal_merge", args=[directive.pk, second.pk]), {f"m{second.pk}-into": first.pk})
    client.post(reverse("extraction:proposal_drop", args=[directive.pk, third.pk]))
    statuses = dict(Proposal.objects.values_list("pk", "status"))
    assert statuses == {first.pk: "open", second.pk: "dropped", third.pk: "dropped"}
    # create
    response = client.post(reverse("extraction:create_drafts", args=[directive.pk]))
    assert response.status_code == 302
    task = Task.objects.get(directive=directive)
    assert task.title.startswith("Rà soát quy hoạch cán bộ")
    page = client.get(page_url(directive)).content.decode()
    assert reverse("tasks:detail", args=[task.pk]) in page and "Nhiệm vụ dự thảo đã tạo" in page
    assert Proposal.objects.get(pk=first.pk).status == ProposalStatus.CREATED


def test_a_failure_is_reported_by_proposal(org: Org, directive: Directive) -> None:  # noqa: F811
    client = logged_in(org.monitor)
    client.post(page_url(directive), {"text": f"Văn phòng Thành ủy theo dõi việc thực hiện. {SECOND}."})
    response = client.post(reverse("extraction:create_drafts", args=[directive.pk]), follow=True)
    page = response.content.decode()
    assert "Đã tạo 1 nhiệm vụ dự thảo." in page and "Chưa tạo được" in page
    assert Task.objects.filter(directive=directive).count() == 1


def test_who_may_open_the_page(org: Org, directive: Directive) -> None:  # noqa: F811
    assert logged_in(org.btc_officer).get(page_url(directive)).status_code == 403
    assert logged_in(org.inspector).get(page_url(directive)).status_code == 403
    services.proposals_extract(acting_user=org.monitor, directive=directive, text=TEXT)
    proposal = Proposal.objects.first()
    assert proposal is not None
    # The ward's head proposes for the ward; Văn phòng's proposals are not theirs (404, as if absent).
    ward = logged_in(org.phuxuan_head)
    assert FIRST not in ward.get(page_url(directive)).content.decode()
    assert ward.post(reverse("extraction:proposal_drop", args=[directive.pk, proposal.pk])).status_code == 404


def test_segments_cut_the_text_at_the_sentences() -> None:
    parts = segments("ab cd ef", [(3, 5), (0, 2), (3, 5)])
    assert [(s.text, bool(s.mark)) for s in parts] == [("ab", True), (" ", False), ("cd", True), (" ef", False)]


def test_the_page_costs_the_same_queries_for_two_or_six_proposals_and_has_no_inline_code(
    org: Org,
    directive: Directive,  # noqa: F811
    django_assert_num_queries: Any,
) -> None:
    from tests.common.test_security import inline_code

    client = logged_in(org.monitor)
    services.proposals_extract(acting_user=org.monitor, directive=directive, text=TEXT)
    client.get(page_url(directive))
    with django_assert_num_queries(QUERIES) as captured:
        page = client.get(page_url(directive)).content.decode()
    assert inline_code(page) == [], inline_code(page)
    services.proposals_extract(acting_user=org.monitor, directive=directive, text=f"{TEXT} {TEXT} {TEXT}")
    with django_assert_num_queries(len(captured.captured_queries)):
        page = client.get(page_url(directive)).content.decode()
    assert page.count("<mark ") == 6


def test_a_new_directive_may_lead_straight_to_its_proposals(org: Org, today: Any) -> None:  # noqa: F811
    from sauro.directives.services import term_create

    term_create(
        acting_user=None, committee=org.city, name="Nhiệm kỳ 2025 – 2030", starts_on=today.day.replace(year=2025)
    )
    client = logged_in(org.monitor)
    form = client.get(reverse("directives:create")).content.decode()
    assert 'name="then" value="proposals"' in form and "đề xuất nhiệm vụ từ nội dung văn bản" in form
    data = {
        "kind": "KL",
        "issuing_unit": org.city.pk,
        "issuer_code": "TU",
        "issued_on": today.day.isoformat(),
        "number": "",
        "place": "Huế",
        "summary": "Kết luận hội nghị giao ban",
        "parent": "",
        "full_text": TEXT,
        "then": "proposals",
    }
    response = client.post(reverse("directives:create"), data)
    new = Directive.objects.get(summary="Kết luận hội nghị giao ban")
    assert response.status_code == 302 and response["Location"] == page_url(new)
    # Nothing pasted: the full text just registered is read.
    client.post(page_url(new), {"text": ""})
    assert Proposal.objects.filter(run__directive=new).count() == 2
    # Without the box ticked the registration leads to the directive's page, as before.
    data.update(summary="Kết luận khác", then="")
    response = client.post(reverse("directives:create"), data)
    assert response["Location"] == reverse(
        "directives:detail", args=[Directive.objects.get(summary="Kết luận khác").pk]
    )
