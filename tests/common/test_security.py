"""Security properties of the running site: headers, CSRF, password hashing, HTTPS switches, session expiry.

Password hashing and the HTTPS switches are read from a fresh ``sauro shell`` process, because the test
settings (tests/conftest.py) swap the password hasher for a fast one and the environment is read once at import.
"""

from __future__ import annotations

import datetime
import json
import os
import subprocess
import sys
from collections.abc import Iterator
from html.parser import HTMLParser
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest
from django.conf import settings
from django.contrib.sessions.models import Session
from django.db import connection
from django.shortcuts import resolve_url
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone

from sauro import settings as product_settings
from tests.conftest import PASSWORD, Org

if TYPE_CHECKING:
    from django.test.client import _MonkeyPatchedWSGIResponse as TestResponse

LOGIN_PATH = "/dang-nhap/"
PROBE_MARKER = "SAURO-PROBE:"
# Environment variables that change the settings under test; a probe starts without them unless asked.
SETTINGS_ENV = ("HTTPS", "SECURE_SSL_REDIRECT", "DEBUG", "SECRET_KEY", "SESSION_COOKIE_AGE")


# --- helpers ---------------------------------------------------------------------------------------------------


def csp_directives(header: str) -> dict[str, list[str]]:
    """Parse a Content-Security-Policy header into {directive: [sources]}."""
    directives: dict[str, list[str]] = {}
    for part in header.split(";"):
        tokens = part.split()
        if tokens:
            directives[tokens[0].lower()] = tokens[1:]
    return directives


class InlineCodeFinder(HTMLParser):
    """Collect what a strict CSP (no 'unsafe-inline') would block: inline scripts, handlers and styles."""

    def __init__(self) -> None:
        super().__init__()
        self.problems: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        names = {name.lower(): value for name, value in attrs}
        if tag == "script" and "src" not in names:
            script_type = (names.get("type") or "").lower()
            # JSON data blocks (json_script) are not executed and are allowed by CSP.
            if script_type not in {"application/json", "application/ld+json"}:
                self.problems.append("<script> without src")
        if tag == "style":
            self.problems.append("<style> element")
        for name, value in names.items():
            if name.startswith("on"):
                self.problems.append(f"<{tag} {name}=…> inline event handler")
            if name == "style":
                self.problems.append(f"<{tag} style=…> inline style")
            if name in {"href", "src", "action"} and (value or "").strip().lower().startswith("javascript:"):
                self.problems.append(f"<{tag} {name}='javascript:…'>")

    handle_startendtag = handle_starttag


def inline_code(html: str) -> list[str]:
    finder = InlineCodeFinder()
    finder.feed(html)
    finder.close()
    return finder.problems


def is_html(response: TestResponse) -> bool:
    return response.get("Content-Type", "").startswith("text/html")


def assert_security_headers(response: TestResponse, where: str) -> None:
    csp = response.get("Content-Security-Policy")
    assert csp, f"{where}: no Content-Security-Policy header"
    directives = csp_directives(csp)
    script_src = directives.get("script-src", directives.get("default-src"))
    assert script_src is not None, f"{where}: CSP has neither script-src nor default-src: {csp}"
    assert "'self'" in script_src, f"{where}: script-src without 'self': {csp}"
    lax = {"'unsafe-inline'", "'unsafe-eval'", "*", "data:", "http:", "https:"}
    assert not lax.intersection(script_src), f"{where}: script-src too permissive: {csp}"
    assert directives.get("object-src") == ["'none'"], f"{where}: object-src must be 'none': {csp}"
    assert directives.get("frame-ancestors") == ["'none'"], f"{where}: frame-ancestors must be 'none': {csp}"
    assert response.get("X-Content-Type-Options") == "nosniff", where
    assert response.get("X-Frame-Options") == "DENY", where
    assert response.get("Referrer-Policy"), f"{where}: no Referrer-Policy"


