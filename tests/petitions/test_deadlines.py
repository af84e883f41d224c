"""The deadline engine (``sauro.petitions.deadlines``) on the shipped rule book and the statutory calendar: the issue's
worked examples, then properties over any dates, counts, suspensions and rule books (no database)."""

from __future__ import annotations

import dataclasses
import datetime

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from sauro.common.calendar import Override, WorkCalendar
from sauro.petitions.choices import COMPLEXITY_ORDER, DEADLINE_KEY_ORDER, PetitionKind
from sauro.petitions.deadlines import (
    ERR_ACCEPTED_BEFORE_RECEIVED,
    Rule,
    RuleBookError,
    Suspension,
    compute_deadlines,
    period_end,
    select_rules,
)
from tests.petitions.rulebook import DEFAULTS

D = datetime.date
CALENDAR = WorkCalendar()  # the statutory calendar: Tết 2027 in its default layout, 5–11 February


def due(kind: str, received: D, **kwargs: object) -> dict[str, D]:
    return dict(compute_deadlines(DEFAULTS, kind=kind, received=received, calendar=CALENDAR, **kwargs).due)  # type: ignore[arg-type]


# -- worked examples ------------------------------------------------------------------------------------------------


def test_a_complaint_received_before_1_july_2026_is_accepted_within_10_calendar_days() -> None:
    # Tuesday 30 June + 10 days = Friday 10 July, a working day.
    result = compute_deadlines(DEFAULTS, kind="khieu_nai_1", received=D(2026, 6, 30), calendar=CALENDAR)
    assert result.due == {"acceptance": D(2026, 7, 10)}
    assert (result.rules["acceptance"].count, result.rules["acceptance"].unit) == (10, "calendar")
    assert result.version == "2026.1"


def test_a_complaint_received_from_1_july_2026_is_accepted_within_7_working_days() -> None:
    # Wednesday 1 July: Thu 2, Fri 3, Mon 6 … Fri 10 July is the 7th working day.
    result = compute_deadlines(DEFAULTS, kind="khieu_nai_2", received=D(2026, 7, 1), calendar=CALENDAR)
    assert result.due == {"acceptance": D(2026, 7, 10)}
    assert (result.rules["acceptance"].count, result.rules["acceptance"].unit) == (7, "working")
    # A letter received on a Friday shows the two rules apart: 10 calendar days would end Monday 13 July.
    assert due("khieu_nai_1", D(2026, 7, 3)) == {"acceptance": D(2026, 7, 14)}
    assert due("khieu_nai_1", D(2026, 6, 26)) == {"acceptance": D(2026, 7, 6)}  # 6 July: 10 days, a Monday


def test_a_calendar_period_ending_on_a_sunday_ends_on_the_monday() -> None:
    assert due("khieu_nai_1", D(2026, 3, 5)) == {"acceptance": D(2026, 3, 16)}  # 15 March 2026 is a Sunday


def test_a_calendar_period_ending_on_a_holiday_ends_on_the_next_working_day() -> None:
    # 30 April and 1 May 2026 are holidays, 2–3 May a weekend.
    assert due("khieu_nai_1", D(2026, 4, 20)) == {"acceptance": D(2026, 5, 4)}
    # Accepted Monday 3 August 2026: 30 days end on Quốc khánh, 2 September; the next working day is the 3rd.
    assert due("khieu_nai_1", D(2026, 7, 27), accepted=D(2026, 8, 3))["resolution"] == D(2026, 9, 3)


def test_tet_2027() -> None:
    # Tết Đinh Mùi: Friday 5 February to Thursday 11 February 2027 off (the eve, mùng 1–4, two nghỉ bù days).
    assert due("kien_nghi", D(2027, 2, 4)) == {"handling": D(2027, 2, 25)}
    # 30 days from Wednesday 6 January end on Friday 5 February, the eve of Tết: the deadline is Friday 12.
    assert due("khieu_nai_1", D(2027, 1, 4), accepted=D(2027, 1, 6))["resolution"] == D(2027, 2, 12)
    # A denunciation received on the last working day before Tết: the 1st working day after it is Friday 12, the
    # 5th Thursday 18, the 7th Monday 22, the 10th Thursday 25.
    assert due("to_cao", D(2027, 2, 4)) == {
        "handling": D(2027, 2, 22),
        "handling_max": D(2027, 2, 25),
        "transfer": D(2027, 2, 18),
    }


