"""Likely duplicates and repeats wired into the letters (issue 19, point 5; ``petitions.duplicates``): the entry
page proposes an earlier letter typed without diacritics, with its reason, and links the ones ticked; another unit's
letter is never proposed; links are journalled; a repeat after an answered letter is flagged ("Đơn kéo dài"), one
received before the answer is not; keys follow an edit; ``sauro petitions rekey``; the API; bounded queries."""

from __future__ import annotations

import datetime
import io
import json
import unicodedata
from collections.abc import Callable
from typing import Any

import pytest
from django.core.management import call_command
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from sauro.accounts.models import User
from sauro.audit.models import AuditEntry
from sauro.common.errors import Conflict, PermissionDeniedError, ValidationFailed
from sauro.petitions import duplicates, links, selectors, services
from sauro.petitions.models import Letter, LetterKey, LetterLink
from sauro.petitions.similar import sketch
from sauro.tasks.services import task_accept, task_approve, task_submit
from tests.conftest import Org
from tests.petitions.conftest import forward_to_ancuu, letter_input
from tests.tasks.conftest import Clock

pytestmark = pytest.mark.django_db
ClientFor = Callable[[User], Client]

SUMMARY = (
    "Kiến nghị xem xét việc cấp giấy chứng nhận quyền sử dụng đất cho hộ bà Nguyễn Thị Lành tại thửa đất số 125, "
    "tờ bản đồ số 7, tổ 5 phường An Cựu, đã nộp hồ sơ từ ngày 12/5/2024 mà chưa được giải quyết."
)
OTHER = (
    "Phản ánh tình trạng xả rác thải xây dựng trên tuyến đường Hoàng Quốc Việt gây mất vệ sinh môi trường, đề nghị "
    "Ủy ban nhân dân phường Phú Xuân xử lý dứt điểm."
)


def plain(text: str) -> str:
    """``text`` typed without diacritics, capitals kept ("Nguyễn" → "Nguyen")."""
    text = text.replace("đ", "d").replace("Đ", "D")
    return "".join(c for c in unicodedata.normalize("NFD", text) if not unicodedata.combining(c))


def earlier(org: Org, **overrides: Any) -> Letter:
    fields: dict[str, Any] = {"summary": SUMMARY, "signer_address": "Tổ 5, phường An Cựu"}
    fields.update(overrides)
    return services.letter_create(acting_user=org.monitor, data=letter_input(org, **fields))


def entry_form(org: Org, **overrides: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "unit": org.office.pk,
        "received_on": "02/03/2026",
        "source": "post",
        "signer_kind": "one",
        "signer_count": "1",
        "signer_name": plain("Nguyễn Thị Lành"),
        "signer_address": plain("Tổ 5, phường An Cựu"),
        "kind": "kien_nghi",
        "topic": "land",
        "summary": plain(SUMMARY),
        "complexity": "normal",
        "address": plain("12 Hùng Vương, phường An Cựu"),
    }
    body.update(overrides)
    return body


def fields(summary: str = SUMMARY, **overrides: Any) -> dict[str, Any]:
    out: dict[str, Any] = {
        "signer_name": "Nguyễn Thị Lành",
        "signer_address": "Tổ 5, phường An Cựu",
        "summary": summary,
        "address": "12 Hùng Vương, phường An Cựu",
    }
    out.update(overrides)
    return out


def answer(org: Org, today: Clock, letter: Letter, *, submitted: datetime.date) -> Letter:
    """Forward ``letter`` to An Cựu as a task, which An Cựu answers on ``submitted`` and Thường trực approves: the
    letter's decision takes effect on ``submitted`` (the answer's day, the task's completion date)."""
    decided = services.letter_decide(acting_user=org.monitor, letter=letter, data=forward_to_ancuu(org))
    assert decided.task is not None
    task = task_accept(acting_user=org.ancuu_head, task=decided.task)
    today.set(submitted)
    task_submit(acting_user=org.ancuu_head, task=task, product_note="Văn bản trả lời số 15/UBND", confirmed=True)
    task.refresh_from_db()
    task_approve(acting_user=org.leader, task=task)
    return Letter.objects.select_related("task").get(pk=letter.pk)


