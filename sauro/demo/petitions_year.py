"""A year of petitions for the Huế demo (issue 19, point 10): the Secretaries' reception days, a few hundred visits
and letters with their decisions and tasks, lived through the services day by day (``clock_at``), like the tasks.

The year runs from the first day of the month twelve months before the demo's today (December 2025 when today is
in December 2026; never before the 2025 merger) to today. It is drawn with a fixed seed, so every load writes the
same rows; what ``data/petitions.json`` holds (last month's and this month's days of four units, its visits and
letters) is loaded apart and kept as it is.

- **Reception days.** The city Secretary (``bithu``, unit ``TU``) receives citizens once a month, except one month
  (the shortfall the month's figure shows). Each ward and commune Secretary holds two days a month, mostly; some
  months one of them is called off or taken by the deputy (a shortfall too). Days after today are planned.
- **Visits.** A few on the city Secretary's days, some on the wards' days, some at the city's reception office.
- **Letters** (≈ 400): summaries built from templates by topic (đất đai, bồi thường – tái định cư, môi trường,
  cán bộ, đảng viên, other), addresses under today's names and the names from before the merger, kinds, sources
  and signers in plausible proportions. Decisions a few working days after receipt: handled by the ward as a task,
  forwarded by the city office to a ward as a task, forwarded to a body outside the Party's organisation, guided
  back, kept (and the anonymous denunciations of Party members, which the rules keep); the last days' letters wait.
  Tasks are accepted, answered on time mostly, some late, some still pending (overdue or not yet due).
- **Planted** for the hot spots and duplicates: (a) a crowd case in phường Kim Long — a group visit of nine
  households and a letter with fourteen signers on the same compensation matter, in the last weeks; (b) a rising
  topic — environmental letters about Phú Bài industrial park in phường Phú Bài: eight in the last four weeks, two
  in the twelve weeks before; (c) a prolonged case — a land complaint in phường Hương Thủy answered months ago,
  written again in the last weeks with the same content.
"""

from __future__ import annotations

import calendar
import dataclasses
import datetime
import heapq
import itertools
import json
import random
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from sauro.accounts.models import User
from sauro.common.calendar import current_calendar
from sauro.demo.paths import DATA_DIR
from sauro.demo.timing import DAY_STARTS, clock_at
from sauro.org.models import Unit
from sauro.petitions.choices import (
    Competence,
    Decision,
    Guidance,
    LetterKind,
    LetterProduct,
    LetterSource,
    PetitionKind,
    ReceptionDayState,
    SignerKind,
    Topic,
)
from sauro.petitions.models import Letter
from sauro.petitions.rules import kept_for_information
from sauro.petitions.services import (
    DecisionInput,
    LetterInput,
    ReceptionDayInput,
    ReceptionInput,
    letter_create,
    letter_decide,
    reception_create,
    reception_day_create,
)
from sauro.tasks.models import Task
from sauro.tasks.services import task_accept, task_approve, task_submit

SEED = 20261130
MERGER_FROM = datetime.date(2025, 7, 1)
SECONDS_BETWEEN_STEPS = 40
# The units whose last and current months' reception days ``data/petitions.json`` gives (kept as they are).
JSON_UNITS = frozenset({"TU", "P-ANCUU", "P-PHUXUAN", "P-THUYXUAN"})
CITY_OFFICE = "VPTU"
STANDING = "TTTU"
STANDING_APPROVER = "pbtthuongtruc"
CITY_MISSED_MONTH = -4  # the month (counted back from today's) the city Secretary held no reception day
LETTERS_PER_MONTH = 28
CROWD_COMMUNE = "P-KIMLONG"
RISING_COMMUNE = "P-PHUBAI"
PROLONGED_COMMUNE = "P-HUONGTHUY"

_ORG: dict[str, Any] = json.loads((DATA_DIR / "organisation.json").read_text(encoding="utf-8"))
_COMMUNES: dict[str, Any] = json.loads((DATA_DIR / "hue-commune-units.json").read_text(encoding="utf-8"))

# --- words ---------------------------------------------------------------------------------------------------

