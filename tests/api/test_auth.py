"""API authentication: tokens issued, used, revoked and hashed at rest; the browser session with CSRF."""

from __future__ import annotations

import hashlib
import json
import re
from typing import Any

import pytest
from axes.models import AccessAttempt
from django.conf import settings
from django.test import Client
from django.utils.crypto import get_random_string

from sauro.accounts.models import ApiToken, User
from sauro.accounts.services import api_token_create, user_create
from sauro.org.choices import Role
from sauro.org.services import membership_create
from tests.conftest import PASSWORD, START, Org

TOKEN_URL = "/api/v1/auth/token"
TOKENS_URL = "/api/v1/auth/tokens"
ME_URL = "/api/v1/me"
ERROR_KEYS = {"code", "message", "fields"}


def bearer(user: User, name: str = "") -> dict[str, str]:
    _, secret = api_token_create(acting_user=user, user=user, name=name)
    return {"HTTP_AUTHORIZATION": f"Bearer {secret}"}


def issue(client: Client, body: Any) -> Any:
    return client.post(TOKEN_URL, json.dumps(body), content_type="application/json")


def assert_error(response: Any, status: int, code: str) -> dict[str, Any]:
    assert response.status_code == status, response.content
    assert response["Content-Type"].startswith("application/json")
    body: dict[str, Any] = response.json()
    assert set(body) == ERROR_KEYS
    assert body["code"] == code
    assert isinstance(body["message"], str) and body["message"]
    return body


# --- issuing ----------------------------------------------------------------------------------------------------


def test_token_issued_for_good_credentials_works_and_is_hashed_at_rest(org: Org) -> None:
    client = Client()
    response = issue(client, {"username": "phuxuan", "password": PASSWORD, "name": "Hệ thống một cửa"})
    assert response.status_code == 201, response.content
    body = response.json()
    secret = body["token"]
    assert secret.startswith(settings.SAURO_API_TOKEN_PREFIX)
    assert body["name"] == "Hệ thống một cửa"
    assert body["is_active"] is True
    assert secret.startswith(body["prefix"])

    stored = ApiToken.objects.get(pk=body["id"])
    assert stored.user == org.phuxuan_head
    assert stored.digest != secret
    assert stored.digest == hashlib.sha256(secret.encode()).hexdigest()
    # The secret is nowhere in the row.
    assert all(secret not in str(value) for value in ApiToken.objects.filter(pk=stored.pk).values().get().values())

    me = Client().get(ME_URL, HTTP_AUTHORIZATION=f"Bearer {secret}")
    assert me.status_code == 200
    assert me.json()["username"] == "phuxuan"


@pytest.mark.parametrize(
    "body",
    [
        {"username": "phuxuan", "password": "sai-mat-khau"},
        {"username": "khong-ton-tai", "password": PASSWORD},
    ],
)
def test_wrong_credentials_are_a_401_json_error_in_vietnamese(org: Org, body: dict[str, str]) -> None:
    response = issue(Client(), body)
    error = assert_error(response, 401, "invalid_credentials")
    assert error["message"] == "Tên đăng nhập hoặc mật khẩu không đúng."
    assert error["fields"] == {}
    assert not ApiToken.objects.exists()


def test_an_inactive_user_gets_no_token(org: Org) -> None:
    User.objects.filter(pk=org.phuxuan_head.pk).update(is_active=False)
    assert_error(issue(Client(), {"username": "phuxuan", "password": PASSWORD}), 401, "invalid_credentials")


def test_repeated_failures_lock_out_with_a_json_429(org: Org) -> None:
    client = Client()
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        assert issue(client, {"username": "phuxuan", "password": "sai-mat-khau"}).status_code == 401
    # The failure that reaches the limit, then even the right password: refused with our JSON, not axes' HTML page.
    for password in ("sai-mat-khau", PASSWORD):
        response = issue(client, {"username": "phuxuan", "password": password})
        error = assert_error(response, 429, "locked_out")
        assert "tạm thời bị khóa" in error["message"]
        assert int(response["Retry-After"]) > 0
    assert not ApiToken.objects.exists()


