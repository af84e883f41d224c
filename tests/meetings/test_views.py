"""The meeting pages: the list with its filters, figures and pager; registering; the detail page's "Ghi thông báo
kết luận" leading to the directive's page; the dashboard's section (its unit and period, its queries)."""

from __future__ import annotations

import datetime
import re
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from sauro.directives.models import Directive
from sauro.meetings.models import Meeting
from tests.common.test_security import inline_code
from tests.conftest import Org

pytestmark = pytest.mark.usefixtures("today", "term")
D = datetime.date


def listed(body: str) -> list[int]:
    return [int(pk) for pk in re.findall(r'<tr data-meeting="(\d+)"', body)]


def test_list_filters_and_figures(org: Org, make_meeting, client_for) -> None:  # type: ignore[no-untyped-def]
    ban = make_meeting(held_on=D(2026, 2, 10))
    old = make_meeting(held_on=D(2025, 11, 3), kind="thematic", title="Hội nghị chuyên đề quý IV")
    ward = make_meeting(
        held_on=D(2026, 1, 5), host_unit_id=org.phuxuan.pk, chair_id=org.phuxuan_head.pk, unit_ids=[], kind="agency"
    )
    client = client_for(org.leader)
    url = reverse("meetings:list")
    body = client.get(url).content.decode()
    assert listed(body) == [ban.pk, ward.pk, old.pk]  # latest first
    assert "Hội họp trong Quý I năm 2026" in body  # the header's figures: the current quarter
    assert f'data-meeting-unit="{org.btc.pk}"' in body
    assert listed(client.get(url, {"quarter": "2025Q4"}).content.decode()) == [old.pk]
    assert listed(client.get(url, {"kind": "agency"}).content.decode()) == [ward.pk]
    assert listed(client.get(url, {"unit": org.btc.pk}).content.decode()) == [ban.pk, old.pk]
    # The ward's head sees their ward's meetings only.
    assert listed(client_for(org.phuxuan_head).get(url).content.decode()) == [ward.pk]
    # A bad filter is shown, not obeyed.
    response = client.get(url, {"quarter": "2026Q9"})
    assert response.status_code == 200
    assert "Một số điều kiện lọc không hợp lệ" in response.content.decode()
    assert inline_code(body) == []