STREETS = (
    "Hùng Vương", "Lê Lợi", "Trần Phú", "Phan Bội Châu", "Bà Triệu", "Nguyễn Sinh Cung", "Điện Biên Phủ",
    "Tôn Đức Thắng", "Nguyễn Tất Thành", "Tự Đức", "Minh Mạng", "Kim Long", "Chi Lăng", "Đặng Thái Thân",
)  # fmt: skip
PROJECTS = (
    "mở rộng đường Tự Đức – Thủy Dương",
    "đường Vành đai 3",
    "khu tái định cư Hương Sơ giai đoạn 4",
    "nâng cấp đê chắn sóng Thuận An",
    "khu dân cư Bàu Vá giai đoạn 2",
    "chỉnh trang bờ sông Như Ý",
    "đường nối Quốc lộ 49 đến cầu Hạ Lang",
    "khu đô thị mới An Vân Dương",
)
SOURCES_OF_NUISANCE = (
    "cơ sở chế biến gỗ",
    "lò đốt rác thải sinh hoạt",
    "cơ sở sản xuất gạch không nung",
    "trại chăn nuôi heo",
    "cơ sở chế biến hải sản",
    "xưởng sửa chữa ô tô",
)
RIVERS = ("sông Như Ý", "sông An Cựu", "sông Bồ", "sông Ô Lâu", "phá Tam Giang", "hói Hạ Lang")
OFFICES = (
    "bộ phận một cửa",
    "công chức địa chính – xây dựng",
    "công an phường",
    "cán bộ tư pháp – hộ tịch",
    "cán bộ lao động – thương binh và xã hội",
)
FORWARDERS = (
    "Ban Tiếp công dân thành phố Huế",
    "Văn phòng Đoàn đại biểu Quốc hội và Hội đồng nhân dân thành phố",
    "Ủy ban Mặt trận Tổ quốc Việt Nam thành phố Huế",
    "Ủy ban nhân dân thành phố Huế",
)
OUTSIDE_BODIES = (
    "Ủy ban nhân dân {name}",
    "Thanh tra thành phố Huế",
    "Sở Nông nghiệp và Môi trường thành phố Huế",
    "Sở Xây dựng thành phố Huế",
    "Công an thành phố Huế",
)

TEMPLATES: dict[str, tuple[tuple[str, str], ...]] = {
    Topic.LAND: (
        (
            LetterKind.KIEN_NGHI,
            "Kiến nghị xem xét cấp giấy chứng nhận quyền sử dụng đất cho thửa đất số {n}, tờ bản "
            "đồ số {m} tại {place}, gia đình sử dụng ổn định từ năm {year}.",
        ),
        (
            LetterKind.PHAN_ANH,
            "Phản ánh việc tranh chấp ranh giới đất giữa hộ gia đình và hộ liền kề tại {place} "
            "chưa được hòa giải dứt điểm.",
        ),
        (LetterKind.PHAN_ANH, "Phản ánh việc lấn chiếm đất công làm bãi tập kết vật liệu xây dựng tại {place}."),
        (
            LetterKind.KHIEU_NAI_1,
            "Khiếu nại quyết định xử phạt vi phạm hành chính về xây dựng công trình trên đất nông nghiệp tại {place}.",
        ),
        (
            LetterKind.KIEN_NGHI,
            "Kiến nghị điều chỉnh sai sót diện tích trên giấy chứng nhận quyền sử dụng đất tại "
            "{place} sau khi đo đạc lại.",
        ),
    ),
    Topic.COMPENSATION: (
        (
            LetterKind.KHIEU_NAI_1,
            "Khiếu nại mức bồi thường, hỗ trợ khi thu hồi đất thực hiện dự án {project} tại {place}.",
        ),
        (
            LetterKind.KIEN_NGHI,
            "Kiến nghị xem xét bố trí đất tái định cư cho hộ gia đình bị giải tỏa trắng khi thực hiện dự án {project}.",
        ),
        (
            LetterKind.KIEN_NGHI,
            "Đề nghị chi trả khoản hỗ trợ chuyển đổi nghề cho hộ dân bị thu hồi đất nông nghiệp thuộc dự án {project}.",
        ),
        (
            LetterKind.KHIEU_NAI_2,
            "Khiếu nại lần hai quyết định giải quyết khiếu nại về giá đất tính bồi thường dự án {project}.",
        ),
        (
            LetterKind.PHAN_ANH,
            "Phản ánh khu tái định cư của dự án {project} chưa có hệ thống thoát nước, nhiều hộ bị ngập khi mưa lớn.",
        ),
    ),
    Topic.ENVIRONMENT: (
        (LetterKind.PHAN_ANH, "Phản ánh mùi hôi và khói bụi từ {nuisance} ảnh hưởng sức khỏe người dân tại {place}."),
        (LetterKind.PHAN_ANH, "Phản ánh nước thải chưa qua xử lý xả trực tiếp ra {river} gần {place}."),
        (LetterKind.PHAN_ANH, "Phản ánh tiếng ồn kéo dài ban đêm từ {nuisance} tại {place}."),
        (LetterKind.KIEN_NGHI, "Kiến nghị thu gom rác thải tồn đọng nhiều ngày tại {place}."),
    ),
    Topic.OFFICIALS: (
        (LetterKind.PHAN_ANH, "Phản ánh {office} chậm giải quyết hồ sơ, hẹn nhiều lần mà không có văn bản trả lời."),
        (
            LetterKind.TO_CAO,
            "Tố cáo {office} gây khó khăn, yêu cầu nộp thêm giấy tờ không có trong quy định khi làm "
            "thủ tục tại {place}.",
        ),
        (
            LetterKind.KIEN_NGHI,
            "Kiến nghị xem xét trách nhiệm của {office} trong việc xác nhận hồ sơ hộ cận nghèo không đúng đối tượng.",
        ),
    ),
    Topic.PARTY_MEMBERS: (
        (
            LetterKind.TO_CAO,
            "Tố cáo một đảng viên ở {place} xây dựng nhà trên đất nông nghiệp, không chấp hành quyết định xử phạt.",
        ),
        (
            LetterKind.PHAN_ANH,
            "Phản ánh một đảng viên chi bộ khu dân cư ở {place} có lời nói, việc làm thiếu gương "
            "mẫu, gây mất đoàn kết.",
        ),
        (LetterKind.TO_CAO, "Tố cáo một đảng viên là cán bộ phường lợi dụng chức vụ để hưởng hỗ trợ sai đối tượng."),
    ),
    Topic.OTHER: (
        (LetterKind.KIEN_NGHI, "Kiến nghị sửa chữa tuyến kiệt bê tông xuống cấp tại {place}."),
        (LetterKind.KIEN_NGHI, "Kiến nghị lắp đặt hệ thống đèn chiếu sáng tuyến đường liên thôn tại {place}."),
        (LetterKind.KIEN_NGHI, "Kiến nghị xét lại hồ sơ hộ cận nghèo của gia đình tại {place}."),
        (LetterKind.PHAN_ANH, "Phản ánh tình trạng chiếm dụng vỉa hè, lòng đường để kinh doanh trên đường {street}."),
        (LetterKind.KIEN_NGHI, "Kiến nghị bố trí thêm tuyến xe buýt nối {place} với trung tâm thành phố."),
    ),
}
TOPIC_WEIGHTS = {
    Topic.LAND: 30,
    Topic.COMPENSATION: 22,
    Topic.ENVIRONMENT: 12,
    Topic.OFFICIALS: 12,
    Topic.PARTY_MEMBERS: 8,
    Topic.OTHER: 16,
}
SOURCE_WEIGHTS = {
    LetterSource.POST: 35,
    LetterSource.IN_PERSON: 25,
    LetterSource.FORWARDED: 15,
    LetterSource.CITIZEN_APP: 15,
    LetterSource.EMAIL: 10,
}

