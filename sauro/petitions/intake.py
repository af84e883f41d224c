"""The intake of letters from other systems (issue 19, point 9): the city's citizen app, the state's petition system
or a mail gateway submit kiến nghị and phản ánh, and follow their status, through the Open311 GeoReport v2 API
(``petitions.open311``; docs/petitions.md "Intake API").

- **The services offered** (``intake_services``): one per kind (kiến nghị, phản ánh) and topic of the register,
  coded ``<kind>.<topic>`` (``kien_nghi.land``). Only these two kinds come in this way: a complaint or a
  denunciation has its own formal requirements (a signed letter, the law on complaints or denunciations).
- **Submitting** (``intake_request_create``): an integration account (a user with an API token and a membership
  that may register letters) submits under an idempotency key; the letter is registered through
  ``services.letter_create`` (journalled ``letter.create``) in the register of ``intake_unit`` — the unit named by
  the setting ``SAURO_PETITIONS_INTAKE_UNIT`` (a unit code), else the account's own unit — and the request is kept
  as an ``IntakeRequest`` (journalled ``intakerequest.create``) in the same transaction. The same key with the same
  body gives back the same request without a second letter; with another body it is refused (422).
- **Following** (``intake_letters``, ``intake_letter_get``): an account sees the requests it submitted itself, and
  only while the letters' gate (``access.letters_visible_to``) lets it see their letters; the Open311 status is
  ``open`` until the letter's derived state (``selectors.letter_state_expr``) closes it.
"""

from __future__ import annotations

import dataclasses
import datetime
import hashlib
import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import QuerySet
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from sauro.accounts.models import User
from sauro.audit.services import audit_record
from sauro.common import clock
from sauro.common.calendar import WorkCalendar, current_calendar
from sauro.common.errors import PermissionDeniedError, ValidationFailed
from sauro.org.access import membership_rank
from sauro.org.models import Membership, Unit
from sauro.petitions.access import letters_visible_to, may_register
from sauro.petitions.choices import DeadlineKey, LetterSource, LetterState, PetitionKind, SignerKind, Topic
from sauro.petitions.deadlines import Rule, compute_deadlines
from sauro.petitions.models import IntakeRequest, Letter
from sauro.petitions.rules import kept_for_information
from sauro.petitions.selectors import deadline_rules, letter_state_expr
from sauro.petitions.services import LetterInput, letter_create, statutory_due

# The kinds of letters other systems may submit, and the sources they may say the letter came from.
INTAKE_KINDS: tuple[str, ...] = (PetitionKind.KIEN_NGHI, PetitionKind.PHAN_ANH)
INTAKE_SOURCES: tuple[str, ...] = (LetterSource.CITIZEN_APP, LetterSource.EMAIL, LetterSource.OTHER_SYSTEM)
# Open311's two statuses: a letter is open while it waits for a decision or its task runs.
OPEN_STATES: frozenset[str] = frozenset({LetterState.RECEIVED, LetterState.ASSIGNING, LetterState.IN_HANDLING})
# At most this many requests in one answer of ``GET requests`` (Open311's own limit), the newest first; by default
# those received in the last ``DEFAULT_WINDOW_DAYS`` days.
MAX_REQUESTS = 1000
DEFAULT_WINDOW_DAYS = 90
MAX_DESCRIPTION = 4000
MAX_KEY = 255

