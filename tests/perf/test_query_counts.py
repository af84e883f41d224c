"""Query counts of every list page and list endpoint, pinned: the same for one bundle of rows and for three (see
``conftest.World``), so an N+1 (a query per row) fails here.

Each page is loaded once before counting (the session, the working-day calendar's cache, the kept choice lists), then
counted with one bundle, grown to three bundles, loaded once more and counted again; the response must have grown
too, else the rows are not shown and the count proves nothing. Pages run as the person who uses them, not as an
administrator; the API is called with a Bearer token, as an integration does. The counts are the same on SQLite and
PostgreSQL, but for the lists kept between requests on PostgreSQL only (``KEPT_CHOICES``).
"""

from __future__ import annotations

from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from tests.perf.conftest import World

# On PostgreSQL the filter form's three choice lists (units, directives, people) are kept between requests under the
# version of their data (common.versioned): one query reads that version instead of three reading the lists.
KEPT_CHOICES = 2 if connection.vendor == "postgresql" else 0

# (id, who, url, pinned count). ``{task}``, ``{program}``, ``{directive}``, ``{btc}``, ``{city}`` are the world's focus
# rows. A full page's shell costs 8: session and user, the visibility scope, the header's membership and the bell's
# unread count, the session saved (savepoint, update, release). Whatever reads tasks also reads every unit's path
# once (``org.access.unit_paths``: the task gate's subtrees become lists of ids).
PAGES: list[tuple[str, str, str, int]] = [
    # The shell and the person's roles, then the desk (issue 17): their open tasks (counts, rows), what waits for
    # their decision (counts, two kinds of request), their unit's overdue tasks (count, rows), report duties (counts,
    # rows), obstacles (counts) — rows only where there is something to show; the unit paths.
    ("home", "btc_head", "/", 20),
    # The shell; the unit, directive and people filters' choices, the units' paths, the page and the state counts.
    ("tasks-list", "btc_head", "/nhiem-vu/", 14 - KEPT_CHOICES),
    ("tasks-list-leader", "leader", "/nhiem-vu/", 14 - KEPT_CHOICES),
    ("tasks-export", "btc_head", "/nhiem-vu/xuat-excel/", 9),  # no header, no choice lists; one query of rows
    # the pickers: units, people, directives, parent tasks; who acts for which unit (issue 16)
    ("task-form", "monitor", "/nhiem-vu/tao-moi/", 17),
    ("lead-options", "monitor", "/nhiem-vu/lua-chon-theo-don-vi/?lead_unit={btc}", 15),  # a fragment: no header
    ("tasks-mine", "btc_officer", "/nhiem-vu/cua-toi/", 12),  # open, finished and draft tasks: one query each
    ("tasks-inbox-head", "btc_head", "/nhiem-vu/don-vi/", 15),  # three task lists and two request lists
    ("tasks-inbox-authority", "leader", "/nhiem-vu/don-vi/", 15),
    # The task's page: its panels, sub-tasks and roll-up, timeline, requests, submissions, obstacles, progress
    # updates with their files, confidence ratings, and the pickers of the action forms.
    # +1 (issue 16): who acts for the lead and the authority; +1 (issue 17): the open obstacles the submit form's
    # confirmation names (tasks.access.submit_caveats; the submissions' files are prefetched only when there are some);
    # +2 (issue 17): the discussion thread's latest comments and the people its form offers to mention; +1 (issue 17):
    # whether the reader may flag it "trọng tâm" (the drafting right, asked when they do not act for its authority).
    ("task-detail", "btc_head", "/nhiem-vu/{task}/", 40),
    ("directives-list", "btc_head", "/van-ban/", 10),
    # With the panel of its tasks and their roll-up; +2 (issue 18): the panel of proposals from its text (how many wait)
    # and the panel of the meeting it concludes.
    ("directive-detail", "leader", "/van-ban/{directive}/", 18),
    ("obstacles-leader", "leader", "/kho-khan-vuong-mac/", 14),  # counts, the page and its count, the calendar
    ("obstacles-head", "btc_head", "/kho-khan-vuong-mac/?state=", 14),
    ("notifications", "btc_head", "/thong-bao/", 9),
    ("programs-list", "btc_head", "/chuong-trinh-cong-tac/", 12),
    ("program-detail", "btc_head", "/chuong-trinh-cong-tac/{program}/", 11),
    ("program-export", "btc_head", "/chuong-trinh-cong-tac/{program}/xuat-excel/", 8),
    # The working-day calendar's version is checked once per request (common.calendar, the request's memo).
    # +1 (issue 17): the unit filter's choices; +3 (issue 19, point 8): the petitions report's form (the units whose
    # register the user reads: their scope and paths; the unit choices).
    ("reports-list", "leader", "/bao-cao/", 18),
    # The .docx reads the routine duties (one grouped read), the period's and the next quarter's tasks weightiest
    # first (with their products and obstacles), the first 30 obstacles and open proposals (+ a count per full list);
    # not the appendix's task lists (issue 17: +2). +7 (issue 20.6, reports.narrative): the previous quarter's figures
    # and figures by unit for the assessment, the return reasons of the late tasks for the causes. +6 (issue 19,
    # point 8): the item "tiếp dân, giải quyết đơn thư" (reports.petitions_figures: the letters grouped, their tasks'
    # states, the visits grouped, the Secretaries' units, positions and days). A document, not a page: constant in rows.
    ("quarterly-docx", "leader", "/bao-cao/so-ket-quy/?unit={city}&quarter=2026Q1&format=docx", 35),
    ("quarterly-xlsx", "leader", "/bao-cao/so-ket-quy/?unit={city}&quarter=2026Q1&format=xlsx", 19),
    # Figures, focus count, overdue list, obstacles, league table, trends; +2 (issue 18): meetings per unit against last
    # year, and the conclusions whose tasks were issued within 5 working days (meetings.selectors). The petitions'
    # cards (issue 19) come after the page, on their own request (below): the page reads nothing of them.
    # -1 (issue 22): the unit picker drawn from the rows kept between requests (org.pickers.offered_units).
    ("dashboard", "leader", "/tong-hop/", 28),
    ("dashboard-unit", "btc_head", "/tong-hop/", 28),
    # The petitions' cards: the Secretaries' reception days of last month (the committees, wards and communes, their
    # Secretaries, the grouped days) — only the first for a Ban, whose subtree holds none of them; the open hot spots
    # by commune and topic with their weekly letters (one query for whoever reads a register of letters).
    ("dashboard-petitions", "leader", "/tong-hop/tiep-dan/", 13),
    ("dashboard-mine", "btc_officer", "/tong-hop/cua-toi/", 12),
    # the first page is full (50 entries) with one bundle already; the latest checkpoints, the last verification
    ("audit-journal", "inspector", "/nhat-ky/", 11),
    ("unit-tree", "leader", "/to-chuc/", 9),  # the tree with member counts in one query
    ("unit-detail", "btc_head", "/to-chuc/don-vi/{btc}/", 16),  # ancestors, children, names, members, former members
]

