"""One's own sessions on the security page (issue 21, point 4): written at login with a readable device, listed with
the current one marked, revoked one by one or all but the current one (the browser holding a revoked session is
logged out at its next request), never another person's; gone at logout; ended with the password or the account;
expired ones cleared by the daily pass."""

from __future__ import annotations

import datetime

import pytest
from django.conf import settings
from django.contrib.sessions.models import Session
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from pytest_django.fixtures import Settings

from sauro.accounts.models import User
from sauro.audit.models import AuditEntry
from sauro.identity.devices import device_label
from sauro.identity.models import UserSession
from sauro.identity.sessions import REASON_NO_MEMBERSHIP, run_daily_sessions, sessions_clear_expired
from sauro.org.models import Membership
from tests.conftest import PASSWORD, Org

CHROME_WINDOWS = (
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36"
)
SAFARI_IPHONE = (
    "Mozilla/5.0 (iPhone; CPU iPhone OS 18_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) "
    "Version/18.1 Mobile/15E148 Safari/604.1"
)
SECURITY = "/tai-khoan/bao-mat/"


def login(username: str, user_agent: str, address: str = "127.0.0.1") -> Client:
    client = Client(HTTP_USER_AGENT=user_agent, REMOTE_ADDR=address)
    response = client.post(reverse("login"), {"username": username, "password": PASSWORD})
    assert response.status_code == 302
    return client


def logged_in(client: Client) -> bool:
    """Whether the client's next request is a logged-in one (a logged-out one is sent to the login page)."""
    response = client.get(SECURITY)
    return response.status_code == 200


def key(client: Client) -> str:
    return client.cookies["sessionid"].value


@pytest.mark.parametrize(
    ("user_agent", "label"),
    [
        (CHROME_WINDOWS, "Chrome trên Windows"),
        (SAFARI_IPHONE, "Safari trên iOS"),
        (CHROME_WINDOWS.replace("Safari/537.36", "Safari/537.36 Edg/131.0.0.0"), "Edge trên Windows"),
        (
            "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) "
            "coc_coc_browser/133.0.180 Chrome/127.0.6533.180 Safari/537.36",
            "Cốc Cốc trên Windows",
        ),
        ("Mozilla/5.0 (X11; Linux x86_64; rv:133.0) Gecko/20100101 Firefox/133.0", "Firefox trên Linux"),
        (
            "Mozilla/5.0 (Linux; Android 14; SM-A546E) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 "
            "Mobile Safari/537.36",
            "Chrome trên Android",
        ),
        (
            "Mozilla/5.0 (Macintosh; Intel Mac OS X 14_7_1) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.1 "
            "Safari/605.1.15",
            "Safari trên macOS",
        ),
        ("python-requests/2.32.3", "Thiết bị không rõ"),
        ("", "Thiết bị không rõ"),
    ],
)
def test_the_device_label_names_browser_and_system(user_agent: str, label: str) -> None:
    assert device_label(user_agent) == label


def test_login_writes_the_session_with_its_device(org: Org) -> None:
    client = login("phuxuan", CHROME_WINDOWS, address="10.1.2.3")

    record = UserSession.objects.get(user=org.phuxuan_head)
    assert record.session_key == key(client)
    assert Session.objects.filter(session_key=record.session_key).exists()
    assert record.device == "Chrome trên Windows" and record.ip == "10.1.2.3"
    assert record.user_agent == CHROME_WINDOWS


def test_two_logins_are_listed_and_the_current_one_marked(org: Org) -> None:
    office = login("phuxuan", CHROME_WINDOWS)
    phone = login("phuxuan", SAFARI_IPHONE)
    login("vanphong", CHROME_WINDOWS)  # another person's session is not listed

    page = office.get(SECURITY)
    listed = page.context["sessions"]
    assert {s.session_key for s in listed} == {key(office), key(phone)}
    html = page.content.decode()
    assert "Phiên đăng nhập" in html and "Chrome trên Windows" in html and "Safari trên iOS" in html
    assert html.count("Phiên này") == 1
    current_row = html.split(f'data-session="{UserSession.objects.get(session_key=key(office)).pk}"')[1]
    assert current_row.split("</tr>")[0].count("Phiên này") == 1
    assert "Đăng xuất mọi phiên khác" in html


def test_revoking_another_session_logs_that_browser_out(org: Org) -> None:
    office = login("phuxuan", CHROME_WINDOWS)
    phone = login("phuxuan", SAFARI_IPHONE)
    other = UserSession.objects.get(session_key=key(phone))

    done = office.post(SECURITY, {"action": "revoke_session", "id": other.pk}, follow=True)
    assert "Đã thu hồi phiên trên Safari trên iOS." in done.content.decode()

    assert not Session.objects.filter(session_key=other.session_key).exists()
    assert not UserSession.objects.filter(pk=other.pk).exists()
    assert not logged_in(phone)
    assert logged_in(office)
    entry = AuditEntry.objects.get(action="identity.session_revoke")
    assert entry.object_id == str(org.phuxuan_head.pk) and entry.after["session"] == other.pk
    assert entry.after["device"] == "Safari trên iOS"


