"""The Huế demo: the City Party Committee, its agencies and departments, the 40 commune-level Party
committees of 1 July 2025, and a few hundred fictional officials holding roles in them.

Every row is written through the services (``unit_create``, ``user_create``, ``membership_create``), so the
audit journal records the demo like any other change. The load is idempotent: if the root unit (code ``TU``)
exists nothing is written. People are invented: names are drawn from common Vietnamese family, middle and
given names with a fixed seed, so every load produces the same people. The structure and the name pools are data
(``data/organisation.json``, ``data/hue-commune-units.json``); this module builds them, then calls the other
demo loaders (directives, tasks, monitoring, programs, reports) in that order.
"""

from __future__ import annotations

import datetime
import json
import random
import time
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.contrib.auth.hashers import make_password
from django.db import transaction

from sauro.accounts.models import User
from sauro.accounts.services import user_create
from sauro.demo.directives import load_demo_directives
from sauro.demo.meetings import load_demo_meetings
from sauro.demo.monitoring import load_demo_monitoring
from sauro.demo.paths import DATA_DIR
from sauro.demo.petitions import load_demo_petitions
from sauro.demo.programs import load_demo_programs
from sauro.demo.reports import load_demo_reports
from sauro.demo.tasks import load_demo_tasks
from sauro.org.choices import Role, UnitKind
from sauro.org.models import Unit
from sauro.org.selectors import letterhead_defaults
from sauro.org.services import membership_create, unit_create, unit_letterhead_set

COMMUNES_FILE = DATA_DIR / "hue-commune-units.json"

DEMO_PASSWORD = "sauro-demo"  # noqa: S105 — the published password of the demo accounts
ROOT_CODE = "TU"
ERR_DEMO_CONFLICT = (
    "Không nạp được dữ liệu mẫu: {message} Dữ liệu mẫu cần một cơ sở dữ liệu chưa có tài khoản trùng tên."
)
SEED = 20260107  # the date of the conference whose conclusion the demo is built around

ORGANISATION_FILE = DATA_DIR / "organisation.json"
_ORG: dict[str, Any] = json.loads(ORGANISATION_FILE.read_text(encoding="utf-8"))

CITY_FROM = datetime.date.fromisoformat(_ORG["city_from"])  # Huế has been a centrally-run city since 1 January 2025
MERGER_FROM = datetime.date.fromisoformat(_ORG["merger_from"])  # two-level local government: the 40 communes

# --- Names (``data/organisation.json``) -------------------------------------------------------------------
_NAMES: dict[str, Any] = _ORG["names"]
FAMILY_NAMES: tuple[tuple[str, int], ...] = tuple((str(f), int(w)) for f, w in _NAMES["family"])
MALE_MIDDLE: tuple[str, ...] = tuple(_NAMES["male_middle"])
FEMALE_MIDDLE: tuple[str, ...] = tuple(_NAMES["female_middle"])
MALE_GIVEN: tuple[str, ...] = tuple(_NAMES["male_given"])
FEMALE_GIVEN: tuple[str, ...] = tuple(_NAMES["female_given"])
# Names of real officials of Huế that a random draw must never produce.
REAL_NAMES = frozenset(_NAMES["real_names"])


class NameGenerator:
    """Deterministic, distinct, fictional Vietnamese full names."""

    def __init__(self, seed: int = SEED) -> None:
        self._rng = random.Random(seed)  # noqa: S311 — demo data, not security
        self._used: set[str] = set(REAL_NAMES)
        self._families = [f for f, _ in FAMILY_NAMES]
        self._weights = [w for _, w in FAMILY_NAMES]

    def __call__(self) -> str:
        while True:
            female = self._rng.random() < 0.4
            family = self._rng.choices(self._families, weights=self._weights)[0]
            if female and family == "Tôn Thất":
                family = "Tôn Nữ"
            middle = self._rng.choice(FEMALE_MIDDLE if female else MALE_MIDDLE)
            given = self._rng.choice(FEMALE_GIVEN if female else MALE_GIVEN)
            if family == "Tôn Thất":
                middle = ""  # Tôn Thất Hùng: the double family name stands in for the middle name
            elif family == "Tôn Nữ" and middle == "Thị":
                middle = "Thu"
            name = " ".join(part for part in (family, middle, given) if part)
            if name not in self._used:
                self._used.add(name)
                return name