def test_a_suspension_adds_its_days_back_to_a_calendar_period() -> None:
    accepted = D(2026, 8, 3)
    assert due("khieu_nai_1", D(2026, 7, 27), accepted=accepted)["resolution"] == D(2026, 9, 3)
    # 10 days paused (10–19 August): 6 days counted before, 24 after from 20 August: Saturday 12 September → Monday.
    paused = [Suspension(D(2026, 8, 10), D(2026, 8, 19))]
    assert due("khieu_nai_1", D(2026, 7, 27), accepted=accepted, suspensions=paused)["resolution"] == D(2026, 9, 14)


def test_a_suspension_adds_back_only_the_working_days_to_a_working_day_period() -> None:
    received = D(2026, 3, 2)  # Monday
    assert due("kien_nghi", received) == {"handling": D(2026, 3, 16)}
    # Thursday and Friday paused: two working days more.
    assert due("kien_nghi", received, suspensions=[Suspension(D(2026, 3, 5), D(2026, 3, 6))]) == {
        "handling": D(2026, 3, 18)
    }
    # A weekend paused, a pause before the receipt or after the deadline: nothing changes.
    for pause in (Suspension(D(2026, 3, 7), D(2026, 3, 8)), Suspension(D(2026, 2, 1), D(2026, 3, 2))):
        assert due("kien_nghi", received, suspensions=[pause]) == {"handling": D(2026, 3, 16)}
    assert due("kien_nghi", received, suspensions=[Suspension(D(2026, 3, 17), D(2026, 4, 30))]) == {
        "handling": D(2026, 3, 16)
    }


def test_a_suspension_not_yet_resumed_stops_the_clock() -> None:
    result = compute_deadlines(
        DEFAULTS,
        kind="to_cao",
        received=D(2026, 3, 2),
        accepted=D(2026, 3, 9),
        suspensions=[Suspension(D(2026, 3, 20))],
        calendar=CALENDAR,
    )
    # Handling and transfer ended before the pause; the resolution's clock stands still.
    assert result.due == {"handling": D(2026, 3, 11), "handling_max": D(2026, 3, 16), "transfer": D(2026, 3, 9)}
    assert result.stopped == ("resolution",)
    assert set(result.rules) == {"handling", "handling_max", "transfer", "resolution"}


@pytest.mark.parametrize(
    ("kind", "complexity", "remote", "days"),
    [
        ("khieu_nai_1", "normal", False, 30),
        ("khieu_nai_1", "complex", False, 45),
        ("khieu_nai_1", "very_complex", False, 45),  # the law on complaints knows only "complex"
        ("khieu_nai_1", "normal", True, 45),
        ("khieu_nai_1", "complex", True, 60),
        ("khieu_nai_2", "normal", False, 45),
        ("khieu_nai_2", "complex", False, 60),
        ("khieu_nai_2", "normal", True, 60),
        ("khieu_nai_2", "very_complex", True, 70),
        ("to_cao", "very_complex", True, 30),  # no remote rule for denunciations: the plain one
    ],
)
def test_the_resolution_period_by_complexity_and_area(kind: str, complexity: str, remote: bool, days: int) -> None:
    accepted = D(2026, 1, 5)
    result = due(kind, D(2026, 1, 2), accepted=accepted, complexity=complexity, remote=remote)
    assert result["resolution"] == CALENDAR.deadline_on_or_after(accepted + datetime.timedelta(days=days))
    rule = select_rules(DEFAULTS, kind=kind, received=D(2026, 1, 2), complexity=complexity, remote=remote)["resolution"]
    assert (rule.count, rule.unit, rule.counted_from) == (days, "calendar", "acceptance")


