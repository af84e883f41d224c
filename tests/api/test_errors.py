"""Every API error is JSON {"code", "message", "fields"} with a 4xx status; bad input never gives a 500."""

from __future__ import annotations

from typing import Any

import pytest
from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.test import Client
from django.utils.crypto import get_random_string

from sauro.accounts.models import User
from sauro.accounts.services import api_token_create
from sauro.common.errors import Conflict, PermissionDeniedError, ValidationFailed
from sauro.org import selectors
from tests.conftest import Org

ERROR_KEYS = {"code", "message", "fields"}


def api_client(user: User) -> Client:
    _, secret = api_token_create(acting_user=user, user=user)
    return Client(HTTP_AUTHORIZATION=f"Bearer {secret}")


def assert_error(response: Any, status: int, code: str) -> dict[str, Any]:
    assert response.status_code == status, response.content
    assert response["Content-Type"] == "application/json; charset=utf-8"
    body: dict[str, Any] = response.json()
    assert set(body) == ERROR_KEYS
    assert body["code"] == code
    assert isinstance(body["fields"], dict)
    assert body["message"] and not body["message"].isascii(), "the message is Vietnamese"
    return body


def test_routing_errors_under_the_api_are_json(org: Org) -> None:
    client = api_client(org.leader)
    assert_error(client.get("/api/v1/khong-co"), 404, "not_found")
    assert_error(client.get("/api/v1/units/1/thua"), 404, "not_found")
    assert_error(client.get("/api/v1/units/"), 404, "not_found")  # no APPEND_SLASH redirect either
    assert_error(client.get("/api/v1/"), 404, "not_found")
    assert_error(client.post("/api/v1/khong-co"), 404, "not_found")  # not Django's HTML CSRF page


@pytest.mark.parametrize(
    ("method", "url", "allowed"),
    [
        ("post", "/api/v1/units", "GET"),
        ("put", "/api/v1/me", "GET"),
        ("get", "/api/v1/auth/tokens/1/revoke", "POST"),
        ("patch", "/api/v1/auth/token", "DELETE, POST"),
        ("post", "/api/v1/openapi.json", "GET, HEAD"),
    ],
)
def test_a_wrong_method_is_a_json_405_with_allow(org: Org, method: str, url: str, allowed: str) -> None:
    response = getattr(api_client(org.leader), method)(url)
    error = assert_error(response, 405, "method_not_allowed")
    assert method.upper() in error["message"]
    assert sorted(m.strip() for m in response["Allow"].split(",")) == sorted(allowed.split(", "))


@pytest.mark.parametrize(
    ("exc", "status", "code", "fields"),
    [
        (ValidationFailed("Hạn xử lý không hợp lệ.", fields={"due_date": "Sai ngày."}), 422, "validation_error", 1),
        (Conflict("Dữ liệu đã bị người khác sửa."), 409, "conflict", 0),
        (PermissionDeniedError("Bạn không được giao việc cho đơn vị này."), 403, "forbidden", 0),
        (PermissionDenied(), 403, "forbidden", 0),
        (DjangoValidationError({"name": ["Tên không được để trống."]}), 422, "validation_error", 1),
        (DjangoValidationError("Không hợp lệ."), 422, "validation_error", 0),
        (RuntimeError("bug"), 500, "server_error", 0),
    ],
)
def test_exceptions_map_to_the_error_format(
    org: Org, monkeypatch: pytest.MonkeyPatch, exc: Exception, status: int, code: str, fields: int
) -> None:
    def boom(**kwargs: Any) -> Any:
        raise exc

    monkeypatch.setattr(selectors, "unit_list", boom)
    body = assert_error(api_client(org.leader).get("/api/v1/units"), status, code)
    assert len(body["fields"]) == fields
    if isinstance(exc, ValidationFailed):
        assert body["message"] == "Hạn xử lý không hợp lệ."
        assert body["fields"] == {"due_date": "Sai ngày."}
    if status == 500:
        assert "bug" not in body["message"]


@pytest.mark.parametrize(
    "query",
    [
        "kind=%00",
        "kind=" + "x" * 5000,
        "include_former=%FF",
        "include_former=1&include_former=abc",
        "unit_id=1e3",
        "unit_id=%F0%9F%98%80",
    ],
)
def test_strange_query_strings_are_4xx(org: Org, query: str) -> None:
    client = api_client(org.phuxuan_head)
    for path in ("/api/v1/units", "/api/v1/people"):
        response = client.get(f"{path}?{query}")
        assert 200 <= response.status_code < 500, (path, query, response.content)
        if response.status_code >= 400:
            assert set(response.json()) == ERROR_KEYS


def test_an_unreadable_body_on_a_session_write_is_a_400(org: Org) -> None:
    # The CSRF check reads request.POST to look for the token; a broken multipart body must not become a 500.
    client = Client(enforce_csrf_checks=True)
    client.force_login(org.phuxuan_head)
    client.cookies[settings.CSRF_COOKIE_NAME] = get_random_string(32)
    response = client.post("/api/v1/auth/tokens/1/revoke", b"--", content_type="multipart/form-data")
    assert_error(response, 400, "bad_request")