# --- Vietnamese text helpers ---------------------------------------------------------------------------
_VI_LETTERS = "aăâbcdđeêghiklmnoôơpqrstuưvxy"
_LETTER_MARKS = {"\u0306", "\u0302", "\u031b"}  # breve (ă), circumflex (â ê ô), horn (ơ ư)
_TONE_ORDER = {"": 0, "\u0300": 1, "\u0309": 2, "\u0303": 3, "\u0301": 4, "\u0323": 5}  # huyền hỏi ngã sắc nặng


def vietnamese_sort_key(text: str) -> tuple[tuple[tuple[int, int], ...], tuple[int, ...]]:
    """Dictionary order for Vietnamese: letters a ă â b c d đ …, then tones (ngang, huyền, hỏi, ngã, sắc, nặng)."""
    primary: list[tuple[int, int]] = []
    tones: list[int] = []
    for ch in text.lower():
        decomposed = unicodedata.normalize("NFD", ch)
        letter_marks = "".join(m for m in decomposed[1:] if m in _LETTER_MARKS)
        tone = "".join(m for m in decomposed[1:] if m not in _LETTER_MARKS)
        letter = unicodedata.normalize("NFC", decomposed[0] + letter_marks)
        index = _VI_LETTERS.find(letter)
        primary.append((1, index) if index >= 0 else (0, ord(letter)))
        tones.append(_TONE_ORDER.get(tone, 9))
    return tuple(primary), tuple(tones)


def ascii_fold(text: str) -> str:
    """``Chân Mây - Lăng Cô`` → ``ChanMayLangCo``: letters and digits only, no diacritics."""
    stripped = "".join(c for c in unicodedata.normalize("NFD", text) if not unicodedata.combining(c))
    return "".join(c for c in stripped.replace("đ", "d").replace("Đ", "D") if c.isascii() and c.isalnum())


# --- Structure -----------------------------------------------------------------------------------------
@dataclass(frozen=True)
class DepartmentSpec:
    suffix: str
    name: str
    head_title: str = "Trưởng phòng"
    staff_title: str = "Chuyên viên"


@dataclass(frozen=True)
class AgencySpec:
    code: str
    name: str
    kind: str
    head_title: str
    deputy_title: str
    departments: tuple[DepartmentSpec, ...]
    valid_from: datetime.date = CITY_FROM
    short_name: str = ""
    # A role the agency's own leaders hold besides unit_head (the office monitors, the inspectors read).
    extra_role: str | None = None
    # The bodies it was formed from (Ban Tuyên giáo và Dân vận: Ban Tuyên giáo and Ban Dân vận, 2025): its
    # ``merged_from_note``, which the text extractor reads as former names.
    merged_from: tuple[str, ...] = ()


def _department(raw: dict[str, Any]) -> DepartmentSpec:
    return DepartmentSpec(
        raw["suffix"],
        raw["name"],
        head_title=raw.get("head_title", "Trưởng phòng"),
        staff_title=raw.get("staff_title", "Chuyên viên"),
    )


def _agency(raw: dict[str, Any]) -> AgencySpec:
    return AgencySpec(
        raw["code"],
        raw["name"],
        raw["kind"],
        raw["head_title"],
        raw["deputy_title"],
        tuple(_department(d) for d in raw["departments"]),
        valid_from=datetime.date.fromisoformat(raw["valid_from"]) if "valid_from" in raw else CITY_FROM,
        short_name=raw.get("short_name", ""),
        extra_role=raw.get("extra_role"),
        merged_from=tuple(raw.get("merged_from", ())),
    )


AGENCIES: tuple[AgencySpec, ...] = tuple(_agency(a) for a in _ORG["agencies"])
# The leaders of the Standing Committee beyond the three secretaries (fictional office-holders).
BTV_MEMBER_TITLES: tuple[str, ...] = tuple(_ORG["btv_member_titles"])


@dataclass(frozen=True)
class DemoLogin:
    """A named demo account, printed by ``sauro serve`` and ``sauro demo load``."""

    username: str
    role: str
    description: str


