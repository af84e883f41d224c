"""Confidentiality of the denouncer (issue 19, point 6), probed as a user meets it: every petitions page, every
petitions API read, the task page, the task export and the journal — for who may not see a denouncer's identity, the
planted name, address and ID number never appear in the bytes (nor in the decoded JSON or spreadsheet) and "đã được
giữ bí mật" does; the officer handling it and the leader deciding it see it, and each view is journalled and listed
to Ủy ban Kiểm tra; the database holds only ciphertext; without the key the pages still answer, saying the identity
cannot be read."""

from __future__ import annotations

import io
import json
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import openpyxl
import pytest
from django.apps import apps
from django.core.management import call_command
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from sauro.accounts.models import User
from sauro.audit.models import AuditEntry
from sauro.common import clock
from sauro.org.choices import Role
from sauro.petitions import identity, identity_keys, services
from sauro.petitions.access import may_see_identity
from sauro.petitions.choices import HotSpotReason
from sauro.petitions.models import HotSpot, Letter, Reception, SignerIdentity
from sauro.petitions.urls import urlpatterns as petition_pages
from tests.conftest import Org
from tests.petitions.conftest import letter_input, reception_input
from tests.tasks.conftest import Clock

pytestmark = pytest.mark.django_db
ClientFor = Callable[[User], Client]

NAME = "Nguyễn Văn Tốcáo Bímật"
ADDRESS = "Kiệt 99 Bimatxyz, phường An Cựu"
VISITOR = "Lê Thị Đếntố Kínđáo"
VISITOR_ADDRESS = "Tổ 3 Kindaoqrs, phường Phú Xuân"
ID_NUMBER = "079123456789"
REPRESENTATIVES = "Lê Thị Đếntố Kínđáo, Phan Văn Đạidiệnmật"
SECRETS = (NAME, ADDRESS, VISITOR, VISITOR_ADDRESS, ID_NUMBER, "Bímật", "Bimatxyz", "Kindaoqrs", "Đạidiệnmật")
MASK = "đã được giữ bí mật"


@dataclass
class World:
    letter: Letter  # a denunciation registered by the Ban's officer in Văn phòng's register, forwarded to An Cựu
    reception: Reception  # a denouncer's visit to Văn phòng's reception office, registered by the same officer
    open_letter: Letter  # a kiến nghị: nothing to hide
    bystander: User  # another officer of Văn phòng, with no part in either
    hotspot: HotSpot  # a flag resting on the letter and the visit


@pytest.fixture
def world(org: Org, today: Clock) -> World:
    letter = services.letter_create(
        acting_user=org.btc_officer,
        data=letter_input(org, kind="to_cao", topic="officials", signer_name=NAME, signer_address=ADDRESS),
    )
    letter = services.letter_decide(
        acting_user=org.monitor,
        letter=letter,
        data=services.DecisionInput(
            decision="forward",
            forward_unit_id=org.ancuu.pk,
            document_number="125-CV/VPTU",
            officer_id=org.ancuu_officer.pk,
            product="answer",
            authority_unit_id=org.standing.pk,
        ),
    )
    reception = services.reception_create(
        acting_user=org.btc_officer,
        data=reception_input(
            org,
            kind="to_cao",
            citizen_name=VISITOR,
            citizen_address=VISITOR_ADDRESS,
            id_number=ID_NUMBER,
            representatives=REPRESENTATIVES,
        ),
    )
    open_letter = services.letter_create(acting_user=org.monitor, data=letter_input(org))
    bystander = org.person("cv2.vptu", "Lý Văn Khác", org.office, Role.OFFICER)
    # A hot spot on both (point 7): its page lists the letter and the visit, and must not name them either.
    spot = HotSpot.objects.create(
        key=f"complex:L{letter.pk}",
        reason=HotSpotReason.COMPLEX,
        commune=org.ancuu,
        topic="officials",
        raised_on=clock.today(),
        raised_at=clock.now(),
    )
    spot.letters.add(letter)
    spot.receptions.add(reception)
    return World(letter=letter, reception=reception, open_letter=open_letter, bystander=bystander, hotspot=spot)


def texts(content: bytes, content_type: str = "") -> list[str]:
    """A response as text: its bytes, and its decoded JSON or spreadsheet cells."""
    texts = [content.decode("utf-8", "replace")]
    if "json" in content_type:
        texts.append(json.dumps(json.loads(content), ensure_ascii=False))
    if "spreadsheet" in content_type:
        book = openpyxl.load_workbook(io.BytesIO(content), read_only=True)
        texts.append(
            " ".join(str(c) for sheet in book.worksheets for row in sheet.iter_rows(values_only=True) for c in row)
        )
    return texts


