"""Login through the agency's directory (issue 21, point 1), against a real OpenLDAP server over StartTLS."""

from __future__ import annotations

import datetime
import json
import uuid

import pytest
from django.core.management import CommandError, call_command
from django.test import Client
from django.urls import reverse
from pytest_django.fixtures import Settings

from sauro.accounts.models import ApiToken, User
from sauro.accounts.services import api_token_create
from sauro.audit.models import AuditEntry
from sauro.common import clock
from sauro.identity.models import DirectoryAccount
from sauro.identity.settings import directory_settings
from sauro.org.choices import Role
from sauro.org.models import Membership
from tests.conftest import PASSWORD, Org
from tests.identity import slapd
from tests.identity.conftest import configure
from tests.tasks.conftest import TODAY, Clock

PW = "mat-khau-danh-ba-2026"


def _uid() -> str:
    return "u" + uuid.uuid4().hex[:10]


def _groups(settings: Settings, directory: slapd.Directory, mapping: dict[str, dict[str, str]]) -> None:
    configure(settings, directory, SAURO_LDAP_GROUPS=json.dumps(mapping))


def _login(username: str, password: str) -> Client:
    client = Client()
    response = client.post(reverse("login"), {"username": username, "password": password})
    assert response.status_code in (200, 302)
    return client


def _logged_in(client: Client) -> bool:
    return "_auth_user_id" in client.session


def _current_roles(user: User) -> set[tuple[str, str]]:
    today = clock.today()
    return {
        (m.unit.code, m.role)
        for m in Membership.objects.filter(person=user, valid_from__lte=today)
        .exclude(valid_to__lt=today)
        .select_related("unit")
    }


def test_without_a_directory_url_nothing_is_added() -> None:
    assert directory_settings({}) == {}
    assert directory_settings({"SAURO_LDAP_URL": " "}) == {}


def test_first_login_creates_the_account_with_its_groups_as_memberships(
    org: Org, settings: Settings, directory: slapd.Directory
) -> None:
    uid = _uid()
    dn = directory.add_person(uid, "Lê Thị Danh Bạ", PW, mail=f"{uid}@hue.dcs.vn")
    group = directory.add_group(f"phuxuan-cv-{uid}", [dn])
    _groups(settings, directory, {group: {"unit": "P-PHUXUAN", "role": Role.OFFICER, "position": "Chuyên viên"}})

    client = _login(uid, PW)

    assert _logged_in(client)
    user = User.objects.get(username=uid)
    assert user.full_name == "Lê Thị Danh Bạ"
    assert user.email == f"{uid}@hue.dcs.vn"
    assert not user.has_usable_password()  # the password stays in the directory
    assert DirectoryAccount.objects.get(user=user).dn.lower() == dn.lower()
    assert _current_roles(user) == {("P-PHUXUAN", Role.OFFICER)}
    actions = set(AuditEntry.objects.filter(object_id=str(user.pk)).values_list("action", flat=True))
    assert "identity.directory_account" in actions
    # The membership opens the ward's pages as for any officer of the ward.
    assert client.get(reverse("home")).status_code == 200


def test_a_wrong_password_is_refused_and_local_accounts_still_log_in(
    org: Org, settings: Settings, directory: slapd.Directory
) -> None:
    uid = _uid()
    directory.add_person(uid, "Trần Văn Sai", PW)
    configure(settings, directory)

    assert not _logged_in(_login(uid, "khong-dung-mat-khau"))
    assert not User.objects.filter(username=uid).exists()
    assert _logged_in(_login("phuxuan", PASSWORD))  # a local account of the fixture


def test_a_directory_that_is_down_refuses_its_logins_and_local_accounts_still_log_in(
    org: Org, settings: Settings, directory: slapd.Directory
) -> None:
    uid = _uid()
    directory.add_person(uid, "Đỗ Văn Chờ", PW)
    configure(settings, directory, SAURO_LDAP_URL="ldap://127.0.0.1:9")  # nothing listens there

    assert not _logged_in(_login(uid, PW))  # refused after one round over the servers, not retried for ever
    assert _logged_in(_login("phuxuan", PASSWORD))


def test_tls_is_verified_against_the_configured_authority(
    org: Org, settings: Settings, directory: slapd.Directory, tmp_path: object
) -> None:
    uid = _uid()
    directory.add_person(uid, "Phan Văn Chứng", PW)
    other = slapd._certificate(tmp_path)[0]  # type: ignore[arg-type]  # a certificate the server does not hold
    configure(settings, directory, SAURO_LDAP_CA_FILE=str(other))
    assert not _logged_in(_login(uid, PW))
    assert not User.objects.filter(username=uid).exists()

    configure(settings, directory)
    assert _logged_in(_login(uid, PW))


