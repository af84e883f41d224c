"""The page helpers every app's views use. The overview page (``/``) is the web shell's (``sauro.web.views``)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.cache import patch_vary_headers
from django_htmx.middleware import HtmxDetails

if TYPE_CHECKING:
    # The configured user model as the type checker resolves it; the kernel imports no app (ARCHITECTURE rule 11).
    from django.contrib.auth.models import _User as User


class AuthenticatedRequest(HttpRequest):
    """The request of a ``login_required`` view: ``user`` is a real ``User`` (for the type checker)."""

    user: User


def is_partial_request(request: HttpRequest) -> bool:
    """True for an htmx request that wants a fragment: not boosted (a boosted link wants the whole page)
    and not a history restore (htmx rebuilds the whole page from it)."""
    htmx: HtmxDetails | None = getattr(request, "htmx", None)
    return htmx is not None and bool(htmx) and not htmx.boosted and not htmx.history_restore_request


def render_page(
    request: HttpRequest,
    template_name: str,
    context: Mapping[str, Any],
    *,
    partial_template_name: str | None = None,
) -> HttpResponse:
    """Render a page, or only its partial for a non-boosted htmx request (the idea of NetBox's
    ``utilities/htmx.py::htmx_partial``).

    ``Vary: HX-Request`` keeps a browser from showing a cached fragment as the whole page on "Back".
    """
    name = partial_template_name if partial_template_name and is_partial_request(request) else template_name
    response = render(request, name, context)
    patch_vary_headers(response, ("HX-Request",))
    return response


def stored_file_response(file: Any, *, name: str, content_type: str, missing: str) -> FileResponse:
    """A stored upload (already through its app's gate) as a private download: always an attachment with the content
    type found when it was checked, never cached or sniffed; a file gone from storage is a 404 saying ``missing``."""
    try:
        handle = file.open("rb")
    except (FileNotFoundError, OSError) as exc:
        raise Http404(missing) from exc
    response = FileResponse(handle, as_attachment=True, filename=name, content_type=content_type)
    response["Cache-Control"] = "private, no-store"
    response["X-Content-Type-Options"] = "nosniff"
    return response
