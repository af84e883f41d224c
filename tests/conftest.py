"""Shared fixtures: a small organisation with people in each role."""

from __future__ import annotations

import datetime
import os

import pytest
from django.test import Client
from hypothesis import HealthCheck
from hypothesis import settings as hypothesis_settings

from sauro.accounts.models import User
from sauro.accounts.services import user_create
from sauro.org.choices import Role, UnitKind
from sauro.org.models import Unit
from sauro.org.services import membership_create, unit_create

# Property tests check behaviour, not speed: no per-example time limit and no "too slow" health check (hypothesis'
# timings fail a test on a loaded CI machine; what must be fast is measured in bench/).
hypothesis_settings.register_profile("sauro", deadline=None, suppress_health_check=[HealthCheck.too_slow])
hypothesis_settings.load_profile("sauro")

PASSWORD = "mat-khau-thu-nghiem"
START = datetime.date(2025, 7, 1)
START_NEXT = datetime.date(2025, 10, 1)


@pytest.fixture(scope="session", autouse=True)
def _audit_key_text(tmp_path_factory):  # type: ignore[no-untyped-def]
    """One journal key for the session, and the key file and checkpoint file out of var/ for fixtures wider than a
    test (the demo loaded once per class or module seals its entries before any per-test fixture runs)."""
    from django.test import override_settings

    from sauro.audit.keys import ENV_NAME, new_key_text

    text = new_key_text()
    base = tmp_path_factory.mktemp("audit-session")
    (base / "audit_key").write_text(text)
    env = os.environ.pop(ENV_NAME, None)
    with override_settings(
        SAURO_AUDIT_KEY_FILE=base / "audit_key", SAURO_AUDIT_CHECKPOINT_FILE=base / "checkpoints.log"
    ):
        yield text
    if env is not None:
        os.environ[ENV_NAME] = env


@pytest.fixture(autouse=True)
def _audit_files(settings, tmp_path_factory, _audit_key_text):  # type: ignore[no-untyped-def]
    """Each test its own journal key file (holding the session's key) and its own empty checkpoint file."""
    base = tmp_path_factory.mktemp("audit")
    (base / "audit_key").write_text(_audit_key_text)
    settings.SAURO_AUDIT_KEY_FILE = base / "audit_key"
    settings.SAURO_AUDIT_CHECKPOINT_FILE = base / "audit" / "checkpoints.log"
    settings.SAURO_AUDIT_CHECKPOINT_MAILTO = []
    return base


@pytest.fixture(scope="session", autouse=True)
def _identity_key_text(tmp_path_factory):  # type: ignore[no-untyped-def]
    """One key of the denouncers' identities (petitions, point 6) for the session, its file out of var/."""
    from django.test import override_settings

    from sauro.petitions.identity_keys import ENV_NAME, new_key_text

    text = new_key_text()
    base = tmp_path_factory.mktemp("identity-session")
    (base / "identity_key").write_text(text)
    env = os.environ.pop(ENV_NAME, None)
    with override_settings(SAURO_PETITIONS_IDENTITY_KEY_FILE=base / "identity_key"):
        yield text
    if env is not None:
        os.environ[ENV_NAME] = env


@pytest.fixture(autouse=True)
def _identity_key_file(settings, tmp_path_factory, _identity_key_text):  # type: ignore[no-untyped-def]
    """Each test its own identity key file, holding the session's key."""
    path = tmp_path_factory.mktemp("identity") / "identity_key"
    path.write_text(_identity_key_text)
    settings.SAURO_PETITIONS_IDENTITY_KEY_FILE = path
    return path


@pytest.fixture(autouse=True)
def _one_factor(settings):  # type: ignore[no-untyped-def]
    # Two factors are required of leaders, inspectors and administrators in production; tests/identity and the
    # two-factor journey turn them on and test them. Elsewhere a test's leader works with the password alone, as a
    # leader who passed the second factor does.
    settings.SAURO_2FA_ROLES = ()


@pytest.fixture(autouse=True)
def _plain_static_storage(settings):  # type: ignore[no-untyped-def]
    # Tests render templates without running collectstatic first.
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    # Every request refreshes the session, as the first one after SESSION_REFRESH_SECONDS does in production: the
    # pinned query counts are those of that request (the most a page costs), whichever request a test counts. The
    # session tests (tests/common/test_security.py) put the production interval back.
    settings.SESSION_REFRESH_SECONDS = 0


