"""The intake API (issue 19, point 9; ``/api/v1/open311/…``, Open311 GeoReport v2): the services offered, a request
submitted once under an idempotency key and registered as a letter, its status following the letter's state, an
account seeing only its own requests; token authentication only. The fuzzing over HTTP is at the end."""

from __future__ import annotations

import json
from typing import Any

import pytest
import schemathesis
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from hypothesis import HealthCheck, settings

from sauro.accounts.models import User
from sauro.accounts.services import api_token_create
from sauro.api import api
from sauro.audit.models import AuditEntry
from sauro.org.choices import Role
from sauro.petitions import intake, services
from sauro.petitions.models import IntakeRequest, Letter
from sauro.tasks.choices import TaskState
from sauro.tasks.models import Task
from tests.api.checks import CHECKS
from tests.conftest import Org
from tests.petitions.conftest import forward_to_ancuu
from tests.tasks.conftest import Clock

ROOT = "/api/v1/open311"

BODY: dict[str, Any] = {
    "service_code": "phan_anh.environment",
    "description": "Bãi rác tự phát ở đầu kiệt 12 Hùng Vương bốc mùi, đề nghị thu gom.",
    "address_string": "Kiệt 12 Hùng Vương, phường An Cựu",
    "lat": 16.4594,
    "long": 107.5967,
    "first_name": "An",
    "last_name": "Nguyễn Văn",
    "email": "an.nguyen@example.vn",
    "phone": "0905 123 456",
    "media_url": "https://congdan.hue.gov.vn/anh/123.jpg",
}


def integration(org: Org, username: str = "app.congdan", unit: Any = None, role: str = Role.OFFICER) -> User:
    """An integration account: a user holding an officer's role in the receiving unit (Văn phòng by default)."""
    return org.person(username, "Ứng dụng công dân Huế-S", unit or org.office, role)


def token_client(user: User, *, scope: str = "write") -> Client:
    _, secret = api_token_create(acting_user=user, user=user, name="tích hợp", scope=scope)
    return Client(HTTP_AUTHORIZATION=f"Bearer {secret}")


def submit(client: Client, body: dict[str, Any], key: str | None = "key-1") -> Any:
    headers = {"Idempotency-Key": key} if key is not None else {}
    return client.post(f"{ROOT}/requests", json.dumps(body), content_type="application/json", headers=headers)


@pytest.fixture
def app_user(org: Org) -> User:
    return integration(org)


@pytest.fixture
def app(app_user: User) -> Client:
    return token_client(app_user)


@pytest.mark.django_db
def test_the_services_are_kien_nghi_and_phan_anh_by_topic(org: Org, today: Clock, app: Client) -> None:
    response = app.get(f"{ROOT}/services")
    assert response.status_code == 200, response.content
    services_ = response.json()
    codes = [s["service_code"] for s in services_]
    assert len(codes) == 12 and codes[0] == "kien_nghi.land" and "phan_anh.environment" in codes
    assert not any(c.startswith(("to_cao", "khieu_nai")) for c in codes)
    land = services_[0]
    assert (land["service_name"], land["group"], land["metadata"], land["type"]) == (
        "Kiến nghị — Đất đai",
        "Đất đai",
        False,
        "realtime",
    )
    # The rule book in force today gives the handling period.
    assert "10 ngày làm việc kể từ ngày nhận đơn" in land["description"]
    assert "kiến nghị" in land["keywords"]


@pytest.mark.django_db
def test_a_request_becomes_a_letter_in_the_register(org: Org, today: Clock, app: Client, app_user: User) -> None:
    response = submit(app, BODY)
    assert response.status_code == 201, response.content
    [created] = response.json()
    letter = Letter.objects.get(pk=int(created["service_request_id"]))
    assert (letter.unit, letter.source, letter.kind, letter.topic) == (
        org.office,
        "citizen_app",
        "phan_anh",
        "environment",
    )
    # Family name first, as the register writes Vietnamese names; the commune read from the address.
    assert (letter.signer_kind, letter.signer_name, letter.commune, letter.received_on) == (
        "one",
        "Nguyễn Văn An",
        org.ancuu,
        today.day,
    )
    assert letter.summary == BODY["description"] and letter.created_by == app_user
    record = letter.intake
    assert (record.lat, record.long, record.media_url, record.email, record.phone) == (
        16.4594,
        107.5967,
        BODY["media_url"],
        BODY["email"],
        "0905 123 456",
    )
    # Received Monday 2 March 2026: handling within 10 working days.
    assert "16/03/2026" in created["service_notice"] and created["account_id"] is None
    assert set(AuditEntry.objects.values_list("action", flat=True)) >= {"letter.create", "intakerequest.create"}