DEMO_LOGINS: tuple[DemoLogin, ...] = (
    DemoLogin("bithu", Role.LEADER, "Bí thư Thành ủy (Thường trực Thành ủy)"),
    DemoLogin("pbtthuongtruc", Role.LEADER, "Phó Bí thư Thường trực Thành ủy"),
    DemoLogin("vanphong", Role.MONITOR, "Chánh Văn phòng Thành ủy"),
    DemoLogin("bantochuc", Role.UNIT_HEAD, "Trưởng Ban Tổ chức Thành ủy"),
    DemoLogin("chuyenvien.btc", Role.OFFICER, "Chuyên viên Ban Tổ chức Thành ủy"),
    DemoLogin("phuxuan", Role.UNIT_HEAD, "Bí thư Đảng ủy phường Phú Xuân"),
    DemoLogin("kiemtra", Role.INSPECTOR, "Phó Chủ nhiệm Ủy ban Kiểm tra Thành ủy"),
    DemoLogin("admin", Role.ADMIN, "Quản trị hệ thống (cả trang quản trị Django)"),
)


# --- Communes ------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class CommuneSpec:
    code: str
    slug: str
    name: str
    short_name: str
    kind: str
    merged_from: tuple[str, ...]

    @property
    def merged_from_note(self) -> str:
        return "; ".join(self.merged_from)


def commune_specs() -> list[CommuneSpec]:
    """The 40 commune-level Party committees, in Vietnamese dictionary order, with unique ASCII codes."""
    data: dict[str, Any] = json.loads(COMMUNES_FILE.read_text(encoding="utf-8"))
    specs: list[CommuneSpec] = []
    for item in data["commune_level_units"]:
        local_name: str = item["name"].strip()  # "Phường An Cựu", "Xã A Lưới 1"
        first, _, rest = local_name.partition(" ")
        is_ward = first.lower() == "phường"
        kind = UnitKind.WARD if is_ward else UnitKind.COMMUNE
        slug = ascii_fold(rest).lower()
        # A former unit whose own name is missing in the source (", Thị xã Hương Trà") is left out.
        merged = tuple(m.strip() for m in item["merged_from"] if m.split(",")[0].strip())
        specs.append(
            CommuneSpec(
                code=f"{'P' if is_ward else 'X'}-{slug.upper()}",
                slug=slug,
                name=f"Đảng ủy {'phường' if is_ward else 'xã'} {rest}",
                short_name=local_name,
                kind=kind,
                merged_from=merged,
            )
        )
    specs.sort(key=lambda s: vietnamese_sort_key(s.name))
    codes = [s.code for s in specs]
    slugs = [s.slug for s in specs]
    if len(set(codes)) != len(codes) or len(set(slugs)) != len(slugs):
        raise ValueError("Mã đơn vị cấp xã bị trùng sau khi bỏ dấu.")
    return specs


# --- The load ------------------------------------------------------------------------------------------
@dataclass
class LoadResult:
    created: bool
    units: int = 0
    people: int = 0
    memberships: int = 0
    seconds: float = 0.0
    usernames: list[str] = field(default_factory=list)


def demo_present() -> bool:
    """The demo (or any organisation rooted at ``TU``) is already in the database."""
    return Unit.objects.filter(code=ROOT_CODE).exists()


