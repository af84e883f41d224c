"""Pages of a task's discussion: post a comment (from the task page), the whole thread page by page, edit and
delete one's own comment, download a file. Reads go through ``discussions.selectors`` (the task gate: a 404 for a
task one does not see), writes through ``discussions.services`` (403 for someone not involved or not the author)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from sauro.accounts.models import User
from sauro.common import clock
from sauro.common.errors import ServiceError
from sauro.common.pagination import BadCursor
from sauro.common.views import AuthenticatedRequest, stored_file_response
from sauro.discussions import access, selectors, services
from sauro.discussions.forms import CommentEditForm, CommentForm
from sauro.discussions.models import Comment
from sauro.discussions.templatetags.discussions import Thread
from sauro.tasks import selectors as task_selectors
from sauro.tasks.models import Task
from sauro.tasks.views import Failure, TaskPageExtras, TaskPageSection, register_task_page_extension

NAV_SECTION = "tasks"


def _thread_page(
    request: AuthenticatedRequest, task: Task, *, form: CommentForm | None = None, status: int = 200
) -> HttpResponse:
    cursor = request.GET.get("after") or None
    try:
        page = selectors.thread_page(task=task, cursor=cursor)
    except BadCursor:
        cursor = None
        page = selectors.thread_page(task=task)
    today = clock.today()
    if form is None and access.may_post(request.user, task, today):
        form = CommentForm(candidates=access.mention_candidates(task, today).exclude(pk=request.user.pk))
    thread = Thread(
        task=task,
        comments=page.items,
        form=form,
        user_id=request.user.pk,
        paged=True,
        next_cursor=page.next_cursor,
        is_first_page=cursor is None,
    )
    context = {"task": task, "thread": thread, "nav_section": NAV_SECTION}
    return render(request, "discussions/thread.html", context, status=status)


@login_required
@require_GET
def thread_view(request: AuthenticatedRequest, task_id: int) -> HttpResponse:
    """The whole discussion of a task, oldest first, 50 a page."""
    task = task_selectors.task_get(user=request.user, task_id=task_id)
    return _thread_page(request, task)


@login_required
@require_POST
def comment_post_view(request: AuthenticatedRequest, task_id: int) -> HttpResponse:
    """Post a comment; back to the task's page at the comment, or the thread's page with the form and the reason."""
    user = request.user
    task = task_selectors.task_get(user=user, task_id=task_id)
    today = clock.today()
    candidates = list(access.mention_candidates(task, today).exclude(pk=user.pk))
    form = CommentForm(request.POST, request.FILES, candidates=candidates)
    status = 422
    if form.is_valid():
        try:
            comment = services.comment_post(
                acting_user=user,
                task=task,
                body=form.cleaned_data["body"],
                files=form.cleaned_data["attachments"],
                mention_ids=form.cleaned_data["mentions"],
            )
        except ServiceError as exc:
            form.add_service_error(exc.fields, exc.message)
            status = exc.status
        else:
            messages.success(request, _("Đã gửi ý kiến trao đổi."))
            return HttpResponseRedirect(services.comment_url(comment))
    elif not access.may_post(user, task, today):
        status = 403
    messages.error(request, _("Chưa gửi được ý kiến trao đổi: hãy sửa các mục được đánh dấu."))
    return _thread_page(request, task, form=form, status=status)


def _own_comment(request: AuthenticatedRequest, comment_id: int) -> Comment:
    comment = selectors.comment_get(user=request.user, comment_id=comment_id)
    if comment.deleted:
        raise Http404(_("Ý kiến trao đổi này đã bị xóa."))
    return comment


@login_required
@require_http_methods(["GET", "POST"])
def comment_edit_view(request: AuthenticatedRequest, comment_id: int) -> HttpResponse:
    """The author rewrites their comment; someone else who sees the task gets a 403, anyone else a 404."""
    comment = _own_comment(request, comment_id)
    status = 200
    if not access.may_change(request.user, comment):
        raise PermissionDenied(services.ERR_NOT_AUTHOR)
    if request.method == "POST":
        form = CommentEditForm(request.POST)
        status = 422
        if form.is_valid():
            try:
                services.comment_edit(
                    acting_user=request.user,
                    comment=comment,
                    body=form.cleaned_data["body"],
                    expected_version=form.cleaned_data["version"],
                )
            except ServiceError as exc:
                form.add_service_error(exc.fields, exc.message)
                status = exc.status
            else:
                messages.success(request, _("Đã sửa ý kiến trao đổi."))
                return HttpResponseRedirect(services.comment_url(comment))
    else:
        form = CommentEditForm(initial={"body": comment.body, "version": comment.version})
    context = {"comment": comment, "task": comment.task, "form": form, "nav_section": NAV_SECTION}
    return render(request, "discussions/edit.html", context, status=status)


@login_required
@require_POST
def comment_delete_view(request: AuthenticatedRequest, comment_id: int) -> HttpResponse:
    comment = _own_comment(request, comment_id)
    try:
        services.comment_delete(acting_user=request.user, comment=comment)
    except ServiceError as exc:
        if exc.status == 403:
            raise PermissionDenied(exc.message) from exc
        messages.error(request, exc.message)
    else:
        messages.success(request, _("Đã xóa ý kiến trao đổi."))
    return redirect(reverse("tasks:detail", args=[comment.task_id]) + "#trao-doi")


@login_required
@require_GET
def comment_file_view(request: AuthenticatedRequest, file_id: int) -> FileResponse:
    """The file, to the people who see the task (404 for anyone else), always as a download."""
    attachment = selectors.comment_file_get(user=request.user, file_id=file_id)
    return stored_file_response(
        attachment.file,
        name=attachment.original_name,
        content_type=attachment.content_type,
        missing=_("Không tìm thấy tệp đính kèm."),
    )


def task_page(user: User, task: Task, failure: Failure | None) -> TaskPageExtras:
    """The discussion at the end of a task's page (its template reads the thread through ``task_thread``)."""
    return TaskPageExtras(closing=[TaskPageSection("discussions/_thread.html")])


def register() -> None:
    """Add the discussion to the task page (called from ``DiscussionsConfig.ready``), as monitoring adds its sections:
    the task page names no app above it."""
    register_task_page_extension("discussions", task_page)
