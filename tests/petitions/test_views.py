"""The petitions pages: lists, a letter with its deadlines and its task, entering a letter and a visit with
Vietnamese errors, the decision from the page, reception days and the month's figure."""

from __future__ import annotations

import datetime
import re
from collections.abc import Callable

import pytest
from django.test import Client
from django.urls import reverse

from sauro.accounts.models import User
from sauro.org.choices import UnitKind
from sauro.org.pickers import active_units
from sauro.petitions import services
from sauro.petitions.models import Letter, Reception, ReceptionDay
from sauro.petitions.services import ReceptionDayInput
from tests.conftest import Org
from tests.petitions.conftest import RECEIVED, forward_to_ancuu, letter_input, reception_input
from tests.tasks.conftest import Clock

pytestmark = pytest.mark.django_db
ClientFor = Callable[[User], Client]


def _options(html: str, name: str) -> list[str]:
    select = html.split(f'<select name="{name}"', 1)[1].split("</select>", 1)[0]
    return re.findall(r'<option value="([^"]*)"', select)


def test_the_filters_offer_the_units_in_the_organisation_charts_order(org: Org, client_for: ClientFor) -> None:
    # Drawn from the rows kept between requests (org.pickers.offered_units), in tree order (An Cựu before Phú Xuân,
    # which was created first): the order every picker of the app follows.
    units = [str(u.pk) for u in active_units(org.monitor)]
    wards = [str(u.pk) for u in active_units(org.monitor).filter(kind__in=[UnitKind.WARD, UnitKind.COMMUNE])]
    assert wards == [str(org.ancuu.pk), str(org.phuxuan.pk)]
    client = client_for(org.monitor)
    for _ in range(2):  # built, then read back from the cache (PostgreSQL)
        html = client.get(reverse("petitions:letters") + f"?commune={org.phuxuan.pk}").content.decode()
        assert _options(html, "unit") == ["", *units]
        assert _options(html, "commune") == ["", *wards]
        assert f'<option value="{org.phuxuan.pk}" selected>' in html
        html = client.get(reverse("petitions:hotspots")).content.decode()
        assert _options(html, "commune") == ["", *wards]
    # Each user's own list: a ward's head is offered the units their gate lets them see.
    html = client_for(org.ancuu_head).get(reverse("petitions:letters")).content.decode()
    assert _options(html, "unit") == ["", *(str(u.pk) for u in active_units(org.ancuu_head))] != ["", *units]


def test_the_letters_list_filters_on_the_receipt_day(org: Org, today: Clock, client_for: ClientFor) -> None:
    early = services.letter_create(
        acting_user=org.monitor, data=letter_input(org, received_on=datetime.date(2026, 2, 2))
    )
    late = services.letter_create(acting_user=org.monitor, data=letter_input(org))  # 26/02/2026
    client = client_for(org.monitor)
    url = reverse("petitions:letters")
    html = client.get(f"{url}?received_from=26/02/2026&received_to=26/02/2026").content.decode()
    assert f'data-letter="{late.pk}"' in html and f'data-letter="{early.pk}"' not in html
    html = client.get(f"{url}?received_to=01/02/2026").content.decode()
    assert "data-letter=" not in html and "Không có đơn nào phù hợp" in html
    # A range the wrong way round is refused in Vietnamese and not applied; the start alone still filters.
    html = client.get(f"{url}?received_from=10/02/2026&received_to=01/02/2026").content.decode()
    assert "Ngày kết thúc phải bằng hoặc sau ngày bắt đầu." in html
    assert f'data-letter="{late.pk}"' in html and f'data-letter="{early.pk}"' not in html
    api = client.get("/api/v1/petitions/letters?received_from=2026-02-01&received_to=2026-02-10").json()
    assert [x["id"] for x in api["items"]] == [early.pk]


def test_the_letters_list_shows_what_the_user_sees(org: Org, today: Clock, client_for: ClientFor) -> None:
    office = services.letter_create(acting_user=org.monitor, data=letter_input(org))
    ward = services.letter_create(acting_user=org.ancuu_head, data=letter_input(org, unit_id=org.ancuu.pk))
    page = client_for(org.monitor).get(reverse("petitions:letters"))
    assert page.status_code == 200
    html = page.content.decode()
    assert f'data-letter="{office.pk}"' in html and f'data-letter="{ward.pk}"' in html
    html = client_for(org.phuxuan_head).get(reverse("petitions:letters")).content.decode()
    assert "data-letter=" not in html
    html = client_for(org.ancuu_head).get(reverse("petitions:letters")).content.decode()
    assert f'data-letter="{ward.pk}"' in html and f'data-letter="{office.pk}"' not in html
    # Filters: by state, and a forged cursor is an error on the page, not a 500.
    html = client_for(org.monitor).get(reverse("petitions:letters") + "?state=answered").content.decode()
    assert "data-letter=" not in html
    assert client_for(org.monitor).get(reverse("petitions:letters") + "?after=forged").status_code == 200


