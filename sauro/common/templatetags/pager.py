"""``{% pager %}``: the one pager of every keyset-paginated page (``includes/pager.html``).

``{% pager list_url next_cursor first_page=is_first_page param="after" htmx=True %}`` renders "« Về trang đầu"
(off the first page) and "Trang sau »" (when a next page exists), each keeping the page's other query parameters
(its filters) and setting or removing ``param``, the query parameter that carries the cursor.
"""

from __future__ import annotations

from typing import Any

from django import template

register = template.Library()


def _query(context: template.Context, param: str, value: str | None) -> str:
    # As ``{% querystring param=value %}`` writes it, with a parameter name chosen by the page.
    request = getattr(context, "request", None)
    current = request.GET if request is not None else None
    if current is None:
        return f"?{param}={value}" if value else ""
    params = current.copy()
    params.pop(param, None)
    if value:
        params[param] = value
    return f"?{params.urlencode()}" if params else ""


@register.inclusion_tag("includes/pager.html", takes_context=True)
def pager(
    context: template.Context,
    list_url: str,
    next_cursor: Any,
    *,
    first_page: bool = True,
    param: str = "after",
    htmx: bool = False,
) -> dict[str, Any]:
    return {
        "first_url": "" if first_page else f"{list_url}{_query(context, param, None)}",
        "next_url": f"{list_url}{_query(context, param, str(next_cursor))}" if next_cursor else "",
        "htmx": htmx,
    }