@pytest.mark.parametrize(("complexity", "days"), [("normal", None), ("complex", 60), ("very_complex", 90)])
def test_a_denunciation_may_be_extended_to_60_or_90_days(complexity: str, days: int | None) -> None:
    accepted = D(2026, 3, 2)
    result = due("to_cao", D(2026, 2, 23), accepted=accepted, complexity=complexity)
    expected = CALENDAR.deadline_on_or_after(accepted + datetime.timedelta(days=days)) if days else None
    assert result.get("resolution_max") == expected
    assert result["resolution"] == D(2026, 4, 1)


@pytest.mark.parametrize(
    ("kind", "accepted", "keys"),
    [
        ("kien_nghi", None, ["handling"]),
        ("phan_anh", D(2026, 8, 3), ["handling"]),  # nothing runs from an acceptance
        ("khieu_nai_1", None, ["acceptance"]),
        ("khieu_nai_2", D(2026, 8, 3), ["acceptance", "resolution"]),
        ("to_cao", None, ["handling", "handling_max", "transfer"]),
        ("to_cao", D(2026, 8, 3), ["handling", "handling_max", "transfer", "resolution"]),
    ],
)
def test_only_the_deadlines_that_apply(kind: str, accepted: D | None, keys: list[str]) -> None:
    assert list(due(kind, D(2026, 7, 27), accepted=accepted)) == keys


def test_no_rule_before_the_book_starts() -> None:
    assert due("to_cao", D(2018, 12, 31)) == {}
    assert due("khieu_nai_1", D(2012, 6, 30)) == {}
    assert due("khieu_nai_1", D(2012, 7, 1)) == {"acceptance": D(2012, 7, 11)}


def test_refusals() -> None:
    with pytest.raises(ValueError, match="không thể trước ngày nhận đơn") as refused:
        due("khieu_nai_1", D(2026, 7, 27), accepted=D(2026, 7, 26))
    assert str(refused.value) == ERR_ACCEPTED_BEFORE_RECEIVED.format(accepted="26/07/2026", received="27/07/2026")
    with pytest.raises(ValueError, match="trước ngày bắt đầu"):
        Suspension(D(2026, 3, 5), D(2026, 3, 4))
    with pytest.raises(ValueError, match="Mức độ phức tạp không hợp lệ"):
        due("khieu_nai_1", D(2026, 7, 27), complexity="hard")
    with pytest.raises(ValueError, match="từ 1 trở lên"):
        period_end(CALENDAR, D(2026, 7, 27), 0, "working")


def test_two_rules_for_one_case_are_a_fault_of_the_book() -> None:
    rule = Rule("kien_nghi", "handling", 10, "working", "receipt", D(2020, 1, 1), version="a")
    rival = dataclasses.replace(rule, count=15, effective_from=D(2026, 1, 1), version="b")
    with pytest.raises(RuleBookError, match="nhiều quy tắc cùng áp dụng"):
        select_rules([rule, rival], kind="kien_nghi", received=D(2026, 3, 2))
    # Given an end the day before the new one starts, the two follow each other.
    book = [dataclasses.replace(rule, effective_to=D(2025, 12, 31)), rival]
    assert select_rules(book, kind="kien_nghi", received=D(2025, 12, 31))["handling"].version == "a"
    assert select_rules(book, kind="kien_nghi", received=D(2026, 1, 1))["handling"].version == "b"


def test_the_version_names_every_edition_used() -> None:
    book = [dataclasses.replace(r, version="2027.1") if r.key == "resolution" else r for r in DEFAULTS]
    result = compute_deadlines(
        book, kind="khieu_nai_1", received=D(2026, 7, 27), accepted=D(2026, 8, 3), calendar=CALENDAR
    )
    assert result.version == "2026.1, 2027.1"


# -- properties -----------------------------------------------------------------------------------------------------