# An API call costs the token's lookup (with its user) and, for most, the caller's visibility scope.
ENDPOINTS: list[tuple[str, str, str, int]] = [
    ("tokens", "btc_head", "/api/v1/auth/tokens", 2),
    ("me", "btc_head", "/api/v1/me", 4),
    ("units", "btc_head", "/api/v1/units", 3),
    ("units-leader", "leader", "/api/v1/units", 3),
    ("people", "leader", "/api/v1/people", 3),
    ("people-of-unit", "btc_head", "/api/v1/people?unit_id={btc}", 4),
    ("directives", "btc_head", "/api/v1/directives", 4),
    ("tasks", "btc_head", "/api/v1/tasks", 6),  # the page, its coordinating units and officers prefetched
    # And its allowed_actions (tasks.access.allowed_actions): pending requests, the lead unit's head, the authority;
    # monitoring's (monitoring.access.allowed_task_actions): the open obstacles, and who may answer them.
    # +1 (issue 16): who acts for the units; +1 (issue 17): its submissions (next_step, submissions with their files);
    # +1 (issue 17): the drafting right behind "set_focus".
    ("task-detail", "btc_head", "/api/v1/tasks/{task}", 15),
    ("task-events", "btc_head", "/api/v1/tasks/{task}/events", 5),
    ("task-extension-requests", "btc_head", "/api/v1/tasks/{task}/extension-requests", 5),
    ("task-reassignment-requests", "btc_head", "/api/v1/tasks/{task}/reassignment-requests", 5),
    ("task-obstacles", "btc_head", "/api/v1/tasks/{task}/obstacles", 6),  # and the calendar's version
    ("task-progress", "btc_head", "/api/v1/tasks/{task}/progress", 6),  # and the files, prefetched
    ("task-confidence", "btc_head", "/api/v1/tasks/{task}/confidence", 5),
    ("obstacles", "leader", "/api/v1/obstacles", 5),
    ("notifications", "btc_head", "/api/v1/notifications", 2),  # one's own rows: no scope needed
    ("programs", "btc_head", "/api/v1/programs", 3),
    ("program-detail", "btc_head", "/api/v1/programs/{program}", 4),
    # The units' paths, then the tasks due in the period and the ongoing ones apart (two index scans).
    ("stats", "leader", "/api/v1/stats/tasks", 5),
    # The page's figures without its lists: units, league (two periods), discipline, reports, obstacles, trends.
    ("stats-dashboard", "leader", "/api/v1/stats/dashboard", 15),
]

# Responses that do not list the world's rows (so cannot grow with them).
NOT_GROWING = {"/", "/api/v1/me", "/api/v1/stats/tasks", "/api/v1/tasks/{task}"}


def _url(world: World, template: str) -> str:
    assert world.task is not None and world.directive is not None
    return template.format(
        task=world.task.pk,
        program=world.program.pk,
        directive=world.directive.pk,
        btc=world.org.btc.pk,
        city=world.org.city.pk,
    )


def _get(client: Client, url: str) -> tuple[int, int]:
    """The number of queries of a GET and the length of its response."""
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200, (url, response.status_code)
    return len(ctx.captured_queries), len(response.content)


def _check(world: World, client: Client, template: str, expected: int) -> None:
    world.grow(1)
    url = _url(world, template)
    client.get(url)  # warm: the session, the calendar's cache
    few, few_size = _get(client, url)
    world.grow(2)
    client.get(url)  # warm again: the added rows may have superseded kept lists (the filter's choices)
    many, many_size = _get(client, url)
    assert (few, many) == (expected, expected)
    if template not in NOT_GROWING:
        assert many_size > few_size, "the response does not show the added rows: the count proves nothing"


@pytest.mark.parametrize(("who", "url", "expected"), [p[1:] for p in PAGES], ids=[p[0] for p in PAGES])
def test_page_query_count_is_pinned(world: World, client_for: Any, who: str, url: str, expected: int) -> None:
    _check(world, client_for(getattr(world.org, who)), url, expected)


@pytest.mark.parametrize(("who", "url", "expected"), [e[1:] for e in ENDPOINTS], ids=[e[0] for e in ENDPOINTS])
def test_endpoint_query_count_is_pinned(world: World, who: str, url: str, expected: int) -> None:
    _check(world, world.api_client(getattr(world.org, who)), url, expected)