def leaked(content: bytes, content_type: str = "") -> list[str]:
    """The planted secrets found in a response."""
    found = texts(content, content_type)
    return [s for s in SECRETS if any(s in t for t in found)]


def page_urls(w: World) -> list[str]:
    """Every petitions page, with the protected letter and visit as its parameters."""
    params = {"letter_id": w.letter.pk, "reception_id": w.reception.pk, "day_id": 1, "hotspot_id": w.hotspot.pk}
    urls = []
    for pattern in petition_pages:
        names = list(pattern.pattern.converters)
        urls.append(reverse(f"petitions:{pattern.name}", kwargs={n: params[n] for n in names}))
    return urls


def api_urls(client: Client, w: World) -> list[str]:
    """Every petitions API read of the OpenAPI document, with the protected letter as its parameter."""
    schema = client.get("/api/v1/openapi.json").json()
    urls = []
    for path, operations in schema["paths"].items():
        if path.startswith("/api/v1/petitions") and "get" in operations:
            urls.append(
                path.replace("{letter_id}", str(w.letter.pk))
                .replace("{reception_id}", str(w.reception.pk))
                .replace("{hotspot_id}", str(w.hotspot.pk))
            )
    return urls


def other_urls(w: World) -> list[str]:
    """Where a letter shows outside the register: its task's page, the tasks' list, export and API, the journal,
    the dashboard."""
    task_id = w.letter.task_id
    return [
        reverse("tasks:detail", args=[task_id]),
        reverse("tasks:list"),
        reverse("tasks:export"),
        f"/api/v1/tasks/{task_id}",
        "/api/v1/tasks",
        reverse("audit:list"),
        "/tong-hop/",
    ]


def api_body(org: Org) -> dict[str, Any]:
    """A denunciation as the API takes it."""
    fields = letter_input(org, kind="to_cao", topic="officials").__dict__
    return {k: v for k, v in fields.items() if v not in (None, "") and k != "received_on"}


def views_of(user: User) -> int:
    return AuditEntry.objects.filter(action__in=identity.VIEW_ACTIONS, actor_id=user.pk).count()


# --- who may not see it ------------------------------------------------------------------------------------------


@pytest.mark.parametrize("who", ["inspector", "ancuu_head", "bystander", "btc_head", "phuxuan_head", "admin"])
def test_who_may_not_see_the_identity_never_gets_it_from_any_page_api_read_or_export(
    org: Org, world: World, client_for: ClientFor, who: str
) -> None:
    user = world.bystander if who == "bystander" else getattr(org, who)
    assert not may_see_identity(user, world.letter) and not may_see_identity(user, world.reception)
    client = client_for(user)
    urls = page_urls(world) + api_urls(client, world) + other_urls(world)
    assert len(urls) >= 20
    seen_mask = 0
    for url in urls:
        response = client.get(url)
        assert response.status_code < 500, url
        assert leaked(response.content, response.get("Content-Type", "")) == [], (who, url)
        seen_mask += any(MASK in t for t in texts(response.content, response.get("Content-Type", "")))
    if who in ("inspector", "ancuu_head", "bystander"):  # they see the letter (its page, API read and list): it says so
        assert seen_mask >= 3
    assert views_of(user) == 0


def test_the_letter_page_and_its_api_read_say_kept_confidential(org: Org, world: World, client_for: ClientFor) -> None:
    client = client_for(org.inspector)
    html = client.get(reverse("petitions:letter_detail", args=[world.letter.pk])).content.decode()
    assert f'data-identity="hidden">{MASK}' in html
    body = client.get(f"/api/v1/petitions/letters/{world.letter.pk}").json()
    assert (body["signer_name"], body["signer_address"], body["identity"]) == (MASK, MASK, "hidden")
    html = client.get(reverse("petitions:receptions")).content.decode()
    assert f'data-identity="hidden">{MASK}' in html
    visit = client.get(reverse("petitions:reception_detail", args=[world.reception.pk])).content.decode()
    assert visit.count(MASK) >= 2  # the citizen and the group's representatives


