"""A synthetic ten-year Huế for the benchmarks: ``sauro bench seed --tasks N`` (PostgreSQL only).

What it holds (``profile`` names what the benchmarks rely on): ~260 units (the City Committee, its standing
body, agencies and party committees with their departments, the 40 commune-level committees with theirs),
~5,000 people with one role each, directives issued by the city and the communes over ten years, and N tasks in
families (a top-level task and its sub-tasks) spread over units, states and dates so that, as of
``profile.TODAY``, old tasks are mostly done (some late), recent ones in progress, some overdue. Each issued task
has ~5 progress updates, a 20 % chance of an obstacle (open when recent), its timeline events, one or two
notifications, an update expectation and an audit entry (a valid hash chain: ``sauro audit verify`` passes).
Report duties of ten years of the reporting regime, most sent on time, complete the league table.

How it loads fast: the small tables through the ORM; the big ones each streamed with ``COPY`` on a connection
of its own while one generator walks the task families once. The big tables' plain indexes are dropped for the
load and rebuilt after it; foreign-key triggers are off during the load (``session_replication_role``, so the
database user must be a superuser, as on a developer's or CI machine). Then the sequences move past the ids given and
``VACUUM ANALYZE`` leaves the statistics and visibility map of a settled production database.
"""

from __future__ import annotations

import contextlib
import datetime
import json
import random
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any

import psycopg
from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.core.management import call_command
from django.db import connection, models, transaction

from sauro.accounts.models import User
from sauro.audit.checkpoints import writing_key
from sauro.audit.hashing import GENESIS_HASH, entry_mac
from sauro.audit.models import AuditEntry, AuditHead
from sauro.bench import profile
from sauro.common.calendar import current_calendar
from sauro.common.text import fold
from sauro.common.text import search_text as directive_search_text
from sauro.directives.choices import DirectiveKind, Urgency
from sauro.directives.models import Directive, Term
from sauro.monitoring.choices import EscalationLevel, ExpectationReason, ObstacleState
from sauro.monitoring.models import Obstacle, ProgressUpdate, UpdateExpectation
from sauro.notifications.choices import EmailState, NotificationKind
from sauro.notifications.models import Notification
from sauro.org.choices import Role, UnitKind
from sauro.org.models import Membership, Unit
from sauro.periods import regime as regime_mod
from sauro.reports.choices import DutyState, ReportKind
from sauro.reports.models import ReportDuty, ReportRegime, ReportSubmission
from sauro.tasks import summary
from sauro.tasks.choices import EventKind, ProductKind, TaskState
from sauro.tasks.models import Task, TaskEvent

TZ = datetime.timezone(datetime.timedelta(hours=7))
DAY = datetime.timedelta(days=1)
COMMUNES_FILE = Path(__file__).resolve().parent.parent / "demo" / "data" / "hue-commune-units.json"

SUBTASKS_PER_FAMILY = (0, 1, 1, 2, 2, 3)  # 1.5 on average: a family is 2.5 tasks
TASKS_PER_DIRECTIVE = 50
PEOPLE_PER_UNIT = 19
UPDATES_PER_TASK = (3, 4, 5, 5, 6, 7)  # 5 on average
OBSTACLE_SHARE = 0.2

# --- words ------------------------------------------------------------------------------------------------

SURNAMES = ("Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Phan", "Võ", "Đặng", "Bùi", "Đỗ", "Hồ", "Ngô", "Dương", "Tôn")
MIDDLES = ("Văn", "Thị", "Hữu", "Đức", "Minh", "Thanh", "Quang", "Ngọc", "Xuân", "Thu", "Đình", "Công")
GIVEN = (
    "An", "Bình", "Châu", "Dũng", "Giang", "Hà", "Hải", "Hạnh", "Hòa", "Hùng", "Huy", "Khánh", "Lan", "Linh",
    "Long", "Mai", "Nam", "Nga", "Phong", "Phúc", "Quân", "Sơn", "Tâm", "Thảo", "Thành", "Trang", "Trung", "Tuấn",
    "Vân", "Việt", "Yến",
)  # fmt: skip
VERBS = (
    "Xây dựng", "Triển khai", "Rà soát", "Tổ chức", "Báo cáo kết quả", "Kiểm tra, giám sát", "Tham mưu",
    "Hoàn thiện", "Đánh giá", "Sơ kết", "Tổng kết", "Cụ thể hóa",
)  # fmt: skip
OBJECTS = (
    "kế hoạch thực hiện Kết luận của Ban Thường vụ", "đề án chuyển đổi số trong các cơ quan đảng",
    "công tác cán bộ và quy hoạch cán bộ", "chương trình phát triển du lịch Cố đô",
    "phương án sắp xếp tổ chức bộ máy", "công tác phòng, chống tham nhũng, lãng phí",
    "hội nghị sơ kết công tác xây dựng Đảng", "chỉ tiêu phát triển đảng viên mới",
    "công tác bảo vệ nền tảng tư tưởng của Đảng", "việc bảo tồn, phát huy giá trị di sản văn hóa Huế",
    "công tác dân vận chính quyền", "kế hoạch giải phóng mặt bằng các công trình trọng điểm",
    "việc thu hút đầu tư vào khu kinh tế Chân Mây - Lăng Cô", "công tác cải cách hành chính",
    "kết quả thực hiện các chỉ tiêu kinh tế - xã hội", "việc chỉnh trang đô thị hai bờ sông Hương",
    "công tác kiểm tra, giám sát của cấp ủy", "chương trình xây dựng nông thôn mới",
    "việc giải quyết đơn thư, khiếu nại, tố cáo", "công tác đào tạo, bồi dưỡng cán bộ",
    "phong trào thi đua yêu nước", "kế hoạch ứng phó thiên tai, lũ lụt", "công tác an sinh xã hội",
    "hệ thống quản lý văn bản và điều hành", "việc học tập, quán triệt nghị quyết",
    "đề án phát triển kinh tế biển", "kế hoạch tổ chức đại hội chi bộ", "công tác tuyên truyền biển, đảo",
    "dự án hạ tầng giao thông", "chương trình chăm sóc sức khỏe nhân dân",
)  # fmt: skip
DONE_TEXTS = (
    "Đã họp triển khai, phân công cán bộ phụ trách", "Đã hoàn thành dự thảo lần 1, xin ý kiến các đơn vị",
    "Đã tổng hợp số liệu từ các phường, xã", "Đã tiếp thu ý kiến góp ý, chỉnh sửa dự thảo",
    "Đã tổ chức khảo sát thực tế tại cơ sở", "Đã trình lãnh đạo đơn vị cho ý kiến",
)  # fmt: skip
NEXT_TEXTS = (
    "Hoàn thiện dự thảo, trình lãnh đạo", "Tổng hợp ý kiến góp ý", "Tổ chức hội nghị triển khai",
    "Báo cáo kết quả với Thường trực", "Tiếp tục theo dõi, đôn đốc",
)  # fmt: skip
OBSTACLES = (
    "Chưa có hướng dẫn của cấp trên về tiêu chí đánh giá", "Thiếu kinh phí để tổ chức thực hiện",
    "Các đơn vị phối hợp chậm cung cấp số liệu", "Vướng mắc về thủ tục giải phóng mặt bằng",
)  # fmt: skip
PROPOSALS = (
    "Đề nghị Văn phòng Thành ủy hướng dẫn thống nhất", "Đề nghị bố trí kinh phí bổ sung",
    "Đề nghị Thường trực chỉ đạo các đơn vị phối hợp", "Đề nghị gia hạn thêm 30 ngày",
)  # fmt: skip
PRODUCTS = tuple(k.value for k in ProductKind if k != ProductKind.OTHER)

