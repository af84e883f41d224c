"""The download of a submitted product's file: only to the people who may see the task (404 for anyone else, as
for the task itself), always as an attachment with the content type found when it was checked."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import FileResponse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from sauro.common.views import AuthenticatedRequest, stored_file_response
from sauro.tasks import selectors


@login_required
@require_GET
def submission_file_download_view(request: AuthenticatedRequest, file_id: int) -> FileResponse:
    """The file, to whoever sees its task (``selectors.submission_file_get``), as a download."""
    stored = selectors.submission_file_get(user=request.user, file_id=file_id)
    return stored_file_response(
        stored.file,
        name=stored.original_name,
        content_type=stored.content_type,
        missing=_("Không tìm thấy tệp sản phẩm."),
    )
