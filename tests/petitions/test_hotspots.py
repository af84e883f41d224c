"""Hot-spot early warning (issue 19, point 7): each rule with its boundary (4 vs 5 people, a rise of 1.9× vs 2×, 4 vs
5 letters), the flag raised and notified once with its audit entry, ended when its condition goes, visible only
through the petitions gate, the list page and the API with their drill-down, the dashboard's section and the
reports' selector."""

from __future__ import annotations

import datetime
import json
from collections.abc import Callable
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from sauro.accounts.models import User
from sauro.audit.models import AuditEntry
from sauro.common.errors import ValidationFailed
from sauro.notifications.models import Notification
from sauro.petitions import hotspots, services
from sauro.petitions.choices import HotSpotReason
from sauro.petitions.hotspots import detect, handling_cutoffs, hotspot_rows, hotspot_scan, hotspot_trends
from sauro.petitions.models import HotSpot, Letter, LetterLink
from sauro.petitions.selectors import letter_deadlines
from tests.conftest import Org
from tests.petitions.conftest import RECEIVED, letter_input, reception_input
from tests.tasks.conftest import TODAY, Clock

pytestmark = pytest.mark.django_db
ClientFor = Callable[[User], Client]
D = datetime.date
ROOT = "/api/v1/petitions"


def ward_letter(org: Org, **overrides: Any) -> Letter:
    """A kiến nghị on land received by An Cựu's own register, about An Cựu."""
    fields: dict[str, Any] = {"unit_id": org.ancuu.pk, "commune_id": org.ancuu.pk}
    fields.update(overrides)
    return services.letter_create(acting_user=org.ancuu_head, data=letter_input(org, **fields))


def reasons_of(findings: list[hotspots.Finding], reason: str) -> dict[str, hotspots.Finding]:
    return {f.key: f for f in findings if f.reason == reason}


def bulk_letters(org: Org, days: list[datetime.date], *, topic: str = "land", commune: Any = None) -> None:
    """Many letters at once (the rise rule counts them; nothing else about them matters): decided and kept, so that
    no other rule flags them."""
    Letter.objects.bulk_create(
        [
            Letter(
                unit=org.office,
                source="post",
                signer_kind="one",
                signer_name="Người gửi",
                kind="phan_anh",
                summary="Phản ánh",
                topic=topic,
                commune=commune or org.ancuu,
                received_on=day,
                decision="keep",
                decided_on=day,
            )
            for day in days
        ]
    )


