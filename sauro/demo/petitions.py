"""Demo petitions for the Huế demo (``data/petitions.json``, issue 19): the leaders' reception days of last month and
this one (so the month's figure has a Secretary who did not hold enough), two visits of the reception register (one
a group of six on a ward Secretary's day) and five letters — forwarded to a ward as a task, handled in a ward as a
task, an anonymous denunciation of a Party member kept for information, one guided back, one not yet decided.

``load_demo_petitions`` is idempotent (a register that already holds a row of the demo is not filled again) and writes
through ``petitions.services`` as the demo's accounts, so the journal records every row. It needs the demo
organisation (``sauro.demo.loader.load_demo``)."""

from __future__ import annotations

import calendar
import datetime
import functools
import json
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.utils import timezone

from sauro.accounts.models import User
from sauro.common import clock
from sauro.demo.paths import DATA_DIR
from sauro.demo.petitions_year import load_demo_petitions_year
from sauro.demo.timing import clock_at
from sauro.org.models import Unit
from sauro.petitions.models import Letter
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

PETITIONS_FILE = DATA_DIR / "petitions.json"


@functools.cache
def _data() -> dict[str, Any]:
    data: dict[str, Any] = json.loads(PETITIONS_FILE.read_text(encoding="utf-8"))
    return data


def month_day(month: int, day: int, today: datetime.date) -> datetime.date:
    """Day ``day`` of this month (``month`` 0) or of the last one (-1), at most the month's last day."""
    year, number = today.year, today.month
    if month < 0:
        year, number = (year - 1, 12) if number == 1 else (year, number - 1)
    return datetime.date(year, number, min(day, calendar.monthrange(year, number)[1]))


@dataclass
class DemoPetitionsResult:
    reception_days: int = 0
    receptions: int = 0
    letters: int = 0
    tasks: int = 0


def load_demo_petitions() -> DemoPetitionsResult:
    """Fill the demo's petitions register once; nothing when it already holds the demo's rows."""
    result = DemoPetitionsResult()
    data = _data()
    today = clock.today()
    with transaction.atomic():
        if Letter.objects.filter(summary=data["letters"][0]["summary"]).exists():
            return result
        names = {data["office_account"]}
        for raw in [*data["reception_days"], *data["receptions"], *data["letters"]]:
            names |= {raw.get(k) for k in ("leader", "account", "receiver") if raw.get(k)}
            decision = raw.get("decision") or {}
            names |= {decision[k] for k in ("officer",) if decision.get(k)}
        people = {u.username: u for u in User.objects.filter(username__in=names, is_active=True)}
        units = {u.code: u for u in Unit.objects.filter(valid_to__isnull=True)}
        for raw in data["reception_days"]:
            day = month_day(int(raw["month"]), int(raw["day"]), today)
            unit, leader = units.get(raw["unit"]), people.get(raw["leader"])
            if unit is None or leader is None:
                continue
            state = raw["state"] if day <= today else "planned"
            reception_day_create(
                acting_user=None,
                data=ReceptionDayInput(
                    unit_id=unit.pk, leader_id=leader.pk, day=day, state=state, note=raw.get("note", "")
                ),
            )
            result.reception_days += 1
        for raw in data["receptions"]:
            result.receptions += _reception(raw, units, people, today)
        # One moment for the hand-written letters: a task drafted from a letter and its journal's first event carry
        # the same time (two calls of the real clock would differ by microseconds).
        # The day is the loader's ``today`` (what ``clock.today`` says, which a caller may have fixed on its own).
        with clock_at(today, timezone.localtime(clock.now()).time().replace(tzinfo=None)):
            for raw in data["letters"]:
                made, task = _letter(raw, units, people, today)
                result.letters += made
                result.tasks += task
        year = load_demo_petitions_year(today)
        result.reception_days += year.reception_days
        result.receptions += year.receptions
        result.letters += year.letters
        result.tasks += year.tasks
    return result


def _reception(raw: dict[str, Any], units: dict[str, Unit], people: dict[str, User], today: datetime.date) -> int:
    unit, account = units.get(raw["unit"]), people.get(raw["account"])
    if unit is None or account is None:
        return 0
    if "reception_day" in raw:
        day = month_day(int(raw["reception_day"]["month"]), int(raw["reception_day"]["day"]), today)
    else:
        day = today - datetime.timedelta(days=int(raw["days_ago"]))
    day = min(day, today)
    receiver = people.get(raw["receiver"]) if raw.get("receiver") else None
    fields = {
        k: raw[k]
        for k in (
            "citizen_name",
            "citizen_address",
            "people_count",
            "representatives",
            "summary",
            "kind",
            "handled_by",
            "competence",
            "guidance",
            "document_number",
            "outcome",
        )
        if k in raw
    }
    reception_create(
        acting_user=account,
        data=ReceptionInput(
            unit_id=unit.pk,
            received_on=day,
            receiver_kind="leader" if receiver else "office",
            receiving_leader_id=receiver.pk if receiver else None,
            is_group=int(raw.get("people_count", 1)) >= 5,
            **fields,
        ),
    )
    return 1


def _letter(
    raw: dict[str, Any], units: dict[str, Unit], people: dict[str, User], today: datetime.date
) -> tuple[int, int]:
    unit, account = units.get(raw["unit"]), people.get(raw["account"])
    if unit is None or account is None:
        return 0, 0
    received = today - datetime.timedelta(days=int(raw["days_ago"]))
    accepted = today - datetime.timedelta(days=int(raw["accepted_days_ago"])) if "accepted_days_ago" in raw else None
    fields = {
        k: raw[k]
        for k in (
            "source",
            "signer_kind",
            "signer_count",
            "signer_name",
            "signer_address",
            "kind",
            "topic",
            "summary",
            "address",
            "against_party_member",
        )
        if k in raw
    }
    letter = letter_create(
        acting_user=account,
        data=LetterInput(unit_id=unit.pk, received_on=received, accepted_on=accepted, **fields),
    )
    decision = raw.get("decision")
    if not decision:
        return 1, 0

    def unit_id(key: str) -> int | None:
        found = units.get(decision.get(key) or "")
        return found.pk if found else None

    officer = people.get(decision.get("officer") or "")
    decided = letter_decide(
        acting_user=account,
        letter=letter,
        data=DecisionInput(
            decision=decision["decision"],
            forward_unit_id=unit_id("forward_unit"),
            document_number=decision.get("document_number", ""),
            note=decision.get("note", ""),
            lead_unit_id=unit_id("lead_unit"),
            officer_id=officer.pk if officer else None,
            product=decision.get("product", ""),
            authority_unit_id=unit_id("authority"),
        ),
    )
    return 1, int(decided.task_id is not None)