def test_revoking_the_current_session_logs_out_here(org: Org) -> None:
    office = login("phuxuan", CHROME_WINDOWS)
    mine = UserSession.objects.get(session_key=key(office))

    response = office.post(SECURITY, {"action": "revoke_session", "id": mine.pk})
    assert response.status_code == 302 and response["Location"] == reverse("login")
    assert not UserSession.objects.filter(user=org.phuxuan_head).exists()
    assert not logged_in(office)


def test_logging_out_every_other_session_keeps_this_one(org: Org) -> None:
    office = login("phuxuan", CHROME_WINDOWS)
    phone = login("phuxuan", SAFARI_IPHONE)
    laptop = login("phuxuan", CHROME_WINDOWS.replace("Windows NT 10.0; Win64; x64", "X11; Linux x86_64"))
    colleague = login("vanphong", CHROME_WINDOWS)

    done = office.post(SECURITY, {"action": "revoke_other_sessions"}, follow=True)
    assert "Đã đăng xuất 2 phiên khác." in done.content.decode()

    assert not logged_in(phone) and not logged_in(laptop)
    assert logged_in(office) and logged_in(colleague)
    assert list(UserSession.objects.filter(user=org.phuxuan_head).values_list("session_key", flat=True)) == [
        key(office)
    ]
    entry = AuditEntry.objects.get(action="identity.sessions_end")
    assert len(entry.after["sessions"]) == 2
    again = office.post(SECURITY, {"action": "revoke_other_sessions"}, follow=True)
    assert "Không có phiên nào khác đang đăng nhập." in again.content.decode()
    assert AuditEntry.objects.filter(action="identity.sessions_end").count() == 1


def test_another_persons_session_cannot_be_revoked(org: Org) -> None:
    colleague = login("vanphong", CHROME_WINDOWS)
    theirs = UserSession.objects.get(session_key=key(colleague))
    intruder = login("phuxuan", CHROME_WINDOWS)

    for value in (theirs.pk, "x", 999999):
        done = intruder.post(SECURITY, {"action": "revoke_session", "id": value}, follow=True)
        assert "Không tìm thấy phiên này trong các phiên của bạn" in done.content.decode()
    intruder.post(SECURITY, {"action": "revoke_other_sessions"})

    assert UserSession.objects.filter(pk=theirs.pk).exists()
    assert logged_in(colleague)
    assert not AuditEntry.objects.filter(action="identity.session_revoke").exists()


def test_logout_removes_the_session(org: Org) -> None:
    office = login("phuxuan", CHROME_WINDOWS)
    phone = login("phuxuan", SAFARI_IPHONE)

    office.post(reverse("logout"))

    assert list(UserSession.objects.filter(user=org.phuxuan_head).values_list("session_key", flat=True)) == [key(phone)]


def test_the_second_factor_keeps_the_session_listed_under_its_new_key(org: Org, settings: Settings) -> None:
    """The session's key changes when the second factor is passed: the row follows it, so it can still be revoked."""
    from tests.identity.test_twofactor import enrol

    settings.SAURO_2FA_ROLES = ("leader",)
    client, _ = enrol(org.leader)
    record = UserSession.objects.get(user=org.leader)
    assert record.session_key == key(client)

    phone = login(org.leader.username, SAFARI_IPHONE)
    phone.post(SECURITY, {"action": "revoke_other_sessions"})  # not verified: sent to the second factor, no change
    assert UserSession.objects.filter(user=org.leader).count() == 2
    client.post(SECURITY, {"action": "revoke_other_sessions"})
    assert not Session.objects.filter(session_key=key(phone)).exists()
    assert logged_in(client)


def test_a_password_reset_ends_every_session(org: Org) -> None:
    import re

    from django.core import mail

    office = login("phuxuan", CHROME_WINDOWS)
    phone = login("phuxuan", SAFARI_IPHONE)
    User.objects.filter(pk=org.phuxuan_head.pk).update(email="phuxuan@hue.dcs.vn")
    anonymous = Client()
    anonymous.post(reverse("password_reset"), {"email": "phuxuan@hue.dcs.vn"})
    found = re.search(r"https?://[^/\s]+(/quen-mat-khau/dat-lai/\S+/)", mail.outbox[0].body)
    assert found
    form = anonymous.get(found.group(1), follow=True)
    new = "mat-khau-moi-cua-phuong-2026"
    anonymous.post(form.redirect_chain[-1][0], {"new_password1": new, "new_password2": new})

    assert not UserSession.objects.filter(user=org.phuxuan_head).exists()
    assert not logged_in(office) and not logged_in(phone)
    entry = AuditEntry.objects.get(action="identity.sessions_end")
    assert entry.actor_id is None and "mật khẩu" in entry.summary