# --- on entry ---------------------------------------------------------------------------------------------------


def test_entry_proposes_the_earlier_letter_typed_without_diacritics_and_links_the_ticked_one(
    org: Org, today: Clock, client_for: ClientFor
) -> None:
    first = earlier(org)
    unrelated = earlier(org, summary=OTHER, signer_name="Trần Văn Hải", signer_address="Tổ 2, phường Phú Xuân")
    client = client_for(org.monitor)
    url = reverse("petitions:letter_create")
    page = client.post(url, entry_form(org))
    html = page.content.decode()
    assert page.status_code == 200  # shown, not saved
    assert Letter.objects.count() == 2
    assert f'data-proposal="{first.pk}"' in html and f'data-proposal="{unrelated.pk}"' not in html
    assert "cùng người gửi" in html and "cùng nội dung" in html
    assert f'name="duplicate_of" value="{first.pk}"' in html
    # A forged id is not among the proposals: nothing is saved.
    assert client.post(url, {**entry_form(org), "duplicate_of": str(unrelated.pk)}).status_code == 200
    assert Letter.objects.count() == 2
    # Ticked: saved and linked, the link journalled with the engine's reasons.
    response = client.post(url, {**entry_form(org), "duplicate_of": str(first.pk)})
    new = Letter.objects.exclude(pk__in=[first.pk, unrelated.pk]).get()
    assert response.status_code == 302 and response["Location"] == reverse("petitions:letter_detail", args=[new.pk])
    link = LetterLink.objects.get()
    assert (link.letter_id, link.duplicate_of_id, link.created_by_id) == (new.pk, first.pk, org.monitor.pk)
    assert "cung_noi_dung" in link.reason.split(",")
    entry = AuditEntry.objects.get(action="letter.link_duplicate")
    assert entry.object_id == str(new.pk) and entry.after["duplicate_of_id"] == first.pk
    # The letter's page names it, both ways; the first letter was not answered: no prolonged flag.
    html = client.get(reverse("petitions:letter_detail", args=[new.pk])).content.decode()
    assert f'data-linked-letter="{first.pk}"' in html and "data-prolonged" not in html
    html = client.get(reverse("petitions:letter_detail", args=[first.pk])).content.decode()
    assert f'data-linked-letter="{new.pk}"' in html


def test_confirming_a_new_letter_saves_it_unlinked(org: Org, today: Clock, client_for: ClientFor) -> None:
    earlier(org)
    response = client_for(org.monitor).post(reverse("petitions:letter_create"), {**entry_form(org), "confirm_new": "1"})
    assert response.status_code == 302
    assert Letter.objects.count() == 2 and not LetterLink.objects.exists()


def test_the_proposals_are_ranked_with_their_reasons(org: Org, today: Clock) -> None:
    same = earlier(org)
    # The same person on another matter: proposed for the sender only, below the copy.
    person = earlier(org, summary=OTHER)
    earlier(org, summary=OTHER, signer_name="Trần Văn Hải", signer_address="Tổ 2, phường Phú Xuân")
    found = selectors.likely_duplicates(fields(plain(SUMMARY), signer_name=plain("Nguyễn Thị Lành")), org.monitor)
    assert [p.letter_id for p in found] == [same.pk, person.pk]
    assert (
        found[0].reason == "cùng người gửi, cùng nội dung, cùng địa bàn và vụ việc" and found[0].score > found[1].score
    )
    assert found[1].reason == "cùng người gửi" and found[1].reasons == ("cung_nguoi_gui",)
    assert found[0].label == f"{same} của Nguyễn Thị Lành — Văn phòng Thành ủy"
    # Anonymous and without a summary there is nothing to search with.
    assert selectors.likely_duplicates({"summary": "", "signer_name": ""}, org.monitor) == []