AGENCIES = (
    ("VP", "Văn phòng Thành ủy"), ("BTC", "Ban Tổ chức Thành ủy"), ("BTGDV", "Ban Tuyên giáo và Dân vận Thành ủy"),
    ("UBKT", "Ủy ban Kiểm tra Thành ủy"), ("BNC", "Ban Nội chính Thành ủy"), ("BCSD", "Ban Chính sách, chiến lược"),
    ("TCT", "Trường Chính trị Nguyễn Chí Thanh"), ("TTBC", "Trung tâm Báo chí Thành ủy"),
)  # fmt: skip
AGENCY_DEPARTMENTS = ("Phòng Tổng hợp", "Phòng Nghiệp vụ 1", "Phòng Nghiệp vụ 2", "Phòng Hành chính - Quản trị")
PARTY_COMMITTEES = (
    ("DUCQD", "Đảng ủy các cơ quan Đảng thành phố"), ("DUUB", "Đảng ủy Ủy ban nhân dân thành phố"),
    ("DUCA", "Đảng ủy Công an thành phố"), ("DUQS", "Đảng ủy Quân sự thành phố"),
    ("DUBP", "Đảng ủy Bộ đội Biên phòng thành phố"), ("DUDN", "Đảng ủy Khối Doanh nghiệp"),
)  # fmt: skip
PARTY_DEPARTMENTS = ("Ban Xây dựng Đảng", "Ủy ban Kiểm tra")
COMMUNE_DEPARTMENTS = ("Văn phòng Đảng ủy", "Ban Xây dựng Đảng", "Ủy ban Kiểm tra Đảng ủy", "Trung tâm Chính trị")


# --- COPY streams -------------------------------------------------------------------------------------------


class Stream:
    """Rows of one table streamed with COPY: ``varying`` columns given per row, the ``constant`` ones appended.

    The two together must name every column of the table, so a schema change breaks the seeder loudly.
    """

    def __init__(
        self, stack: contextlib.ExitStack, conninfo: str, table: type[models.Model] | str, varying: Sequence[str],
        constant: dict[str, Any] | None = None,
    ) -> None:  # fmt: skip
        name = table if isinstance(table, str) else table._meta.db_table
        constant = constant or {}
        columns = [*varying, *constant]
        if not isinstance(table, str):
            expected = {str(f.column) for f in table._meta.concrete_fields}
            if set(columns) != expected or len(columns) != len(expected):
                raise RuntimeError(f"{name}: columns {sorted(set(columns) ^ expected)} missing or unknown")
        self.table = name
        self.tail = tuple(constant.values())
        self.rows = 0
        conn = stack.enter_context(psycopg.connect(conninfo))
        # Foreign keys point across the streams' uncommitted transactions: their triggers are off for the load.
        conn.execute("SET session_replication_role = replica")
        conn.commit()
        cols = ", ".join(f'"{c}"' for c in columns)
        self._copy = stack.enter_context(conn.cursor().copy(f'COPY "{name}" ({cols}) FROM STDIN'))

    def add(self, *values: Any) -> None:
        self._copy.write_row(values + self.tail)
        self.rows += 1


def _n(value: float) -> str:
    """1234567 → "1.234.567" (the Vietnamese thousands separator)."""
    return f"{value:,.0f}".replace(",", ".")


def conninfo() -> str:
    s = settings.DATABASES["default"]
    return psycopg.conninfo.make_conninfo(
        dbname=s["NAME"], user=s.get("USER") or None, password=s.get("PASSWORD") or None,
        host=s.get("HOST") or None, port=s.get("PORT") or None,
    )  # fmt: skip


# --- the seeder --------------------------------------------------------------------------------------------


@dataclass
class Person:
    id: int
    name: str