def test_a_letter_page_shows_its_deadlines_and_its_task(org: Org, today: Clock, client_for: ClientFor) -> None:
    letter = services.letter_create(acting_user=org.monitor, data=letter_input(org))
    client = client_for(org.monitor)
    html = client.get(reverse("petitions:letter_detail", args=[letter.pk])).content.decode()
    assert 'data-deadline="handling"' in html and "12/03/2026" in html
    assert "Ghi hướng xử lý" in html
    decided = services.letter_decide(acting_user=org.monitor, letter=letter, data=forward_to_ancuu(org))
    html = client.get(reverse("petitions:letter_detail", args=[letter.pk])).content.decode()
    assert f'data-letter-task="{decided.task_id}"' in html
    assert 'data-letter-state="in_handling"' in html
    assert "Ghi hướng xử lý" not in html


def test_entering_a_letter_with_errors_answers_422_in_vietnamese(org: Org, today: Clock, client_for: ClientFor) -> None:
    client = client_for(org.monitor)
    url = reverse("petitions:letter_create")
    assert client.get(url).status_code == 200
    body = {
        "unit": org.office.pk,
        "received_on": "26/02/2026",
        "source": "post",
        "signer_kind": "several",
        "signer_count": "1",
        "signer_name": "Nguyễn Văn A",
        "kind": "kien_nghi",
        "topic": "land",
        "summary": "Kiến nghị về cấp giấy chứng nhận quyền sử dụng đất.",
        "complexity": "normal",
        "address": "thôn 1, phường An Cựu",
    }
    response = client.post(url, body)
    assert response.status_code == 422
    assert services.ERR_SIGNERS_SEVERAL in response.content.decode()
    assert not Letter.objects.exists()
    response = client.post(url, {**body, "signer_count": "3"})
    letter = Letter.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse("petitions:letter_detail", args=[letter.pk])
    assert letter.commune_id == org.ancuu.pk


def test_deciding_from_the_page(org: Org, today: Clock, client_for: ClientFor) -> None:
    letter = services.letter_create(acting_user=org.monitor, data=letter_input(org))
    client = client_for(org.monitor)
    url = reverse("petitions:letter_decide", args=[letter.pk])
    body = {
        "decision": "forward",
        "forward_unit": org.ancuu.pk,
        "document_number": "125-CV/VPTU",
        "officer": org.btc_officer.pk,  # not of An Cựu: a gap of the six clears, on the officer's field
        "product": "answer",
        "authority_unit": org.standing.pk,
    }
    response = client.post(url, body)
    assert response.status_code == 422
    letter.refresh_from_db()
    assert letter.task_id is None
    response = client.post(url, {**body, "officer": org.ancuu_head.pk})
    assert response.status_code == 302
    letter.refresh_from_db()
    assert letter.task is not None and letter.task.lead_unit_id == org.ancuu.pk
    # Not offered, and refused, to someone who may not decide.
    assert client_for(org.inspector).post(url, body).status_code == 403


def test_a_visit_and_the_months_reception_days(org: Org, today: Clock, client_for: ClientFor) -> None:
    client = client_for(org.monitor)
    response = client.post(
        reverse("petitions:reception_create"),
        {
            "unit": org.office.pk,
            "received_on": "26/02/2026",
            "receiver_kind": "office",
            "citizen_name": "Trần Văn Hòa",
            "people_count": "6",
            "is_group": "on",
            "kind": "khieu_nai_1",
            "summary": "Đề nghị giải quyết bồi thường.",
            "competence": "out",
            "guidance": "guided",
        },
    )
    assert response.status_code == 422
    assert services.ERR_GROUP_REPRESENTATIVES in response.content.decode()
    services.reception_create(acting_user=org.monitor, data=reception_input(org))
    visit = Reception.objects.get()
    assert client.get(reverse("petitions:reception_detail", args=[visit.pk])).status_code == 200
    services.reception_day_create(
        acting_user=org.monitor,
        data=ReceptionDayInput(unit_id=org.ancuu.pk, leader_id=org.ancuu_head.pk, day=RECEIVED, state="held"),
    )
    html = client.get(reverse("petitions:receptions") + "?month=2026-02").content.decode()
    assert f'data-reception="{visit.pk}"' in html
    assert f'data-reception-unit="{org.ancuu.pk}"' in html
    assert f'data-missed-unit="{org.ancuu.pk}"' in html  # one day of two
    assert client.get(reverse("petitions:receptions") + "?month=2026-13").status_code == 200


