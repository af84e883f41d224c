"""The register's figures, from hand-made meetings: per host unit against the same quarter a year before, and the
share of conclusions whose tasks were all issued within five working days — counted over Tết."""

from __future__ import annotations

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from sauro.common import calendar
from sauro.meetings import selectors
from sauro.meetings.services import ConclusionInput, meeting_record_conclusion
from sauro.tasks.choices import TaskState
from tests.conftest import Org

pytestmark = pytest.mark.usefixtures("term")
D = datetime.date


def test_quarter_against_the_same_quarter_of_last_year(org: Org, make_meeting, today) -> None:  # type: ignore[no-untyped-def]
    today.set(D(2026, 11, 20))
    start, end, label = selectors.quarter_window("2026Q4")
    assert (start, end, label) == (D(2026, 9, 15), D(2026, 12, 14), "Quý IV năm 2026")
    for day in (D(2026, 9, 15), D(2026, 11, 20)):  # this quarter, its first day included
        make_meeting(held_on=day, duration_minutes=60)
    for day in (D(2025, 9, 15), D(2025, 10, 1), D(2025, 12, 14)):  # the same quarter of 2025, both ends included
        make_meeting(held_on=day)
    for day in (D(2026, 9, 14), D(2025, 12, 15), D(2025, 9, 14)):  # just outside both
        make_meeting(held_on=day)
    make_meeting(
        held_on=D(2026, 10, 5),
        host_unit_id=org.phuxuan.pk,
        chair_id=org.phuxuan_head.pk,
        unit_ids=[],
        duration_minutes=30,
        could_be_document=True,
        document_note="Chỉ phổ biến văn bản.",
    )

    figures = selectors.meeting_figures(user=org.leader, unit_id=org.city.pk, start=start, end=end)
    rows = {u.unit_id: (u.count, u.last_year, u.minutes, u.could_be_document) for u in figures.units}
    assert rows == {org.btc.pk: (2, 3, 120, 0), org.phuxuan.pk: (1, 0, 30, 1)}
    assert (figures.last_start, figures.last_end) == (D(2025, 9, 15), D(2025, 12, 14))
    assert (figures.count, figures.last_year, figures.hours, figures.could_be_document) == (3, 3, 2.5, 1)
    assert [u.unit_id for u in figures.units] == [org.btc.pk, org.phuxuan.pk]  # most meetings first

    # The dashboard's unit: its subtree only.
    btc = selectors.meeting_figures(user=org.leader, unit_id=org.btc.pk, start=start, end=end)
    assert [(u.unit_id, u.count, u.last_year) for u in btc.units] == [(org.btc.pk, 2, 3)]
    # The gate: Phú Xuân's head sees their ward's meetings, not the Ban's.
    ward = selectors.meeting_figures(user=org.phuxuan_head, unit_id=None, start=start, end=end)
    assert [(u.unit_id, u.count) for u in ward.units] == [(org.phuxuan.pk, 1)]


def test_conclusions_issued_within_five_working_days_over_tet(org: Org, make_meeting, issue_task, today) -> None:  # type: ignore[no-untyped-def]
    # Tết Bính Ngọ: 14 – 22 February 2026 are days off, so five working days after Thursday 12/02 end on 26/02
    # (not 19/02 as a plain week would have it).
    assert calendar.add_working_days(D(2026, 2, 12), 5) == D(2026, 2, 26)
    today.set(D(2026, 3, 2))

    def concluded(title: str, issued_on: datetime.date):  # type: ignore[no-untyped-def]
        meeting = make_meeting(title=title)
        data = ConclusionInput(issuer_code="BTCTU", issued_on=issued_on, summary=f"Kết luận: {title}")
        return meeting_record_conclusion(acting_user=org.monitor, meeting=meeting, data=data)

    on_time = concluded("Giao ban tháng 2", D(2026, 2, 12))
    issue_task(on_time, D(2026, 2, 13))
    issue_task(on_time, D(2026, 2, 26))  # the fifth working day: still on time
    late = concluded("Họp chuyên đề", D(2026, 2, 12))
    issue_task(late, D(2026, 2, 13))
    issue_task(late, D(2026, 2, 27))  # the sixth
    unissued = concluded("Họp cơ quan", D(2026, 2, 12))
    issue_task(unissued, D(2026, 2, 13))
    issue_task(unissued, None)  # still a draft after the window
    concluded("Họp không giao việc", D(2026, 2, 12))  # no task at all: late once the window is over
    waiting = concluded("Giao ban cuối tháng", D(2026, 2, 27))  # window ends 06/03, after today
    issue_task(waiting, None)
    make_meeting(title="Chưa có kết luận")

    start, end, _label = selectors.quarter_window("2026Q1")
    figures = selectors.conclusion_figures(user=org.leader, unit_id=None, start=start, end=end)
    assert (figures.total, figures.on_time, figures.late, figures.pending) == (5, 1, 3, 1)
    assert figures.share == 25

    # A week later the waiting notice's window is over with its task still a draft.
    later = selectors.conclusion_figures(user=org.leader, unit_id=None, start=start, end=end, today=D(2026, 3, 9))
    assert (later.on_time, later.late, later.pending) == (1, 4, 0)
    # The previous quarter holds none of these meetings.
    q4 = selectors.quarter_window("2025Q4")
    assert selectors.conclusion_figures(user=org.leader, unit_id=None, start=q4[0], end=q4[1]).share is None


def test_a_draft_stopped_before_it_was_issued_does_not_count(org: Org, make_meeting, issue_task, today) -> None:  # type: ignore[no-untyped-def]
    meeting = make_meeting()
    notice = meeting_record_conclusion(
        acting_user=org.monitor,
        meeting=meeting,
        data=ConclusionInput(issuer_code="BTCTU", issued_on=D(2026, 2, 12), summary="Kết luận"),
    )
    issue_task(notice, D(2026, 2, 13))
    dropped = issue_task(notice, None)
    type(dropped).objects.filter(pk=dropped.pk).update(state=TaskState.CANCELLED)
    start, end, _label = selectors.quarter_window("2026Q1")
    figures = selectors.conclusion_figures(user=org.leader, unit_id=None, start=start, end=end)
    assert (figures.on_time, figures.late) == (1, 0)


def test_figures_take_the_same_queries_whatever_the_data(org: Org, make_meeting, issue_task, today) -> None:  # type: ignore[no-untyped-def]
    start, end, _label = selectors.quarter_window("2026Q1")

    def count() -> int:
        user = type(org.leader).objects.get(pk=org.leader.pk)  # a fresh request: nothing cached on the user
        with CaptureQueriesContext(connection) as ctx:
            selectors.meeting_figures(user=user, unit_id=org.city.pk, start=start, end=end)
        return len(ctx.captured_queries)

    make_meeting()
    before = count()
    for i in range(4):
        meeting = make_meeting(title=f"Họp {i}")
        notice = meeting_record_conclusion(
            acting_user=org.monitor,
            meeting=meeting,
            data=ConclusionInput(issuer_code="BTCTU", issued_on=D(2026, 2, 12), summary=f"Kết luận {i}"),
        )
        issue_task(notice, D(2026, 2, 13))
    assert count() == before