def test_one_users_failures_lock_only_that_name_from_that_address(org: Org) -> None:
    """Issue 16, point 4, on the API: a colleague behind the same address, and the owner from elsewhere, still
    get their tokens."""
    client = Client()
    for _ in range(settings.AXES_FAILURE_LIMIT):
        issue(client, {"username": "phuxuan", "password": "sai-mat-khau"})
    assert_error(issue(client, {"username": "phuxuan", "password": PASSWORD}), 429, "locked_out")
    assert issue(Client(), {"username": "ancuu", "password": PASSWORD}).status_code == 201
    elsewhere = Client(REMOTE_ADDR="198.51.100.20")
    assert issue(elsewhere, {"username": "phuxuan", "password": PASSWORD}).status_code == 201


@pytest.mark.parametrize(
    ("body", "fields"),
    [
        ({}, {"username", "password"}),
        ({"username": "phuxuan"}, {"password"}),
        ({"username": 12, "password": PASSWORD}, {"username"}),
        ({"username": "", "password": PASSWORD}, {"username"}),
        ({"username": "phu\x00xuan", "password": PASSWORD}, {"username"}),
        ({"username": "x" * 151, "password": PASSWORD}, {"username"}),
        ({"username": "phuxuan", "password": PASSWORD, "name": "t" * 101}, {"name"}),
        ([], {"username", "password"}),
    ],
)
def test_bad_token_requests_are_422_with_vietnamese_field_messages(org: Org, body: Any, fields: set[str]) -> None:
    error = assert_error(issue(Client(), body), 422, "validation_error")
    assert set(error["fields"]) == fields
    assert error["message"] == "Dữ liệu gửi lên không hợp lệ."
    for message in error["fields"].values():
        assert message and message[0].isupper() and message.endswith(".")


def test_field_messages_name_the_problem(org: Org) -> None:
    error = assert_error(issue(Client(), {"username": "x" * 151}), 422, "validation_error")
    assert error["fields"] == {"username": "Tối đa 150 ký tự.", "password": "Trường này là bắt buộc."}
    error = assert_error(issue(Client(), {"username": "a\x00", "password": "b"}), 422, "validation_error")
    assert error["fields"] == {"username": "Không được chứa ký tự NUL."}


@pytest.mark.parametrize("raw", [b"{", b"not json", b"\xff\xfe", b'{"username": "a",}'])
def test_malformed_json_is_a_400_json_error(org: Org, raw: bytes) -> None:
    response = Client().post(TOKEN_URL, raw, content_type="application/json")
    assert_error(response, 400, "invalid_json")


@pytest.mark.parametrize(
    "content_type",
    ["multipart/form-data", "multipart/form-data; boundary=x", "application/x-www-form-urlencoded", "text/plain"],
)
def test_a_body_that_is_not_declared_json_is_refused_before_login(org: Org, content_type: str) -> None:
    raw = json.dumps({"username": "phuxuan", "password": "sai-mat-khau"})
    error = assert_error(Client().post(TOKEN_URL, raw, content_type=content_type), 400, "invalid_json")
    assert "application/json" in error["message"]
    assert not AccessAttempt.objects.exists(), "never reached the login"


def test_an_empty_body_is_a_422_on_the_body(org: Org) -> None:
    response = Client().post(TOKEN_URL, b"", content_type="application/json")
    assert assert_error(response, 422, "validation_error")["fields"] == {"body": "Trường này là bắt buộc."}


# --- using and revoking -----------------------------------------------------------------------------------------


# The operations anyone may call: asking for a token. Every other operation of the OpenAPI document needs one.
PUBLIC_OPERATIONS = {("POST", TOKEN_URL)}


def openapi_operations(client: Client) -> list[tuple[str, str, bool]]:
    """Every operation of the served OpenAPI document: (method, path, whether the document asks for credentials)."""
    schema = client.get("/api/v1/openapi.json").json()
    return [
        (method.upper(), path, bool(operation.get("security")))
        for path, item in schema["paths"].items()
        for method, operation in item.items()
    ]