def spread(start: datetime.date, weeks: int, n: int) -> list[datetime.date]:
    """``n`` days spread over ``weeks`` weeks from ``start``."""
    return [start + datetime.timedelta(days=(i * 7 * weeks) // n) for i in range(n)]


# --- (a) crowd ----------------------------------------------------------------------------------------------------


def test_a_letter_signed_by_five_is_a_crowd_four_is_not(org: Org, today: Clock) -> None:
    four = ward_letter(org, signer_kind="several", signer_count=4)
    five = ward_letter(org, signer_kind="several", signer_count=5)
    crowd = reasons_of(detect(TODAY), HotSpotReason.CROWD)
    assert set(crowd) == {f"crowd:L{five.pk}"}
    assert crowd[f"crowd:L{five.pk}"].people == 5
    assert crowd[f"crowd:L{five.pk}"].commune_id == org.ancuu.pk
    assert f"crowd:L{four.pk}" not in crowd


def test_a_group_visit_of_five_is_a_crowd_with_its_letter_or_alone(org: Org, today: Clock) -> None:
    letter = ward_letter(org)
    services.reception_create(
        acting_user=org.monitor, data=reception_input(org, people_count=4, commune_id=org.phuxuan.pk)
    )
    alone = services.reception_create(
        acting_user=org.monitor, data=reception_input(org, people_count=5, commune_id=org.phuxuan.pk)
    )
    handed = services.reception_create(
        acting_user=org.ancuu_head,
        data=reception_input(org, unit_id=org.ancuu.pk, people_count=7, letter_id=letter.pk),
    )
    crowd = reasons_of(detect(TODAY), HotSpotReason.CROWD)
    assert set(crowd) == {f"crowd:R{alone.pk}", f"crowd:L{letter.pk}"}
    assert crowd[f"crowd:R{alone.pk}"].commune_id == org.phuxuan.pk and crowd[f"crowd:R{alone.pk}"].people == 5
    with_letter = crowd[f"crowd:L{letter.pk}"]
    assert with_letter.reception_ids == {handed.pk} and with_letter.letter_ids == {letter.pk}
    assert with_letter.topic == "land" and with_letter.people == 7


def test_the_crowd_threshold_is_a_setting(org: Org, today: Clock, settings: Any) -> None:
    letter = ward_letter(org, signer_kind="several", signer_count=4)
    settings.SAURO_PETITIONS_CROWD_PEOPLE = 4
    assert f"crowd:L{letter.pk}" in reasons_of(detect(TODAY), HotSpotReason.CROWD)


# --- (b) prolonged ------------------------------------------------------------------------------------------------


def test_an_undecided_letter_past_its_handling_deadline_is_overdue_to_the_day(org: Org, today: Clock) -> None:
    cutoff = handling_cutoffs(TODAY)[("kien_nghi", False)]
    # The cut-off is the last receipt date whose statutory handling deadline is already behind us.
    assert letter_deadlines(kind="kien_nghi", received=cutoff).due["handling"] < TODAY
    next_day = cutoff + datetime.timedelta(days=1)
    assert letter_deadlines(kind="kien_nghi", received=next_day).due["handling"] >= TODAY
    late = ward_letter(org, received_on=cutoff)
    in_time = ward_letter(org, received_on=next_day)
    overdue = reasons_of(detect(TODAY), HotSpotReason.OVERDUE)
    assert f"overdue:L{late.pk}" in overdue and f"overdue:L{in_time.pk}" not in overdue
    # A letter kept for information by the rule has no deadline: never overdue.
    kept = ward_letter(
        org, received_on=cutoff, kind="to_cao", signer_kind="anonymous", signer_name="", against_party_member=True
    )
    assert f"overdue:L{kept.pk}" not in reasons_of(detect(TODAY), HotSpotReason.OVERDUE)


def test_a_letter_whose_task_is_past_due_is_overdue(org: Org, today: Clock) -> None:
    letter = ward_letter(org)
    decided = services.letter_decide(
        acting_user=org.ancuu_head,
        letter=letter,
        data=services.DecisionInput(
            decision="handle",
            lead_unit_id=org.ancuu.pk,
            officer_id=org.ancuu_officer.pk,
            product="answer",
            authority_unit_id=org.ancuu.pk,
            due_date=D(2026, 3, 6),
        ),
    )
    assert decided.task is not None
    assert f"overdue:L{letter.pk}" not in reasons_of(detect(D(2026, 3, 6)), HotSpotReason.OVERDUE)
    found = reasons_of(detect(D(2026, 3, 9)), HotSpotReason.OVERDUE)[f"overdue:L{letter.pk}"]
    assert "06/03/2026" in found.detail


def test_a_repeat_after_a_decision_in_force_is_flagged(org: Org, today: Clock) -> None:
    earlier = ward_letter(org)
    letter = ward_letter(org)
    assert not hotspots._is_repeat(letter)
    assert reasons_of(detect(TODAY), HotSpotReason.REPEAT) == {}
    # The duplicates' wiring marks the repeat (how: tests/petitions/test_duplicates.py); the hot spot follows it.
    Letter.objects.filter(pk=letter.pk).update(repeat_of=earlier)
    assert hotspots._is_repeat(letter)
    assert set(reasons_of(detect(TODAY), HotSpotReason.REPEAT)) == {f"repeat:L{letter.pk}"}


def test_letters_linked_as_the_same_matter_count_their_signers_together(org: Org, today: Clock) -> None:
    first = ward_letter(org, signer_kind="several", signer_count=3)
    second = ward_letter(org, signer_kind="several", signer_count=2)
    assert f"crowd:L{first.pk}" not in reasons_of(detect(TODAY), HotSpotReason.CROWD)
    LetterLink.objects.create(letter=second, duplicate_of=first, reason="content")
    crowd = reasons_of(detect(TODAY), HotSpotReason.CROWD)
    assert crowd[f"crowd:L{first.pk}"].people == 5
    assert crowd[f"crowd:L{second.pk}"].people == 5


# --- (c) complex --------------------------------------------------------------------------------------------------


def test_criteria_marked_by_the_officer_make_a_complex_case(org: Org, today: Clock) -> None:
    plain = ward_letter(org)
    marked = ward_letter(org, hotspot_marks=("media", "households", "media"))
    assert marked.hotspot_marks == "households,media"  # sorted, once each
    complex_ = reasons_of(detect(TODAY), HotSpotReason.COMPLEX)
    assert set(complex_) == {f"complex:L{marked.pk}"}
    assert "Nhiều hộ dân, Báo chí quan tâm" in complex_[f"complex:L{marked.pk}"].detail
    assert f"complex:L{plain.pk}" not in complex_
    with pytest.raises(ValidationFailed) as exc:
        ward_letter(org, hotspot_marks=("rumours",))
    assert "hotspot_marks" in exc.value.fields


def test_the_marks_on_the_form_and_the_api(org: Org, today: Clock, client_for: ClientFor) -> None:
    client = client_for(org.monitor)
    body = {
        "unit_id": org.office.pk,
        "source": "post",
        "signer_kind": "one",
        "signer_name": "Lê Văn Bình",
        "kind": "kien_nghi",
        "topic": "land",
        "summary": "Kiến nghị về ranh giới đất.",
        "received_on": "2026-02-26",
        "hotspot_marks": ["religion", "gathering"],
    }
    created = client.post(f"{ROOT}/letters", json.dumps(body), content_type="application/json")
    assert created.status_code == 201, created.content
    assert created.json()["hotspot_marks"] == ["gathering", "religion"]
    bad = client.post(
        f"{ROOT}/letters", json.dumps({**body, "hotspot_marks": ["rumours"]}), content_type="application/json"
    )
    assert bad.status_code == 422 and "code" in bad.json()
    page = client.get(reverse("petitions:letter_create")).content.decode()
    assert 'name="hotspot_marks"' in page and "Dấu hiệu tụ tập đông người" in page


# --- (d) rise -----------------------------------------------------------------------------------------------------

RECENT_START = TODAY - datetime.timedelta(days=27)  # the last 4 weeks, today included
BASE_START = RECENT_START - datetime.timedelta(days=84)  # the 12 weeks before


def test_a_rise_of_twice_the_baseline_is_flagged_1_9_times_is_not(org: Org, today: Clock) -> None:
    # Baseline: 30 letters in 12 weeks, i.e. 10 per 4 weeks; 19 in the last 4 weeks is 1.9×, 20 is 2×.
    bulk_letters(org, spread(BASE_START, 12, 30))
    bulk_letters(org, spread(RECENT_START, 4, 19))
    assert reasons_of(detect(TODAY), HotSpotReason.RISE) == {}
    bulk_letters(org, [TODAY])
    rise = reasons_of(detect(TODAY), HotSpotReason.RISE)
    found = rise[f"rise:{org.ancuu.pk}:land"]
    assert (found.recent, found.baseline) == (20, 30)
    assert len(found.letter_ids) == 20
    assert "gấp 2,0 lần" in found.detail
    # Another topic of the same commune is its own baseline: nothing there.
    bulk_letters(org, [TODAY], topic="environment")
    assert set(reasons_of(detect(TODAY), HotSpotReason.RISE)) == {f"rise:{org.ancuu.pk}:land"}


def test_a_rise_needs_five_letters_four_are_not_enough(org: Org, today: Clock) -> None:
    bulk_letters(org, spread(RECENT_START, 4, 4))
    assert reasons_of(detect(TODAY), HotSpotReason.RISE) == {}
    bulk_letters(org, [TODAY])
    assert set(reasons_of(detect(TODAY), HotSpotReason.RISE)) == {f"rise:{org.ancuu.pk}:land"}
    # Letters before the baseline's start do not count in it.
    bulk_letters(org, spread(BASE_START - datetime.timedelta(days=60), 4, 40))
    assert set(reasons_of(detect(TODAY), HotSpotReason.RISE)) == {f"rise:{org.ancuu.pk}:land"}


def test_detection_is_a_fixed_number_of_queries(org: Org, today: Clock) -> None:
    bulk_letters(org, spread(RECENT_START, 4, 6))
    ward_letter(org, signer_kind="several", signer_count=9, hotspot_marks=("land",))
    with CaptureQueriesContext(connection) as one:
        detect(TODAY)
    bulk_letters(org, spread(RECENT_START, 4, 30), commune=org.phuxuan)
    for _ in range(5):
        ward_letter(org, signer_kind="several", signer_count=9, hotspot_marks=("land",))
    with CaptureQueriesContext(connection) as many:
        detect(TODAY)
    assert len(many) == len(one) <= 10  # +1 (point 5): the live letters linked as the same matter


# --- the scan: raised, notified once, audited, ended --------------------------------------------------------------


def test_a_flag_is_raised_and_notified_once_with_its_audit_entry(org: Org, today: Clock) -> None:
    letter = ward_letter(org, signer_kind="several", signer_count=12)
    first = hotspot_scan(as_of=TODAY)
    assert len(first.raised) == 1
    spot = HotSpot.objects.get(pk=first.raised[0])
    assert spot.reason == HotSpotReason.CROWD and spot.notified_at is not None
    assert list(spot.letters.values_list("pk", flat=True)) == [letter.pk]
    told = Notification.objects.filter(kind="hotspot")
    # The ward's head (their register holds the letter) and Văn phòng (the city committee's monitor).
    assert set(told.values_list("recipient_id", flat=True)) == {org.ancuu_head.pk, org.monitor.pk}
    note = told.get(recipient=org.monitor)
    assert note.title == "Cảnh báo điểm nóng: Đông người — Đảng ủy phường An Cựu, đất đai"
    assert "12 người cùng ký" in note.body
    assert note.url == reverse("petitions:hotspot_detail", args=[spot.pk])
    assert AuditEntry.objects.filter(action="hotspot.raise", object_id=str(spot.pk)).count() == 1
    again = hotspot_scan(as_of=TODAY)
    assert again.raised == [] and again.already == 1
    assert Notification.objects.filter(kind="hotspot").count() == 2
    assert HotSpot.objects.count() == 1
    # The next day, still the same flag: nobody is told twice.
    today.set(TODAY + datetime.timedelta(days=1))
    assert hotspot_scan(as_of=TODAY + datetime.timedelta(days=1)).raised == []
    assert Notification.objects.filter(kind="hotspot").count() == 2


def test_a_flag_on_the_city_register_is_not_sent_to_a_ward_that_cannot_open_it(org: Org, today: Clock) -> None:
    services.letter_create(
        acting_user=org.monitor, data=letter_input(org, commune_id=org.ancuu.pk, hotspot_marks=("land",))
    )
    hotspot_scan(as_of=TODAY)
    told = set(Notification.objects.filter(kind="hotspot").values_list("recipient_id", flat=True))
    assert told == {org.monitor.pk}


def test_an_overdue_flag_ends_once_the_letter_is_handled(org: Org, today: Clock) -> None:
    cutoff = handling_cutoffs(TODAY)[("kien_nghi", False)]
    letter = ward_letter(org, received_on=cutoff)
    raised = hotspot_scan(as_of=TODAY).raised
    spot = HotSpot.objects.get(pk__in=raised, reason=HotSpotReason.OVERDUE)
    services.letter_decide(
        acting_user=org.ancuu_head,
        letter=letter,
        data=services.DecisionInput(decision="guide", document_number="12/HD"),
    )
    later = TODAY + datetime.timedelta(days=1)
    result = hotspot_scan(as_of=later)
    assert result.ended == [spot.pk]
    spot.refresh_from_db()
    assert spot.ended_on == later
    assert AuditEntry.objects.filter(action="hotspot.end", object_id=str(spot.pk)).exists()


def test_the_daily_pass_runs_the_scan(org: Org, today: Clock) -> None:
    from sauro.daily.jobs import run_daily_pass

    ward_letter(org, signer_kind="several", signer_count=6)
    summary: Any = run_daily_pass.call(day=TODAY.isoformat())
    assert summary["hotspots"]["raised"] == 1
    again: Any = run_daily_pass.call(day=TODAY.isoformat())
    assert again["hotspots"] == {"raised": 0, "ended": 0, "already": 1}


# --- visibility, the list page, the API -------------------------------------------------------------------------


def _two_wards(org: Org) -> tuple[HotSpot, HotSpot]:
    ward_letter(org, signer_kind="several", signer_count=6)
    services.letter_create(
        acting_user=org.phuxuan_head,
        data=letter_input(org, unit_id=org.phuxuan.pk, commune_id=org.phuxuan.pk, hotspot_marks=("media",)),
    )
    hotspot_scan(as_of=TODAY)
    return HotSpot.objects.get(reason="crowd"), HotSpot.objects.get(reason="complex")


def test_another_units_flag_is_invisible(org: Org, today: Clock, client_for: ClientFor) -> None:
    ancuu, phuxuan = _two_wards(org)
    html = client_for(org.ancuu_head).get(reverse("petitions:hotspots")).content.decode()
    assert f'data-hotspot="{ancuu.pk}"' in html and f'data-hotspot="{phuxuan.pk}"' not in html
    assert client_for(org.ancuu_head).get(reverse("petitions:hotspot_detail", args=[phuxuan.pk])).status_code == 404
    assert client_for(org.ancuu_head).get(f"{ROOT}/hotspots/{phuxuan.pk}").status_code == 404
    ids = [x["id"] for x in client_for(org.ancuu_head).get(f"{ROOT}/hotspots").json()["items"]]
    assert ids == [ancuu.pk]
    # Văn phòng and the leaders see both; the administrator, like anyone outside the register, nothing.
    html = client_for(org.leader).get(reverse("petitions:hotspots")).content.decode()
    assert f'data-hotspot="{ancuu.pk}"' in html and f'data-hotspot="{phuxuan.pk}"' in html
    assert client_for(org.admin).get(f"{ROOT}/hotspots").json()["items"] == []
    assert client_for(org.btc_head).get(reverse("petitions:hotspot_detail", args=[ancuu.pk])).status_code == 404


def test_the_list_filters_and_drills_down_to_the_letters(org: Org, today: Clock, client_for: ClientFor) -> None:
    ancuu, phuxuan = _two_wards(org)
    client = client_for(org.monitor)
    url = reverse("petitions:hotspots")
    html = client.get(f"{url}?reason=complex").content.decode()
    assert f'data-hotspot="{phuxuan.pk}"' in html and f'data-hotspot="{ancuu.pk}"' not in html
    html = client.get(f"{url}?commune={org.ancuu.pk}&topic=land").content.decode()
    assert f'data-hotspot="{ancuu.pk}"' in html and f'data-hotspot="{phuxuan.pk}"' not in html
    assert client.get(f"{url}?reason=nonsense&after=forged").status_code == 200  # errors shown, not a 500
    detail = client.get(reverse("petitions:hotspot_detail", args=[ancuu.pk])).content.decode()
    letter = ancuu.letters.get()
    assert f'data-letter="{letter.pk}"' in detail
    assert reverse("petitions:letter_detail", args=[letter.pk]) in detail


def test_the_api_lists_and_reads_a_flag_with_json_errors(org: Org, today: Clock, client_for: ClientFor) -> None:
    ancuu, _phuxuan = _two_wards(org)
    client = client_for(org.monitor)
    listed = client.get(f"{ROOT}/hotspots?reason=crowd").json()
    assert [x["id"] for x in listed["items"]] == [ancuu.pk]
    item = listed["items"][0]
    assert item["reason_label"] == "Đông người" and item["letter_count"] == 1 and item["people"] == 6
    assert item["commune_name"] == "Đảng ủy phường An Cựu" and item["notified"] is True
    detail = client.get(f"{ROOT}/hotspots/{ancuu.pk}").json()
    assert [x["id"] for x in detail["letters"]] == [ancuu.letters.get().pk]
    bad = client.get(f"{ROOT}/hotspots?reason=nonsense")
    assert bad.status_code == 422 and set(bad.json()) >= {"code", "message"}
    forged = client.get(f"{ROOT}/hotspots?cursor=forged")
    assert 400 <= forged.status_code < 500 and "message" in forged.json()
    assert client.get(f"{ROOT}/hotspots/999999").status_code == 404


def _queries(client: Client, url: str) -> int:
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200
    return len(ctx)


def test_the_list_and_the_api_do_not_grow_with_the_flags(org: Org, today: Clock, client_for: ClientFor) -> None:
    ward_letter(org, signer_kind="several", signer_count=6)
    hotspot_scan(as_of=TODAY)
    client = client_for(org.monitor)
    page, api = reverse("petitions:hotspots"), f"{ROOT}/hotspots"
    client.get(page)
    before = (_queries(client, page), _queries(client, api))
    for _ in range(3):
        ward_letter(org, signer_kind="several", signer_count=6, hotspot_marks=("land",))
    hotspot_scan(as_of=TODAY)
    assert HotSpot.objects.count() == 7
    assert (_queries(client, page), _queries(client, api)) == before


# --- the dashboard and the reports ------------------------------------------------------------------------------


def test_the_dashboard_shows_hot_spots_by_commune_and_topic_with_a_trend(
    org: Org, today: Clock, client_for: ClientFor
) -> None:
    bulk_letters(org, spread(BASE_START, 12, 6))
    bulk_letters(org, [RECENT_START, RECENT_START, TODAY, TODAY, TODAY, TODAY])
    hotspot_scan(as_of=TODAY)
    trends = hotspot_trends(user=org.leader, unit_id=org.city.pk, today=TODAY)
    assert len(trends) == 1
    row = trends[0]
    assert (row.commune_name, row.topic_label, row.weeks, row.baseline) == (
        "Đảng ủy phường An Cựu",
        "Đất đai",
        (2, 0, 0, 4),
        6,
    )
    assert [r[0] for r in row.reasons] == ["rise"]
    assert row.ratio == pytest.approx(3.0)
    html = client_for(org.leader).get(reverse("dashboard:petitions")).content.decode()
    assert 'class="card dash-hotspots"' in html and "<details" in html
    assert f'data-hotspot-commune="{org.ancuu.pk}"' in html
    assert f"{reverse('petitions:hotspots')}?commune={org.ancuu.pk}&amp;topic=land" in html
    assert "<svg" in html and "polyline" in html
    # Phú Xuân's head reads no An Cựu letter: no section.
    html = client_for(org.phuxuan_head).get(reverse("dashboard:petitions")).content.decode()
    assert "dash-hotspots" not in html


def test_the_dashboards_hot_spots_cost_one_query_and_none_without_the_register(
    org: Org, today: Clock, client_for: ClientFor
) -> None:
    with CaptureQueriesContext(connection) as ctx:
        assert hotspot_trends(user=org.admin, unit_id=org.city.pk, today=TODAY) == []
    assert len(ctx) <= 2  # the scope (memoised for the rest of the request), and no read of the flags
    bulk_letters(org, spread(RECENT_START, 4, 6))
    bulk_letters(org, spread(RECENT_START, 4, 6), commune=org.phuxuan, topic="environment")
    hotspot_scan(as_of=TODAY)
    org.leader.refresh_from_db()
    leader = User.objects.get(pk=org.leader.pk)
    hotspot_trends(user=leader, unit_id=org.city.pk, today=TODAY)  # the scope and the units' paths, memoised
    with CaptureQueriesContext(connection) as ctx:
        rows = hotspot_trends(user=leader, unit_id=org.city.pk, today=TODAY)
    assert len(rows) == 2 and len(ctx) == 1


def test_hotspot_rows_for_the_reports(org: Org, today: Clock) -> None:
    letter = ward_letter(org, signer_kind="several", signer_count=6, hotspot_marks=("gathering",))
    hotspot_scan(as_of=TODAY)
    rows = hotspot_rows(user=org.monitor, start=TODAY, end=TODAY)
    assert len(rows) == 1
    row = rows[0]
    assert (row.commune_name, row.topic_label, row.letter_count, row.flag_count, row.first_raised) == (
        "Đảng ủy phường An Cựu",
        "Đất đai",
        1,
        2,
        TODAY,
    )
    assert row.reasons == ("Đông người", "Phức tạp")
    assert (
        hotspot_rows(user=org.monitor, start=TODAY + datetime.timedelta(days=1), end=TODAY + datetime.timedelta(days=9))
        == []
    )
    assert hotspot_rows(user=org.phuxuan_head, start=TODAY, end=TODAY) == []
    assert letter.received_on == RECEIVED