def test_every_list_masks_the_identity_even_for_who_may_see_it(org: Org, world: World, client_for: ClientFor) -> None:
    client = client_for(org.monitor)
    for url in ("/api/v1/petitions/letters", "/api/v1/petitions/receptions", reverse("petitions:receptions")):
        response = client.get(url)
        assert leaked(response.content, response["Content-Type"]) == [], url
        assert any(MASK in t for t in texts(response.content, response["Content-Type"]))
    rows = {x["id"]: x for x in client.get("/api/v1/petitions/letters").json()["items"]}
    assert rows[world.letter.pk]["identity"] == "hidden"
    assert rows[world.open_letter.pk]["signer_name"] == "Nguyễn Thị Lành"  # nothing to hide: shown as it is
    assert rows[world.open_letter.pk]["identity"] == "open"
    assert views_of(org.monitor) == 0


def test_the_edit_form_of_who_may_not_see_it_keeps_the_identity_when_left_blank(
    org: Org, world: World, client_for: ClientFor
) -> None:
    client = client_for(world.bystander)  # may correct Văn phòng's letters, may not see a denouncer
    url = reverse("petitions:letter_edit", args=[world.letter.pk])
    response = client.get(url)
    assert response.status_code == 200 and leaked(response.content) == []
    assert "Đã được giữ bí mật. Để trống để giữ nguyên" in response.content.decode()
    body = {
        "unit": org.office.pk,
        "received_on": "26/02/2026",
        "source": "post",
        "signer_kind": "one",
        "signer_count": 1,
        "signer_name": "",
        "signer_address": "",
        "kind": "to_cao",
        "topic": "officials",
        "summary": "Tố cáo cán bộ phường nhận tiền (đã sửa).",
        "complexity": "normal",
        "eligible": "on",
        "in_competence": "on",
        "version": world.letter.version,
    }
    assert client.post(url, body).status_code == 302
    world.letter.refresh_from_db()
    assert world.letter.summary == "Tố cáo cán bộ phường nhận tiền (đã sửa)."
    assert identity.sender_fields(world.letter) == identity.Sender(name=NAME, address=ADDRESS)


# --- who may see it ------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "who",
    [
        "btc_officer",  # registered it: the officer handling it
        "ancuu_officer",  # responsible for its task
        "monitor",  # decided it
        "leader",  # may decide it
    ],
)
def test_the_officer_handling_it_and_the_leader_deciding_it_see_it_and_each_view_is_journalled(
    org: Org, world: World, client_for: ClientFor, who: str
) -> None:
    user = getattr(org, who)
    assert may_see_identity(user, world.letter)
    client = client_for(user)
    html = client.get(reverse("petitions:letter_detail", args=[world.letter.pk])).content.decode()
    assert NAME in html and ADDRESS in html and 'data-identity="shown"' in html
    assert views_of(user) == 1
    body = client.get(f"/api/v1/petitions/letters/{world.letter.pk}").json()
    assert (body["signer_name"], body["signer_address"], body["identity"]) == (NAME, ADDRESS, "shown")
    assert views_of(user) == 2
    entry = AuditEntry.objects.filter(actor_id=user.pk, action="letter.identity_view").order_by("-seq").first()
    assert entry is not None and entry.object_id == str(world.letter.pk) and entry.after == {"channel": "api"}
    assert leaked(json.dumps([entry.summary, entry.object_repr, entry.after], ensure_ascii=False).encode()) == []


def test_the_visit_shows_its_denouncer_to_who_registered_it_journalled(
    org: Org, world: World, client_for: ClientFor
) -> None:
    client = client_for(org.btc_officer)
    html = client.get(reverse("petitions:reception_detail", args=[world.reception.pk])).content.decode()
    assert VISITOR in html and ID_NUMBER in html and VISITOR_ADDRESS in html and REPRESENTATIVES in html
    form = client.get(reverse("petitions:reception_edit", args=[world.reception.pk])).content.decode()
    assert f'value="{ID_NUMBER}"' in form
    actions = list(
        AuditEntry.objects.filter(actor_id=org.btc_officer.pk).order_by("seq").values_list("action", "after")
    )
    assert actions[-2:] == [
        ("reception.identity_view", {"channel": "page"}),
        ("reception.identity_view", {"channel": "form"}),
    ]


