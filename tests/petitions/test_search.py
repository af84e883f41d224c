"""The register's search box (``q``): diacritics- and case-free words over the letter's number, summary, sender,
places, the bodies it came from or went to and the document's number — through the gate, with the other filters,
never over a denouncer's protected identity; its folded text kept by every write; the words marked in the list."""

from __future__ import annotations

import datetime
import io
import re
from collections.abc import Callable
from importlib import import_module
from types import SimpleNamespace

import pytest
from django.apps import apps
from django.core.management import call_command
from django.db import connection
from django.test import Client
from django.urls import reverse

from sauro.accounts.models import User
from sauro.petitions import identity, selectors, services
from sauro.petitions.models import Letter
from sauro.petitions.selectors import LetterFilters
from tests.conftest import Org
from tests.petitions.conftest import RECEIVED, forward_to_ancuu, letter_input
from tests.tasks.conftest import Clock

pytestmark = pytest.mark.django_db
ClientFor = Callable[[User], Client]

INDUSTRIAL = "Phản ánh khói bụi từ Khu công nghiệp Phú Bài ảnh hưởng sức khỏe người dân tổ 7."
DENOUNCER = "Hoàng Văn Tốgiác"
DENOUNCER_ADDRESS = "Kiệt 41 Bimatkiet, phường An Cựu"


def found(user: User, q: str, **filters: object) -> list[int]:
    return [x.pk for x in selectors.letter_list(user=user, filters=LetterFilters(q=q, **filters))]  # type: ignore[arg-type]


@pytest.fixture
def letters(org: Org, today: Clock) -> dict[str, Letter]:
    """Three letters in Văn phòng's register and one in An Cựu's."""
    create = services.letter_create
    return {
        "land": create(acting_user=org.monitor, data=letter_input(org, incoming_number="CV-0815")),
        "smoke": create(
            acting_user=org.monitor,
            data=letter_input(
                org,
                signer_name="Phạm Đức Thắng",
                signer_address="Tổ 7, phường Phú Bài",
                kind="phan_anh",
                topic="environment",
                summary=INDUSTRIAL,
                address="Khu công nghiệp Phú Bài",
                received_on=RECEIVED - datetime.timedelta(days=1),
            ),
        ),
        "forwarded": create(
            acting_user=org.monitor,
            data=letter_input(
                org,
                source="forwarded",
                forwarded_by="Ban Tiếp công dân Trung ương",
                kind="kien_nghi",
                topic="environment",
                summary="Kiến nghị di dời cơ sở gây ô nhiễm ra khỏi khu dân cư, gần khu công nghiệp.",
                received_on=RECEIVED - datetime.timedelta(days=2),
            ),
        ),
        "ward": create(
            acting_user=org.ancuu_head,
            data=letter_input(
                org, unit_id=org.ancuu.pk, kind="phan_anh", summary="Phản ánh khói bụi ở khu công nghiệp cũ."
            ),
        ),
    }


def test_words_without_diacritics_or_case_find_the_letters_holding_them_all_newest_first(
    org: Org, letters: dict[str, Letter]
) -> None:
    smoke, forwarded, ward = letters["smoke"].pk, letters["forwarded"].pk, letters["ward"].pk
    assert found(org.monitor, "KHU cong NGHIEP") == [ward, smoke, forwarded]
    assert found(org.monitor, "khu công nghiệp") == [ward, smoke, forwarded]
    # Every word must be there, wherever (summary, address): "phu bai" is only in the smoke letter.
    assert found(org.monitor, "nghiep   PHU bài") == [smoke]
    assert found(org.monitor, "khu cong nghiep hai phong") == []
    # An empty box or one of spaces does not filter.
    assert len(found(org.monitor, "   ")) == 4


def test_the_sender_the_incoming_number_and_the_forwarding_body_are_searched(
    org: Org, letters: dict[str, Letter]
) -> None:
    assert found(org.monitor, "pham duc thang") == [letters["smoke"].pk]
    assert found(org.monitor, "to 7 phuong phu bai") == [letters["smoke"].pk]  # the sender's address
    assert found(org.monitor, "cv-0815") == [letters["land"].pk]
    assert found(org.monitor, "ban tiep cong dan trung uong") == [letters["forwarded"].pk]
    # The same sender on three letters: newest received first, the later registered first on the same day.
    assert found(org.monitor, "nguyen thi lanh") == [letters["ward"].pk, letters["land"].pk, letters["forwarded"].pk]