@pytest.mark.django_db
def test_the_same_key_and_body_give_the_same_request_once(org: Org, today: Clock, app: Client) -> None:
    first = submit(app, BODY)
    again = submit(app, BODY)
    assert again.status_code == 201 and again.json() == first.json()
    assert again["Idempotent-Replayed"] == "true" and "Idempotent-Replayed" not in first
    assert Letter.objects.count() == 1 and AuditEntry.objects.filter(action="letter.create").count() == 1
    # The same key with another body is refused, with the API's error shape; nothing is written.
    changed = submit(app, {**BODY, "description": "Một phản ánh khác."})
    assert changed.status_code == 422
    error = changed.json()
    assert error["code"] == "idempotency_key_reused" and "Idempotency-Key" in error["fields"]
    assert first.json()[0]["service_request_id"] in error["message"]
    assert Letter.objects.count() == 1
    # A new key is a new request.
    assert submit(app, BODY, key="key-2").status_code == 201
    assert Letter.objects.count() == 2


@pytest.mark.django_db
def test_keys_belong_to_one_account(org: Org, today: Clock, app: Client) -> None:
    other = token_client(integration(org, "he.thong.tinh"))
    mine = submit(app, BODY).json()[0]["service_request_id"]
    theirs = submit(other, {**BODY, "source": "other_system"}).json()[0]["service_request_id"]
    assert mine != theirs
    assert Letter.objects.get(pk=int(theirs)).source == "other_system"
    # Each follows only its own requests.
    assert other.get(f"{ROOT}/requests/{mine}").status_code == 404
    assert [r["service_request_id"] for r in other.get(f"{ROOT}/requests").json()] == [theirs]


@pytest.mark.django_db
def test_a_race_on_one_key_replays_the_first(
    org: Org, today: Clock, app: Client, app_user: User, monkeypatch: pytest.MonkeyPatch
) -> None:
    first = submit(app, BODY).json()
    # A second call that looked the key up before the first committed: the unique key stops its letter.
    real = intake._existing
    calls: list[int] = []

    def late(user: User, key: str) -> IntakeRequest | None:
        calls.append(1)
        return None if len(calls) == 1 else real(user, key)

    monkeypatch.setattr(intake, "_existing", late)
    record, created = intake.intake_request_create(
        acting_user=app_user, data=intake.IntakeInput(**BODY), idempotency_key="key-1"
    )
    assert (created, str(record.letter_id)) == (False, first[0]["service_request_id"])
    assert Letter.objects.count() == 1


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"address_string": "", "lat": None, "long": None}, "address_string"),
        ({"lat": None}, "lat"),
        ({"service_code": "to_cao.officials"}, "service_code"),
        ({"description": "   "}, "description"),
        ({"lat": 91}, "lat"),
        ({"email": "không phải thư"}, "email"),
        ({"source": "post"}, "source"),
    ],
)
def test_bad_requests_are_refused_on_their_field(
    org: Org, today: Clock, app: Client, change: dict[str, Any], field: str
) -> None:
    response = submit(app, {**BODY, **change})
    assert response.status_code == 422, response.content
    assert field in response.json()["fields"] and response.json()["message"]
    assert not Letter.objects.exists()


@pytest.mark.django_db
def test_without_a_key_or_a_token_nothing_is_registered(org: Org, today: Clock, app: Client, client_for: Any) -> None:
    missing = submit(app, BODY, key=None)
    assert missing.status_code == 422 and "Idempotency-Key" in json.dumps(missing.json()["fields"])
    # Token authentication only: a browser session (even Văn phòng's) is not an integration.
    session = client_for(org.monitor)
    assert session.get(f"{ROOT}/services").status_code == 401
    assert submit(Client(), BODY).status_code == 401
    # A read-only token reads, never submits.
    reader = token_client(org.person("doc.congdan", "Chỉ đọc", org.office, Role.OFFICER), scope="read")
    assert reader.get(f"{ROOT}/services").status_code == 200
    assert submit(reader, BODY).status_code == 403
    assert not Letter.objects.exists()


@pytest.mark.django_db
def test_an_account_that_may_not_register_is_refused(org: Org, today: Clock) -> None:
    # Ủy ban Kiểm tra reads every register but writes none.
    inspector = token_client(org.inspector)
    response = submit(inspector, BODY)
    assert response.status_code == 403 and response.json()["code"] == "intake_unit"
    assert not Letter.objects.exists()