def test_another_units_letter_is_never_proposed(org: Org, today: Clock) -> None:
    office = earlier(org)
    ward = services.letter_create(
        acting_user=org.ancuu_head,
        data=letter_input(org, unit_id=org.ancuu.pk, summary=SUMMARY, signer_address="Tổ 5, phường An Cựu"),
    )
    assert {p.letter_id for p in selectors.likely_duplicates(fields(), org.monitor)} == {office.pk, ward.pk}
    # An Cựu's head sees their ward's letter, not Văn phòng's; Phú Xuân's sees neither; the administrator nothing.
    assert [p.letter_id for p in selectors.likely_duplicates(fields(), org.ancuu_head)] == [ward.pk]
    assert selectors.likely_duplicates(fields(), org.phuxuan_head) == []
    assert selectors.likely_duplicates(fields(), org.admin) == []


def test_the_proposals_cost_a_bounded_number_of_queries(org: Org, today: Clock) -> None:
    earlier(org)
    selectors.likely_duplicates(fields(), org.monitor)  # the address matcher is built once per process
    with CaptureQueriesContext(connection) as few:
        assert len(selectors.likely_duplicates(fields(), org.monitor)) == 1
    for n in range(12):
        earlier(org, signer_name=f"Nguyễn Văn Số {n}", summary=f"{SUMMARY} Bổ sung lần {n}.")
    with CaptureQueriesContext(connection) as many:
        assert len(selectors.likely_duplicates(fields(), org.monitor)) == 5
    assert len(many) == len(few) <= 12, [q["sql"][:120] for q in many]


# --- links ------------------------------------------------------------------------------------------------------


def test_linking_checks_and_journals(org: Org, today: Clock) -> None:
    first = earlier(org)
    second = earlier(org, summary=plain(SUMMARY))
    link = links.letter_link_duplicate(acting_user=org.monitor, letter=second, duplicate_of=first.pk)
    assert link.reason == "cung_nguoi_gui,cung_noi_dung,cung_dia_ban_vu_viec"
    entry = AuditEntry.objects.filter(action="letter.link_duplicate").get()
    assert entry.actor_id == org.monitor.pk and entry.unit_id_snapshot == org.office.pk
    assert "cùng người gửi, cùng nội dung, cùng địa bàn và vụ việc" in entry.summary
    with pytest.raises(Conflict) as conflict:
        links.letter_link_duplicate(acting_user=org.monitor, letter=second, duplicate_of=first)
    assert conflict.value.code == "already_linked"
    with pytest.raises(ValidationFailed, match=links.ERR_LINK_SELF):
        links.letter_link_duplicate(acting_user=org.monitor, letter=second, duplicate_of=second.pk)
    # Another unit's letter is not found; the inspector reads but does not write the register.
    ward = services.letter_create(acting_user=org.ancuu_head, data=letter_input(org, unit_id=org.ancuu.pk))
    with pytest.raises(ValidationFailed, match=links.ERR_LINK_UNKNOWN):
        links.letter_link_duplicate(acting_user=org.ancuu_head, letter=ward, duplicate_of=first.pk)
    with pytest.raises(PermissionDeniedError):
        links.letter_link_duplicate(acting_user=org.inspector, letter=first, duplicate_of=second.pk)
    # A stale version is a 409, nothing written.
    with pytest.raises(Conflict):
        links.letter_link_duplicate(
            acting_user=org.monitor, letter=first, duplicate_of=second.pk, expected_version=first.version + 1
        )
    assert LetterLink.objects.count() == 1 and AuditEntry.objects.filter(action="letter.link_duplicate").count() == 1


# --- repeats after a decision in force --------------------------------------------------------------------------