def test_the_search_goes_with_the_other_filters(org: Org, letters: dict[str, Letter]) -> None:
    assert found(org.monitor, "khu cong nghiep", kind="phan_anh") == [letters["ward"].pk, letters["smoke"].pk]
    assert found(org.monitor, "khu cong nghiep", kind="phan_anh", topic="environment") == [letters["smoke"].pk]
    assert found(org.monitor, "khu cong nghiep", unit_id=org.ancuu.pk) == [letters["ward"].pk]
    assert found(org.monitor, "khu cong nghiep", state="answered") == []


def test_a_letter_the_user_may_not_see_is_never_found(org: Org, letters: dict[str, Letter]) -> None:
    # An Cựu's letter: its people find it; Văn phòng's officer and Phú Xuân do not, whatever they type.
    assert found(org.ancuu_head, "khu cong nghiep") == [letters["ward"].pk]
    assert found(org.btc_officer, "khu cong nghiep") == [letters["smoke"].pk, letters["forwarded"].pk]
    assert found(org.phuxuan_head, "khu cong nghiep") == []
    assert found(org.phuxuan_head, "nguyen thi lanh") == []
    assert found(org.admin, "khu") == []


def test_the_document_number_is_searchable_once_decided_and_edits_refold_the_text(
    org: Org, letters: dict[str, Letter]
) -> None:
    land = letters["land"]
    assert found(org.monitor, "125-cv/vptu") == []
    decided = services.letter_decide(acting_user=org.monitor, letter=land, data=forward_to_ancuu(org))
    assert "125-cv/vptu" in Letter.objects.get(pk=land.pk).search_text
    assert found(org.monitor, "125-CV/VPTU") == [land.pk]
    # Forwarded to An Cựu: its people now find it by the document's number too.
    assert land.pk in found(org.ancuu_head, "125-cv")
    # A correction: the old words are no longer found, the new ones are.
    services.letter_update(
        acting_user=org.monitor,
        letter=decided,
        data=letter_input(org, incoming_number="CV-0815", summary="Kiến nghị cấp sổ đỏ cho thửa đất ở Thủy Vân."),
    )
    assert found(org.monitor, "giay chung nhan quyen su dung") == []
    assert found(org.monitor, "so do thuy van") == [land.pk]
    assert found(org.monitor, "125-cv/vptu") == [land.pk]  # the decision's number stays


def test_a_denouncers_protected_identity_is_never_searched(org: Org, today: Clock) -> None:
    letter = services.letter_create(
        acting_user=org.btc_officer,
        data=letter_input(
            org, kind="to_cao", topic="officials", signer_name=DENOUNCER, signer_address=DENOUNCER_ADDRESS
        ),
    )
    assert identity.sender_fields(letter).name == DENOUNCER
    stored = Letter.objects.get(pk=letter.pk).search_text
    assert "to giac" not in stored and "togiac" not in stored and "bimatkiet" not in stored
    assert "kien nghi xem xet" in stored  # the rest of the letter is searchable
    # Not even who may see the identity finds the letter by it: a search names no denouncer.
    for user in (org.btc_officer, org.monitor, org.leader):
        assert found(user, "hoang van togiac") == []
        assert found(user, "bimatkiet") == []
    assert found(org.monitor, "cap giay chung nhan") == [letter.pk]


def test_identities_moved_into_the_store_leave_the_search_text(org: Org, today: Clock) -> None:
    # A denunciation written around the services (as before the store existed) holds its sender in plain columns…
    plain = Letter.objects.create(
        unit=org.office,
        source="post",
        signer_kind="one",
        signer_name=DENOUNCER,
        signer_address=DENOUNCER_ADDRESS,
        kind="to_cao",
        summary="Tố cáo cán bộ nhận hối lộ.",
        topic="officials",
        received_on=today.day,
    )
    assert found(org.monitor, "togiac") == [plain.pk]
    # …which "sauro petitions protect-identities" moves into the store, and out of the search.
    call_command("petitions", "protect-identities", stdout=io.StringIO())
    plain.refresh_from_db()
    assert plain.signer_name == "" and "togiac" not in plain.search_text and "bimatkiet" not in plain.search_text
    assert found(org.monitor, "togiac") == []
    assert found(org.monitor, "hoi lo") == [plain.pk]