CROWD_SUMMARY = (
    "Các hộ dân tổ 4 và tổ 5 (phường Hương Long cũ) đề nghị giải quyết dứt điểm việc bồi thường, hỗ trợ đất nông "
    "nghiệp bị thu hồi thực hiện dự án khu dân cư Hương Long, chưa được chi trả sau hai năm."
)
CROWD_ADDRESS = "Tổ 4, phường Hương Long, quận Phú Xuân"
RISING_SUMMARIES = (
    "Phản ánh mùi hôi nồng nặc từ khu công nghiệp Phú Bài vào ban đêm, ảnh hưởng sức khỏe người dân tổ {n}.",
    "Phản ánh nước thải từ khu công nghiệp Phú Bài chảy ra mương thủy lợi, cá chết hàng loạt gần tổ {n}.",
    "Phản ánh khói bụi từ nhà máy trong khu công nghiệp Phú Bài bám vào nhà cửa, hoa màu của người dân tổ {n}.",
    "Kiến nghị kiểm tra việc xả thải của các nhà máy trong khu công nghiệp Phú Bài gây ô nhiễm nguồn nước giếng "
    "của các hộ tổ {n}.",
)
PROLONGED_NAME = "Nguyễn Văn Thân"
PROLONGED_ADDRESS = "Tổ 6, phường Thủy Lương, thị xã Hương Thủy"
PROLONGED_SUMMARY = (
    "Khiếu nại việc Ủy ban nhân dân phường Thủy Lương cũ thu hồi 120 m² đất vườn của gia đình để làm đường giao "
    "thông nông thôn nhưng không bồi thường, hỗ trợ."
)
PROLONGED_AGAIN = PROLONGED_SUMMARY + " Gia đình không đồng ý với văn bản trả lời và tiếp tục khiếu nại."


@dataclass
class YearResult:
    reception_days: int = 0
    receptions: int = 0
    letters: int = 0
    tasks: int = 0


@dataclass
class _Commune:
    code: str
    name: str  # "Phường An Cựu"
    former: tuple[str, ...]  # "phường An Tây, quận Thuận Hóa"


def _communes() -> list[_Commune]:
    found = []
    for item in _COMMUNES["commune_level_units"]:
        name = item["name"].strip()
        first, _, rest = name.partition(" ")
        slug = "".join(c for c in _fold(rest) if c.isalnum())
        code = f"{'P' if first.lower() == 'phường' else 'X'}-{slug.upper()}"
        former = tuple(_lower_kinds(m) for m in item["merged_from"] if m.split(",")[0].strip())
        found.append(_Commune(code, name, former))
    return found


