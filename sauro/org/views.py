from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from sauro.org import selectors


@login_required
def unit_tree_view(request: HttpRequest) -> HttpResponse:
    return render(request, "org/unit_tree.html", {"roots": selectors.unit_tree(user=request.user)})  # type: ignore[arg-type]


@login_required
def unit_detail_view(request: HttpRequest, unit_id: int) -> HttpResponse:
    unit = selectors.unit_get(user=request.user, unit_id=unit_id)  # type: ignore[arg-type]
    members = selectors.unit_members(user=request.user, unit=unit)  # type: ignore[arg-type]
    return render(request, "org/unit_detail.html", {"unit": unit, "members": members})
