from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render

from sauro.audit.models import AuditEntry
from sauro.org.access import can_read_audit


@login_required
def audit_list_view(request: HttpRequest) -> HttpResponse:
    if not can_read_audit(request.user):  # type: ignore[arg-type]
        raise Http404
    return render(request, "audit/list.html", {"entries": AuditEntry.objects.all()[:100]})