def test_ubkt_lists_who_saw_which_identity_and_nobody_else_may(org: Org, world: World, client_for: ClientFor) -> None:
    client_for(org.monitor).get(reverse("petitions:letter_detail", args=[world.letter.pk]))
    client_for(org.btc_officer).get(reverse("petitions:reception_detail", args=[world.reception.pk]))
    page = client_for(org.inspector).get(reverse("petitions:identity_views"))
    assert page.status_code == 200
    html = page.content.decode()
    assert html.count("data-identity-view=") == 2
    assert org.monitor.get_full_name() in html and org.btc_officer.get_full_name() in html
    assert reverse("petitions:letter_detail", args=[world.letter.pk]) in html
    assert leaked(page.content) == []
    for user in (org.monitor, org.leader, org.btc_officer, world.bystander, org.admin):
        assert client_for(user).get(reverse("petitions:identity_views")).status_code == 403


# --- the store ----------------------------------------------------------------------------------------------------


def test_the_database_holds_only_ciphertext(org: Org, world: World) -> None:
    with connection.cursor() as cursor:
        cursor.execute("SELECT signer_name, signer_address FROM petitions_letter WHERE id = %s", [world.letter.pk])
        assert cursor.fetchone() == ("", "")
        cursor.execute(
            "SELECT citizen_name, citizen_address, id_number, representatives FROM petitions_reception WHERE id = %s",
            [world.reception.pk],
        )
        assert cursor.fetchone() == ("", "", "", "")
        cursor.execute("SELECT token, key_id FROM petitions_signeridentity WHERE letter_id = %s", [world.letter.pk])
        token, key_id = cursor.fetchone()
    ring = identity_keys.keyring()
    assert key_id == ring.key_id
    assert identity_keys.decrypt(token, ring)["name"] == NAME
    # Nowhere in the database — no table, no column, the journal included — is any of the planted text.
    found = []
    with connection.cursor() as cursor:
        for model in apps.get_models():
            table = model._meta.db_table
            cursor.execute(f"SELECT * FROM {connection.ops.quote_name(table)}")  # noqa: S608 (names from the models)
            for row in cursor.fetchall():
                text = " ".join(
                    bytes(v).decode("utf-8", "replace") if isinstance(v, bytes | memoryview) else str(v) for v in row
                )
                found += [(table, s) for s in SECRETS if s in text]
    assert found == []


def test_the_task_made_from_a_denunciation_names_no_one(org: Org, world: World) -> None:
    task = world.letter.task
    assert task is not None
    assert "Tốcáo" not in task.title and "Tốcáo" not in task.content
    assert task.title.startswith("Xem xét, giải quyết đơn tố cáo (nhận ngày")


def test_identities_registered_before_the_store_are_moved_into_it(org: Org, today: Clock) -> None:
    plain = Letter.objects.create(
        unit=org.office,
        source="post",
        signer_kind="one",
        signer_name=NAME,
        signer_address=ADDRESS,
        kind="mixed",
        main_kind="khieu_nai_1",
        summary="Đơn nhiều nội dung, có tố cáo.",
        topic="other",
        received_on=today.day,
    )
    visit = Reception.objects.create(
        unit=org.office,
        received_on=today.day,
        receiver_kind="office",
        citizen_name=VISITOR,
        id_number=ID_NUMBER,
        summary="Tố cáo.",
        kind="to_cao",
        guidance="none",
    )
    out = io.StringIO()
    call_command("petitions", "protect-identities", stdout=out)
    assert "Đã chuyển 2 danh tính" in out.getvalue()
    plain.refresh_from_db()
    visit.refresh_from_db()
    assert (plain.signer_name, plain.signer_address, visit.citizen_name, visit.id_number) == ("", "", "", "")
    assert identity.sender_fields(plain) == identity.Sender(name=NAME, address=ADDRESS)
    assert identity.sender_fields(visit).id_number == ID_NUMBER
    # The duplicate search reads a page of candidates' senders at once: the same answers, one query for all.
    open_letter = Letter.objects.create(
        unit=org.office,
        source="post",
        signer_kind="one",
        signer_name="Lê Văn Mở",
        kind="kien_nghi",
        summary="Kiến nghị.",
        topic="other",
        received_on=today.day,
    )
    records = [plain, open_letter, visit]
    expected = [identity.sender_fields(r) for r in records]
    with CaptureQueriesContext(connection) as queries:
        assert identity.senders_fields(records) == expected
    assert len(queries) == 1
    assert expected[1].name == "Lê Văn Mở"


def test_the_data_migration_moves_them_too(org: Org, today: Clock) -> None:
    from importlib import import_module

    migration = import_module("sauro.petitions.migrations.0005_identity")
    letter = Letter.objects.create(
        unit=org.office,
        source="post",
        signer_kind="one",
        signer_name=NAME,
        kind="to_cao",
        summary="Tố cáo.",
        topic="other",
        received_on=today.day,
    )
    migration.protect_identities(apps, None)
    letter.refresh_from_db()
    assert letter.signer_name == "" and identity.sender_fields(letter).name == NAME