@dataclass
class Org:
    root: Unit
    standing: Unit
    office: Unit
    units: dict[int, Unit] = field(default_factory=dict)
    children: dict[int, list[int]] = field(default_factory=dict)
    leads: list[int] = field(default_factory=list)  # agencies, party committees, communes (weighted)
    communes: list[int] = field(default_factory=list)
    heads: dict[int, Person] = field(default_factory=dict)
    staff: dict[int, list[Person]] = field(default_factory=dict)
    leaders: list[Person] = field(default_factory=list)
    monitors: list[Person] = field(default_factory=list)


class Seeder:
    def __init__(self, *, tasks: int, seed: int, out: Callable[[str], None]) -> None:
        self.n_tasks = tasks
        self.rng = random.Random(seed)  # noqa: S311 — synthetic data, reproducible by design
        self.out = out
        self.today = profile.TODAY
        self.started = time.monotonic()
        self._deadlines: dict[datetime.date, datetime.date] = {}
        self._calendar = current_calendar()

    # helpers
    def say(self, message: str) -> None:
        self.out(f"[{time.monotonic() - self.started:6.1f} s] {message}")

    def deadline(self, day: datetime.date) -> datetime.date:
        found = self._deadlines.get(day)
        if found is None:
            found = day
            while not self._calendar.is_working_day(found):
                found += DAY
            self._deadlines[day] = found
        return found

    def at(self, day: datetime.date) -> datetime.datetime:
        return datetime.datetime(
            day.year, day.month, day.day, 7 + self.rng.randrange(10), self.rng.randrange(60), tzinfo=TZ
        )

    def person_name(self) -> str:
        r = self.rng
        return f"{r.choice(SURNAMES)} {r.choice(MIDDLES)} {r.choice(GIVEN)}"

    # --- the small tables, through the ORM ---------------------------------------------------------------
    def build_org(self) -> Org:
        communes = json.loads(COMMUNES_FILE.read_text(encoding="utf-8"))["commune_level_units"]
        start = profile.FIRST_DAY - datetime.timedelta(days=365)
        units: list[Unit] = []

        def add(code: str, name: str, kind: str, parent: Unit | None) -> Unit:
            uid = len(units) + 1
            path = f"{parent.path if parent else '/'}{uid}/"
            unit = Unit(
                id=uid, code=code, name=name, short_name=name[:60], kind=kind, parent=parent, path=path,
                depth=path.count("/") - 2, sort_order=uid, valid_from=start,
            )  # fmt: skip
            units.append(unit)
            return unit

        root = add("BENCH-TU", "Thành ủy Huế", UnitKind.COMMITTEE, None)
        standing = add("BENCH-TTTU", "Thường trực Thành ủy", UnitKind.STANDING, root)
        org = Org(root=root, standing=standing, office=root)
        for code, name in AGENCIES:
            agency = add(f"BENCH-{code}", name, UnitKind.AGENCY, root)
            org.office = agency if code == "VP" else org.office
            org.leads += [agency.id] * 3
            for i, dept in enumerate(AGENCY_DEPARTMENTS, 1):
                add(f"BENCH-{code}-{i}", f"{dept} ({name})", UnitKind.DEPARTMENT, agency)
        for code, name in PARTY_COMMITTEES:
            pc = add(f"BENCH-{code}", name, UnitKind.PARTY_COMMITTEE, root)
            org.leads += [pc.id] * 3
            for i, dept in enumerate(PARTY_DEPARTMENTS, 1):
                add(f"BENCH-{code}-{i}", f"{dept} ({name})", UnitKind.DEPARTMENT, pc)
        for n, c in enumerate(communes, 1):
            kind = UnitKind.WARD if c["kind"] == "phường" else UnitKind.COMMUNE
            commune = add(f"BENCH-XA-{n:03d}", f"Đảng ủy {c['name']}", kind, root)
            org.communes.append(commune.id)
            org.leads += [commune.id] * 4
            for i, dept in enumerate(COMMUNE_DEPARTMENTS, 1):
                add(f"BENCH-XA-{n:03d}-{i}", f"{dept} {c['name']}", UnitKind.DEPARTMENT, commune)
        Unit.objects.bulk_create(units)
        for unit in units:
            org.units[unit.id] = unit
            if unit.parent_id is not None:
                org.children.setdefault(unit.parent_id, []).append(unit.id)
        if Unit.objects.get(code=profile.FOCUS_UNIT_CODE).kind not in {UnitKind.WARD, UnitKind.COMMUNE}:
            raise RuntimeError(f"{profile.FOCUS_UNIT_CODE} must be a commune-level unit")
        return org

    def build_people(self, org: Org) -> None:
        password = make_password(profile.PASSWORD)
        joined = datetime.datetime(2016, 6, 1, 8, tzinfo=TZ)
        start = profile.FIRST_DAY - datetime.timedelta(days=365)
        users: list[User] = []
        memberships: list[Membership] = []

        def person(username: str, unit: Unit, role: str, position: str, name: str | None = None) -> Person:
            uid = len(users) + 1
            full = name or self.person_name()
            users.append(User(id=uid, username=username, password=password, full_name=full, date_joined=joined))
            memberships.append(
                Membership(id=uid, person_id=uid, unit_id=unit.id, role=role, position=position, valid_from=start)
            )
            return Person(uid, full)

        org.leaders.append(person(profile.LEADER_USERNAME, org.root, Role.LEADER, "Bí thư Thành ủy"))
        for i in range(1, 12):
            org.leaders.append(person(f"bench.ld{i:02d}", org.standing, Role.LEADER, "Ủy viên Ban Thường vụ"))
        for i in range(1, 6):
            org.monitors.append(person(f"bench.vp{i:02d}", org.office, Role.MONITOR, "Chuyên viên theo dõi"))
        focus = Unit.objects.get(code=profile.FOCUS_UNIT_CODE).id
        for uid, unit in org.units.items():
            if unit.kind in {UnitKind.COMMITTEE, UnitKind.STANDING}:
                continue
            username = profile.UNIT_HEAD_USERNAME if uid == focus else f"bench.u{uid:03d}.tp"
            org.heads[uid] = person(username, unit, Role.UNIT_HEAD, "Trưởng đơn vị")
            org.staff[uid] = [
                person(f"bench.u{uid:03d}.cv{i:02d}", unit, Role.OFFICER, "Chuyên viên")
                for i in range(1, PEOPLE_PER_UNIT)
            ]
        User.objects.bulk_create(users, batch_size=1000)
        Membership.objects.bulk_create(memberships, batch_size=1000)
        self.say(f"{len(org.units)} đơn vị, {len(users)} người dùng")

    def build_directives(self, org: Org, count: int) -> list[tuple[int, datetime.date, int, str]]:
        """Directives over the ten years: (id, issued_on, issuing unit id, urgency), oldest first."""
        terms = {
            2015: Term.objects.create(committee=org.root, name="Nhiệm kỳ 2015-2020", starts_on=datetime.date(2015, 10, 1), ends_on=datetime.date(2020, 9, 30)),  # noqa: E501
            2020: Term.objects.create(committee=org.root, name="Nhiệm kỳ 2020-2025", starts_on=datetime.date(2020, 10, 1), ends_on=datetime.date(2025, 9, 30)),  # noqa: E501
            2025: Term.objects.create(committee=org.root, name="Nhiệm kỳ 2025-2030", starts_on=datetime.date(2025, 10, 1)),  # noqa: E501
        }  # fmt: skip
        span = (self.today - datetime.timedelta(days=20) - profile.FIRST_DAY).days
        days = sorted(profile.FIRST_DAY + datetime.timedelta(days=self.rng.randrange(span)) for _ in range(count))
        numbers: dict[tuple[str, int, str], int] = {}
        rows: list[Directive] = []
        kinds = (DirectiveKind.KL, DirectiveKind.KL, DirectiveKind.CT, DirectiveKind.NQ, DirectiveKind.CTR)
        for i, day in enumerate(days, 1):
            term = terms[
                2025 if day >= datetime.date(2025, 10, 1) else 2020 if day >= datetime.date(2020, 10, 1) else 2015
            ]
            by_commune = self.rng.random() < 0.3
            issuer = org.units[self.rng.choice(org.communes)] if by_commune else org.root
            code = "ĐU" if by_commune else "TU"
            kind = self.rng.choice(kinds)
            key = (f"{code}{issuer.id}", term.pk, kind)
            numbers[key] = number = numbers.get(key, 0) + 1
            urgency = Urgency.URGENT if self.rng.random() < 0.05 else Urgency.NORMAL
            summary = f"{self.rng.choice(VERBS)} {self.rng.choice(OBJECTS)}"
            d = Directive(
                id=i, kind=kind, number=number, issuer_code=code if not by_commune else f"ĐU{issuer.id}",
                issuing_unit=issuer, term=term, issued_on=day, signer=self.rng.choice(org.leaders).name,
                summary=summary, urgency=urgency, created_by_id=self.rng.choice(org.monitors).id,
            )  # fmt: skip
            d.search_text = directive_search_text(d.number_symbol, d.get_kind_display(), d.summary, d.signer)
            rows.append(d)
        Directive.objects.bulk_create(rows, batch_size=2000)
        Directive.objects.update(created_at=models.F("issued_on"), updated_at=models.F("issued_on"))
        self.say(f"{len(rows)} văn bản chỉ đạo")
        return [(d.id, d.issued_on, d.issuing_unit.id, d.urgency) for d in rows]

    def build_report_duties(self, org: Org) -> None:
        duties: list[ReportDuty] = []
        texts: list[tuple[int, datetime.date, int]] = []
        reporting = [
            uid
            for uid, u in org.units.items()
            if u.kind not in {UnitKind.DEPARTMENT, UnitKind.COMMITTEE, UnitKind.STANDING}
        ]
        created = datetime.datetime(2017, 1, 1, tzinfo=TZ)
        for regime in ReportRegime.objects.filter(active=True).exclude(kind=ReportKind.AD_HOC):
            periods = regime_mod.periods_ending_between(
                regime.kind,
                profile.FIRST_DAY,
                self.today + datetime.timedelta(days=60),
                due_days=regime.due_working_days,
            )
            for p in periods:
                for uid in reporting:
                    sent: datetime.date | None = None
                    if p.due_on < self.today or p.cutoff_end < self.today:
                        roll = self.rng.random()
                        if roll < 0.85:
                            sent = p.due_on - datetime.timedelta(days=self.rng.randrange(4))
                        elif roll < 0.95:
                            sent = p.due_on + datetime.timedelta(days=1 + self.rng.randrange(10))
                        sent = min(sent, self.today) if sent else None
                    duty = ReportDuty(
                        unit_id=uid, kind=p.kind, period_key=p.key, label=p.label, cutoff_start=p.cutoff_start,
                        cutoff_end=p.cutoff_end, due_on=p.due_on, regime=regime,
                        state=DutyState.SUBMITTED if sent else DutyState.PENDING, submitted_on=sent,
                        created_at=created,
                    )  # fmt: skip
                    duties.append(duty)
        ReportDuty.objects.bulk_create(duties, batch_size=2000)
        for d in duties:
            if d.submitted_on:
                texts.append((d.pk, d.submitted_on, org.heads[d.unit_id].id))
        ReportSubmission.objects.bulk_create(
            [
                ReportSubmission(
                    duty_id=pk,
                    submitted_by_id=by,
                    submitted_at=self.at(day),
                    submitted_on=day,
                    text="Báo cáo kết quả thực hiện nhiệm vụ trong kỳ (dữ liệu đo hiệu năng).",
                )
                for pk, day, by in texts
            ],
            batch_size=2000,
        )
        self.say(f"{len(duties)} kỳ báo cáo")

    # --- the big tables, through COPY --------------------------------------------------------------------
    def pick_lead(self, org: Org) -> int:
        return self.rng.choice(org.leads)

    def sub_unit(self, org: Org, uid: int) -> int:
        kids = org.children.get(uid)
        return self.rng.choice(kids) if kids and self.rng.random() < 0.8 else uid

    def families(
        self, org: Org, directives: list[tuple[int, datetime.date, int, str]]
    ) -> Iterator[list[dict[str, Any]]]:
        """Task families (top-level task first), each task a dict of what the streams need. The directives are
        walked in date order, so that ids follow time as in a database filled over ten years."""
        produced = 0
        next_id = 1
        per_directive = self.n_tasks / 2.5 / len(directives)  # families per directive on average
        owed = 0.0
        for n, (directive_id, d_issued, issuer, _urgency) in enumerate(directives, 1):
            owed += per_directive
            count = int(owed) if n < len(directives) else 10**12  # the last one takes whatever remains
            owed -= int(owed)
            for _ in range(count):
                if produced >= self.n_tasks:
                    return
                family = self.family(org, next_id, directive_id, d_issued, issuer, self.n_tasks - produced)
                next_id += len(family)
                produced += len(family)
                yield family

    def family(
        self, org: Org, next_id: int, directive_id: int, d_issued: datetime.date, issuer: int, room: int
    ) -> list[dict[str, Any]]:
        rng = self.rng
        from_city = issuer == org.root.id
        issued = min(d_issued + datetime.timedelta(days=rng.randrange(10)), self.today)
        if from_city:
            lead = self.pick_lead(org)
            owner, authority, creator = org.office.id, org.standing.id, rng.choice(org.monitors).id
            supervisor: int | None = rng.choice(org.leaders).id
        else:
            lead = self.sub_unit(org, issuer)
            owner, authority, creator = issuer, issuer, org.heads[issuer].id
            supervisor = None
        top = self.task(next_id, None, directive_id, owner, lead, authority, creator, supervisor, issued, None)
        family = [top]
        for _ in range(min(rng.choice(SUBTASKS_PER_FAMILY), room - 1)):
            if top["state"] == TaskState.DRAFT or top["is_ongoing"]:
                break
            sub_issued = min(issued + datetime.timedelta(days=rng.randrange(10)), self.today)
            sub_lead = self.sub_unit(org, lead)
            family.append(
                self.task(
                    next_id + len(family),
                    top,
                    directive_id,
                    lead,
                    sub_lead,
                    lead,
                    org.heads[lead].id,
                    None,
                    sub_issued,
                    top["due"],
                )
            )
        return family

    def task(
        self, pk: int, parent: dict[str, Any] | None, directive: int, owner: int, lead: int, authority: int,
        creator: int, supervisor: int | None, issued: datetime.date, parent_due: datetime.date | None,
    ) -> dict[str, Any]:  # fmt: skip
        rng = self.rng
        t: dict[str, Any] = {
            "id": pk, "parent": parent["id"] if parent else None, "directive": directive, "owner": owner,
            "lead": lead, "authority": authority, "creator": creator, "supervisor": supervisor,
            "is_ongoing": parent is None and rng.random() < 0.015, "issued": issued, "secret": rng.random() < 0.005,
        }  # fmt: skip
        due: datetime.date | None = None
        if not t["is_ongoing"]:
            due = issued + datetime.timedelta(days=rng.choice((15, 30, 30, 45, 60, 60, 90, 90, 120, 180, 365)))
            if parent_due is not None:
                due = min(due, parent_due)
            due = max(due, issued + DAY)
        t["due"] = due
        t["deadline"] = self.deadline(due) if due else None
        roll = rng.random()
        completed = cancelled = accepted = None
        if issued > self.today - datetime.timedelta(days=30) and roll < 0.03:
            state = TaskState.DRAFT
        elif roll < 0.05:
            state = TaskState.CANCELLED
            cancelled = min(issued + datetime.timedelta(days=rng.randrange(1, 60)), self.today)
        elif t["is_ongoing"]:
            state = TaskState.IN_PROGRESS
        else:
            if due is None or t["deadline"] is None:  # pragma: no cover - not ongoing, so dated above
                raise RuntimeError("a dated task without a due date")
            span = max(1, (due - issued).days)
            elapsed = (self.today - issued).days
            # Long-overdue tasks get closed in the end: a small chronic backlog, a larger recent one.
            if due < self.today - datetime.timedelta(days=180):
                p_done, p_cancel = 0.96, 0.025
            elif due < self.today:
                p_done, p_cancel = 0.90, 0.0
            else:
                p_done, p_cancel = 0.35 * elapsed / span, 0.0
            draw = rng.random()
            if draw >= p_done and draw < p_done + p_cancel:
                state = TaskState.CANCELLED
                cancelled = min(due + datetime.timedelta(days=rng.randrange(1, 90)), self.today)
            elif draw < p_done:
                late = rng.random() < 0.15
                if late:
                    completed = t["deadline"] + datetime.timedelta(days=rng.randrange(1, 40))
                else:
                    completed = issued + datetime.timedelta(
                        days=rng.randrange(max(1, (t["deadline"] - issued).days + 1))
                    )
                completed = min(completed, self.today)
                state = TaskState.DONE
            elif (self.today - issued).days < 4:
                state = TaskState.ISSUED
            else:
                s = rng.random()
                state = TaskState.SUBMITTED if s < 0.1 else TaskState.RETURNED if s < 0.13 else TaskState.IN_PROGRESS
        if state not in {TaskState.DRAFT, TaskState.ISSUED, TaskState.CANCELLED}:
            accepted = min(issued + datetime.timedelta(days=rng.randrange(4)), self.today)
        t.update(state=state, completed=completed, cancelled=cancelled, accepted=accepted)
        end = completed or cancelled or self.today
        t["end"] = end
        t["title"] = f"{rng.choice(VERBS)} {rng.choice(OBJECTS)}" + (
            f" năm {issued.year}" if rng.random() < 0.5 else ""
        )
        return t

    def stream_tasks(self, org: Org, directives: list[tuple[int, datetime.date, int, str]]) -> dict[str, int]:
        rng = self.rng
        info = conninfo()
        staff, heads, units = org.staff, org.heads, org.units
        with contextlib.ExitStack() as stack:
            tasks = Stream(stack, info, Task, (
                "id", "title", "content", "directive_id", "parent_id", "owner_unit_id", "lead_unit_id",
                "supervising_leader_id", "responsible_person_id", "due_date", "original_due_date", "deadline",
                "original_deadline", "is_ongoing", "review_cadence", "product_kind", "product_description",
                "authority_unit_id", "classification", "state", "issued_on", "accepted_on", "submitted_on",
                "completed_on", "approved_on", "cancelled_on", "cancel_reason", "progress", "state_since",
                "last_update_on", "search_text", "created_by_id", "created_at", "updated_at",
            ), {
                "source_paragraph": "", "weight": Decimal("1"), "recurrence": "", "recurrence_day": None,
                "recurrence_month": None, "recurrence_template_id": None, "period_key": "", "bounce_count": 0,
                "extension_count": 0, "confidence": "", "confidence_trend": "", "confidence_on": None, "version": 1,
                "is_focus": False,
            })  # fmt: skip
            officers = Stream(stack, info, Task.officers.through, ("id", "task_id", "user_id"))
            coordinating = Stream(stack, info, Task.coordinating_units.through, ("id", "task_id", "unit_id"))
            cleared = Stream(stack, info, Task.cleared_people.through, ("id", "task_id", "user_id"))
            events = Stream(stack, info, TaskEvent, (
                "id", "task_id", "kind", "actor_id", "actor_name", "at", "from_state", "to_state", "note", "data",
            ))  # fmt: skip
            updates = Stream(stack, info, ProgressUpdate, (
                "id", "task_id", "author_id", "unit_id", "created_at", "recorded_on", "done", "next_steps", "percent",
            ), {"indicators": "[]"})  # fmt: skip
            obstacles = Stream(stack, info, Obstacle, (
                "id", "task_id", "raised_by_id", "lead_unit_id", "raised_at", "raised_on", "description", "proposal",
                "decider_unit_id", "waiting_on_id", "response_due_on", "state", "answer", "answered_by_id",
                "answered_at", "answered_on",
            ), {"escalation_level": EscalationLevel.DECIDER.value, "escalated_on": None})  # fmt: skip
            notes = Stream(stack, info, Notification, (
                "id", "recipient_id", "kind", "title", "body", "url", "task_id", "created_at", "read_at",
            ), {
                "email_state": EmailState.NOT_NEEDED.value, "emailed_at": None, "subject": "", "resolved_at": None,
                "resolved_by_name": "", "resolved_reason": "",
            })  # fmt: skip
            expectations = Stream(stack, info, UpdateExpectation, (
                "id", "task_id", "unit_id", "reason", "opened_on", "due_on", "fulfilled_on",
            ))  # fmt: skip
            audit = Stream(stack, info, AuditEntry, (
                "id", "seq", "at", "actor_id", "actor_name", "action", "object_type", "object_id", "object_repr",
                "unit_id_snapshot", "summary", "before", "after", "prev_hash", "hash",
            ), {"request_id": ""})  # fmt: skip
            ids = dict.fromkeys(("officer", "coord", "cleared", "event", "update", "obstacle", "note", "exp"), 0)
            prev_hash = GENESIS_HASH
            key = writing_key()
            seq = 0
            done_tasks = 0
            step = max(1, self.n_tasks // 20)
            next_report = step
            names = {p.id: p.name for people in staff.values() for p in people}
            names.update({p.id: p.name for p in [*heads.values(), *org.leaders, *org.monitors]})

            def event(
                task_id: int, kind: str, actor: int, at: datetime.datetime, from_s: str, to_s: str, note: str, data: str
            ) -> None:
                ids["event"] += 1
                events.add(ids["event"], task_id, kind, actor, names[actor], at, from_s, to_s, note, data)

            for family in self.families(org, directives):
                for t in family:
                    pk, lead, state, issued = t["id"], t["lead"], t["state"], t["issued"]
                    people = staff[lead]
                    responsible = rng.choice(people)
                    draft = state == TaskState.DRAFT
                    title = t["title"]
                    content = f"{title}; bảo đảm chất lượng, đúng tiến độ theo chỉ đạo."
                    product = rng.choice(PRODUCTS)
                    product_text = "Báo cáo kết quả gửi cấp có thẩm quyền"
                    # progress updates: ~5 over the task's life (none for drafts)
                    n_updates = 0 if draft else rng.choice(UPDATES_PER_TASK)
                    life = max(1, (t["end"] - issued).days)
                    update_days = sorted(
                        issued + datetime.timedelta(days=rng.randrange(life + 1)) for _ in range(n_updates)
                    )
                    final = (
                        100
                        if state == TaskState.DONE
                        else min(
                            95, 10 + 90 * (self.today - issued).days // max(1, ((t["due"] or self.today) - issued).days)
                        )
                    )
                    final = max(0, final)
                    last_update = update_days[-1] if update_days else None
                    submitted = (
                        t["completed"]
                        if state == TaskState.DONE
                        else (t["end"] if state == TaskState.SUBMITTED else None)
                    )
                    since = t["completed"] or t["cancelled"] or (t["accepted"] if state != TaskState.ISSUED else issued)
                    created_at = self.at(issued - DAY)
                    tasks.add(
                        pk, title, content, t["directive"], t["parent"], t["owner"], lead, t["supervisor"],
                        responsible.id, t["due"], t["due"], t["deadline"], t["deadline"], t["is_ongoing"],
                        "quarterly" if t["is_ongoing"] else "", product, product_text, t["authority"],
                        "secret" if t["secret"] else "normal", state, None if draft else issued, t["accepted"],
                        submitted, t["completed"], t["completed"] if state == TaskState.DONE else None,
                        t["cancelled"], "Không còn phù hợp" if t["cancelled"] else "",
                        0 if draft else final, None if draft else since, last_update,
                        fold(" ".join((title, content, product_text))), t["creator"], created_at,
                        self.at(t["end"]),
                    )  # fmt: skip
                    ids["officer"] += 1
                    officers.add(ids["officer"], pk, responsible.id)
                    if rng.random() < 0.5:
                        other = rng.choice(people)
                        if other.id != responsible.id:
                            ids["officer"] += 1
                            officers.add(ids["officer"], pk, other.id)
                    if rng.random() < 0.3:
                        ids["coord"] += 1
                        coordinating.add(
                            ids["coord"],
                            pk,
                            self.pick_lead(org)
                            if lead in org.leads
                            else self.sub_unit(org, units[lead].parent_id or lead),
                        )
                    if t["secret"]:
                        ids["cleared"] += 1
                        cleared.add(ids["cleared"], pk, t["creator"])
                    if draft:
                        continue
                    head = heads[lead].id
                    event(
                        pk, EventKind.ISSUED, t["creator"], self.at(issued), TaskState.DRAFT, TaskState.ISSUED, "", "{}"
                    )
                    if t["accepted"]:
                        event(
                            pk,
                            EventKind.ACCEPTED,
                            head,
                            self.at(t["accepted"]),
                            TaskState.ISSUED,
                            TaskState.IN_PROGRESS,
                            "",
                            "{}",
                        )
                    previous = 0
                    for k, day in enumerate(update_days, 1):
                        percent = final if k == n_updates else min(final, previous + rng.randrange(0, 30))
                        ids["update"] += 1
                        at = self.at(day)
                        done_text = rng.choice(DONE_TEXTS)
                        updates.add(
                            ids["update"], pk, responsible.id, lead, at, day, done_text, rng.choice(NEXT_TEXTS), percent
                        )
                        event(
                            pk,
                            EventKind.PROGRESS,
                            responsible.id,
                            at,
                            "",
                            "",
                            done_text,
                            f'{{"update_id": {ids["update"]}, "percent": {percent}, "previous_percent": {previous}}}',
                        )
                        previous = percent
                    if state == TaskState.DONE:
                        day = t["completed"]
                        event(
                            pk,
                            EventKind.SUBMITTED,
                            responsible.id,
                            self.at(day),
                            TaskState.IN_PROGRESS,
                            TaskState.SUBMITTED,
                            "Gửi sản phẩm",
                            "{}",
                        )
                        event(
                            pk,
                            EventKind.APPROVED,
                            t["creator"],
                            self.at(day),
                            TaskState.SUBMITTED,
                            TaskState.DONE,
                            "",
                            "{}",
                        )
                    if rng.random() < OBSTACLE_SHARE:
                        raised = issued + datetime.timedelta(days=rng.randrange(life + 1))
                        ids["obstacle"] += 1
                        due_on = self.deadline(raised + datetime.timedelta(days=7))
                        answered = raised + datetime.timedelta(days=rng.randrange(1, 12))
                        recent = raised > self.today - datetime.timedelta(days=60)
                        is_open = answered > self.today or (t["end"] == self.today and recent and rng.random() < 0.3)
                        decider = t["authority"]
                        decider_head = heads.get(decider) or rng.choice(org.leaders)
                        description = rng.choice(OBSTACLES)
                        obstacles.add(
                            ids["obstacle"], pk, responsible.id, lead, self.at(raised), raised, description,
                            rng.choice(PROPOSALS), decider, decider, due_on,
                            ObstacleState.OPEN if is_open else ObstacleState.ANSWERED,
                            "" if is_open else "Đồng ý, giao đơn vị chủ trì phối hợp thực hiện",
                            None if is_open else decider_head.id, None if is_open else self.at(answered),
                            None if is_open else answered,
                        )  # fmt: skip
                        data = f'{{"obstacle_id": {ids["obstacle"]}}}'
                        event(pk, EventKind.OBSTACLE_RAISED, responsible.id, self.at(raised), "", "", description, data)
                        if not is_open:
                            event(
                                pk,
                                EventKind.OBSTACLE_ANSWERED,
                                decider_head.id,
                                self.at(answered),
                                "",
                                "",
                                "Đồng ý",
                                data,
                            )
                    # notifications: the task issued to the responsible person; its product approved
                    url = f"/nhiem-vu/{pk}/"
                    ids["note"] += 1
                    at = self.at(issued)
                    read = (
                        at + datetime.timedelta(hours=rng.randrange(1, 72)) if (self.today - issued).days > 3 else None
                    )
                    notes.add(
                        ids["note"],
                        responsible.id,
                        NotificationKind.TASK_ISSUED,
                        f"Nhiệm vụ mới: {title}"[:200],
                        "",
                        url,
                        pk,
                        at,
                        read,
                    )
                    if state == TaskState.DONE:
                        ids["note"] += 1
                        at = self.at(t["completed"])
                        notes.add(
                            ids["note"],
                            responsible.id,
                            NotificationKind.TASK_APPROVED,
                            f"Sản phẩm được duyệt: {title}"[:200],
                            "",
                            url,
                            pk,
                            at,
                            at + datetime.timedelta(hours=5),
                        )
                    ids["exp"] += 1
                    expectations.add(
                        ids["exp"], pk, lead, ExpectationReason.ISSUED, issued,
                        self.deadline(issued + datetime.timedelta(days=2 if rng.random() < 0.9 else 3)),
                        update_days[0] if update_days else None,
                    )  # fmt: skip
                    seq += 1
                    at = self.at(issued)
                    actor_name = names[t["creator"]]
                    after = {"state": TaskState.ISSUED.value, "due_date": t["due"].isoformat() if t["due"] else None}
                    digest = entry_mac(
                        key, seq=seq, at=at, actor_id=t["creator"], actor_name=actor_name, action="task.issued",
                        object_type="tasks.task", object_id=str(pk), object_repr=title[:255], unit_id_snapshot=lead,
                        summary="Giao nhiệm vụ", before=None, after=after, request_id="", prev_hash=prev_hash,
                    )  # fmt: skip
                    audit.add(
                        seq,
                        seq,
                        at,
                        t["creator"],
                        actor_name,
                        "task.issued",
                        "tasks.task",
                        str(pk),
                        title[:255],
                        lead,
                        "Giao nhiệm vụ",
                        None,
                        json.dumps(after, ensure_ascii=False),
                        prev_hash,
                        digest,
                    )
                    prev_hash = digest
                done_tasks += len(family)
                if done_tasks >= next_report:
                    rate = done_tasks / max(0.001, time.monotonic() - self.started)
                    self.say(
                        f"nhiệm vụ {_n(done_tasks)}/{_n(self.n_tasks)} "
                        f"({100 * done_tasks // self.n_tasks}%), {_n(rate)}/s"
                    )
                    next_report += step
            self.say("đang ghi (COPY) …")
        AuditHead.objects.update_or_create(pk=1, defaults={"last_seq": seq, "last_hash": prev_hash})
        return {
            s.table: s.rows
            for s in (tasks, officers, coordinating, cleared, events, updates, obstacles, notes, expectations, audit)
        }


BIG_TABLES: tuple[type[models.Model] | str, ...] = (
    Task, TaskEvent, ProgressUpdate, Obstacle, Notification, UpdateExpectation, AuditEntry,
    Task.officers.through, Task.coordinating_units.through, Task.cleared_people.through,
)  # fmt: skip


def _table(m: type[models.Model] | str) -> str:
    return m if isinstance(m, str) else m._meta.db_table


def plain_indexes(tables: Sequence[str]) -> list[tuple[str, str]]:
    """(name, definition) of the indexes of ``tables`` that no constraint owns (the primary key stays)."""
    with connection.cursor() as cur:
        cur.execute(
            """
            SELECT ci.relname, pg_get_indexdef(i.indexrelid)
            FROM pg_index i JOIN pg_class t ON t.oid = i.indrelid JOIN pg_class ci ON ci.oid = i.indexrelid
            WHERE t.relname = ANY(%s) AND NOT i.indisprimary
              AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid = i.indexrelid)
            ORDER BY ci.relname
            """,
            [list(tables)],
        )
        return list(cur.fetchall())


def reset_database(out: Callable[[str], None]) -> None:
    """Drop everything in the public schema and migrate again (data migrations included)."""
    with connection.cursor() as cur:
        cur.execute("DROP SCHEMA public CASCADE; CREATE SCHEMA public")
    call_command("migrate", verbosity=0, interactive=False)
    out("Đã xóa dữ liệu cũ và tạo lại cấu trúc cơ sở dữ liệu.")


def seed(*, tasks: int, seed_value: int = 2026, out: Callable[[str], None] = print) -> dict[str, int]:
    if connection.vendor != "postgresql":
        raise RuntimeError("Dữ liệu đo hiệu năng chỉ nạp vào PostgreSQL (đặt DATABASE_URL=postgres://…).")
    if Task.objects.exists() or Unit.objects.exists():
        raise RuntimeError("Cơ sở dữ liệu đã có dữ liệu: chạy lại với --reset để xóa và nạp mới.")
    seeder = Seeder(tasks=tasks, seed=seed_value, out=out)
    with transaction.atomic():
        org = seeder.build_org()
        seeder.build_people(org)
        directives = seeder.build_directives(org, max(20, round(tasks / 2.5 / TASKS_PER_DIRECTIVE)))
        seeder.build_report_duties(org)
    tables = [_table(m) for m in BIG_TABLES]
    indexes = plain_indexes(tables)
    with connection.cursor() as cur:
        for name, _definition in indexes:
            cur.execute(f'DROP INDEX "{name}"')
    counts = seeder.stream_tasks(org, directives)
    seeder.say(", ".join(f"{table}: {_n(n)}" for table, n in counts.items()))
    with connection.cursor() as cur:
        cur.execute("SET maintenance_work_mem = '512MB'")
        seeder.say(f"tạo lại {len(indexes)} chỉ mục …")
        for _name, definition in indexes:
            cur.execute(definition)
        for table in (*tables, "directives_directive", "org_unit", "accounts_user", "org_membership"):
            cur.execute(
                f"SELECT setval(pg_get_serial_sequence('\"{table}\"', 'id'), COALESCE((SELECT max(id) FROM \"{table}\"), 1))"  # noqa: E501, S608 — table names from the models
            )
    # COPY bypassed the trigger that keeps the summary of done tasks (tasks.summary): count it once from the tasks.
    seeder.say(f"tổng hợp nhiệm vụ đã hoàn thành: {_n(summary.rebuild())} dòng")
    seeder.say("VACUUM ANALYZE …")
    with connection.cursor() as cur:
        cur.execute("VACUUM ANALYZE")
    seeder.say(f"xong: {_n(counts[Task._meta.db_table])} nhiệm vụ.")
    return counts