def test_list_pages(org: Org, make_meeting, client_for, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    from sauro.meetings import selectors

    monkeypatch.setattr(selectors, "PAGE_SIZE", 2)
    made = [make_meeting(held_on=D(2026, 2, day), title=f"Họp {day}") for day in (2, 3, 4)]
    client = client_for(org.monitor)
    body = client.get(reverse("meetings:list")).content.decode()
    assert listed(body) == [made[2].pk, made[1].pk]
    following = re.search(r'href="([^"]*after=[^"]+)"[^>]*rel="next"', body)
    assert following
    second = client.get(following.group(1).replace("&amp;", "&")).content.decode()
    assert listed(second) == [made[0].pk]
    assert "« Về trang đầu" in second


def test_register_a_meeting_through_the_form(org: Org, client_for) -> None:  # type: ignore[no-untyped-def]
    client = client_for(org.btc_head)
    form = client.get(reverse("meetings:create")).content.decode()
    assert "data-datepicker" in form and 'class="multi-select"' in form
    response = client.post(
        reverse("meetings:create"),
        {
            "kind": "briefing",
            "title": "Giao ban tháng 2",
            "held_on": "10/02/2026",
            "starts_at": "08:00",
            "host_unit": org.btc.pk,
            "chair": org.btc_head.pk,
            "units": [org.btc_dept.pk],
            "duration_minutes": "120",
            "attendees": "30",
        },
    )
    meeting = Meeting.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("meetings:detail", args=[meeting.pk])
    assert (meeting.held_on, meeting.starts_at, meeting.created_by) == (D(2026, 2, 10), datetime.time(8), org.btc_head)
    # "Could have been a document" needs its reason: the form says so next to the field.
    response = client.post(
        reverse("meetings:create"),
        {
            "kind": "agency",
            "title": "Họp phổ biến văn bản",
            "held_on": "11/02/2026",
            "host_unit": org.btc.pk,
            "chair": org.btc_head.pk,
            "duration_minutes": "30",
            "attendees": "10",
            "could_be_document": "on",
        },
    )
    assert response.status_code == 422
    assert "Hãy ghi vì sao cuộc họp có thể thay bằng văn bản." in response.content.decode()
    assert Meeting.objects.count() == 1


def test_record_the_conclusion_and_land_on_the_directive(org: Org, make_meeting, client_for) -> None:  # type: ignore[no-untyped-def]
    meeting = make_meeting(acting_user=org.btc_head)
    # The Ban's head records the meeting but cannot register a directive: no button, the link form instead.
    head_page = client_for(org.btc_head).get(reverse("meetings:detail", args=[meeting.pk])).content.decode()
    assert "Ghi thông báo kết luận</button>" not in head_page
    assert "Gắn thông báo đã vào sổ" in head_page
    client = client_for(org.monitor)
    page = client.get(reverse("meetings:detail", args=[meeting.pk])).content.decode()
    assert "Ghi thông báo kết luận</button>" in page
    assert 'value="BTCTU"' in page  # the host unit's code proposed
    response = client.post(
        reverse("meetings:conclusion_create", args=[meeting.pk]),
        {"issued_on": "12/02/2026", "issuer_code": "BTCTU", "summary": "Thông báo kết luận giao ban", "version": "1"},
    )
    directive = Directive.objects.get(kind="TB")
    assert response.status_code == 302
    assert response["Location"] == reverse("directives:detail", args=[directive.pk])
    meeting.refresh_from_db()
    assert meeting.conclusion == directive
    page = client.get(reverse("meetings:detail", args=[meeting.pk])).content.decode()
    assert f'data-conclusion="{directive.pk}"' in page
    # The notice's page names the meeting it concludes.
    notice_page = client.get(reverse("directives:detail", args=[directive.pk])).content.decode()
    assert f'data-meeting-link="{meeting.pk}"' in notice_page
    # The ward's head sees neither the Ban's notice nor its meeting.
    assert client_for(org.phuxuan_head).get(reverse("directives:detail", args=[directive.pk])).status_code == 404
    assert "Ghi thông báo kết luận</button>" not in page


def test_conclusion_refused_before_the_meeting(org: Org, make_meeting, client_for) -> None:  # type: ignore[no-untyped-def]
    meeting = make_meeting()
    response = client_for(org.monitor).post(
        reverse("meetings:conclusion_create", args=[meeting.pk]),
        {"issued_on": "09/02/2026", "issuer_code": "BTCTU", "summary": "Thông báo"},
    )
    assert response.status_code == 422
    assert "không thể ban hành trước ngày họp" in response.content.decode()
    assert not Directive.objects.exists()


def _dashboard(client: Any, **params: Any) -> str:
    response = client.get(reverse("dashboard:overview"), params)
    assert response.status_code == 200
    return response.content.decode()


def test_dashboard_section_follows_its_unit_and_period(org: Org, make_meeting, client_for, today) -> None:  # type: ignore[no-untyped-def]
    today.set(D(2026, 11, 20))
    make_meeting(held_on=D(2026, 10, 1))
    make_meeting(held_on=D(2025, 10, 1))
    make_meeting(held_on=D(2025, 10, 2))
    make_meeting(held_on=D(2026, 10, 5), host_unit_id=org.phuxuan.pk, chair_id=org.phuxuan_head.pk, unit_ids=[])
    client = client_for(org.leader)
    body = _dashboard(client, period="quarter")
    section = body.split('id="dash-meetings-title"')[1].split("</section>")[0]
    assert "Hội họp trong Quý IV năm 2026" in section
    assert re.search(rf'data-meeting-unit="{org.btc.pk}">.*?>1<.*?>2<', section, re.S)
    assert f'data-meeting-unit="{org.phuxuan.pk}"' in section
    # The dashboard's unit: Ban Tổ chức's subtree only.
    section = _dashboard(client, period="quarter", unit=org.btc.pk).split('id="dash-meetings-title"')[1]
    section = section.split("</section>")[0]
    assert f'data-meeting-unit="{org.phuxuan.pk}"' not in section
    # Another period: the month of October 2026 (15/09 – 14/10) against October 2025.
    section = _dashboard(client, period="month", as_of="2026-10-10").split('id="dash-meetings-title"')[1]
    assert "Tháng 10 năm 2026" in section.split("</h2>")[0]


def test_dashboard_queries_do_not_grow_with_meetings(org: Org, make_meeting, client_for, issue_task, today) -> None:  # type: ignore[no-untyped-def]
    from sauro.meetings.services import ConclusionInput, meeting_record_conclusion

    client = client_for(org.leader)

    def count() -> int:
        with CaptureQueriesContext(connection) as ctx:
            _dashboard(client, period="quarter")
        return len(ctx.captured_queries)

    make_meeting()
    before = count()
    for i in range(3):
        meeting = make_meeting(title=f"Họp {i}", unit_ids=[org.btc_dept.pk, org.office.pk])
        notice = meeting_record_conclusion(
            acting_user=org.monitor,
            meeting=meeting,
            data=ConclusionInput(issuer_code="BTCTU", issued_on=D(2026, 2, 12), summary=f"Kết luận {i}"),
        )
        issue_task(notice, D(2026, 2, 13))
    assert count() == before


def test_a_unit_head_may_not_register_another_units_meeting(org: Org, client_for) -> None:  # type: ignore[no-untyped-def]
    from sauro.meetings.services import ERR_NO_RIGHT

    response = client_for(org.btc_head).post(
        reverse("meetings:create"),
        {
            "kind": "plenum",
            "title": "Hội nghị Ban Chấp hành",
            "held_on": "10/02/2026",
            "host_unit": org.city.pk,  # seen (the chain above the Ban), not acted for
            "chair": org.btc_head.pk,
            "duration_minutes": "240",
            "attendees": "50",
        },
    )
    assert response.status_code == 422
    assert ERR_NO_RIGHT in response.content.decode()
    assert not Meeting.objects.exists()