ERR_SERVICE = _("Mã dịch vụ không hợp lệ: chỉ tiếp nhận kiến nghị, phản ánh (xem GET services).")
ERR_SOURCE = _("Nguồn đơn không hợp lệ: citizen_app, email hoặc other_system.")
ERR_LOCATION = _("Hãy cho biết nơi phát sinh vụ việc: địa chỉ (address_string) hoặc tọa độ (lat và long).")
ERR_LAT_LONG_PAIR = _("Tọa độ cần cả vĩ độ (lat) và kinh độ (long).")
ERR_LAT = _("Vĩ độ phải từ -90 đến 90.")
ERR_LONG = _("Kinh độ phải từ -180 đến 180.")
ERR_DESCRIPTION = _("Hãy ghi nội dung kiến nghị, phản ánh (tối đa {max} ký tự).")
ERR_KEY = _("Thiếu khóa chống gửi trùng (tiêu đề Idempotency-Key, tối đa {max} ký tự in được).")
ERR_KEY_REUSED = _(
    "Khóa chống gửi trùng (Idempotency-Key) này đã được dùng cho một yêu cầu có nội dung khác "
    "(yêu cầu số {request_id}). Hãy dùng một khóa mới cho mỗi yêu cầu mới."
)
ERR_NO_INTAKE_UNIT = _(
    "Tài khoản tích hợp này không được vào sổ đơn thư của đơn vị nào: hãy giao cho tài khoản một vai trò cán bộ "
    "của đơn vị nhận đơn, hoặc cấu hình SAURO_PETITIONS_INTAKE_UNIT."
)
ERR_INTAKE_UNIT_SETTING = _(
    "Đơn vị nhận đơn qua API (SAURO_PETITIONS_INTAKE_UNIT = “{code}”) không tồn tại, không còn hoạt động hoặc tài "
    "khoản tích hợp này không được vào sổ đơn thư của đơn vị đó."
)
MSG_NOTICE = _("Đã tiếp nhận {kind}, đơn vị nhận: {unit}.")
MSG_NOTICE_DEADLINE = _(" Thời hạn xử lý đơn: {day}.")


# --- the services offered --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class IntakeService:
    """One Open311 service: letters of ``kind`` about ``topic``."""

    code: str
    kind: str
    topic: str
    name: str
    group: str
    keywords: str
    description: str


def service_code(kind: str, topic: str) -> str:
    return f"{kind}.{topic}"


SERVICE_CODES: tuple[str, ...] = tuple(service_code(k, t) for k in INTAKE_KINDS for t in Topic.values)


def parse_service_code(code: str) -> tuple[str, str]:
    """The kind and topic of a service code, or ``ValidationFailed`` on ``service_code``."""
    if code not in SERVICE_CODES:
        raise ValidationFailed(str(ERR_SERVICE), fields={"service_code": str(ERR_SERVICE)})
    kind, topic = code.split(".", 1)
    return kind, topic


def _handling_rule(rules: Iterable[Rule], kind: str, day: datetime.date) -> Rule | None:
    """The handling period of ``kind`` in force on ``day`` for a normal case (what the service's description says)."""
    for rule in rules:
        if (
            rule.kind == kind
            and rule.key == DeadlineKey.HANDLING
            and rule.complexity == "normal"
            and not rule.remote
            and rule.effective_from <= day
            and (rule.effective_to is None or day <= rule.effective_to)
        ):
            return rule
    return None


def intake_services() -> list[IntakeService]:
    """The services offered, kind by kind and topic by topic, each describing the handling period of the rule book
    in force today (one query)."""
    rules = deadline_rules()
    today = clock.today()
    found: list[IntakeService] = []
    for kind in INTAKE_KINDS:
        kind_label = str(PetitionKind(kind).label)
        rule = _handling_rule(rules, kind, today)
        period = f" Thời hạn xử lý đơn: {rule.describe()}." if rule else ""
        for topic in Topic.values:
            topic_label = str(Topic(topic).label)
            found.append(
                IntakeService(
                    code=service_code(kind, topic),
                    kind=kind,
                    topic=topic,
                    name=f"{kind_label} — {topic_label}",
                    group=topic_label,
                    keywords=", ".join([kind_label.lower(), *(w.strip().lower() for w in topic_label.split(","))]),
                    description=f"{kind_label} về lĩnh vực “{topic_label.lower()}” gửi cấp ủy.{period}",
                )
            )
    return found


def service_name(code: str) -> str:
    """The name of a service by its code ("" for a code no longer offered)."""
    if code not in SERVICE_CODES:
        return ""
    kind, topic = code.split(".", 1)
    return f"{PetitionKind(kind).label} — {Topic(topic).label}"