def test_leaving_a_group_ends_the_membership_it_gave_and_keeps_the_others(
    org: Org, settings: Settings, directory: slapd.Directory, monkeypatch: pytest.MonkeyPatch
) -> None:
    day = Clock(monkeypatch, TODAY - datetime.timedelta(days=3))  # the first login, three days ago
    uid = _uid()
    dn = directory.add_person(uid, "Ngô Thị Chuyển", PW)
    ward = directory.add_group(f"phuxuan-{uid}", [dn])
    ban = directory.add_group(f"btc-{uid}", [])
    _groups(
        settings,
        directory,
        {
            ward: {"unit": "P-PHUXUAN", "role": Role.OFFICER},
            ban: {"unit": "BTCTU", "role": Role.OFFICER},
        },
    )
    _login(uid, PW)
    user = User.objects.get(username=uid)
    # A membership the office gave by hand, in a unit the directory does not manage, is left alone.
    from sauro.org.services import membership_create

    membership_create(acting_user=None, person=user, unit=org.ubkt, role=Role.OFFICER, valid_from=org.START)

    directory.set_members(ward, [])
    directory.set_members(ban, [dn])
    day.set(TODAY)
    assert _logged_in(_login(uid, PW))

    # The ward's membership ended yesterday (its history kept): no access to the ward from today.
    assert _current_roles(user) == {("BTCTU", Role.OFFICER), ("UBKTTU", Role.OFFICER)}
    ended = Membership.objects.get(person=user, unit=org.phuxuan)
    assert ended.valid_to == TODAY - datetime.timedelta(days=1)


def test_a_locked_entry_cannot_log_in_and_its_account_is_disabled(
    org: Org, settings: Settings, directory: slapd.Directory
) -> None:
    uid = _uid()
    dn = directory.add_person(uid, "Hồ Văn Khóa", PW)
    configure(settings, directory)
    assert _logged_in(_login(uid, PW))
    user = User.objects.get(username=uid)

    directory.lock(dn)

    assert not _logged_in(_login(uid, PW))
    user.refresh_from_db()
    assert not user.is_active


def test_sync_disables_removed_and_locked_entries_and_revokes_their_tokens(
    org: Org, settings: Settings, directory: slapd.Directory
) -> None:
    gone, locked, stays = _uid(), _uid(), _uid()
    gone_dn = directory.add_person(gone, "Người Đã Nghỉ", PW)
    locked_dn = directory.add_person(locked, "Người Bị Khóa", PW)
    directory.add_person(stays, "Người Vẫn Làm", PW)
    configure(settings, directory)
    for uid in (gone, locked, stays):
        assert _logged_in(_login(uid, PW))
    token_user = User.objects.get(username=gone)
    api_token_create(acting_user=token_user, user=token_user, name="tích hợp")

    directory.delete(gone_dn)
    directory.lock(locked_dn)
    call_command("directory", "sync")

    assert not User.objects.get(username=gone).is_active
    assert not User.objects.get(username=locked).is_active
    assert User.objects.get(username=stays).is_active
    assert not ApiToken.objects.filter(user=token_user, revoked_at__isnull=True).exists()
    assert AuditEntry.objects.filter(action="identity.directory_disable", object_id=str(token_user.pk)).exists()
    # A local account is never touched by the directory.
    assert User.objects.get(username="phuxuan").is_active


def test_sync_without_a_directory_says_so(db: None, settings: Settings) -> None:
    settings.LDAP_AUTH_URL = None
    with pytest.raises(CommandError, match="SAURO_LDAP_URL"):
        call_command("directory", "sync")


def test_the_daily_pass_syncs_the_directory_and_hands_over_the_tasks_of_who_left_a_group(
    org: Org, settings: Settings, directory: slapd.Directory, monkeypatch: pytest.MonkeyPatch
) -> None:
    from sauro.daily.jobs import run_daily_pass
    from sauro.tasks.services import task_create
    from tests.tasks.conftest import complete_fields

    day = Clock(monkeypatch, TODAY - datetime.timedelta(days=3))
    uid = _uid()
    dn = directory.add_person(uid, "Phan Văn Chuyển", PW)
    ward = directory.add_group(f"phuxuan-{uid}", [dn])
    _groups(settings, directory, {ward: {"unit": "P-PHUXUAN", "role": Role.OFFICER}})
    _login(uid, PW)
    user = User.objects.get(username=uid)
    fields = complete_fields(org, lead_unit=org.phuxuan.pk, responsible_person=user.pk)
    task = task_create(acting_user=org.monitor, owner_unit=org.office, fields=fields)

    # The directory moves them out of the ward's group; nobody logs in: the daily pass notices, ends the membership
    # yesterday and so hands the task to the ward's head.
    directory.set_members(ward, [])
    day.set(TODAY)
    summary = run_daily_pass.call(day=TODAY.isoformat())
    assert summary["directory"]["checked"] >= 1
    assert Membership.objects.get(person=user, unit=org.phuxuan).valid_to == TODAY - datetime.timedelta(days=1)
    task.refresh_from_db()
    assert task.responsible_person == org.phuxuan_head

    # A directory out of reach is reported and the rest of the pass still runs.
    configure(settings, directory, SAURO_LDAP_URL="ldap://127.0.0.1:9")
    summary = run_daily_pass.call(day=TODAY.isoformat())
    assert "error" in summary["directory"] and "sent" in summary
    # Without a directory the step is skipped.
    settings.LDAP_AUTH_URL = None
    assert run_daily_pass.call(day=TODAY.isoformat())["directory"] is None
