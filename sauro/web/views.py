"""The overview page (``/``): the person's desk (``web.desk``), their roles and the ways into each section."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import render

from sauro.common.replica import read_only_page
from sauro.common.views import AuthenticatedRequest
from sauro.org.selectors import person_memberships
from sauro.web.desk import desk_for


@read_only_page
@login_required
def home(request: AuthenticatedRequest) -> HttpResponse:
    memberships = list(person_memberships(user=request.user, person=request.user))
    context = {"memberships": memberships, "desk": desk_for(request.user, memberships)}
    return render(request, "web/home.html", context)