DATES = st.dates(D(2012, 7, 1), D(2034, 12, 31))
KINDS = st.sampled_from(PetitionKind.values)
COMPLEXITIES = st.sampled_from(COMPLEXITY_ORDER)
UNITS = st.sampled_from(["working", "calendar"])
COUNTS = st.integers(min_value=1, max_value=120)
OVERRIDES = st.dictionaries(
    st.dates(D(2025, 1, 1), D(2028, 12, 31)),
    st.builds(Override, is_working_day=st.booleans(), name=st.just("Điều chỉnh")),
    max_size=25,
)
CALENDARS = st.one_of(st.just(CALENDAR), OVERRIDES.map(WorkCalendar))


@st.composite
def suspensions(draw: st.DrawFn, around: D) -> list[Suspension]:
    """Up to three closed pauses near ``around`` (before it, across it or after it; possibly overlapping)."""
    pauses = []
    for _ in range(draw(st.integers(0, 3))):
        start = around + datetime.timedelta(days=draw(st.integers(-30, 150)))
        pauses.append(Suspension(start, start + datetime.timedelta(days=draw(st.integers(0, 40)))))
    return pauses


@st.composite
def letters(draw: st.DrawFn) -> dict[str, object]:
    received = draw(DATES)
    accepted = draw(st.none() | st.integers(0, 30).map(lambda n: received + datetime.timedelta(days=n)))
    return {
        "kind": draw(KINDS),
        "received": received,
        "accepted": accepted,
        "complexity": draw(COMPLEXITIES),
        "remote": draw(st.booleans()),
        "suspensions": draw(suspensions(received)),
    }


@given(CALENDARS, letters())
def test_every_deadline_is_a_working_day_after_the_receipt(calendar: WorkCalendar, letter: dict[str, object]) -> None:
    result = compute_deadlines(DEFAULTS, calendar=calendar, **letter)  # type: ignore[arg-type]
    received = letter["received"]
    assert isinstance(received, D)
    assert result.stopped == ()  # every pause here ends
    assert set(result.due) <= set(DEADLINE_KEY_ORDER)
    for key, day in result.due.items():
        rule = result.rules[key]
        event = received if rule.counted_from == "receipt" else letter["accepted"]
        assert isinstance(event, D)
        assert day > event >= received
        assert calendar.is_working_day(day)  # a working-day period ends on one; a calendar one is moved to one
    if letter["accepted"] is None:
        assert all(rule.counted_from == "receipt" for rule in result.rules.values())


@given(CALENDARS, DATES, COUNTS)
def test_a_working_day_period_counts_working_days_only(calendar: WorkCalendar, event: D, count: int) -> None:
    end = period_end(calendar, event, count, "working")
    assert end == calendar.add_working_days(event, count)
    assert calendar.is_working_day(end)
    assert calendar.working_days_between(event, end) == count
    # The loop that skips paused days gives the same day when the only pause lies after the deadline.
    assert period_end(calendar, event, count, "working", [Suspension(end + datetime.timedelta(days=1))]) == end


@given(CALENDARS, DATES, COUNTS)
def test_a_calendar_period_ends_on_the_first_working_day_from_its_last_day(
    calendar: WorkCalendar, event: D, count: int
) -> None:
    end = period_end(calendar, event, count, "calendar")
    last = event + datetime.timedelta(days=count)
    assert end is not None and end >= last and calendar.is_working_day(end)
    assert all(not calendar.is_working_day(last + datetime.timedelta(days=i)) for i in range((end - last).days))


@given(CALENDARS, DATES, COUNTS, UNITS, st.data())
def test_monotonic_in_the_count(calendar: WorkCalendar, event: D, count: int, unit: str, data: st.DataObject) -> None:
    pauses = data.draw(suspensions(event))
    shorter = period_end(calendar, event, count, unit, pauses)
    longer = period_end(calendar, event, count + 1, unit, pauses)
    assert shorter is not None and longer is not None
    assert longer >= shorter
    if unit == "working":
        assert longer > shorter