class _Builder:
    def __init__(self, progress: Callable[[str], None]) -> None:
        self.progress = progress
        self.names = NameGenerator()
        self.result = LoadResult(created=True)
        self.people: dict[str, User] = {}
        # One password for every demo account, hashed once (argon2 for hundreds of accounts would take minutes).
        self.password_hash = make_password(DEMO_PASSWORD)
        # Who signs each unit's documents (its secretary or head): the letterhead's signer name.
        self.signers: dict[int, User] = {}
        self.units: list[Unit] = []

    # Units
    def unit(
        self,
        code: str,
        name: str,
        kind: str,
        parent: Unit | None,
        valid_from: datetime.date,
        *,
        sort_order: int = 0,
        short_name: str = "",
        merged_from_note: str = "",
    ) -> Unit:
        unit = unit_create(
            acting_user=None,
            code=code,
            name=name,
            kind=kind,
            parent=parent,
            valid_from=valid_from,
            sort_order=sort_order,
            short_name=short_name,
            merged_from_note=merged_from_note,
        )
        self.result.units += 1
        self.units.append(unit)
        return unit

    # People
    def person(
        self, username: str, unit: Unit, roles: tuple[str, ...], position: str, *, is_staff: bool = False
    ) -> User:
        user = self.people.get(username)
        if user is None:
            user = user_create(
                acting_user=None,
                username=username,
                full_name=self.names(),
                password=None,
                password_hash=self.password_hash,
                is_staff=is_staff,
                is_superuser=is_staff,
            )
            self.people[username] = user
            self.result.people += 1
            self.result.usernames.append(username)
        for role in roles:
            self.member(user, unit, role, position)
        return user

    def member(self, user: User, unit: Unit, role: str, position: str) -> None:
        membership_create(
            acting_user=None, person=user, unit=unit, role=role, valid_from=unit.valid_from, position=position
        )
        self.result.memberships += 1

    def build(self) -> None:
        self.progress("Đang tạo Thành ủy, Thường trực và Ban Thường vụ…")
        city = self.unit(ROOT_CODE, "Thành ủy Huế", UnitKind.COMMITTEE, None, CITY_FROM, short_name="Thành ủy")
        standing = self.unit("TTTU", "Thường trực Thành ủy", UnitKind.STANDING, city, CITY_FROM, sort_order=1)
        btv = self.unit("BTVTU", "Ban Thường vụ Thành ủy", UnitKind.STANDING, city, CITY_FROM, sort_order=2)

        secretaries = (
            ("bithu", "Bí thư Thành ủy"),
            ("pbtthuongtruc", "Phó Bí thư Thường trực Thành ủy"),
            ("tttu.pbt", "Phó Bí thư Thành ủy, Chủ tịch Ủy ban nhân dân thành phố"),
        )
        for username, title in secretaries:
            self.person(username, standing, (Role.LEADER,), title)
        self.signers[city.pk] = self.people["bithu"]
        for username, title in secretaries:
            self.member(self.people[username], btv, Role.LEADER, title)
        for i, title in enumerate(BTV_MEMBER_TITLES, start=1):
            self.person(f"btvtu.uv{i}", btv, (Role.LEADER,), title)
        self.person("admin", city, (Role.ADMIN,), "Quản trị hệ thống", is_staff=True)

        self.progress("Đang tạo các cơ quan tham mưu, giúp việc và các phòng…")
        for order, agency in enumerate(AGENCIES, start=10):
            self.agency(agency, city, order)
        # The named officer of Ban Tổ chức: an officer of the Ban itself and of one of its departments.
        btc = Unit.objects.get(code="BTCTU")
        btc_dept = Unit.objects.get(code="BTCTU-TCDV")
        officer = self.person("chuyenvien.btc", btc, (Role.OFFICER,), "Chuyên viên Ban Tổ chức Thành ủy")
        self.member(officer, btc_dept, Role.OFFICER, "Chuyên viên Phòng Tổ chức – Đảng viên")

        specs = commune_specs()
        self.progress(f"Đang tạo {len(specs)} Đảng ủy xã, phường (sau sắp xếp từ 01/7/2025)…")
        for order, spec in enumerate(specs, start=100):
            self.commune(spec, city, order)
        self.letterheads()

    def letterheads(self) -> None:
        """Each unit's letterhead (Hướng dẫn 36-HD/VPTW) with the defaults of its name and kind, signed by the
        secretary or head the demo created for it."""
        for unit in self.units:
            signer = self.signers.get(unit.pk)
            values = {**letterhead_defaults(unit), "signer_name": signer.full_name if signer else ""}
            unit_letterhead_set(acting_user=None, unit=unit, values=values)

    def agency(self, spec: AgencySpec, city: Unit, order: int) -> None:
        unit = self.unit(
            spec.code,
            spec.name,
            spec.kind,
            city,
            spec.valid_from,
            sort_order=order,
            short_name=spec.short_name,
            merged_from_note="; ".join(spec.merged_from),
        )
        prefix = spec.code.lower()
        leader_roles: tuple[str, ...] = (Role.UNIT_HEAD, spec.extra_role) if spec.extra_role else (Role.UNIT_HEAD,)
        # The named heads: the office's head is the monitor; Ban Tổ chức's head is ``bantochuc``.
        if spec.code == "VPTU":
            head = self.person("vanphong", unit, (Role.MONITOR,), spec.head_title)
        elif spec.code == "BTCTU":
            head = self.person("bantochuc", unit, (Role.UNIT_HEAD,), spec.head_title)
        else:
            head = self.person(f"{prefix}.truong", unit, leader_roles, spec.head_title)
        self.signers[unit.pk] = head
        deputies = 2 if len(spec.departments) >= 3 else 1
        for i in range(1, deputies + 1):
            if spec.code == "UBKTTU" and i == 1:
                self.person("kiemtra", unit, (Role.INSPECTOR,), spec.deputy_title)
            else:
                self.person(f"{prefix}.pho{i}", unit, leader_roles, spec.deputy_title)
        for d_order, dept in enumerate(spec.departments, start=1):
            code = f"{spec.code}-{dept.suffix}"
            d_unit = self.unit(code, dept.name, UnitKind.DEPARTMENT, unit, spec.valid_from, sort_order=d_order)
            d_prefix = code.lower()
            self.person(f"{d_prefix}.tp", d_unit, (Role.UNIT_HEAD,), dept.head_title)
            # Two or three officers, alternating so the demo is not uniform.
            for i in range(1, 2 + (d_order % 2) + 1):
                self.person(f"{d_prefix}.cv{i}", d_unit, (Role.OFFICER,), dept.staff_title)

    def commune(self, spec: CommuneSpec, city: Unit, order: int) -> None:
        unit = self.unit(
            spec.code,
            spec.name,
            spec.kind,
            city,
            MERGER_FROM,
            sort_order=order,
            short_name=spec.short_name,
            merged_from_note=spec.merged_from_note,
        )
        level = "phường" if spec.kind == UnitKind.WARD else "xã"
        secretary = "phuxuan" if spec.code == "P-PHUXUAN" else f"{spec.slug}.bithu"
        self.signers[unit.pk] = self.person(secretary, unit, (Role.UNIT_HEAD,), f"Bí thư Đảng ủy {level}")
        self.person(f"{spec.slug}.pbt", unit, (Role.UNIT_HEAD,), f"Phó Bí thư Thường trực Đảng ủy {level}")
        self.person(f"{spec.slug}.cv1", unit, (Role.OFFICER,), "Chuyên viên Văn phòng Đảng ủy")
        self.person(f"{spec.slug}.cv2", unit, (Role.OFFICER,), "Chuyên viên Ban Xây dựng Đảng")