def test_the_migration_fills_the_letters_already_registered(org: Org, letters: dict[str, Letter]) -> None:
    Letter.objects.update(search_text="")
    assert found(org.monitor, "phu bai") == []
    migration = import_module("sauro.petitions.migrations.0008_letter_search")
    migration.fill_search_text(apps, SimpleNamespace(connection=connection))
    for letter in Letter.objects.all():
        assert letter.search_text == letter.folded_search_text() != ""
    assert found(org.monitor, "phu bai") == [letters["smoke"].pk]


def test_the_list_page_searches_marks_the_words_and_keeps_them_across_pages(
    org: Org, letters: dict[str, Letter], client_for: ClientFor
) -> None:
    client = client_for(org.monitor)
    html = client.get(reverse("petitions:letters"), {"q": "KHU cong nghiep", "kind": "phan_anh"}).content.decode()
    rows = [int(pk) for pk in re.findall(r'data-letter="(\d+)"', html)]
    assert rows == [letters["ward"].pk, letters["smoke"].pk]
    # The words matched are marked in the summary, whatever their accents and case; the box keeps what was typed.
    assert "<mark>Khu</mark> <mark>công</mark> <mark>nghiệp</mark> Phú Bài" in html
    assert 'name="q" value="KHU cong nghiep"' in html
    assert 'placeholder="Tên, địa chỉ, nội dung, số văn bản' in html
    assert "Kết quả lọc" in html
    # Nothing found: said so.
    html = client.get(reverse("petitions:letters"), {"q": "khong co tu nay"}).content.decode()
    assert "data-letter=" not in html and "Không có đơn nào phù hợp với điều kiện lọc." in html
    # More letters than a page: the next page's link keeps the search, and the next page holds the rest.
    smoke = letters["smoke"]
    for n in range(selectors.PAGE_SIZE):
        Letter.objects.create(
            unit=org.office,
            source="post",
            signer_kind="anonymous",
            kind="phan_anh",
            summary=f"Khói bụi khu công nghiệp, lần {n}.",
            topic="environment",
            received_on=smoke.received_on,
        )
    expected = found(org.monitor, "khoi bui khu cong nghiep")
    assert len(expected) == selectors.PAGE_SIZE + 2 and expected[-1] == smoke.pk  # with the ward's, An Cựu's
    html = client.get(reverse("petitions:letters"), {"q": "khoi bui khu cong nghiep"}).content.decode()
    first = [int(pk) for pk in re.findall(r'data-letter="(\d+)"', html)]
    next_url = re.search(r'href="([^"]*after=[^"]*)"', html)
    assert next_url is not None and "q=khoi+bui+khu+cong+nghiep" in next_url.group(1)
    rest = client.get(next_url.group(1).replace("&amp;", "&")).content.decode()
    assert first + [int(pk) for pk in re.findall(r'data-letter="(\d+)"', rest)] == expected
    assert len(first) == selectors.PAGE_SIZE


def test_the_api_lists_the_letters_a_search_finds(org: Org, letters: dict[str, Letter], client_for: ClientFor) -> None:
    client = client_for(org.monitor)
    url = "/api/v1/petitions/letters"
    body = client.get(url, {"q": "Khu Cong Nghiep", "topic": "environment"}).json()
    assert [x["id"] for x in body["items"]] == [letters["smoke"].pk, letters["forwarded"].pk]
    assert [x["id"] for x in client_for(org.phuxuan_head).get(url, {"q": "khu cong nghiep"}).json()["items"]] == []
    assert client.get(url, {"q": "a\x00b"}).status_code == 422
    assert client.get(url, {"q": "x" * 201}).status_code == 422
    schema = client.get("/api/v1/openapi.json").json()
    params = {p["name"]: p for p in schema["paths"]["/api/v1/petitions/letters"]["get"]["parameters"]}
    assert "không dấu" in params["q"]["description"]