def test_planning_and_holding_a_reception_day(org: Org, today: Clock, client_for: ClientFor) -> None:
    client = client_for(org.ancuu_head)
    url = reverse("petitions:reception_days")
    response = client.post(
        url, {"unit": org.ancuu.pk, "leader": org.ancuu_head.pk, "day": "27/02/2026", "state": "planned"}
    )
    assert response.status_code == 302
    day = ReceptionDay.objects.get()
    response = client.post(reverse("petitions:reception_day_state", args=[day.pk]), {"state": "held", "version": 1})
    assert response.status_code == 302
    day.refresh_from_db()
    assert (day.state, day.day) == ("held", datetime.date(2026, 2, 27))
    assert (
        client_for(org.phuxuan_head)
        .post(reverse("petitions:reception_day_state", args=[day.pk]), {"state": "cancelled"})
        .status_code
        == 404
    )


def test_the_dashboard_names_last_months_missing_secretaries(org: Org, today: Clock, client_for: ClientFor) -> None:
    from tests.petitions.conftest import name_secretaries

    name_secretaries(org)
    for day in (datetime.date(2026, 2, 5), datetime.date(2026, 2, 19)):
        services.reception_day_create(
            acting_user=None,
            data=ReceptionDayInput(unit_id=org.ancuu.pk, leader_id=org.ancuu_head.pk, day=day, state="held"),
        )
    overview = client_for(org.leader).get(reverse("dashboard:overview")).content.decode()
    assert reverse("dashboard:petitions") in overview  # the card comes after the page
    html = client_for(org.leader).get(reverse("dashboard:petitions")).content.decode()
    assert "tháng 2/2026" in html
    assert f'data-missed-unit="{org.phuxuan.pk}"' in html and f'data-missed-unit="{org.city.pk}"' in html
    assert f'data-missed-unit="{org.ancuu.pk}"' not in html
    # A Ban's dashboard has no committee, ward or commune below it: no section.
    assert "dash-reception-days" not in client_for(org.btc_head).get(reverse("dashboard:petitions")).content.decode()


def test_the_task_page_names_its_letter(org: Org, today: Clock, client_for: ClientFor) -> None:
    letter = services.letter_create(acting_user=org.monitor, data=letter_input(org))
    task = services.letter_decide(acting_user=org.monitor, letter=letter, data=forward_to_ancuu(org)).task
    assert task is not None
    html = client_for(org.ancuu_head).get(reverse("tasks:detail", args=[task.pk])).content.decode()
    assert f'data-task-letter="{letter.pk}"' in html
    # The administrator sees every task but no letter: the section goes through the letters' gate.
    response = client_for(org.admin).get(reverse("tasks:detail", args=[task.pk]))
    assert response.status_code == 200
    assert "data-task-letter" not in response.content.decode()


def test_correcting_a_visit(org: Org, today: Clock, client_for: ClientFor) -> None:
    visit = services.reception_create(acting_user=org.monitor, data=reception_input(org))
    client = client_for(org.monitor)
    url = reverse("petitions:reception_edit", args=[visit.pk])
    page = client.get(url)
    assert page.status_code == 200 and "Trần Văn Hòa" in page.content.decode()
    body = {
        "unit": org.office.pk,
        "received_on": "26/02/2026",
        "receiver_kind": "office",
        "citizen_name": "Trần Văn Hòa",
        "people_count": "7",
        "is_group": "on",
        "representatives": "Trần Văn Hòa",
        "kind": "khieu_nai_1",
        "summary": "Đề nghị giải quyết bồi thường.",
        "competence": "out",
        "guidance": "guided",
        "version": "1",
    }
    assert client.post(url, body).status_code == 302
    visit.refresh_from_db()
    assert (visit.people_count, visit.version) == (7, 2)
    stale = client.post(url, {**body, "people_count": "8"})  # version 1 again: someone saved in between
    assert stale.status_code == 422 and "phiên bản" in stale.content.decode()