@given(CALENDARS, DATES, COUNTS, UNITS, st.data())
def test_a_pause_never_brings_a_deadline_forward(
    calendar: WorkCalendar, event: D, count: int, unit: str, data: st.DataObject
) -> None:
    pauses = data.draw(suspensions(event))
    plain = period_end(calendar, event, count, unit)
    paused = period_end(calendar, event, count, unit, pauses)
    assert plain is not None and paused is not None and paused >= plain


@given(CALENDARS, DATES, st.integers(1, 60), st.integers(1, 60), st.integers(0, 20))
def test_the_paused_working_days_are_added_back(
    calendar: WorkCalendar, event: D, count: int, offset: int, length: int
) -> None:
    plain = period_end(calendar, event, count, "working")
    assert plain is not None
    start = event + datetime.timedelta(days=offset)
    assume(start <= plain)  # the pause begins while the clock runs
    pause = Suspension(start, start + datetime.timedelta(days=length))
    paused = period_end(calendar, event, count, "working", [pause])
    assert paused is not None and paused > pause.end  # type: ignore[operator]
    paused_working = calendar.working_days_between(start - datetime.timedelta(days=1), pause.end)  # type: ignore[arg-type]
    assert calendar.working_days_between(event, paused) == count + paused_working


@given(CALENDARS, DATES, st.integers(1, 60), st.integers(1, 60), st.integers(0, 20))
def test_the_paused_days_are_added_back_to_a_calendar_period(
    calendar: WorkCalendar, event: D, count: int, offset: int, length: int
) -> None:
    last = event + datetime.timedelta(days=count)
    start = event + datetime.timedelta(days=offset)
    assume(start <= last)
    pause = Suspension(start, start + datetime.timedelta(days=length))
    assert period_end(calendar, event, count, "calendar", [pause]) == calendar.deadline_on_or_after(
        last + datetime.timedelta(days=length + 1)
    )


@given(DATES, DATES, COUNTS, COUNTS)
def test_the_receipt_date_selects_the_rules(received: D, change: D, old_count: int, new_count: int) -> None:
    old = Rule("kien_nghi", "handling", old_count, "working", "receipt", D(2012, 7, 1), version="old")
    old = dataclasses.replace(old, effective_to=change - datetime.timedelta(days=1))
    new = Rule("kien_nghi", "handling", new_count, "calendar", "receipt", change, version="new")
    result = compute_deadlines([old, new], kind="kien_nghi", received=received, calendar=CALENDAR)
    expected = new if received >= change else old if received >= old.effective_from else None
    assert result.rules.get("handling") == expected
    if expected is not None:
        assert result.version == expected.version
        assert result.due["handling"] == period_end(CALENDAR, received, expected.count, expected.unit)


@given(DATES, st.sampled_from(["khieu_nai_1", "khieu_nai_2"]), COMPLEXITIES, st.booleans())
def test_the_shipped_acceptance_rule_changes_on_1_july_2026(
    received: D, kind: str, complexity: str, remote: bool
) -> None:
    rule = select_rules(DEFAULTS, kind=kind, received=received, complexity=complexity, remote=remote)["acceptance"]
    assert (rule.count, rule.unit) == ((7, "working") if received >= D(2026, 7, 1) else (10, "calendar"))


@given(letters(), COMPLEXITIES)
def test_a_more_complex_case_never_gets_less_time(letter: dict[str, object], other: str) -> None:
    lower, higher = sorted([str(letter["complexity"]), other], key=COMPLEXITY_ORDER.index)
    less = compute_deadlines(DEFAULTS, calendar=CALENDAR, **{**letter, "complexity": lower})  # type: ignore[arg-type]
    more = compute_deadlines(DEFAULTS, calendar=CALENDAR, **{**letter, "complexity": higher})  # type: ignore[arg-type]
    assert set(less.due) <= set(more.due)
    assert all(more.due[key] >= day for key, day in less.due.items())