@pytest.mark.django_db
def test_the_receiving_unit_may_be_set(org: Org, today: Clock, settings: Any) -> None:
    monitor = token_client(org.monitor)
    settings.SAURO_PETITIONS_INTAKE_UNIT = "P-ANCUU"
    created = submit(monitor, BODY)
    assert created.status_code == 201
    assert Letter.objects.get().unit == org.ancuu
    # A unit the account may not register in, or no such unit: refused, said in Vietnamese.
    ward = token_client(integration(org, "app.phuxuan", org.phuxuan))
    refused = submit(ward, BODY, key="key-2")
    assert refused.status_code == 403 and "SAURO_PETITIONS_INTAKE_UNIT" in refused.json()["message"]
    settings.SAURO_PETITIONS_INTAKE_UNIT = "KHONG-CO"
    assert submit(monitor, BODY, key="key-3").status_code == 403


@pytest.mark.django_db
def test_an_unsigned_request_is_anonymous(org: Org, today: Clock, app: Client) -> None:
    body = {k: v for k, v in BODY.items() if k not in ("first_name", "last_name", "lat", "long")}
    assert submit(app, {**body, "service_code": "kien_nghi.land"}).status_code == 201
    letter = Letter.objects.get()
    assert (letter.signer_kind, letter.signer_name, letter.kind) == ("anonymous", "", "kien_nghi")


@pytest.mark.django_db
def test_the_status_follows_the_letter(org: Org, today: Clock, app: Client) -> None:
    kept_id = submit(app, BODY).json()[0]["service_request_id"]
    forwarded_id = submit(app, BODY, key="key-2").json()[0]["service_request_id"]
    [kept] = app.get(f"{ROOT}/requests/{kept_id}").json()
    assert (kept["status"], kept["status_notes"], kept["agency_responsible"]) == (
        "open",
        "Chưa xử lý",
        "Văn phòng Thành ủy",
    )
    assert (kept["service_code"], kept["service_name"]) == ("phan_anh.environment", "Phản ánh — Môi trường")
    assert kept["expected_datetime"] == "2026-03-16T23:59:59+07:00"
    assert kept["requested_datetime"].endswith("+07:00") and kept["updated_datetime"] >= kept["requested_datetime"]
    assert (kept["lat"], kept["long"], kept["media_url"]) == (16.4594, 107.5967, BODY["media_url"])
    assert kept["address"] == BODY["address_string"]
    letter = Letter.objects.get(pk=int(kept_id))
    services.letter_decide(acting_user=org.monitor, letter=letter, data=services.DecisionInput(decision="keep"))
    [kept] = app.get(f"{ROOT}/requests/{kept_id}").json()
    assert (kept["status"], kept["status_notes"]) == ("closed", "Lưu theo dõi, tham khảo (ngày 02/03/2026)")
    # Forwarded to An Cựu as a task: still open, An Cựu now answers; closed once the task is done.
    services.letter_decide(
        acting_user=org.monitor, letter=Letter.objects.get(pk=int(forwarded_id)), data=forward_to_ancuu(org)
    )
    [forwarded] = app.get(f"{ROOT}/requests/{forwarded_id}").json()
    assert (forwarded["status"], forwarded["agency_responsible"]) == ("open", "Đảng ủy phường An Cựu")
    assert forwarded["status_notes"].startswith("Đang giải quyết")
    Task.objects.filter(letter__pk=int(forwarded_id)).update(state=TaskState.DONE)
    assert app.get(f"{ROOT}/requests/{forwarded_id}").json()[0]["status"] == "closed"
    listed = app.get(f"{ROOT}/requests", {"status": "closed"}).json()
    assert sorted(r["service_request_id"] for r in listed) == sorted([kept_id, forwarded_id])
    assert app.get(f"{ROOT}/requests", {"status": "open"}).json() == []