def test_a_repeat_after_an_answered_letter_is_flagged_and_one_before_is_not(
    org: Org, today: Clock, client_for: ClientFor
) -> None:
    first = answer(org, today, earlier(org), submitted=datetime.date(2026, 3, 3))
    assert duplicates.decision_in_force(first) == datetime.date(2026, 3, 3)
    today.set(datetime.date(2026, 3, 5))
    # Received on 2 March, before the answer of 3 March (entered late): a duplicate, not a repeat.
    before = earlier(org, summary=plain(SUMMARY), received_on=datetime.date(2026, 3, 2))
    assert before.repeat_of_id is None
    # Received on 4 March, after it: đơn kéo dài, the earlier letter named, the flag in the journal entry.
    after = earlier(org, summary=plain(SUMMARY), received_on=datetime.date(2026, 3, 4))
    assert after.repeat_of_id == first.pk
    assert Letter.objects.get(pk=after.pk).repeat_of_id == first.pk
    entry = AuditEntry.objects.filter(action="letter.create").latest("seq")
    assert entry.after["repeat_of_id"] == first.pk
    # The same sender on another matter is no repeat.
    assert earlier(org, summary=OTHER, received_on=datetime.date(2026, 3, 4)).repeat_of_id is None
    # The page: the badge and the earlier letter; for a reader who does not see the earlier one, the badge alone.
    html = client_for(org.monitor).get(reverse("petitions:letter_detail", args=[after.pk])).content.decode()
    assert "Đơn kéo dài" in html and f'data-prolonged="{first.pk}"' in html
    assert reverse("petitions:letter_detail", args=[first.pk]) in html and "03/03/2026" in html
    html = client_for(org.monitor).get(reverse("petitions:letter_detail", args=[before.pk])).content.decode()
    assert "data-prolonged" not in html
    # The proposals tell that the earlier letter was answered.
    proposal = selectors.likely_duplicates(fields(), org.monitor)[0]
    assert proposal.letter_id == first.pk and proposal.prolonged_from == datetime.date(2026, 3, 3)


def test_a_letter_linked_to_an_answered_one_is_flagged(org: Org, today: Clock) -> None:
    first = answer(org, today, earlier(org), submitted=datetime.date(2026, 3, 3))
    today.set(datetime.date(2026, 3, 5))
    # Worded so differently the engine sees no same matter (only the sender): the officer's link decides.
    other = earlier(org, summary=OTHER, received_on=datetime.date(2026, 3, 4))
    assert other.repeat_of_id is None
    links.letter_link_duplicate(acting_user=org.monitor, letter=other, duplicate_of=first.pk)
    other.refresh_from_db()
    assert other.repeat_of_id == first.pk
    entry = AuditEntry.objects.get(action="letter.link_duplicate")
    assert (entry.before["repeat_of_id"], entry.after["repeat_of_id"]) == (None, first.pk)
    # An edit keeps the flag the link set.
    edited = services.letter_update(
        acting_user=org.monitor,
        letter=other,
        data=letter_input(org, summary=OTHER + " Bổ sung.", received_on=datetime.date(2026, 3, 4)),
    )
    assert edited.repeat_of_id == first.pk


# --- keys -------------------------------------------------------------------------------------------------------


def stored_keys(letter: Letter) -> set[int]:
    return set(LetterKey.objects.filter(letter=letter).values_list("key", flat=True))


def expected_keys(letter: Letter) -> set[int]:
    letter = Letter.objects.get(pk=letter.pk)
    return set(sketch(duplicates.letter_record(letter), secret=duplicates.similarity_secret()).keys)


def test_keys_are_stored_on_entry_and_refreshed_on_update(org: Org, today: Clock) -> None:
    letter = earlier(org)
    assert stored_keys(letter) == expected_keys(letter) and len(stored_keys(letter)) > 16
    before = stored_keys(letter)
    services.letter_update(
        acting_user=org.monitor,
        letter=letter,
        data=letter_input(org, summary=OTHER, signer_name="Trần Văn Hải", signer_address="Tổ 2, phường Phú Xuân"),
    )
    assert stored_keys(letter) == expected_keys(letter) != before
    # Found by its new text, no longer by its old one.
    assert [p.letter_id for p in selectors.likely_duplicates(fields(OTHER, signer_name="Trần Văn Hải"), org.monitor)]
    assert selectors.likely_duplicates(fields(), org.monitor) == []