def test_a_letter_stays_protected_once_it_was_a_denunciation(org: Org, world: World) -> None:
    data = letter_input(org, kind="kien_nghi", signer_name="", signer_address="")
    letter = services.letter_update(acting_user=org.monitor, letter=world.letter, data=data)
    assert identity.is_protected(letter) and letter.signer_name == ""
    assert identity.sender_fields(letter).name == NAME
    renamed = services.letter_update(
        acting_user=org.monitor, letter=letter, data=letter_input(org, signer_name="Trần Văn Mới")
    )
    assert renamed.signer_name == "" and identity.sender_fields(renamed).name == "Trần Văn Mới"


# --- the key -----------------------------------------------------------------------------------------------------


def test_without_the_key_the_pages_still_answer_and_say_the_identity_cannot_be_read(
    org: Org, world: World, client_for: ClientFor, settings: Any, tmp_path: Any
) -> None:
    settings.SAURO_PETITIONS_IDENTITY_KEY_FILE = tmp_path / "absent"
    client = client_for(org.monitor)
    page = client.get(reverse("petitions:letter_detail", args=[world.letter.pk]))
    assert page.status_code == 200
    html = page.content.decode()
    assert "Không đọc được danh tính người tố cáo" in html and leaked(page.content) == []
    body = client.get(f"/api/v1/petitions/letters/{world.letter.pk}").json()
    assert body["identity"] == "unreadable" and "Không đọc được" in body["identity_message"]
    assert client.get(reverse("petitions:reception_detail", args=[world.reception.pk])).status_code == 200
    assert client.get(reverse("petitions:letter_edit", args=[world.letter.pk])).status_code == 200
    assert views_of(org.monitor) == 0  # nothing was shown
    assert not (tmp_path / "absent").exists()  # a lost key is not replaced by a new one silently
    # Registering a new denunciation is refused with a message, not a 500.
    response = client.post(
        "/api/v1/petitions/letters",
        {**api_body(org), "received_on": "2026-02-26"},
        content_type="application/json",
    )
    assert response.status_code == 400, response.content.decode()
    assert "chưa có khóa" in response.json()["message"]
    # A wrong key reads nothing either.
    identity_keys.write_key_file(tmp_path / "absent", identity_keys.new_key_text())
    assert "Không đọc được" in client.get(reverse("petitions:letter_detail", args=[world.letter.pk])).content.decode()


def test_the_key_rotates(org: Org, world: World, settings: Any, tmp_path: Any) -> None:
    old = settings.SAURO_PETITIONS_IDENTITY_KEY_FILE.read_text().strip()
    new = identity_keys.new_key_text()
    path = tmp_path / "rotated"
    path.write_text(f"{new}\n{old}\n")
    settings.SAURO_PETITIONS_IDENTITY_KEY_FILE = path
    assert identity.sender_fields(world.letter).name == NAME  # the old key still decrypts
    out = io.StringIO()
    call_command("petitions", "protect-identities", stdout=out)
    assert "mã hóa lại 2 danh tính" in out.getvalue()
    assert set(SignerIdentity.objects.values_list("key_id", flat=True)) == {identity_keys.fingerprint(new.encode())}
    path.write_text(f"{new}\n")  # the old key dropped
    assert identity.sender_fields(world.letter, for_keys=False).name == NAME
    assert AuditEntry.objects.filter(action="petitions.identities_protect").count() == 1


def test_the_key_comes_from_the_environment_first(
    org: Org, world: World, settings: Any, tmp_path: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    key = settings.SAURO_PETITIONS_IDENTITY_KEY_FILE.read_text().strip()
    settings.SAURO_PETITIONS_IDENTITY_KEY_FILE = tmp_path / "absent"
    monkeypatch.setenv(identity_keys.ENV_NAME, f"{identity_keys.new_key_text()}, {key}")
    assert identity.sender_fields(world.letter, for_keys=False).name == NAME
    monkeypatch.setenv(identity_keys.ENV_NAME, "not-a-key")
    with pytest.raises(identity_keys.IdentityKeyError, match="không hợp lệ"):
        identity_keys.keyring()
    assert identity.sender_fields(world.letter).name == ""  # for the duplicate keys: empty, never an error