def test_without_credentials_every_operation_is_a_401(org: Org) -> None:
    client = Client()
    operations = openapi_operations(client)
    assert len(operations) > 40, "the document lists the whole API"
    # The document and the server agree on which operations are public: only asking for a token.
    assert {(method, path) for method, path, secured in operations if not secured} == PUBLIC_OPERATIONS
    checked = 0
    for method, path, _ in operations:
        if (method, path) in PUBLIC_OPERATIONS:
            continue
        # Path parameters are all numeric ids; the 401 comes before any lookup, so the row need not exist.
        url = re.sub(r"\{[a-z_]+\}", str(org.city.pk), path)
        response = client.generic(method, url, b"{}", content_type="application/json")
        error = assert_error(response, 401, "unauthenticated")
        assert response["WWW-Authenticate"].startswith("Bearer"), (method, path)
        assert "đăng nhập" in error["message"], (method, path)
        checked += 1
    assert checked == len(operations) - len(PUBLIC_OPERATIONS)


@pytest.mark.parametrize(
    "header",
    ["Bearer sr_khong-phai-ma-that", "Bearer ", "Bearer x" + "y" * 500, "Token abc", "Basic cGh1eHVhbjp4", "Bearer"],
)
def test_a_bad_authorization_header_is_a_401(org: Org, header: str) -> None:
    assert_error(Client().get(ME_URL, HTTP_AUTHORIZATION=header), 401, "unauthenticated")


def test_delete_token_revokes_the_token_used_then_it_is_refused(org: Org) -> None:
    headers = bearer(org.phuxuan_head)
    other = bearer(org.phuxuan_head)
    client = Client()
    assert client.get(ME_URL, **headers).status_code == 200
    response = client.delete(TOKEN_URL, **headers)
    assert response.status_code == 204
    assert response.content == b""
    assert_error(client.get(ME_URL, **headers), 401, "unauthenticated")
    assert_error(client.delete(TOKEN_URL, **headers), 401, "unauthenticated")
    # Only that one: the user's other token still works.
    assert client.get(ME_URL, **other).status_code == 200
    assert ApiToken.objects.filter(user=org.phuxuan_head, revoked_at__isnull=False).count() == 1


def test_delete_token_over_a_session_has_no_token_to_revoke(org: Org, client_for: Any) -> None:
    error = assert_error(client_for(org.phuxuan_head).delete(TOKEN_URL), 400, "no_token_in_use")
    assert "không dùng mã truy cập" in error["message"]


def test_token_list_shows_only_the_callers_tokens_and_no_secrets(org: Org) -> None:
    headers = bearer(org.phuxuan_head, name="một")
    bearer(org.phuxuan_head, name="hai")
    bearer(org.ancuu_head, name="của người khác")
    response = Client().get(TOKENS_URL, **headers)
    assert response.status_code == 200
    tokens = response.json()
    assert sorted(t["name"] for t in tokens) == ["hai", "một"]
    secret = headers["HTTP_AUTHORIZATION"].removeprefix("Bearer ")
    assert secret not in response.content.decode()
    for token in tokens:
        assert set(token) == {
            "id",
            "name",
            "prefix",
            "scope",
            "created_at",
            "expires_at",
            "last_used_at",
            "revoked_at",
            "is_active",
        }