def test_the_secret_keys_the_hashes(org: Org, today: Clock, settings: Any) -> None:
    settings.SAURO_PETITIONS_SIMILARITY_SECRET = ""
    derived = duplicates.similarity_secret()
    settings.SECRET_KEY = "another-installation"
    assert duplicates.similarity_secret() != derived
    settings.SAURO_PETITIONS_SIMILARITY_SECRET = "khóa riêng"
    configured = duplicates.similarity_secret()
    settings.SECRET_KEY = "yet-another"
    assert duplicates.similarity_secret() == configured and len(configured) == 32


def test_rekey_recomputes_every_letters_keys(org: Org, today: Clock, settings: Any) -> None:
    letters = [earlier(org), earlier(org, summary=OTHER, signer_name="Trần Văn Hải")]
    LetterKey.objects.filter(letter=letters[0]).delete()
    settings.SAURO_PETITIONS_SIMILARITY_SECRET = "khóa mới sau khi đổi"
    # Under the new secret the stored keys no longer match: nothing found until the keys are recomputed.
    assert selectors.likely_duplicates(fields(), org.monitor) == []
    out = io.StringIO()
    call_command("petitions", "rekey", "--batch", "1", stdout=out)
    assert out.getvalue().splitlines()[:2] == ["Đã tính lại khóa của 1/2 đơn.", "Đã tính lại khóa của 2/2 đơn."]
    assert "Xong: 2 đơn" in out.getvalue()
    for letter in letters:
        assert stored_keys(letter) == expected_keys(letter)
    assert [p.letter_id for p in selectors.likely_duplicates(fields(), org.monitor)] == [letters[0].pk]
    assert AuditEntry.objects.filter(action="letter.rekey").get().after["letters"] == 2


# --- the API ----------------------------------------------------------------------------------------------------

ROOT = "/api/v1/petitions"


def post(client: Client, url: str, body: dict[str, Any]) -> Any:
    return client.post(url, json.dumps(body), content_type="application/json")


def test_the_api_proposes_and_links(org: Org, today: Clock, client_for: ClientFor) -> None:
    first = earlier(org)
    second = earlier(org, summary=plain(SUMMARY), signer_name=plain("Nguyễn Thị Lành"))
    client = client_for(org.monitor)
    body = {**fields(plain(SUMMARY)), "received_on": "2026-03-02"}
    found = post(client, f"{ROOT}/letters/duplicates", body)
    assert found.status_code == 200
    items = {i["letter_id"]: i for i in found.json()["items"]}
    assert set(items) == {first.pk, second.pk}  # the same content folded: both alike
    assert items[first.pk]["reasons"] == ["cung_nguoi_gui", "cung_noi_dung", "cung_dia_ban_vu_viec"]
    assert items[first.pk]["reason"] == "cùng người gửi, cùng nội dung, cùng địa bàn và vụ việc"
    assert items[first.pk]["answered_on"] is None and items[first.pk]["received_on"] == "2026-02-26"
    # Editing the second letter: it is not proposed for itself.
    again = post(client, f"{ROOT}/letters/duplicates", {**body, "letter_id": second.pk}).json()["items"]
    assert [i["letter_id"] for i in again] == [first.pk]
    # Another unit's reader: nothing; a stranger to the API: 401; bad input: 422 in JSON.
    assert post(client_for(org.phuxuan_head), f"{ROOT}/letters/duplicates", body).json() == {"items": []}
    assert post(Client(), f"{ROOT}/letters/duplicates", body).status_code == 401
    bad = post(client, f"{ROOT}/letters/duplicates", {**body, "commune_id": 2**70})
    assert bad.status_code == 422 and bad.json()["code"] == "validation_error"

    url = f"{ROOT}/letters/{second.pk}/links"
    linked = post(client, url, {"duplicate_of_id": first.pk, "version": second.version})
    assert linked.status_code == 201
    detail = linked.json()
    assert [(x["letter_id"], x["earlier"], x["reason"]) for x in detail["links"]] == [
        (first.pk, True, "cùng người gửi, cùng nội dung, cùng địa bàn và vụ việc")
    ]
    assert detail["prolonged"] is False and detail["repeat_of_id"] is None
    again_link = post(client, url, {"duplicate_of_id": first.pk})
    assert again_link.status_code == 409 and again_link.json()["code"] == "already_linked"
    itself = post(client, url, {"duplicate_of_id": second.pk})
    assert itself.status_code == 422 and itself.json()["fields"]["duplicate_of_id"] == links.ERR_LINK_SELF
    stale = post(client, f"{ROOT}/letters/{first.pk}/links", {"duplicate_of_id": second.pk, "version": 99})
    assert stale.status_code == 409
    # Another unit's letter is a 404; the inspector reads it but may not link (403).
    assert post(client_for(org.phuxuan_head), url, {"duplicate_of_id": first.pk}).status_code == 404
    assert post(client_for(org.inspector), url, {"duplicate_of_id": first.pk}).status_code == 403
    # The earlier letter's detail names the later one.
    shown = client.get(f"{ROOT}/letters/{first.pk}").json()["links"]
    assert [(x["letter_id"], x["earlier"]) for x in shown] == [(second.pk, False)]