def test_changing_ones_own_password_keeps_this_session_and_ends_the_others(org: Org) -> None:
    """Django's own password change (here the administration site's, for one's own account) keeps the session it is
    made from; every other session of the person ends."""
    User.objects.filter(pk=org.admin.pk).update(is_superuser=True)
    desk = login("admin", CHROME_WINDOWS)
    phone = login("admin", SAFARI_IPHONE)
    url = reverse("admin:auth_user_password_change", args=[org.admin.pk])
    new = "mat-khau-moi-cua-quan-tri-2026"

    response = desk.post(url, {"password1": new, "password2": new, "usable_password": "true"})
    assert response.status_code == 302, response.content.decode()[:2000]

    assert logged_in(desk) and not logged_in(phone)
    assert list(UserSession.objects.filter(user=org.admin).values_list("session_key", flat=True)) == [key(desk)]


def test_deactivating_a_person_ends_their_sessions(org: Org) -> None:
    phone = login("phuxuan", SAFARI_IPHONE)
    person = User.objects.get(pk=org.phuxuan_head.pk)

    person.is_active = False
    person.save(update_fields=["is_active"])

    assert not UserSession.objects.filter(user=person).exists()
    assert not Session.objects.filter(session_key=key(phone)).exists()
    assert not logged_in(phone)


def test_the_page_shows_when_each_session_was_last_used(org: Org, monkeypatch: pytest.MonkeyPatch) -> None:
    """Last used: Django's expiry of the session (moved at each refresh) less SESSION_COOKIE_AGE; a session idle
    past SESSION_COOKIE_AGE is no longer listed."""
    start = timezone.now()
    now = [start]
    monkeypatch.setattr(timezone, "now", lambda: now[0])
    office = login("phuxuan", CHROME_WINDOWS)
    login("phuxuan", SAFARI_IPHONE)

    now[0] = start + datetime.timedelta(hours=2)
    office.get(reverse("home"))  # refreshes the office's session (tests refresh at every request)
    listed = office.get(SECURITY).context["sessions"]
    assert [(s.device, s.created_at, s.last_seen_at) for s in listed] == [
        ("Chrome trên Windows", start, start + datetime.timedelta(hours=2)),
        ("Safari trên iOS", start, start),
    ]

    now[0] = start + datetime.timedelta(seconds=settings.SESSION_COOKIE_AGE + 60)
    assert [s.device for s in office.get(SECURITY).context["sessions"]] == ["Chrome trên Windows"]


def test_expired_sessions_are_cleared_and_not_listed(org: Org) -> None:
    office = login("phuxuan", CHROME_WINDOWS)
    phone = login("phuxuan", SAFARI_IPHONE)
    Session.objects.filter(session_key=key(phone)).update(expire_date=timezone.now() - datetime.timedelta(minutes=1))

    assert [s.session_key for s in office.get(SECURITY).context["sessions"]] == [key(office)]
    assert sessions_clear_expired() == 1
    assert sessions_clear_expired() == 0
    assert not Session.objects.filter(session_key=key(phone)).exists()
    assert list(UserSession.objects.values_list("session_key", flat=True)) == [key(office)]

    Session.objects.filter(session_key=key(office)).update(expire_date=timezone.now() - datetime.timedelta(minutes=1))
    call_command("clearsessions")  # Django's command clears ours too
    assert not UserSession.objects.exists() and not Session.objects.exists()


def test_the_daily_pass_ends_the_sessions_of_a_person_left_without_any_role(org: Org) -> None:
    today = timezone.localdate()
    former = login("phuxuan", SAFARI_IPHONE)
    staying = login("ancuu", CHROME_WINDOWS)
    Membership.objects.filter(person=org.phuxuan_head).update(valid_to=today - datetime.timedelta(days=1))

    assert run_daily_sessions(today) == {"ended_no_membership": 1, "cleared": 0}

    assert not logged_in(former) and logged_in(staying)
    entry = AuditEntry.objects.get(action="identity.sessions_end")
    assert entry.object_id == str(org.phuxuan_head.pk) and entry.summary == REASON_NO_MEMBERSHIP
    assert run_daily_sessions(today) == {"ended_no_membership": 0, "cleared": 0}


def test_a_role_ending_today_or_starting_later_keeps_the_sessions(org: Org) -> None:
    today = timezone.localdate()
    login("phuxuan", SAFARI_IPHONE)
    Membership.objects.filter(person=org.phuxuan_head).update(valid_to=today)
    login("ancuu", CHROME_WINDOWS)
    Membership.objects.filter(person=org.ancuu_head).update(valid_to=today - datetime.timedelta(days=1))
    Membership.objects.create(
        person=org.ancuu_head, unit=org.phuxuan, role="officer", valid_from=today + datetime.timedelta(days=3)
    )

    assert run_daily_sessions(today) == {"ended_no_membership": 0, "cleared": 0}
    assert UserSession.objects.count() == 2