def load_demo_organisation(progress: Callable[[str], None] | None = None) -> LoadResult:
    """Only the demo's organisation — units, people and their roles — without its directives, tasks, reports: what a
    check of a rule over every unit of the demo needs. The caller provides the transaction."""
    builder = _Builder(progress or (lambda _msg: None))
    builder.build()
    return builder.result


def load_demo(progress: Callable[[str], None] | None = None) -> LoadResult:
    """Load the Huế demo in one transaction; does nothing if it is already there."""
    say = progress or (lambda _msg: None)
    started = time.monotonic()
    with transaction.atomic():
        if demo_present():
            return LoadResult(created=False, seconds=time.monotonic() - started)
        builder = _Builder(say)
        builder.build()
        # The directive tree, then the 2026 tasks that point into it (each idempotent, through the services).
        load_demo_directives()
        load_demo_tasks(progress=say)
        # Progress, obstacles and confidence on the tasks left open (and the obstacle journey's task).
        load_demo_monitoring(progress=say)
        say("Đang vào sổ các cuộc họp mẫu…")
        load_demo_meetings()
        say("Đang vào sổ tiếp công dân, đơn thư mẫu…")
        load_demo_petitions()
        say("Đang lập chương trình công tác mẫu…")
        load_demo_programs()
        say("Đang tạo các kỳ báo cáo và báo cáo đã gửi của các đơn vị…")
        load_demo_reports()
        say(f"Đang đặt mật khẩu chung cho {builder.result.people} tài khoản mẫu…")
    builder.result.seconds = time.monotonic() - started
    return builder.result
