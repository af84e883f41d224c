"""The overview page (``/``): the person's roles and the ways into each section."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import render

from sauro.common.views import AuthenticatedRequest
from sauro.org.selectors import person_memberships


@login_required
def home(request: AuthenticatedRequest) -> HttpResponse:
    memberships = person_memberships(user=request.user, person=request.user)
    return render(request, "common/home.html", {"memberships": memberships})