@pytest.mark.django_db
def test_the_list_filters_and_sees_only_the_accounts_requests(org: Org, today: Clock, app: Client) -> None:
    a = submit(app, BODY).json()[0]["service_request_id"]
    b = submit(app, {**BODY, "service_code": "kien_nghi.land"}, key="key-2").json()[0]["service_request_id"]
    # A letter registered at the counter is not a request of the app, though the account's unit received it.
    services.letter_create(
        acting_user=org.monitor,
        data=services.LetterInput(
            unit_id=org.office.pk,
            source="post",
            signer_kind="anonymous",
            kind="kien_nghi",
            summary="Kiến nghị gửi qua bưu điện.",
            topic="land",
            received_on=today.day,
        ),
    )
    assert [r["service_request_id"] for r in app.get(f"{ROOT}/requests").json()] == [b, a]
    assert [
        r["service_request_id"] for r in app.get(f"{ROOT}/requests", {"service_code": "kien_nghi.land"}).json()
    ] == [b]
    assert [
        r["service_request_id"] for r in app.get(f"{ROOT}/requests", {"service_request_id": f"{a},999"}).json()
    ] == [a]
    assert app.get(f"{ROOT}/requests", {"start_date": "2199-01-01T00:00:00Z"}).status_code == 422
    assert app.get(f"{ROOT}/requests", {"end_date": "2000-01-01T00:00:00+07:00"}).json() == []
    assert len(app.get(f"{ROOT}/requests", {"start_date": "2000-01-01T00:00:00"}).json()) == 2
    assert app.get(f"{ROOT}/requests", {"start_date": "0"}).status_code == 422
    assert app.get(f"{ROOT}/requests", {"service_request_id": "1;2"}).status_code == 422
    assert app.get(f"{ROOT}/requests/999999").status_code == 404


@pytest.mark.django_db
def test_the_list_costs_the_same_queries_for_one_or_many(org: Org, today: Clock, app: Client) -> None:
    submit(app, BODY)

    def count() -> int:
        with CaptureQueriesContext(connection) as queries:
            assert app.get(f"{ROOT}/requests").status_code == 200
        return len(queries)

    one = count()
    for n in range(2, 7):
        submit(app, BODY, key=f"key-{n}")
    services.letter_decide(
        acting_user=org.monitor, letter=Letter.objects.order_by("pk").reverse()[0], data=forward_to_ancuu(org)
    )
    assert len(app.get(f"{ROOT}/requests").json()) == 6
    assert count() == one


# --- fuzzing over HTTP ---------------------------------------------------------------------------------------------

API_ROOT = reverse("api:api-root")
OPENAPI_SCHEMA = json.loads(json.dumps(api.get_openapi_schema(path_prefix=API_ROOT)))
schema = schemathesis.openapi.from_dict(OPENAPI_SCHEMA).include(path_regex=r"/open311/")

# Schema-valid bodies a rule refuses: no place (neither address nor both coordinates), a key reused with another
# body — rightly 422; ``positive_data_acceptance`` is not applied to the submission.
BUSINESS_RULES = {("POST", "/api/v1/open311/requests")}


def token_headers(case: schemathesis.Case, secret: str) -> dict[str, str]:
    """The token for the call — except in a negative case that left the token out: these operations take only a
    token (no session), so schemathesis counts ``Authorization`` as a required header and expects its absence to be
    refused; the call is then sent without it (and must be a 401)."""
    negative = case.meta is not None and not case.meta.generation.mode.is_positive
    if negative and "Authorization" not in (case.headers or {}):
        return {}
    return {"Authorization": f"Bearer {secret}"}


def test_the_fuzzed_schema_has_the_intake_operations() -> None:
    operations = {(r.ok().method.upper(), r.ok().path) for r in schema.get_all_operations()}  # type: ignore[union-attr]
    assert operations == BUSINESS_RULES | {
        ("GET", "/api/v1/open311/services"),
        ("GET", "/api/v1/open311/requests"),
        ("GET", "/api/v1/open311/requests/{service_request_id}"),
    }


@pytest.fixture
def submitted(org: Org, app_user: User) -> None:
    intake.intake_request_create(acting_user=app_user, data=intake.IntakeInput(**BODY), idempotency_key="seed")


@schema.parametrize()
@settings(max_examples=25, deadline=None, database=None, suppress_health_check=list(HealthCheck))
def test_the_intake_api_survives_fuzzing(
    case: schemathesis.Case, org: Org, app_user: User, submitted: None, live_server: Any, transactional_db: None
) -> None:
    _, secret = api_token_create(acting_user=app_user, user=app_user, name="schemathesis")
    excluded = []
    if (case.method.upper(), case.path) in BUSINESS_RULES:
        from schemathesis.checks import positive_data_acceptance

        excluded.append(positive_data_acceptance)
    case.call_and_validate(
        base_url=live_server.url, headers=token_headers(case, secret), checks=CHECKS, excluded_checks=excluded
    )