def simple_page_paths() -> Iterator[str]:
    """Every URL of the site that takes no argument, outside the JSON API and the admin."""

    def walk(patterns: list[Any], prefix: str) -> Iterator[str]:
        for p in patterns:
            route = str(p.pattern)
            if "<" in route or "(?P" in route or route.startswith("^"):
                continue
            if isinstance(p, URLResolver):
                yield from walk(p.url_patterns, prefix + route)
            elif isinstance(p, URLPattern):
                yield prefix + route

    for path in walk(get_resolver().url_patterns, "/"):
        if not path.startswith(("/api/", "/quan-tri/")):
            yield path


def settings_probe(code: str, tmp_path: Path, **env: str) -> Any:
    """Run ``code`` in a fresh ``sauro shell`` with the real settings; it must print(PROBE_MARKER + json)."""
    child_env = {k: v for k, v in os.environ.items() if k not in SETTINGS_ENV}
    child_env.update(DJANGO_SETTINGS_MODULE="sauro.settings", SAURO_VAR_DIR=str(tmp_path / "var"), **env)
    result = subprocess.run(  # noqa: S603 - fixed command, no shell
        [sys.executable, "-m", "sauro.cli", "shell", "--no-imports", "-c", code],
        env=child_env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    lines = [line for line in result.stdout.splitlines() if line.startswith(PROBE_MARKER)]
    assert lines, f"no probe output in: {result.stdout!r} {result.stderr!r}"
    return json.loads(lines[-1].removeprefix(PROBE_MARKER))


# --- headers on every page -------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_login_page_has_security_headers_and_no_inline_code() -> None:
    response = Client().get(LOGIN_PATH)
    assert response.status_code == 200
    assert_security_headers(response, LOGIN_PATH)
    assert inline_code(response.content.decode()) == []


def test_every_page_has_security_headers_and_no_inline_code(org: Org) -> None:
    client = Client()
    client.force_login(org.admin)
    paths = {
        *simple_page_paths(),
        reverse("org:unit_detail", args=[org.phuxuan.pk]),
        "/khong-co-trang-nay/",  # the 404 page
    }
    paths.discard(reverse("logout"))  # POST only; covered below
    checked_html = 0
    for path in sorted(paths):
        response = client.get(path)
        assert_security_headers(response, path)
        if is_html(response) and response.status_code == 200:
            checked_html += 1
            assert inline_code(response.content.decode()) == [], path
    assert checked_html >= 3, f"too few HTML pages found: {sorted(paths)}"


def test_logout_and_not_allowed_responses_have_security_headers(org: Org) -> None:
    client = Client()
    client.force_login(org.phuxuan_head)
    assert_security_headers(client.get(reverse("logout")), "GET logout")
    response = client.post(reverse("logout"))
    assert response.status_code == 302
    assert_security_headers(response, "POST logout")


def test_api_responses_are_not_sniffed(org: Org) -> None:
    response = Client().get("/api/v1/openapi.json")
    assert response.status_code == 200
    assert response.get("X-Content-Type-Options") == "nosniff"
    assert response.get("Content-Security-Policy")


# --- CSRF ------------------------------------------------------------------------------------------------------


def test_login_form_sets_csrf_cookie_and_refuses_post_without_token(org: Org) -> None:
    client = Client(enforce_csrf_checks=True)
    response = client.get(LOGIN_PATH)
    assert response.status_code == 200
    assert settings.CSRF_COOKIE_NAME in response.cookies, "the login page must set the CSRF cookie"
    assert 'name="csrfmiddlewaretoken"' in response.content.decode(), "the login form must carry the token"

    response = client.post(LOGIN_PATH, {"username": "phuxuan", "password": PASSWORD})
    assert response.status_code == 403
    assert "_auth_user_id" not in client.session

    token = client.cookies[settings.CSRF_COOKIE_NAME].value
    response = client.post(LOGIN_PATH, {"username": "phuxuan", "password": PASSWORD, "csrfmiddlewaretoken": token})
    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(org.phuxuan_head.pk)


def test_logout_without_csrf_token_is_refused(org: Org) -> None:
    client = Client(enforce_csrf_checks=True)
    client.force_login(org.phuxuan_head)
    assert client.post(reverse("logout")).status_code == 403
    assert client.session["_auth_user_id"] == str(org.phuxuan_head.pk)


# --- password hashing and HTTPS under the real settings ---------------------------------------------------------

HASHER_PROBE = f"""
import json
from django.contrib.auth.hashers import get_hasher, identify_hasher, make_password
encoded = make_password("mot-mat-khau-dai-du")
print({PROBE_MARKER!r} + json.dumps({{"default": get_hasher().algorithm, "made": identify_hasher(encoded).algorithm}}))
"""

HTTPS_PROBE = f"""
import json
from django.conf import settings as s
print({PROBE_MARKER!r} + json.dumps({{
    "SESSION_COOKIE_SECURE": s.SESSION_COOKIE_SECURE,
    "CSRF_COOKIE_SECURE": s.CSRF_COOKIE_SECURE,
    "SECURE_HSTS_SECONDS": s.SECURE_HSTS_SECONDS,
    "SECURE_HSTS_INCLUDE_SUBDOMAINS": s.SECURE_HSTS_INCLUDE_SUBDOMAINS,
    "SECURE_SSL_REDIRECT": s.SECURE_SSL_REDIRECT,
    "SECURE_PROXY_SSL_HEADER": s.SECURE_PROXY_SSL_HEADER,
    "DEBUG": s.DEBUG,
}}))
"""


def test_new_passwords_are_hashed_with_argon2(tmp_path: Path) -> None:
    assert settings_probe(HASHER_PROBE, tmp_path) == {"default": "argon2", "made": "argon2"}


def test_https_switches_on_secure_cookies_and_hsts(tmp_path: Path) -> None:
    on = settings_probe(HTTPS_PROBE, tmp_path, HTTPS="1")
    assert on["SESSION_COOKIE_SECURE"] is True
    assert on["CSRF_COOKIE_SECURE"] is True
    assert on["SECURE_HSTS_SECONDS"] >= 365 * 24 * 3600
    assert on["SECURE_HSTS_INCLUDE_SUBDOMAINS"] is True
    assert on["SECURE_SSL_REDIRECT"] is True
    assert on["SECURE_PROXY_SSL_HEADER"] == ["HTTP_X_FORWARDED_PROTO", "https"]
    assert on["DEBUG"] is False


def test_plain_http_by_default(tmp_path: Path) -> None:
    off = settings_probe(HTTPS_PROBE, tmp_path)
    assert off["SESSION_COOKIE_SECURE"] is False
    assert off["CSRF_COOKIE_SECURE"] is False
    assert off["SECURE_HSTS_SECONDS"] == 0
    assert off["SECURE_SSL_REDIRECT"] is False
    assert off["DEBUG"] is False


# --- sessions --------------------------------------------------------------------------------------------------


@pytest.fixture
def production_refresh(settings: Any) -> None:
    """The session refresh interval of the product (tests/conftest.py refreshes on every request)."""
    settings.SESSION_REFRESH_SECONDS = product_settings.SESSION_REFRESH_SECONDS


def test_session_settings() -> None:
    assert 0 < settings.SESSION_COOKIE_AGE <= 24 * 3600
    assert settings.SESSION_COOKIE_HTTPONLY is True
    assert settings.SESSION_EXPIRE_AT_BROWSER_CLOSE is True
    # An inactivity timeout, not a fixed one: the expiry slides, refreshed at most every few minutes.
    assert settings.SESSION_SAVE_EVERY_REQUEST is False
    assert 0 < product_settings.SESSION_REFRESH_SECONDS <= min(300, settings.SESSION_COOKIE_AGE // 10)
    middleware = settings.MIDDLEWARE
    refresh = middleware.index("sauro.common.middleware.SessionRefreshMiddleware")
    assert refresh == middleware.index("django.contrib.sessions.middleware.SessionMiddleware") + 1


class FakeClock:
    """``timezone.now()`` (what the session store and SessionRefreshMiddleware read) moved by hand."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        self.now = timezone.now()
        monkeypatch.setattr(timezone, "now", lambda: self.now)

    def advance(self, seconds: float) -> None:
        self.now += datetime.timedelta(seconds=seconds)


def _expiry(client: Client) -> datetime.datetime:
    expire_date: datetime.datetime = Session.objects.get(session_key=client.session.session_key).expire_date
    return expire_date


def _session_writes(queries: list[dict[str, Any]]) -> int:
    return sum(
        1 for q in queries if q["sql"].lstrip().upper().startswith(("UPDATE", "INSERT")) and "session" in q["sql"]
    )


@pytest.mark.usefixtures("production_refresh")
def test_session_expiry_slides_with_activity(org: Org, monkeypatch: pytest.MonkeyPatch) -> None:
    clock = FakeClock(monkeypatch)
    client = Client()
    client.force_login(org.phuxuan_head)
    assert client.get(reverse("home")).status_code == 200
    age = datetime.timedelta(seconds=settings.SESSION_COOKIE_AGE)
    assert _expiry(client) == clock.now + age

    # An hour later, the next request moves the expiry a full SESSION_COOKIE_AGE ahead of it.
    clock.advance(3600)
    assert client.get(reverse("home")).status_code == 200
    assert _expiry(client) == clock.now + age


@pytest.mark.usefixtures("production_refresh")
def test_session_not_written_on_every_request(org: Org, monkeypatch: pytest.MonkeyPatch) -> None:
    clock = FakeClock(monkeypatch)
    client = Client()
    client.force_login(org.phuxuan_head)
    client.get(reverse("home"))
    refreshed = _expiry(client)

    clock.advance(settings.SESSION_REFRESH_SECONDS - 1)
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(reverse("home")).status_code == 200
    assert _session_writes(ctx.captured_queries) == 0
    assert _expiry(client) == refreshed

    clock.advance(1)
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(reverse("home")).status_code == 200
    assert _session_writes(ctx.captured_queries) == 1
    assert _expiry(client) == clock.now + datetime.timedelta(seconds=settings.SESSION_COOKIE_AGE)


@pytest.mark.usefixtures("production_refresh")
def test_active_session_lasts_idle_session_expires(org: Org, monkeypatch: pytest.MonkeyPatch) -> None:
    """Working steadily for longer than SESSION_COOKIE_AGE keeps one logged in, with few writes; going idle for
    SESSION_COOKIE_AGE logs one out, and not before SESSION_COOKIE_AGE - SESSION_REFRESH_SECONDS."""
    clock = FakeClock(monkeypatch)
    client = Client()
    client.force_login(org.phuxuan_head)
    home = reverse("home")
    step = max(settings.SESSION_REFRESH_SECONDS * 2 // 3, 1)
    requests = settings.SESSION_COOKIE_AGE * 9 // 8 // step
    writes = 0
    for _ in range(requests):
        clock.advance(step)
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(home).status_code == 200  # still logged in
        writes += _session_writes(ctx.captured_queries)
    assert writes <= requests // 2 + 1

    # The last request may not have refreshed the session: idle for just under the guaranteed minimum, still in.
    last_request = clock.now
    clock.advance(settings.SESSION_COOKIE_AGE - settings.SESSION_REFRESH_SECONDS - 1)
    assert Session.objects.filter(session_key=client.session.session_key, expire_date__gt=clock.now).exists()
    # Idle for SESSION_COOKIE_AGE after the last request: logged out.
    clock.now = last_request + datetime.timedelta(seconds=settings.SESSION_COOKIE_AGE)
    response = client.get(home)
    assert response.status_code == 302
    assert response["Location"].startswith(resolve_url(settings.LOGIN_URL))


def test_no_session_for_anonymous_visitors(db: None) -> None:
    client = Client()
    response = client.get(resolve_url(settings.LOGIN_URL))
    assert response.status_code == 200
    assert settings.SESSION_COOKIE_NAME not in response.cookies
    assert not Session.objects.exists()


def test_expired_session_no_longer_logs_in(org: Org) -> None:
    client = Client()
    client.force_login(org.phuxuan_head)
    assert client.get(reverse("home")).status_code == 200

    Session.objects.filter(session_key=client.session.session_key).update(
        expire_date=timezone.now() - datetime.timedelta(seconds=1)
    )
    response = client.get(reverse("home"))
    assert response.status_code == 302
    assert response["Location"].startswith(resolve_url(settings.LOGIN_URL))
    assert client.get(reverse("org:unit_tree")).status_code == 302