def test_revoke_one_of_my_tokens_but_not_someone_elses(org: Org) -> None:
    headers = bearer(org.phuxuan_head)
    mine, _ = api_token_create(acting_user=org.phuxuan_head, user=org.phuxuan_head, name="cũ")
    theirs, their_secret = api_token_create(acting_user=org.ancuu_head, user=org.ancuu_head)
    client = Client()

    response = client.post(f"{TOKENS_URL}/{mine.pk}/revoke", **headers)
    assert response.status_code == 200
    assert response.json()["is_active"] is False
    assert response.json()["revoked_at"]
    # Revoking again changes nothing and is not an error.
    assert client.post(f"{TOKENS_URL}/{mine.pk}/revoke", **headers).status_code == 200

    assert_error(client.post(f"{TOKENS_URL}/{theirs.pk}/revoke", **headers), 404, "not_found")
    assert_error(client.post(f"{TOKENS_URL}/999999/revoke", **headers), 404, "not_found")
    assert_error(client.post(f"{TOKENS_URL}/0/revoke", **headers), 422, "validation_error")
    assert_error(client.post(f"{TOKENS_URL}/abc/revoke", **headers), 422, "validation_error")
    assert_error(client.post(f"{TOKENS_URL}/{2**70}/revoke", **headers), 422, "validation_error")
    # Their token still works.
    assert client.get(ME_URL, HTTP_AUTHORIZATION=f"Bearer {their_secret}").status_code == 200


def test_the_token_of_a_deactivated_user_is_refused(org: Org) -> None:
    headers = bearer(org.phuxuan_head)
    User.objects.filter(pk=org.phuxuan_head.pk).update(is_active=False)
    assert_error(Client().get(ME_URL, **headers), 401, "unauthenticated")


# --- the browser session ----------------------------------------------------------------------------------------


def test_session_auth_works_for_reads(org: Org, client_for: Any) -> None:
    response = client_for(org.phuxuan_head).get(ME_URL)
    assert response.status_code == 200
    assert response.json()["username"] == "phuxuan"


def test_session_writes_need_the_csrf_token(org: Org) -> None:
    token, _ = api_token_create(acting_user=org.phuxuan_head, user=org.phuxuan_head)
    client = Client(enforce_csrf_checks=True)
    client.force_login(org.phuxuan_head)
    url = f"{TOKENS_URL}/{token.pk}/revoke"

    error = assert_error(client.post(url), 403, "csrf_failed")
    assert "CSRF" in error["message"]
    token.refresh_from_db()
    assert token.revoked_at is None

    # What the login page would have set: the CSRF cookie, echoed in the X-CSRFToken header.
    csrf_value = get_random_string(32)
    client.cookies[settings.CSRF_COOKIE_NAME] = csrf_value
    response = client.post(url, HTTP_X_CSRFTOKEN=csrf_value)
    assert response.status_code == 200, response.content
    token.refresh_from_db()
    assert token.revoked_at is not None


def test_a_bearer_token_needs_no_csrf_token(org: Org) -> None:
    headers = bearer(org.phuxuan_head)
    token, _ = api_token_create(acting_user=org.phuxuan_head, user=org.phuxuan_head)
    client = Client(enforce_csrf_checks=True)
    assert client.post(f"{TOKENS_URL}/{token.pk}/revoke", **headers).status_code == 200


# --- me ---------------------------------------------------------------------------------------------------------


def test_me_lists_roles_and_the_primary_unit(org: Org) -> None:
    membership_create(acting_user=None, person=org.btc_officer, unit=org.btc, role=Role.UNIT_HEAD, valid_from=START)
    response = Client().get(ME_URL, **bearer(org.btc_officer))
    assert response.status_code == 200
    body = response.json()
    assert body["id"] == org.btc_officer.pk
    assert body["full_name"] == "Phạm Thị Chuyên"
    assert body["email"] == ""
    # In the order of the unit tree (Văn phòng comes before Ban Tổ chức); the fixture's officer also works in
    # Văn phòng.
    assert [(r["unit_code"], r["role"]) for r in body["roles"]] == [
        ("VPTU", "officer"),
        ("BTCTU", "unit_head"),
        ("BTCTU-TCCB", "officer"),
    ]
    assert body["primary_unit"]["unit_code"] == "BTCTU"
    assert body["primary_unit"]["role"] == "unit_head"
    assert body["primary_unit"]["unit_name"] == "Ban Tổ chức Thành ủy"


def test_me_for_a_person_without_roles(org: Org) -> None:
    loner = user_create(acting_user=None, username="khach", full_name="Người Khách", password=PASSWORD)
    body = Client().get(ME_URL, **bearer(loner)).json()
    assert body["roles"] == []
    assert body["primary_unit"] is None
