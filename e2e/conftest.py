"""Fixtures for the browser journeys: one Chromium per test module, a fresh context and page per test.

The browser is Debian's Chromium at /usr/bin/chromium; Playwright never downloads one. Without it the journeys
are skipped, except under ``CI=true`` where a missing browser is a failure.
"""

from __future__ import annotations

import datetime
import importlib
import os
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from django.db import DatabaseError, connection
from playwright.sync_api import Browser, ConsoleMessage, Page, Response, expect, sync_playwright
from pytest_django.fixtures import Settings
from pytest_django.live_server_helper import LiveServer

from e2e import snapshot
from sauro.demo.loader import LoadResult, load_demo

CHROMIUM = Path(os.environ.get("SAURO_CHROMIUM", "/usr/bin/chromium"))
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--disable-quic",
    "--disable-sync",
]
TIMEOUT_MS = 15_000
# The password of the people the journeys make with ``person_in_city``.
PERSON_PASSWORD = "mat-khau-nguoi-dung-2026"


def person_in_city(username: str, full_name: str, role: str) -> str:
    """A person holding ``role`` in a new "Thành ủy Huế" since 1 July 2025, with ``PERSON_PASSWORD``; the login name."""
    from sauro.accounts.services import user_create
    from sauro.org.choices import UnitKind
    from sauro.org.services import membership_create, unit_create

    start = datetime.date(2025, 7, 1)
    city = unit_create(
        acting_user=None, code="TU", name="Thành ủy Huế", kind=UnitKind.COMMITTEE, parent=None, valid_from=start
    )
    user = user_create(acting_user=None, username=username, full_name=full_name, password=PERSON_PASSWORD)
    membership_create(acting_user=None, person=user, unit=city, role=role, valid_from=start)
    return user.username


def log_in_with_password(page: Page, username: str) -> None:
    """The login form filled and sent for a person of ``person_in_city``."""
    page.goto("/dang-nhap/")
    page.get_by_label("Tên đăng nhập").fill(username)
    page.get_by_label("Mật khẩu").fill(PERSON_PASSWORD)
    page.get_by_role("button", name=re.compile(r"^\s*Đăng nhập\s*$")).click()
    expect(page).not_to_have_url(re.compile(r"/dang-nhap/"))


def in_ci() -> bool:
    return os.environ.get("CI", "").strip().lower() in {"true", "1", "yes"}


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    # Module scope, not session: while Playwright's sync API is up, this thread has a running asyncio loop,
    # which would break later tests that call asyncio.run() or async_to_sync (pytest-django runs the
    # transactional browser tests before the tests without a database).
    if not CHROMIUM.exists():
        reason = f"Chromium not found at {CHROMIUM} (install it with: apt-get install -y chromium)"
        if in_ci():
            pytest.fail(f"{reason}; under CI=true the browser journeys must run", pytrace=False)
        pytest.skip(reason)
    # Playwright's sync API runs an event loop in this thread; Django would then refuse the tests' own
    # database calls as "async unsafe". Allow them while the browser is up, and restore afterwards.
    previous = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    try:
        with sync_playwright() as playwright:
            chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS, headless=True)
            try:
                yield chromium
            finally:
                chromium.close()
    finally:
        if previous is None:
            os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
        else:
            os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = previous


@pytest.fixture(autouse=True)
def _one_factor(settings: Settings) -> None:
    # As in tests/conftest.py: two factors off, except in the two-factor journey (e2e/test_two_factor_journey.py).
    settings.SAURO_2FA_ROLES = ()


@pytest.fixture(autouse=True)
def _plain_static_storage(settings: Settings) -> None:
    # As in tests/conftest.py: pages render without collectstatic; the live server serves static files from
    # the finders. Password hashing stays the real one (argon2): the journeys log in through the real form.
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }


@pytest.fixture(scope="session")
def _audit_key_text() -> str:
    # One journal key for the process, as in tests/conftest.py: the demo's copy (``demo``) holds entries sealed by the
    # journey that loaded it, which later journeys extend.
    from sauro.audit.keys import new_key_text

    return new_key_text()


