"""The task list (with counts of the four reporting states and an Excel export), "Việc của tôi", the unit's inbox,
and the panel of tasks on a directive's page.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from django.contrib.auth.decorators import login_required
from django.db.models import QuerySet
from django.http import HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET

from sauro.accounts.models import User
from sauro.common import clock
from sauro.common.replica import read_only_page
from sauro.common.text import search_words
from sauro.common.views import AuthenticatedRequest, render_page
from sauro.directives.models import Directive
from sauro.directives.panels import DetailPanel
from sauro.tasks import access, selectors
from sauro.tasks.choices import OPEN_STATES, ReportingState, TaskState
from sauro.tasks.exports import EXPORT_CHUNK_SIZE, export_queryset, tasks_to_xlsx
from sauro.tasks.forms import (
    DEFAULT_SORT,
    TaskFilterForm,
    sort_keyset,
)
from sauro.tasks.models import Task

NAV_SECTION = "tasks"
PAGE_SIZE = 50
# "Việc của tôi" shows the latest finished tasks only; the list page has them all.
MINE_CLOSED_LIMIT = 20
# A sheet beyond this many rows is no longer read by anyone; the export says so in its file name.
EXPORT_LIMIT = 20_000
XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
# Where each reporting state's count links, and its colour (a CSS modifier).
REPORTING_CARDS = (
    ReportingState.DONE_ON_TIME,
    ReportingState.DONE_LATE,
    ReportingState.OPEN_ON_TIME,
    ReportingState.OPEN_OVERDUE,
)
CONFLICT_TITLE = gettext_lazy("Đã có người khác thao tác trên nhiệm vụ này trong lúc bạn đang xem.")
# The columns a row of the list page shows (tasks/_table.html, tasks/_flags.html) and the sort keys its cursor
# reads: a task's content and search text, a directive's full text and a person's account stay in the database.
LIST_ROW_FIELDS = (
    *("id", "title", "due_date", "is_ongoing", "is_focus", "extension_count", "state", "classification"),
    "bounce_count",
    *("confidence", "confidence_trend", "issued_on", "updated_at"),
    *("directive", "directive__kind", "directive__number", "directive__issuer_code"),
    *("lead_unit", "lead_unit__name", "responsible_person", "responsible_person__full_name"),
    "responsible_person__username",
)


def _ordered(qs: QuerySet[Task], sort: str) -> QuerySet[Task]:
    """Tasks in the sort order, empty values (no due date …) last on every database, ties broken by id."""
    return sort_keyset(sort).order(qs)


def _page(
    tasks: QuerySet[Task], filters: selectors.TaskFilters, sort: str, cursor: tuple[Any, ...] | None
) -> tuple[list[Task], str]:
    """One page of ``tasks`` (the list of ``filters``) in ``sort``'s order (``forms.sort_keyset``: empty values
    last, ties broken by id) after ``cursor`` (the last row's key values), and the next page's cursor ("" on the last
    one)."""
    keyset = sort_keyset(sort)

    def fetch(ordered: QuerySet[Task], count: int) -> list[Task]:
        return selectors.page_rows(
            ordered,
            count,
            shape=lambda rows: _ordered(rows.only(*LIST_ROW_FIELDS), sort),
            as_of=filters.as_of,
            text_search=bool(filters.q),
            in_due_order=sort == DEFAULT_SORT,
        )

    page = keyset.page(tasks, position=cursor, limit=PAGE_SIZE, fetch=fetch)
    return page.items, page.next_cursor or ""


@dataclass(frozen=True)
class CountCard:
    key: str
    label: str
    count: int
    active: bool


def _count_cards(counts: Mapping[str, int], current: str) -> list[CountCard]:
    labels = dict(ReportingState.choices)
    return [
        CountCard(key=s.value, label=str(labels[s]), count=counts.get(s.value, 0), active=current == s.value)
        for s in REPORTING_CARDS
    ]


# --- list, export, "Việc của tôi", the unit's inbox -------------------------------------------------------


def _counts_context(user: User, form: TaskFilterForm, tasks: QuerySet[Task] | None = None) -> dict[str, Any]:
    """The count cards of the form's filters; ``tasks``: the list of those filters when already built."""
    # The counts ignore the reporting-state filter itself: each links to exactly the tasks it counts.
    filters = form.filters(with_reporting=False)
    if tasks is None or filters != form.filters():
        tasks = selectors.task_list(user=user, filters=filters)
    counts = selectors.list_counts(user=user, filters=filters, tasks=tasks, with_unstated=True)
    current = form.cleaned_data.get("reporting") or ""
    # How many tasks the list holds, from the cards' own query: those of the state chosen, else every one.
    chosen = form.filters().reporting_states
    found = sum(counts.get(s, 0) for s in chosen) if chosen else sum(counts.values())
    return {
        "cards": _count_cards(counts, current),
        "ongoing": CountCard(
            "ongoing", str(ReportingState.ONGOING.label), counts.get("ongoing", 0), current == "ongoing"
        ),
        "found": found,
        "search": filters.q,
        "is_filtered": form.is_filtered,
    }


# ``dem=1``: a text search's counts in the page itself (the link offered without JavaScript).
COUNTS_INLINE_PARAM = "dem"


@read_only_page
@login_required
@require_GET
def task_list_view(request: AuthenticatedRequest) -> HttpResponse:
    user = request.user
    form = TaskFilterForm(request.GET, user=user)
    filters = form.filters()
    tasks = selectors.task_list(user=user, filters=filters)
    rows, next_cursor = _page(tasks, filters, form.sort_key, form.cursor)
    context: dict[str, Any] = {
        "form": form,
        "tasks": rows,
        "next_cursor": next_cursor,
        "is_first_page": form.cursor is None,
        "can_create": access.may_draft(user),
        "nav_section": NAV_SECTION,
        "tab": "list",
        "marked": search_words(filters.q),
    }
    if filters.q and request.GET.get(COUNTS_INLINE_PARAM) != "1":
        # A text search may match tens of thousands of tasks: its first page comes at once, its counts (which read
        # every match) right after, from tasks:counts with the same query.
        query = request.GET.urlencode()
        context["counts_url"] = f"{reverse('tasks:counts')}?{query}"
        context["counts_inline_url"] = f"{reverse('tasks:list')}?{query}&{COUNTS_INLINE_PARAM}=1"
    else:
        context.update(_counts_context(user, form, tasks))
    return render_page(request, "tasks/list.html", context, partial_template_name="tasks/_list.html")


@read_only_page
@login_required
@require_GET
def task_counts_view(request: AuthenticatedRequest) -> HttpResponse:
    """The list's count cards alone, for the filters of the query (loaded after a text search's first page)."""
    form = TaskFilterForm(request.GET, user=request.user, with_choices=False)
    response = render(request, "tasks/_counts.html", _counts_context(request.user, form))
    response["Cache-Control"] = "private, no-store"
    return response


@read_only_page
@login_required
@require_GET
def task_export_view(request: AuthenticatedRequest) -> HttpResponse:
    """The filtered list (every page, in the list's order) as an Excel workbook."""
    user = request.user
    form = TaskFilterForm(request.GET, user=user, with_choices=False)
    tasks = export_queryset(_ordered(selectors.task_list(user=user, filters=form.filters()), form.sort_key))
    content = tasks_to_xlsx(tasks[:EXPORT_LIMIT].iterator(chunk_size=EXPORT_CHUNK_SIZE))
    response = HttpResponse(content, content_type=XLSX_CONTENT_TYPE)
    filename = f"nhiem-vu-{clock.today():%Y-%m-%d}.xlsx"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["Cache-Control"] = "private, no-store"
    return response


@read_only_page
@login_required
@require_GET
def my_tasks_view(request: AuthenticatedRequest) -> HttpResponse:
    """The tasks the user carries (responsible person or assigned officer), open ones first; their drafts."""
    user = request.user
    mine = selectors.TaskFilters(officer_id=user.pk)
    open_tasks = selectors.task_list(user=user, filters=dataclasses.replace(mine, states=[*OPEN_STATES]))
    closed = selectors.task_list(
        user=user, filters=dataclasses.replace(mine, states=[TaskState.DONE, TaskState.CANCELLED]), sort="-updated"
    )
    drafts = selectors.task_list(
        user=user, filters=selectors.TaskFilters(states=[TaskState.DRAFT]), sort="-updated"
    ).filter(created_by=user)
    context = {
        "open_tasks": list(_ordered(open_tasks, "due")),
        "closed_tasks": list(closed[:MINE_CLOSED_LIMIT]),
        "closed_limit": MINE_CLOSED_LIMIT,
        "drafts": list(drafts[:PAGE_SIZE]),
        "can_create": access.may_draft(user),
        "nav_section": NAV_SECTION,
        "tab": "mine",
    }
    return render(request, "tasks/mine.html", context)


@read_only_page
@login_required
@require_GET
def unit_inbox_view(request: AuthenticatedRequest) -> HttpResponse:
    """What waits for the units the user heads: tasks to accept, returned products, products to approve and
    requests to decide as the authority."""
    inbox = selectors.unit_inbox(user=request.user)
    context = {
        "units": inbox.units,
        "to_accept": list(_ordered(inbox.to_accept, "due")),
        "returned": list(_ordered(inbox.returned, "due")),
        "to_approve": list(_ordered(inbox.to_approve, "due")),
        "extensions": inbox.extensions,
        "reassignments": inbox.reassignments,
        "request_count": len(inbox.extensions) + len(inbox.reassignments),
        "nav_section": NAV_SECTION,
        "tab": "inbox",
    }
    return render(request, "tasks/inbox.html", context)


# --- the panel on a directive's page ------------------------------------------------------------------------


def directive_tasks_panel(request: AuthenticatedRequest, directive: Directive) -> DetailPanel:
    """The tasks given from a directive, for ``directives.panels`` (registered by the tasks app)."""
    user = request.user
    tasks = selectors.task_list(
        user=user, filters=selectors.TaskFilters(directive_id=directive.pk, top_level_only=True)
    )
    return DetailPanel(
        "tasks/_directive_tasks.html",
        {
            "tasks": list(_ordered(tasks, "due")[:PAGE_SIZE]),
            "can_create": access.may_draft(user),
            "rollup": selectors.directive_rollup_progress(directive=directive),
        },
    )