def test_the_api_shows_the_prolonged_flag(org: Org, today: Clock, client_for: ClientFor) -> None:
    first = answer(org, today, earlier(org), submitted=datetime.date(2026, 3, 3))
    today.set(datetime.date(2026, 3, 5))
    client = client_for(org.monitor)
    body = {
        "unit_id": org.office.pk,
        "source": "post",
        "signer_kind": "one",
        "signer_name": "Nguyen Thi Lanh",
        "signer_address": "To 5, phuong An Cuu",
        "kind": "kien_nghi",
        "topic": "land",
        "summary": plain(SUMMARY),
        "received_on": "2026-03-04",
    }
    created = post(client, f"{ROOT}/letters", body)
    assert created.status_code == 201
    assert created.json()["prolonged"] is True and created.json()["repeat_of_id"] == first.pk
    listed = client.get(f"{ROOT}/letters").json()["items"]
    assert {x["id"]: x["prolonged"] for x in listed} == {created.json()["id"]: True, first.pk: False}
    # Phú Xuân registers a repeat of the same matter: flagged (the flag is a fact of the letter), but its readers,
    # who do not see Văn phòng's letter, get no id of it.
    ward = post(client_for(org.phuxuan_head), f"{ROOT}/letters", {**body, "unit_id": org.phuxuan.pk})
    assert ward.status_code == 201
    assert ward.json()["prolonged"] is True and ward.json()["repeat_of_id"] is None
    assert Letter.objects.get(pk=ward.json()["id"]).repeat_of_id == first.pk


def test_a_letter_received_while_the_answer_awaits_approval_is_flagged_on_approval(org: Org, today: Clock) -> None:
    first = earlier(org)
    decided = services.letter_decide(acting_user=org.monitor, letter=first, data=forward_to_ancuu(org))
    assert decided.task is not None
    task = task_accept(acting_user=org.ancuu_head, task=decided.task)
    today.set(datetime.date(2026, 3, 3))
    task_submit(acting_user=org.ancuu_head, task=task, product_note="Văn bản trả lời số 15/UBND", confirmed=True)
    today.set(datetime.date(2026, 3, 4))
    waiting = earlier(org, summary=plain(SUMMARY), received_on=datetime.date(2026, 3, 4))
    before = earlier(org, summary=plain(SUMMARY), received_on=datetime.date(2026, 3, 2))
    assert waiting.repeat_of_id is None and before.repeat_of_id is None  # not answered yet
    today.set(datetime.date(2026, 3, 5))
    task.refresh_from_db()
    task_approve(acting_user=org.leader, task=task)  # answered on 3 March (the answer's day)
    waiting.refresh_from_db()
    before.refresh_from_db()
    assert waiting.repeat_of_id == first.pk and before.repeat_of_id is None
    entry = AuditEntry.objects.get(action="letter.prolonged")
    assert entry.object_id == str(waiting.pk) and entry.after == {"repeat_of_id": first.pk}
