"""The OpenAPI schema and the Swagger UI page, served locally under the site's strict Content-Security-Policy."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.conf import settings
from django.contrib.staticfiles import finders
from django.test import Client

OPENAPI_URL = "/api/v1/openapi.json"
DOCS_URL = "/api/v1/docs"


@pytest.fixture
def ninja_app(settings: Any) -> None:
    """Run with "ninja" among the installed apps, as the docs page needs (its templates and static files)."""
    if "ninja" not in settings.INSTALLED_APPS:
        settings.INSTALLED_APPS = [*settings.INSTALLED_APPS, "ninja"]


@pytest.mark.django_db
def test_openapi_schema_is_public_and_lists_every_operation() -> None:
    response = Client().get(OPENAPI_URL)
    assert response.status_code == 200
    schema = response.json()
    assert schema["info"]["title"] == "Sáu Rõ API"
    operations = {(method.upper(), path) for path, item in schema["paths"].items() for method in item}
    # The foundation's operations and the integrators' contract of directives and tasks (each app's own tests
    # cover the rest of its operations).
    assert operations >= {
        ("POST", "/api/v1/auth/token"),
        ("DELETE", "/api/v1/auth/token"),
        ("GET", "/api/v1/auth/tokens"),
        ("POST", "/api/v1/auth/tokens/{token_id}/revoke"),
        ("GET", "/api/v1/me"),
        ("GET", "/api/v1/units"),
        ("GET", "/api/v1/units/{unit_id}"),
        ("GET", "/api/v1/people"),
        ("GET", "/api/v1/directives"),
        ("POST", "/api/v1/directives"),
        ("GET", "/api/v1/directives/{directive_id}"),
        ("POST", "/api/v1/tasks"),
        ("GET", "/api/v1/tasks"),
        ("GET", "/api/v1/tasks/{task_id}"),
        ("PATCH", "/api/v1/tasks/{task_id}"),
        ("POST", "/api/v1/tasks/{task_id}/issue"),
        ("POST", "/api/v1/tasks/{task_id}/accept"),
        ("POST", "/api/v1/tasks/{task_id}/submit"),
        ("POST", "/api/v1/tasks/{task_id}/approve"),
        ("POST", "/api/v1/tasks/{task_id}/return"),
        ("POST", "/api/v1/tasks/{task_id}/cancel"),
        ("POST", "/api/v1/tasks/{task_id}/extension-requests"),
        ("POST", "/api/v1/extension-requests/{request_id}/decide"),
    }
    assert all(path.startswith("/api/v1/") for _, path in operations)
    schemes = schema["components"]["securitySchemes"]
    assert schemes["TokenAuth"] == {"type": "http", "scheme": "bearer"}
    assert schemes["SessionAuth"]["in"] == "cookie"
    # Every operation documents its errors with the one error schema.
    for item in schema["paths"].values():
        for operation in item.values():
            for status, response_doc in operation["responses"].items():
                if status.startswith("4"):
                    assert response_doc["content"]["application/json"]["schema"] == {
                        "$ref": "#/components/schemas/ErrorOut"
                    }


@pytest.mark.django_db
@pytest.mark.usefixtures("ninja_app")
def test_docs_page_uses_local_assets_and_no_inline_script() -> None:
    response = Client().get(DOCS_URL)
    assert response.status_code == 200
    html = response.content.decode()
    # Nothing loaded from another site (a CDN): every src/href is local. (Not a search for "cdn": the page carries
    # random tokens, which sometimes contain those letters.)
    assert re.findall(r"""(?:src|href)\s*=\s*["']?(?:https?:)?//""", html, flags=re.IGNORECASE) == []
    assert "/static/ninja/swagger-ui-bundle.js" in html
    assert "/static/ninja/swagger-ui-init.js" in html
    assert "/static/ninja/swagger-ui.css" in html
    for attrs, body in re.findall(r"<script([^>]*)>(.*?)</script>", html, flags=re.S):
        # Either an external file or a JSON data block (never executed), nothing else.
        assert "src=" in attrs or 'type="application/json"' in attrs, attrs
        assert "src=" not in attrs or not body.strip()
    assert not re.search(r"\son[a-z]+=", html), "no inline event handlers"
    # The page keeps the site's strict policy: no per-page relaxation was needed.
    assert response["Content-Security-Policy"] == settings.CONTENT_SECURITY_POLICY
    assert "'unsafe-inline'" not in response["Content-Security-Policy"]
    # The assets are shipped with django-ninja and found by the static files finders (so collectstatic has them).
    for asset in ("swagger-ui-bundle.js", "swagger-ui-init.js", "swagger-ui.css", "favicon.png"):
        assert finders.find(f"ninja/{asset}"), asset


@pytest.mark.django_db
@pytest.mark.usefixtures("ninja_app")
def test_docs_page_gives_session_users_the_csrf_token(django_user_model: Any) -> None:
    client = Client()
    client.force_login(django_user_model.objects.create(username="u", full_name="Người Dùng"))
    html = client.get(DOCS_URL).content.decode()
    assert 'data-api-csrf="true"' in html
    assert re.search(r'data-csrf-token="[A-Za-z0-9]{20,}"', html)


@pytest.mark.django_db
def test_docs_page_without_the_ninja_app_never_falls_back_to_a_cdn(settings: Any) -> None:
    settings.INSTALLED_APPS = [app for app in settings.INSTALLED_APPS if app != "ninja"]
    response = Client().get(DOCS_URL)
    assert response.status_code == 503
    body = response.json()
    assert body["code"] == "docs_unavailable"
    assert OPENAPI_URL in body["message"]