@pytest.fixture(autouse=True)
def _audit_files(settings: Settings, tmp_path_factory: pytest.TempPathFactory, _audit_key_text: str) -> None:
    # As in tests/conftest.py: the journal's key file (holding the process's key) and checkpoint file out of var/.
    base = tmp_path_factory.mktemp("audit")
    (base / "audit_key").write_text(_audit_key_text)
    settings.SAURO_AUDIT_KEY_FILE = base / "audit_key"
    settings.SAURO_AUDIT_CHECKPOINT_FILE = base / "checkpoints.log"


# The migrations that write rows, in the order ``migrate`` runs them. A live-server test commits, so its database is
# flushed afterwards, and the flush empties what they wrote (the calendar's days off, the reporting regimes, the
# petitions' rule book). Django's serialized rollback does not restore it for live-server tests here, so the fixtures
# that load data put it back first (``restore_seeds``).
SEEDS = (
    ("sauro.workdays.migrations.0002_seed_overrides", "seed"),
    ("sauro.workdays.migrations.0003_unseed_culture_day", "unseed_culture_day"),
    ("sauro.reports.migrations.0002_default_regimes", "seed"),
    ("sauro.petitions.migrations.0002_default_rules", "ship_defaults"),
)


def restore_seeds() -> None:
    """The rows the data migrations write, written again when a flush has emptied them (the rule book as the sign)."""
    from django.apps import apps

    from sauro.petitions.models import DeadlineRule

    if DeadlineRule.objects.exists():
        return
    for module, function in SEEDS:
        getattr(importlib.import_module(module), function)(apps, None)


# The demo as the first journey of this process loaded it, and a copy of the database then (e2e/snapshot.py).
_LOADED: dict[str, tuple[LoadResult, snapshot.Snapshot | None]] = {}


@pytest.fixture
def demo(transactional_db: None) -> LoadResult:
    """The Huế demo, loaded for the live server (committed: the server thread must see it). Loaded by the first
    journey of the process; later journeys get the same rows back from a copy (``e2e.snapshot``)."""
    key = f"{connection.vendor}:{connection.settings_dict['NAME']}"
    if key in _LOADED:
        result, copy = _LOADED[key]
        if copy is not None:
            try:
                snapshot.restore(copy)
                return result
            except DatabaseError:  # e.g. a PostgreSQL role that may not turn triggers off: load it as the first did
                pass
    restore_seeds()
    result = load_demo()
    _LOADED[key] = (result, snapshot.take())
    return result


@dataclass
class BrowserLog:
    """What the page reported besides its content: console errors, uncaught exceptions, failed requests."""

    console_errors: list[str] = field(default_factory=list)
    page_errors: list[str] = field(default_factory=list)
    failed_responses: list[str] = field(default_factory=list)

    def csp_violations(self) -> list[str]:
        return [m for m in self.console_errors if "content security policy" in m.lower()]


@pytest.fixture
def browser_log() -> BrowserLog:
    return BrowserLog()


@pytest.fixture
def page(browser: Browser, live_server: LiveServer, browser_log: BrowserLog, transactional_db: None) -> Iterator[Page]:
    # Set up after the database and so closed before it is flushed: a request the page still had in flight (a count
    # loaded after its page) would otherwise meet the flush in the live server's thread ("table is locked").
    context = browser.new_context(base_url=live_server.url, locale="vi-VN", timezone_id="Asia/Ho_Chi_Minh")
    context.set_default_timeout(TIMEOUT_MS)
    new_page = context.new_page()

    def on_console(message: ConsoleMessage) -> None:
        if message.type == "error":
            browser_log.console_errors.append(message.text)

    def on_response(response: Response) -> None:
        if response.status >= 400 and "/static/" in response.url:
            browser_log.failed_responses.append(f"{response.status} {response.url}")

    new_page.on("console", on_console)
    new_page.on("pageerror", lambda error: browser_log.page_errors.append(str(error)))
    new_page.on("response", on_response)
    try:
        yield new_page
    finally:
        context.close()
