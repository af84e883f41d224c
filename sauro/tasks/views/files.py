"""The download of a submitted product's file: only to the people who may see the task (404 for anyone else, as
for the task itself), always as an attachment with the content type found when it was checked."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from sauro.common.views import AuthenticatedRequest
from sauro.tasks import selectors


@login_required
@require_GET
def submission_file_download_view(request: AuthenticatedRequest, file_id: int) -> FileResponse:
    """The file, to whoever sees its task (``selectors.submission_file_get``), as a download."""
    stored = selectors.submission_file_get(user=request.user, file_id=file_id)
    try:
        handle = stored.file.open("rb")
    except (FileNotFoundError, OSError) as exc:
        raise Http404(_("Không tìm thấy tệp sản phẩm.")) from exc
    response = FileResponse(handle, as_attachment=True, filename=stored.original_name, content_type=stored.content_type)
    response["Cache-Control"] = "private, no-store"
    response["X-Content-Type-Options"] = "nosniff"
    return response