def _fold(text: str) -> str:
    import unicodedata

    stripped = "".join(c for c in unicodedata.normalize("NFD", text) if not unicodedata.combining(c))
    return stripped.replace("đ", "d").replace("Đ", "D")


def _lower_kinds(name: str) -> str:
    """``Phường An Tây, Quận Thuận Hóa`` → ``phường An Tây, quận Thuận Hóa`` (as an address writes it)."""
    parts = []
    for part in name.split(","):
        words = part.strip().split(" ")
        kind_words = 2 if words[:2] in (["Thị", "xã"], ["Thị", "trấn"]) else 1
        parts.append(" ".join([*(w.lower() for w in words[:kind_words]), *words[kind_words:]]))
    return ", ".join(parts)


def _month_start(today: datetime.date, back: int) -> datetime.date:
    index = today.year * 12 + today.month - 1 - back
    return datetime.date(index // 12, index % 12 + 1, 1)


Step = tuple[datetime.date, int, Callable[[], object]]


@dataclass
class _Year:
    today: datetime.date
    units: dict[str, Unit]
    people: dict[str, User]
    rng: random.Random = field(default_factory=lambda: random.Random(SEED))  # noqa: S311 — demo data
    heap: list[Step] = field(default_factory=list)
    order: itertools.count[int] = field(default_factory=itertools.count)
    steps_on: dict[datetime.date, int] = field(default_factory=dict)
    result: YearResult = field(default_factory=YearResult)
    numbers: dict[str, int] = field(default_factory=dict)
    used_names: set[str] = field(default_factory=set)
    planned_days: set[tuple[str, int, datetime.date]] = field(default_factory=set)

    def __post_init__(self) -> None:
        self.cal = current_calendar()
        self.start = max(_month_start(self.today, 12), MERGER_FROM)
        self.communes = [c for c in _communes() if c.code in self.units]
        self.by_code = {c.code: c for c in self.communes}
        names = _ORG["names"]
        self.family = [f for f, _ in names["family"]]
        self.family_w = [int(w) for _, w in names["family"]]
        self.pools = names["male_middle"], names["male_given"], names["female_middle"], names["female_given"]

    # --- the timeline ----------------------------------------------------------------------------------------
    def at(self, day: datetime.date, action: Callable[[], object]) -> None:
        if day <= self.today:
            heapq.heappush(self.heap, (day, next(self.order), action))

    def run(self) -> None:
        while self.heap:
            day, _, action = heapq.heappop(self.heap)
            n = self.steps_on.get(day, 0)
            self.steps_on[day] = n + 1
            start = datetime.datetime.combine(day, DAY_STARTS)
            moment = (start + datetime.timedelta(seconds=min(n * SECONDS_BETWEEN_STEPS, 9 * 3600))).time()
            with clock_at(day, moment):
                action()

    def wd(self, day: datetime.date, n: int) -> datetime.date:
        return self.cal.add_working_days(day, n)

    def working(self, day: datetime.date) -> datetime.date:
        return self.cal.deadline_on_or_after(day)

    # --- words -----------------------------------------------------------------------------------------------
    def citizen(self) -> str:
        rng = self.rng
        while True:
            female = rng.random() < 0.45
            middle_pool, given_pool = (self.pools[2], self.pools[3]) if female else (self.pools[0], self.pools[1])
            family = rng.choices(self.family, weights=self.family_w)[0]
            if family in ("Tôn Thất", "Tôn Nữ"):
                family = "Trần"
            name = f"{family} {rng.choice(middle_pool)} {rng.choice(given_pool)}"
            if name not in self.used_names:
                self.used_names.add(name)
                return name

    def place(self, commune: _Commune) -> str:
        """An address in ``commune``: under today's name, or (half the time) a former ward's or commune's."""
        rng = self.rng
        if commune.code.startswith("X-"):
            head = f"Thôn {rng.randint(1, 9)}"
        else:
            head = rng.choice((f"Tổ {rng.randint(1, 22)}", f"Kiệt {rng.randint(2, 160)} {rng.choice(STREETS)}"))
        if commune.former and rng.random() < 0.5:
            return f"{head}, {rng.choice(commune.former)}"
        kind, _, rest = commune.name.partition(" ")
        return f"{head}, {kind.lower()} {rest}, thành phố Huế"

    def summary(self, topic: str, place: str) -> tuple[str, str]:
        rng = self.rng
        kind, template = rng.choice(TEMPLATES[topic])
        text = template.format(
            n=rng.randint(12, 480),
            m=rng.randint(3, 60),
            year=rng.randint(1985, 2005),
            place=place,
            project=rng.choice(PROJECTS),
            nuisance=rng.choice(SOURCES_OF_NUISANCE),
            river=rng.choice(RIVERS),
            office=rng.choice(OFFICES),
            street=rng.choice(STREETS),
        )
        return kind, text

    def number(self, issuer: str, kind: str) -> str:
        key = f"{kind}/{issuer}"
        self.numbers[key] = self.numbers.get(key, 0) + 1
        return f"{self.numbers[key] + 10}-{key}"

    # --- accounts --------------------------------------------------------------------------------------------
    def account(self, code: str, role: str) -> User:
        if code == "P-PHUXUAN" and role == "bithu":
            return self.people["phuxuan"]
        return self.people[f"{code[2:].lower()}.{role}"]

    # --- reception days --------------------------------------------------------------------------------------
    def plan_days(self) -> dict[tuple[str, datetime.date], User]:
        """Every Secretary's reception day of the year; returns the days held, by unit, with the leader."""
        held: dict[tuple[str, datetime.date], User] = {}
        months = (self.today.year * 12 + self.today.month) - (self.start.year * 12 + self.start.month)
        for back in range(months, -1, -1):
            first = _month_start(self.today, back)
            last_day = calendar.monthrange(first.year, first.month)[1]
            recent = back <= 1
            if not (recent or back == -CITY_MISSED_MONTH):
                day = self.working(first.replace(day=15))
                self.day("TU", self.people["bithu"], day, held)
            elif back == -CITY_MISSED_MONTH:
                # The city Secretary's day of that month was called off and not held again.
                day = self.working(first.replace(day=15))
                self.day(
                    "TU",
                    self.people["bithu"],
                    day,
                    held,
                    state=ReceptionDayState.CANCELLED,
                    note="Bí thư Thành ủy đi công tác Trung ương; chưa bố trí được ngày tiếp bù.",
                )
            for commune in self.communes:
                if recent and commune.code in JSON_UNITS:
                    continue
                secretary = self.account(commune.code, "bithu")
                first_day = self.working(first.replace(day=self.rng.choice((5, 6, 8, 10))))
                second_day = self.working(first.replace(day=min(self.rng.choice((20, 22, 24, 25)), last_day)))
                roll = self.rng.random()
                self.day(commune.code, secretary, first_day, held)
                if roll < 0.07:
                    self.day(
                        commune.code,
                        secretary,
                        second_day,
                        held,
                        state=ReceptionDayState.CANCELLED,
                        note="Bí thư họp đột xuất; hoãn ngày tiếp.",
                    )
                elif roll < 0.12:
                    deputy = self.account(commune.code, "pbt")
                    self.day(commune.code, deputy, second_day, held, note="Phó Bí thư Thường trực tiếp thay Bí thư.")
                elif roll < 0.15:
                    continue  # the second day was never planned
                else:
                    self.day(commune.code, secretary, second_day, held)
        return held

    def day(
        self,
        code: str,
        leader: User,
        day: datetime.date,
        held: dict[tuple[str, datetime.date], User],
        *,
        state: str = ReceptionDayState.HELD,
        note: str = "",
    ) -> None:
        if (code, leader.pk, day) in self.planned_days:
            return
        self.planned_days.add((code, leader.pk, day))
        if day > self.today:
            state = ReceptionDayState.PLANNED
            planned_on = self.today
        else:
            planned_on = day  # recorded on the day, held or called off
            if state == ReceptionDayState.HELD:
                held[(code, day)] = leader
        unit = self.units[code]
        data = ReceptionDayInput(unit_id=unit.pk, leader_id=leader.pk, day=day, state=state, note=note)

        def create() -> None:
            reception_day_create(acting_user=None, data=data)
            self.result.reception_days += 1

        self.at(planned_on, create)

    # --- visits ----------------------------------------------------------------------------------------------
    def plan_visits(self, held: dict[tuple[str, datetime.date], User]) -> None:
        rng = self.rng
        for (code, day), leader in sorted(held.items(), key=lambda kv: (kv[0][1], kv[0][0])):
            if code == "TU":
                for _ in range(rng.randint(2, 4)):
                    commune = rng.choice(self.communes)
                    self.visit("TU", self.people["vanphong"], day, leader, commune)
            elif rng.random() < 0.2:
                self.visit(code, self.account(code, "cv1"), day, leader, self.by_code[code])
        # The city's reception office, on ordinary working days.
        day = self.working(self.start + datetime.timedelta(days=3))
        while day <= self.today:
            self.visit(CITY_OFFICE, self.people["vanphong"], day, None, rng.choice(self.communes))
            day = self.working(day + datetime.timedelta(days=rng.randint(6, 14)))

    def visit(self, code: str, account: User, day: datetime.date, leader: User | None, commune: _Commune) -> None:
        rng = self.rng
        topic = rng.choices(list(TOPIC_WEIGHTS), weights=list(TOPIC_WEIGHTS.values()))[0]
        if topic == Topic.ENVIRONMENT and commune.code == RISING_COMMUNE:
            topic = Topic.LAND
        address = self.place(commune)
        kind, text = self.summary(topic, address)
        if kind == LetterKind.TO_CAO:
            kind = LetterKind.PHAN_ANH
            text = "Phản ánh" + text.removeprefix("Tố cáo")
        guidance = rng.choices(
            [Guidance.GUIDED, Guidance.TRANSFERRED, Guidance.ANSWERED, Guidance.NONE], weights=[40, 25, 25, 10]
        )[0]
        outcome = {
            Guidance.GUIDED: "Hướng dẫn công dân gửi đơn đến Ủy ban nhân dân cấp có thẩm quyền.",
            Guidance.TRANSFERRED: "Tiếp nhận đơn, chuyển cơ quan có thẩm quyền giải quyết.",
            Guidance.ANSWERED: "Giải thích chính sách, công dân thống nhất.",
            Guidance.NONE: "Ghi nhận ý kiến, tổng hợp báo cáo.",
        }[guidance]
        people = 1 if rng.random() < 0.85 else rng.randint(2, 4)
        name = self.citizen()
        data = ReceptionInput(
            unit_id=self.units[code].pk,
            received_on=day,
            receiver_kind="leader" if leader else "office",
            receiving_leader_id=leader.pk if leader else None,
            citizen_name=name,
            citizen_address=address,
            people_count=people,
            representatives=name if people > 1 else "",
            summary=text,
            kind=kind,
            guidance=guidance,
            competence=rng.choice([Competence.IN, Competence.OUT, Competence.OUT, Competence.UNCLEAR]),
            document_number=self.number("ĐU" if code.startswith(("P-", "X-")) else code, "CV")
            if guidance == Guidance.TRANSFERRED
            else "",
            outcome=outcome,
            commune_id=self.units[commune.code].pk,
        )

        def create() -> None:
            reception_create(acting_user=account, data=data)
            self.result.receptions += 1

        self.at(day, create)

    # --- letters ---------------------------------------------------------------------------------------------
    def plan_letters(self) -> None:
        rng = self.rng
        span = (self.today - self.start).days
        count = LETTERS_PER_MONTH * span // 30
        for _ in range(count):
            received = self.working(self.start + datetime.timedelta(days=rng.randrange(span)))
            if received > self.today:
                continue
            commune = rng.choice(self.communes)
            topic = rng.choices(list(TOPIC_WEIGHTS), weights=list(TOPIC_WEIGHTS.values()))[0]
            if topic == Topic.ENVIRONMENT and commune.code == RISING_COMMUNE:
                topic = Topic.OTHER  # the planted rising topic is the only environmental matter there
            self.letter(received, commune, topic)
        self.plant_crowd()
        self.plant_rising()
        self.plant_prolonged()

    def letter(
        self,
        received: datetime.date,
        commune: _Commune,
        topic: str,
        *,
        kind: str = "",
        summary: str = "",
        address: str = "",
        signer: tuple[str, int, str] | None = None,
        source: str = "",
        at_city: bool | None = None,
        decide: str | None = "auto",
        outcome: str = "auto",
    ) -> list[Letter]:
        """Plan one letter: its registration, its decision and, for a task, its course. Returns a list the letter
        is appended to once created (for the planted cases that need it)."""
        rng = self.rng
        made: list[Letter] = []
        address = address or self.place(commune)
        if not summary:
            kind, summary = self.summary(topic, address)
            if kind == LetterKind.KHIEU_NAI_1 and rng.random() < 0.15:
                kind = LetterKind.MIXED
        main_kind = PetitionKind.KHIEU_NAI_1 if kind == LetterKind.MIXED else ""
        if signer is None:
            roll = rng.random()
            if roll < 0.8:
                signer = (SignerKind.ONE, 1, self.citizen())
            elif roll < 0.9:
                signer = (SignerKind.SEVERAL, rng.randint(2, 4), self.citizen())
            elif roll < 0.98:
                signer = (SignerKind.ANONYMOUS, 1, "")
            else:
                signer = (SignerKind.FALSE_NAME, 1, self.citizen())
        signer_kind, signer_count, signer_name = signer
        source = source or rng.choices(list(SOURCE_WEIGHTS), weights=list(SOURCE_WEIGHTS.values()))[0]
        if signer_kind == SignerKind.ANONYMOUS and source == LetterSource.IN_PERSON:
            source = LetterSource.POST
        city = at_city if at_city is not None else rng.random() < 0.4
        code = CITY_OFFICE if city else commune.code
        account = self.people["vanphong"] if city else self.account(commune.code, "cv1")
        against = topic == Topic.PARTY_MEMBERS
        data = LetterInput(
            unit_id=self.units[code].pk,
            source=source,
            forwarded_by=rng.choice(FORWARDERS) if source == LetterSource.FORWARDED else "",
            signer_kind=signer_kind,
            signer_count=signer_count,
            signer_name=signer_name,
            signer_address=address if signer_kind != SignerKind.ANONYMOUS else "",
            kind=kind,
            main_kind=main_kind,
            summary=summary,
            topic=topic,
            against_party_member=against,
            address=address,
            commune_id=self.units[commune.code].pk,
            received_on=received,
        )

        def create() -> None:
            self.numbers[code] = self.numbers.get(code, 0) + 1
            numbered = dataclasses.replace(data, incoming_number=f"{self.numbers[code]:04d}")
            made.append(letter_create(acting_user=account, data=numbered))
            self.result.letters += 1

        registered = received
        self.at(registered, create)
        if decide is None:
            return made
        kept = kept_for_information(
            kind=kind, main_kind=main_kind, signer_kind=signer_kind, topic=topic, against_party_member=against
        )
        if decide == "auto":
            roll = rng.random()
            if kept or (signer_kind == SignerKind.ANONYMOUS and roll < 0.5):
                decide = Decision.KEEP
            elif roll < 0.38:
                decide = Decision.HANDLE if not city else Decision.FORWARD
            elif roll < 0.5:
                decide = "outside"
            elif roll < 0.9:
                decide = Decision.GUIDE
            else:
                decide = Decision.KEEP
        decided = max(self.wd(registered, rng.randint(1, 3)), registered)
        if decided > self.today or (decided >= self.wd(self.today, -1) and rng.random() < 0.7):
            return made  # the last days' letters wait for their decision
        self.at(decided, lambda: self.decide(made, city, commune, decide or "", outcome))
        return made

    def decide(self, made: list[Letter], city: bool, commune: _Commune, decision: str, outcome: str) -> None:
        letter = made[0]
        rng = self.rng
        who = self.people["vanphong"] if city else self.account(commune.code, "bithu")
        issuer = "VPTU" if city else "ĐU"
        ward = self.units[commune.code]
        if decision in (Decision.HANDLE, Decision.FORWARD):
            complaint = letter.deadline_kind in (PetitionKind.KHIEU_NAI_1, PetitionKind.KHIEU_NAI_2)
            data = DecisionInput(
                decision=decision,
                forward_unit_id=ward.pk if decision == Decision.FORWARD else None,
                document_number=self.number(issuer, "CV") if decision == Decision.FORWARD else "",
                lead_unit_id=ward.pk,
                officer_id=self.account(commune.code, "cv1").pk,
                product=LetterProduct.DECISION if complaint else LetterProduct.ANSWER,
                authority_unit_id=self.units[STANDING].pk if city else ward.pk,
            )
        elif decision == "outside":
            data = DecisionInput(
                decision=Decision.FORWARD,
                forward_body=rng.choice(OUTSIDE_BODIES).format(name=commune.name[0].lower() + commune.name[1:]),
                document_number=self.number(issuer, "CV"),
            )
        elif decision == Decision.GUIDE:
            data = DecisionInput(decision=Decision.GUIDE, document_number=self.number(issuer, "HD"))
        else:
            data = DecisionInput(decision=Decision.KEEP, note="Lưu đơn để theo dõi, tham khảo.")
        decided = letter_decide(acting_user=who, letter=letter, data=data)
        if decided.task_id is None:
            return
        self.result.tasks += 1
        task = decided.task or Task.objects.get(pk=decided.task_id)
        self.plan_task(task, city, commune, outcome)

    def plan_task(self, task: Task, city: bool, commune: _Commune, outcome: str) -> None:
        rng = self.rng
        due = task.due_date or self.today
        issued = task.issued_on or self.today
        accepted = self.wd(issued, 1)
        head = self.account(commune.code, "bithu")
        officer = self.account(commune.code, "cv1")
        approver = self.people[STANDING_APPROVER] if city else head
        if outcome == "auto":
            roll = rng.random()
            outcome = "pending" if roll < 0.1 else "late" if roll < 0.25 else "on_time"
        self.at(accepted, lambda: task_accept(acting_user=head, task=task))
        if outcome == "pending":
            return
        if outcome == "late":
            submitted = self.wd(due, rng.randint(1, 8))
        else:
            submitted = max(self.wd(due, -rng.randint(0, 4)), self.wd(accepted, 1))
        note = (
            "Văn bản trả lời người gửi đơn." if task.product_kind != "decision" else "Quyết định giải quyết khiếu nại."
        )
        self.at(
            submitted,
            lambda: task_submit(
                acting_user=officer,
                task=task,
                product_note=note,
                product_ref=self.number("VPTU" if city else "ĐU", "CV" if task.product_kind != "decision" else "QĐ"),
            ),
        )
        self.at(self.wd(submitted, rng.choice((1, 2))), lambda: task_approve(acting_user=approver, task=task))

    # --- planted cases ---------------------------------------------------------------------------------------
    def plant_crowd(self) -> None:
        """(a) A group visit of nine households on the ward Secretary's day, and their letter with fourteen
        signers on the same matter, in phường Kim Long in the last weeks."""
        commune = self.by_code.get(CROWD_COMMUNE)
        if commune is None:
            return
        day = self.working(self.today - datetime.timedelta(days=12))
        secretary = self.account(CROWD_COMMUNE, "bithu")
        unit = self.units[CROWD_COMMUNE]
        self.day(CROWD_COMMUNE, secretary, day, {}, note="Đoàn đông người đến trong ngày tiếp định kỳ.")

        def visit() -> None:
            reception_create(
                acting_user=self.account(CROWD_COMMUNE, "cv1"),
                data=ReceptionInput(
                    unit_id=unit.pk,
                    received_on=day,
                    receiver_kind="leader",
                    receiving_leader_id=secretary.pk,
                    citizen_name="Hoàng Văn Tứ",
                    citizen_address=CROWD_ADDRESS,
                    people_count=9,
                    is_group=True,
                    representatives="Hoàng Văn Tứ, Lê Thị Hường, Phan Văn Mẫn",
                    summary=CROWD_SUMMARY,
                    kind=LetterKind.KHIEU_NAI_1,
                    handled_by="Ủy ban nhân dân phường Hương Long (năm 2024)",
                    competence=Competence.IN,
                    guidance=Guidance.NONE,
                    outcome="Bí thư Đảng ủy phường tiếp đoàn, tiếp nhận đơn; giao Văn phòng Đảng ủy tham mưu xử lý.",
                    commune_id=unit.pk,
                ),
            )
            self.result.receptions += 1

        self.at(day, visit)
        self.letter(
            day,
            commune,
            Topic.COMPENSATION,
            kind=LetterKind.KHIEU_NAI_1,
            summary=CROWD_SUMMARY,
            address=CROWD_ADDRESS,
            signer=(SignerKind.SEVERAL, 14, "Hoàng Văn Tứ"),
            source=LetterSource.IN_PERSON,
            at_city=False,
            decide=Decision.HANDLE,
            outcome="pending",
        )

    def plant_rising(self) -> None:
        """(b) Environmental letters about Phú Bài industrial park: two in the twelve weeks before the last four,
        eight in the last four weeks."""
        commune = self.by_code.get(RISING_COMMUNE)
        if commune is None:
            return
        days = [self.today - datetime.timedelta(days=d) for d in (75, 50)]
        days += [self.today - datetime.timedelta(days=d) for d in (25, 22, 19, 15, 11, 8, 5, 2)]
        for i, day in enumerate(days):
            received = day if self.cal.is_working_day(day) else self.wd(day, -1)
            text = RISING_SUMMARIES[i % len(RISING_SUMMARIES)].format(n=3 + i)
            address = f"Tổ {3 + i}, phường Phú Bài, thị xã Hương Thủy"
            kind = LetterKind.KIEN_NGHI if text.startswith("Kiến nghị") else LetterKind.PHAN_ANH
            self.letter(
                received,
                commune,
                Topic.ENVIRONMENT,
                kind=kind,
                summary=text,
                address=address,
                at_city=i % 3 == 0,
                outcome="pending" if i >= 6 else "on_time",
            )

    def plant_prolonged(self) -> None:
        """(c) A complaint answered months ago, written again in the last weeks with the same content."""
        commune = self.by_code.get(PROLONGED_COMMUNE)
        if commune is None:
            return
        first = self.working(self.today - datetime.timedelta(days=210))
        again = self.working(self.today - datetime.timedelta(days=16))
        if first < self.start:
            return
        signer = (SignerKind.ONE, 1, PROLONGED_NAME)
        self.letter(
            first,
            commune,
            Topic.LAND,
            kind=LetterKind.KHIEU_NAI_1,
            summary=PROLONGED_SUMMARY,
            address=PROLONGED_ADDRESS,
            signer=signer,
            source=LetterSource.POST,
            at_city=False,
            decide=Decision.HANDLE,
            outcome="on_time",
        )
        self.letter(
            again,
            commune,
            Topic.LAND,
            kind=LetterKind.KHIEU_NAI_1,
            summary=PROLONGED_AGAIN,
            address=PROLONGED_ADDRESS,
            signer=signer,
            source=LetterSource.POST,
            at_city=True,
            decide=None,
        )


def load_demo_petitions_year(today: datetime.date) -> YearResult:
    """Plan and take every step of the demo's year of petitions (the caller holds the transaction and checks that
    the demo's petitions are not loaded yet)."""
    units = {u.code: u for u in Unit.objects.filter(valid_to__isnull=True)}
    people = {u.username: u for u in User.objects.filter(is_active=True)}
    if "TU" not in units or "bithu" not in people or CITY_OFFICE not in units:
        return YearResult()
    year = _Year(today=today, units=units, people=people)
    held = year.plan_days()
    year.plan_visits(held)
    year.plan_letters()
    year.run()
    return year.result