class Org:
    """A miniature Huế: the committee, two agencies (one with a department) and two wards."""

    START = START
    START_NEXT = START_NEXT

    def __init__(self) -> None:
        self.city = unit_create(
            acting_user=None, code="TU", name="Thành ủy Huế", kind=UnitKind.COMMITTEE, parent=None, valid_from=START
        )
        self.standing = self.unit("TTTU", "Thường trực Thành ủy", UnitKind.STANDING, self.city)
        self.office = self.unit("VPTU", "Văn phòng Thành ủy", UnitKind.AGENCY, self.city)
        self.btc = self.unit("BTCTU", "Ban Tổ chức Thành ủy", UnitKind.AGENCY, self.city)
        self.btc_dept = self.unit("BTCTU-TCCB", "Phòng Tổ chức cán bộ", UnitKind.DEPARTMENT, self.btc)
        self.ubkt = self.unit("UBKTTU", "Ủy ban Kiểm tra Thành ủy", UnitKind.AGENCY, self.city)
        self.phuxuan = self.unit("P-PHUXUAN", "Đảng ủy phường Phú Xuân", UnitKind.WARD, self.city)
        self.ancuu = self.unit("P-ANCUU", "Đảng ủy phường An Cựu", UnitKind.WARD, self.city)
        self.leader = self.person("bithu", "Nguyễn Văn Bí", self.standing, Role.LEADER)
        self.monitor = self.person("vanphong", "Trần Thị Văn", self.office, Role.MONITOR)
        self.btc_head = self.person("bantochuc", "Lê Văn Tổ", self.btc, Role.UNIT_HEAD)
        self.btc_officer = self.person("chuyenvien.btc", "Phạm Thị Chuyên", self.btc_dept, Role.OFFICER)
        self.inspector = self.person("kiemtra", "Hoàng Văn Kiểm", self.ubkt, Role.INSPECTOR)
        self.phuxuan_head = self.person("phuxuan", "Võ Văn Phú", self.phuxuan, Role.UNIT_HEAD)
        self.ancuu_head = self.person("ancuu", "Đặng Thị An", self.ancuu, Role.UNIT_HEAD)
        self.ancuu_officer = self.person("cv.ancuu", "Bùi Văn Cựu", self.ancuu, Role.OFFICER)
        self.admin = self.person("admin", "Quản Trị Viên", self.city, Role.ADMIN, is_staff=True)
        # A task is led and decided only by a unit someone acts for (issue 16): the department's head, Ủy ban Kiểm
        # tra's chairman. Văn phòng has none (its chief is the monitor): tests give the monitor that role as needed.
        self.btc_dept_head = self.person("tp.tccb", "Ngô Văn Phòng", self.btc_dept, Role.UNIT_HEAD)
        self.ubkt_head = self.person("chunhiem.ubkt", "Đỗ Văn Nhiệm", self.ubkt, Role.UNIT_HEAD)
        # People hold several roles at once, as they do in a real committee (issue 15: with one membership each, a
        # page and an API that chose a different one of them could not disagree in any test).
        # (Issue 15's example, a unit head who is also an office monitor, is a person of its own in
        # tests/tasks/test_drafting_unit.py: making the Ban's head a monitor would make them a committee-wide reader in
        # every test that describes a unit head.)
        # The Ban's officer is seconded part-time to Văn phòng as an officer (a second department).
        self.also(self.btc_officer, self.office, Role.OFFICER)
        # An Cựu's secretary also sits, as an officer, on an inspection team of Ủy ban Kiểm tra.
        self.also(self.ancuu_head, self.ubkt, Role.OFFICER)

    def unit(self, code: str, name: str, kind: str, parent: Unit) -> Unit:
        return unit_create(acting_user=None, code=code, name=name, kind=kind, parent=parent, valid_from=START)

    def also(self, person: User, unit: Unit, role: str) -> None:
        """A further membership of an existing person (from the same day as the first)."""
        membership_create(acting_user=None, person=person, unit=unit, role=role, valid_from=START)

    def person(self, username: str, full_name: str, unit: Unit, role: str, is_staff: bool = False) -> User:
        user = user_create(
            acting_user=None, username=username, full_name=full_name, password=PASSWORD, is_staff=is_staff
        )
        membership_create(acting_user=None, person=user, unit=unit, role=role, valid_from=START)
        return user


@pytest.fixture
def org(db) -> Org:  # type: ignore[no-untyped-def]
    return Org()


@pytest.fixture
def client_for():  # type: ignore[no-untyped-def]
    """A logged-in test client for a user."""

    def make(user: User) -> Client:
        c = Client()
        c.force_login(user)
        return c

    return make