# --- submitting -------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class IntakeInput:
    """A request as Open311 carries it (``POST requests``), with the source of the letter."""

    service_code: str
    description: str
    lat: float | None = None
    long: float | None = None
    address_string: str = ""
    first_name: str = ""
    last_name: str = ""
    email: str = ""
    phone: str = ""
    media_url: str = ""
    source: str = LetterSource.CITIZEN_APP


def fingerprint(data: IntakeInput) -> str:
    """The SHA-256 of the request's content, in a canonical form: what "the same body" means for a key."""
    canonical = json.dumps(dataclasses.asdict(data), sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(canonical.encode()).hexdigest()


def _refuse(name: str, message: str) -> ValidationFailed:
    return ValidationFailed(message, fields={name: message})


def _clean(value: str) -> str:
    return " ".join((value or "").split())


def _validate(data: IntakeInput) -> tuple[str, str]:
    kind, topic = parse_service_code(data.service_code)
    if data.source not in INTAKE_SOURCES:
        raise _refuse("source", str(ERR_SOURCE))
    description = (data.description or "").replace("\r\n", "\n").strip()
    if not description or len(description) > MAX_DESCRIPTION:
        raise _refuse("description", str(ERR_DESCRIPTION).format(max=MAX_DESCRIPTION))
    if (data.lat is None) != (data.long is None):
        raise _refuse("lat" if data.lat is None else "long", str(ERR_LAT_LONG_PAIR))
    if data.lat is not None and not -90 <= data.lat <= 90:
        raise _refuse("lat", str(ERR_LAT))
    if data.long is not None and not -180 <= data.long <= 180:
        raise _refuse("long", str(ERR_LONG))
    if data.lat is None and not _clean(data.address_string):
        raise _refuse("address_string", str(ERR_LOCATION))
    return kind, topic


def intake_unit(user: User) -> Unit:
    """The unit whose register receives the letters ``user`` submits: the unit of ``SAURO_PETITIONS_INTAKE_UNIT``
    (a unit code) when set, else the first of the user's units in force (``org.access.membership_rank``) where they
    may register letters. ``PermissionDeniedError`` when there is none, or the setting names a unit they may not
    register in."""
    today = clock.today()
    code = str(getattr(settings, "SAURO_PETITIONS_INTAKE_UNIT", "") or "")
    if code:
        unit = Unit.objects.filter(code=code).first()
        if unit is None or not unit.is_active_on(today) or not may_register(user, unit):
            raise PermissionDeniedError(str(ERR_INTAKE_UNIT_SETTING).format(code=code), code="intake_unit")
        return unit
    memberships = Membership.objects.active_on(today).filter(person=user).select_related("unit")
    for membership in sorted(memberships, key=membership_rank):
        if membership.unit.is_active_on(today) and may_register(user, membership.unit):
            return membership.unit
    raise PermissionDeniedError(str(ERR_NO_INTAKE_UNIT), code="intake_unit")


def intake_snapshot(x: IntakeRequest) -> dict[str, object]:
    return {
        "letter_id": x.letter_id,
        "user_id": x.user_id,
        "idempotency_key": x.idempotency_key,
        "fingerprint": x.fingerprint,
        "service_code": x.service_code,
        "lat": x.lat,
        "long": x.long,
        "media_url": x.media_url,
        "email": x.email,
        "phone": x.phone,
    }


def _existing(user: User, key: str) -> IntakeRequest | None:
    return IntakeRequest.objects.select_related("letter", "letter__unit").filter(user=user, idempotency_key=key).first()


def _replay(existing: IntakeRequest, digest: str) -> IntakeRequest:
    if existing.fingerprint != digest:
        message = str(ERR_KEY_REUSED).format(request_id=existing.letter_id)
        raise ValidationFailed(message, code="idempotency_key_reused", fields={"Idempotency-Key": message})
    return existing


@transaction.atomic
def _create(acting_user: User, data: IntakeInput, key: str, digest: str) -> IntakeRequest:
    kind, topic = _validate(data)
    unit = intake_unit(acting_user)
    name = _clean(f"{data.last_name} {data.first_name}")[:255]
    letter = letter_create(
        acting_user=acting_user,
        data=LetterInput(
            unit_id=unit.pk,
            source=data.source,
            signer_kind=SignerKind.ONE if name else SignerKind.ANONYMOUS,
            signer_name=name,
            kind=kind,
            topic=topic,
            summary=data.description,
            address=data.address_string,
            received_on=clock.today(),
        ),
    )
    intake = IntakeRequest.objects.create(
        letter=letter,
        user=acting_user,
        idempotency_key=key,
        fingerprint=digest,
        service_code=data.service_code,
        lat=data.lat,
        long=data.long,
        media_url=data.media_url.strip()[:2000],
        email=data.email.strip()[:254],
        phone=_clean(data.phone)[:30],
    )
    audit_record(
        acting_user=acting_user,
        action="intakerequest.create",
        obj=intake,
        unit_id=letter.unit_id,
        summary=f"Tiếp nhận qua API: {letter} ({data.service_code})"[:500],
        after=intake_snapshot(intake),
    )
    return intake


def intake_request_create(*, acting_user: User, data: IntakeInput, idempotency_key: str) -> tuple[IntakeRequest, bool]:
    """Register a kiến nghị or phản ánh submitted by another system, once per idempotency key: returns the request
    and whether it was created now. The same key (of the same account) with the same content returns the request
    made the first time and writes nothing; with another content it is refused (``idempotency_key_reused``, 422).
    Two calls racing with one key make one letter: the second waits for the first's unique key and replays it."""
    key = (idempotency_key or "").strip()
    if not key or len(key) > MAX_KEY:
        raise _refuse("Idempotency-Key", str(ERR_KEY).format(max=MAX_KEY))
    digest = fingerprint(data)
    existing = _existing(acting_user, key)
    if existing is not None:
        return _replay(existing, digest), False
    try:
        return _create(acting_user, data, key, digest), True
    except IntegrityError:
        existing = _existing(acting_user, key)
        if existing is None:
            raise
        return _replay(existing, digest), False


# --- following ---------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class IntakeFilters:
    """What ``GET requests`` filters on: ids (then nothing else), a service, an Open311 status, the time submitted."""

    ids: Sequence[int] = ()
    service_code: str = ""
    status: str = ""
    start: datetime.datetime | None = None
    end: datetime.datetime | None = None


def _intake_letters(user: User) -> QuerySet[Letter]:
    """The letters ``user`` submitted through the intake and still sees, with their state and what a request
    shows."""
    return (
        letters_visible_to(user)
        .filter(intake__user=user)
        .annotate(state=letter_state_expr())
        .select_related("intake", "unit", "forward_unit", "task", "task__lead_unit")
    )


def intake_letters(*, user: User, filters: IntakeFilters | None = None) -> list[Letter]:
    """The requests ``user`` submitted, newest first, at most ``MAX_REQUESTS``: those of ``ids`` when given, else
    those matching the filters, submitted in the last ``DEFAULT_WINDOW_DAYS`` days when no time is given. One
    query."""
    f = filters or IntakeFilters()
    qs = _intake_letters(user)
    if f.ids:
        qs = qs.filter(pk__in=list(f.ids))
    else:
        if f.start is None and f.end is None:
            qs = qs.filter(intake__created_at__gte=clock.now() - datetime.timedelta(days=DEFAULT_WINDOW_DAYS))
        if f.start is not None:
            qs = qs.filter(intake__created_at__gte=f.start)
        if f.end is not None:
            qs = qs.filter(intake__created_at__lte=f.end)
        if f.service_code:
            qs = qs.filter(intake__service_code=f.service_code)
        # ``state`` is the annotation of ``_intake_letters``.
        open_states = {"state__in": sorted(OPEN_STATES)}
        if f.status == "open":
            qs = qs.filter(**open_states)
        elif f.status == "closed":
            qs = qs.exclude(**open_states)
    return list(qs.order_by("-intake__created_at", "-id")[:MAX_REQUESTS])


def intake_letter_get(*, user: User, letter_id: int) -> Letter:
    """One request ``user`` submitted (by its letter's id), or 404."""
    letter = _intake_letters(user).filter(pk=letter_id).first()
    if letter is None:
        raise Http404
    return letter


def open311_status(letter: Letter) -> str:
    """``open`` or ``closed`` from the letter's derived state (annotated ``state``)."""
    return "open" if letter.state in OPEN_STATES else "closed"  # type: ignore[attr-defined]


def status_notes(letter: Letter) -> str:
    """The letter's state in words, with where it went when forwarded out of the organisation."""
    state = LetterState(letter.state)  # type: ignore[attr-defined]
    notes = str(state.label)
    if state == LetterState.FORWARDED and letter.forward_body:
        notes += f": {letter.forward_body}"
    if letter.decided_on and state not in (LetterState.RECEIVED,):
        notes += f" (ngày {letter.decided_on:%d/%m/%Y})"
    return notes


def agency_responsible(letter: Letter) -> str:
    """Who answers now: the task's lead unit, the unit or body it was forwarded to, else the receiving unit."""
    if letter.task is not None and letter.task.lead_unit is not None:
        return letter.task.lead_unit.name
    if letter.forward_unit is not None:
        return letter.forward_unit.name
    return letter.forward_body or letter.unit.name


def updated_at(letter: Letter) -> datetime.datetime:
    """The last change of the letter or of its task (whose state the letter's follows), never before the request
    was received (the letter is saved a moment before its request)."""
    moments = [letter.updated_at, letter.intake.created_at]
    if letter.task is not None:
        moments.append(letter.task.updated_at)
    return max(moments)


class DeadlineBook:
    """The statutory deadline of many letters from one read of the rule book and the calendar (no query per
    letter): ``services.statutory_due`` of ``selectors.letter_deadlines_of``."""

    def __init__(self) -> None:
        self.rules: dict[str, list[Rule]] = {}
        for rule in deadline_rules():
            self.rules.setdefault(rule.kind, []).append(rule)
        self.calendar: WorkCalendar = current_calendar()

    def due(self, letter: Letter) -> datetime.date | None:
        if kept_for_information(
            kind=letter.kind,
            main_kind=letter.main_kind,
            signer_kind=letter.signer_kind,
            topic=letter.topic,
            against_party_member=letter.against_party_member,
        ):
            return None
        try:
            deadlines = compute_deadlines(
                self.rules.get(letter.deadline_kind, []),
                kind=letter.deadline_kind,
                received=letter.received_on,
                accepted=letter.accepted_on,
                complexity=letter.complexity,
                remote=letter.remote,
                calendar=self.calendar,
            )
        except ValueError:  # a broken rule book (RuleBookError) gives no deadline, as on the letter's page
            return None
        found = statutory_due(deadlines)
        return found[1] if found else None


def end_of_day(day: datetime.date) -> datetime.datetime:
    """A deadline day as Open311's ``expected_datetime``: the end of that day in Vietnam."""
    return datetime.datetime.combine(day, datetime.time(23, 59, 59), tzinfo=timezone.get_default_timezone())


def notice(letter: Letter, due: datetime.date | None) -> str:
    """The ``service_notice`` of a submitted request."""
    text = str(MSG_NOTICE).format(kind=letter.get_kind_display().lower(), unit=letter.unit.name)
    if due is not None:
        text += str(MSG_NOTICE_DEADLINE).format(day=f"{due:%d/%m/%Y}")
    return text


def parse_ids(value: str) -> list[int]:
    """``"12,15"`` → ``[12, 15]`` (the schema's pattern has already checked the form)."""
    return [int(part) for part in value.split(",") if part.strip()]
