"""Hooks through which other apps add a panel to a directive's page, and a next step to its registration form.

The tasks app registers a provider under ``TASKS_PANEL`` ("tasks") from its ``AppConfig.ready``; the page then
shows that panel in the area "Nhiệm vụ từ văn bản này" instead of the placeholder. A provider receives the request
and the (already visible) directive and returns the template to include with its context, or None to show nothing.
It must gate its own reads (``tasks_visible_to``)::

    def tasks_panel(request, directive):
        tasks = tasks_visible_to(request.user).filter(directive=directive)
        return DetailPanel("tasks/_directive_tasks.html", {"tasks": tasks, "directive": directive})

    register_detail_panel(TASKS_PANEL, tasks_panel)
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from sauro.common.views import AuthenticatedRequest
    from sauro.directives.models import Directive

TASKS_PANEL = "tasks"


@dataclass(frozen=True)
class DetailPanel:
    """A template included on the directive's page, with ``panel`` bound to ``context`` inside it."""

    template_name: str
    context: Mapping[str, Any] = field(default_factory=dict)
    name: str = ""


PanelProvider = Callable[["AuthenticatedRequest", "Directive"], DetailPanel | None]

_providers: dict[str, PanelProvider] = {}


def register_detail_panel(name: str, provider: PanelProvider) -> None:
    """Add (or, under the same name, replace) a panel of the directive page; shown in registration order."""
    _providers[name] = provider


def unregister_detail_panel(name: str) -> None:
    _providers.pop(name, None)


def detail_panels(request: AuthenticatedRequest, directive: Directive) -> list[DetailPanel]:
    panels = []
    for name, provider in _providers.items():
        panel = provider(request, directive)
        if panel is not None:
            panels.append(DetailPanel(panel.template_name, panel.context, name=name))
    return panels


# --- what the registration form may lead to ----------------------------------------------------------------------


@dataclass(frozen=True)
class AfterCreate:
    """A next step offered as a checkbox on the form registering a directive: ticked, the form leads to ``url`` of the
    new directive instead of its page (e.g. the extraction app's "propose tasks from its text")."""

    label: str
    url: Callable[[Directive], str]


_after_create: dict[str, AfterCreate] = {}


def register_after_create(name: str, label: str, url: Callable[[Directive], str]) -> None:
    _after_create[name] = AfterCreate(label, url)


def unregister_after_create(name: str) -> None:
    _after_create.pop(name, None)


def after_create_options() -> list[tuple[str, str]]:
    """(name, label) of each next step, in registration order."""
    return [(name, step.label) for name, step in _after_create.items()]


def after_create_url(name: str, directive: Directive) -> str | None:
    step = _after_create.get(name)
    return step.url(directive) if step is not None else None