def test_a_letters_state_is_shown_in_words_on_its_page_the_list_and_its_hot_spot(
    org: Org, today: Clock, client_for: ClientFor
) -> None:
    # The state is derived (never stored): the pages read it as an annotation and must still print its label.
    from sauro.petitions.hotspots import hotspot_scan
    from sauro.petitions.models import HotSpot

    letter = services.letter_create(
        acting_user=org.monitor, data=letter_input(org, signer_count=6, signer_kind="several")
    )
    client = client_for(org.monitor)
    html = client.get(reverse("petitions:letter_detail", args=[letter.pk])).content.decode()
    assert '<span class="badge" data-letter-state="received">Chưa xử lý</span>' in html
    services.letter_decide(acting_user=org.monitor, letter=letter, data=forward_to_ancuu(org))
    html = client.get(reverse("petitions:letter_detail", args=[letter.pk])).content.decode()
    assert '<span class="badge" data-letter-state="in_handling">Đang giải quyết</span>' in html
    html = client.get(reverse("petitions:letters")).content.decode()
    assert '<span class="badge">Đang giải quyết</span>' in html
    hotspot_scan()
    spot = HotSpot.objects.get(key=f"crowd:L{letter.pk}")
    html = client.get(reverse("petitions:hotspot_detail", args=[spot.pk])).content.decode()
    assert '<span class="badge">Đang giải quyết</span>' in html


def test_a_letter_handed_in_at_a_visit_is_registered_from_the_visit(
    org: Org, today: Clock, client_for: ClientFor
) -> None:
    visit = services.reception_create(acting_user=org.monitor, data=reception_input(org, commune_id=org.ancuu.pk))
    client = client_for(org.monitor)
    detail = client.get(reverse("petitions:reception_detail", args=[visit.pk])).content.decode()
    url = f"{reverse('petitions:letter_create')}?luot_tiep={visit.pk}"
    assert url in detail.replace("&amp;", "&")

    # The form starts from the visit: its day, six people, its kind and account, the citizen as sender.
    form = client.get(url)
    assert form.status_code == 200
    f = form.context["form"]
    assert f["received_on"].value() == RECEIVED
    assert (f["source"].value(), f["signer_kind"].value(), f["signer_count"].value()) == ("in_person", "several", 6)
    assert (f["kind"].value(), f["commune"].value()) == ("khieu_nai_1", org.ancuu.pk)
    assert f["signer_name"].value() == "Trần Văn Hòa"
    assert f'name="luot_tiep" value="{visit.pk}"' in form.content.decode()

    body = {
        "luot_tiep": str(visit.pk),
        "unit": org.office.pk,
        "received_on": "26/02/2026",
        "source": "in_person",
        "signer_kind": "several",
        "signer_count": "6",
        "signer_name": "Trần Văn Hòa",
        "kind": "khieu_nai_1",
        "topic": "compensation",
        "summary": visit.summary,
        "complexity": "normal",
        "commune": org.ancuu.pk,
    }
    response = client.post(url, body)
    letter = Letter.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse("petitions:letter_detail", args=[letter.pk])
    visit.refresh_from_db()
    assert (visit.letter_id, visit.version) == (letter.pk, 2)
    # Each page names the other; the visit offers no second letter, and asking for one leads to the first.
    letter_page = client.get(response["Location"]).content.decode()
    assert reverse("petitions:reception_detail", args=[visit.pk]) in letter_page
    assert "?luot_tiep=" not in client.get(reverse("petitions:reception_detail", args=[visit.pk])).content.decode()
    again = client.get(url)
    assert again.status_code == 302 and again["Location"] == reverse("petitions:letter_detail", args=[letter.pk])
    assert Letter.objects.count() == 1


def test_a_letter_from_a_visit_outside_ones_register_is_refused(org: Org, today: Clock, client_for: ClientFor) -> None:
    visit = services.reception_create(acting_user=org.monitor, data=reception_input(org))
    url = f"{reverse('petitions:letter_create')}?luot_tiep={visit.pk}"
    # An An Cựu officer keeps their ward's register, not Văn phòng's: the visit is not theirs to see.
    assert client_for(org.ancuu_head).get(url).status_code == 404
    assert client_for(org.monitor).get(f"{reverse('petitions:letter_create')}?luot_tiep=abc").status_code == 404
    assert not Letter.objects.exists()
