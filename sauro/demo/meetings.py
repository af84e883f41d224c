"""Demo meetings for the Huế demo (``data/meetings.json``, issue 18): a register the dashboard can compare with the
same quarter of last year, whatever day the demo is loaded on, and two conclusions — the January 2026 conference's
notice (TB 01/TU, registered by the directives demo, whose tasks the tasks demo issues) and a notice of the Ban
Thường vụ this quarter.

``load_demo_meetings`` is idempotent (a meeting of the same host, day and title is not registered again) and writes
through ``meetings.services``, attributed to the office's demo account, so the journal records it. It needs the demo
organisation and directives (``sauro.demo.loader.load_demo``).
"""

from __future__ import annotations

import datetime
import functools
import json
from dataclasses import dataclass
from typing import Any

from django.db import transaction

from sauro.accounts.models import User
from sauro.common import clock
from sauro.demo.paths import DATA_DIR
from sauro.directives.models import Directive
from sauro.meetings.models import Meeting
from sauro.meetings.selectors import quarter_key_of, quarter_window, year_before
from sauro.meetings.services import (
    ConclusionInput,
    MeetingInput,
    meeting_create,
    meeting_link_conclusion,
    meeting_record_conclusion,
)
from sauro.org.models import Unit

MEETINGS_FILE = DATA_DIR / "meetings.json"


@functools.cache
def _data() -> dict[str, Any]:
    data: dict[str, Any] = json.loads(MEETINGS_FILE.read_text(encoding="utf-8"))
    return data


def held_on(raw: dict[str, Any], today: datetime.date) -> datetime.date:
    """The day of a demo meeting: its ``date``, or ``day_in_quarter`` days into today's quarter (at the latest
    today), a year earlier with ``last_year``."""
    if "date" in raw:
        return datetime.date.fromisoformat(raw["date"])
    start, _end, _label = quarter_window(quarter_key_of(today))
    day = min(start + datetime.timedelta(days=int(raw["day_in_quarter"])), today)
    return year_before(day) if raw.get("last_year") else day


def notice_summaries() -> set[str]:
    """The summaries of the notices this demo registers itself (beside the directives demo's tree)."""
    return {raw["conclusion"]["summary"] for raw in _data()["meetings"] if raw.get("conclusion")}


@dataclass
class DemoMeetingsResult:
    created: int = 0
    conclusions: int = 0


def load_demo_meetings() -> DemoMeetingsResult:
    """Register the demo's meetings and their conclusions that are not there yet; safe to call again."""
    result = DemoMeetingsResult()
    data = _data()
    today = clock.today()
    with transaction.atomic():
        office = User.objects.filter(username=data["office_account"], is_active=True).first()
        codes = {code for raw in data["meetings"] for code in [raw["host"], *raw["units"]]}
        units = {u.code: u for u in Unit.objects.filter(code__in=codes)}
        people = {u.username: u for u in User.objects.filter(username__in={raw["chair"] for raw in data["meetings"]})}
        for raw in data["meetings"]:
            day = held_on(raw, today)
            host, chair = units.get(raw["host"]), people.get(raw["chair"])
            if host is None or chair is None or not host.is_active_on(day) or day > today:
                continue
            if Meeting.objects.filter(host_unit=host, held_on=day, title=raw["title"]).exists():
                continue
            meeting = meeting_create(
                acting_user=office,
                data=MeetingInput(
                    kind=raw["kind"],
                    title=raw["title"],
                    held_on=day,
                    host_unit_id=host.pk,
                    chair_id=chair.pk,
                    duration_minutes=raw["minutes"],
                    attendees=raw["attendees"],
                    unit_ids=[units[c].pk for c in raw["units"] if c in units and units[c].is_active_on(day)],
                    could_be_document=bool(raw.get("could_be_document")),
                    document_note=raw.get("document_note", ""),
                ),
            )
            result.created += 1
            if _conclude(office, meeting, raw, today):
                result.conclusions += 1
    return result


def _conclude(office: User | None, meeting: Meeting, raw: dict[str, Any], today: datetime.date) -> bool:
    linked = raw.get("conclusion_directive")
    if linked:
        directive = Directive.objects.filter(
            kind=linked["kind"], number=linked["number"], issuer_code=linked["issuer_code"]
        ).first()
        if directive is None or Meeting.objects.filter(conclusion=directive).exists():
            return False
        meeting_link_conclusion(acting_user=office, meeting=meeting, directive_id=directive.pk)
        return True
    notice = raw.get("conclusion")
    if not notice:
        return False
    issued_on = min(meeting.held_on + datetime.timedelta(days=int(notice["days_after"])), today)
    meeting_record_conclusion(
        acting_user=office,
        meeting=meeting,
        data=ConclusionInput(
            issuer_code=notice["issuer_code"],
            issued_on=issued_on,
            summary=notice["summary"],
            signer=notice.get("signer", ""),
        ),
    )
    return True
