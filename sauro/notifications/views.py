"""Pages of notifications: my notifications (the bell), opening one, marking read, the e-mail preference."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from sauro.common.errors import ValidationFailed
from sauro.common.pagination import BadCursor
from sauro.common.views import AuthenticatedRequest, render_page
from sauro.notifications import selectors, services
from sauro.notifications.choices import NotificationKind
from sauro.notifications.forms import PreferenceForm

NAV_SECTION = "notifications"


@login_required
@require_GET
def notification_list_view(request: AuthenticatedRequest) -> HttpResponse:
    """My notifications, newest first, 50 a page; ``?unread=1`` keeps only the unread ones still needing me,
    ``?kind=…`` one kind. Runs of similar ones are folded into a group ("12 sản phẩm chờ duyệt")."""
    unread_only = request.GET.get("unread") == "1"
    kind = request.GET.get("kind") or ""
    if kind not in NotificationKind.values:
        kind = ""
    cursor = request.GET.get("cursor") or None
    bad_cursor = False
    try:
        page = selectors.notification_page(user=request.user, unread_only=unread_only, kind=kind, cursor=cursor)
    except BadCursor:
        bad_cursor = True
        cursor = None
        page = selectors.notification_page(user=request.user, unread_only=unread_only, kind=kind)
    context = {
        "notifications": page.items,
        "entries": selectors.group_similar(page.items) if not kind else [selectors.ListEntry([n]) for n in page.items],
        "kind": kind,
        "kind_label": NotificationKind(kind).label if kind else "",
        "next_cursor": page.next_cursor,
        "is_first_page": cursor is None,
        "unread_only": unread_only,
        "bad_cursor": bad_cursor,
        "nav_section": NAV_SECTION,
    }
    return render_page(request, "notifications/list.html", context)


@login_required
@require_GET
def notification_open_view(request: AuthenticatedRequest, notification_id: int) -> HttpResponseRedirect:
    """Follow a notification: mark it read, then go to what it is about (a path on this site, never elsewhere).

    A GET, so that a plain link works (and a middle click opens it in a new tab); marking one's own notification
    read is idempotent and harmless, so a link prefetched or clicked twice does no damage.
    """
    notification = get_object_or_404(selectors.notification_list(user=request.user), pk=notification_id)
    services.notification_mark_read(acting_user=request.user, notification=notification)
    return HttpResponseRedirect(selectors.local_path(notification.url) or reverse("notifications:list"))


@login_required
@require_POST
def notification_read_view(request: AuthenticatedRequest, notification_id: int) -> HttpResponseRedirect:
    notification = get_object_or_404(selectors.notification_list(user=request.user), pk=notification_id)
    services.notification_mark_read(acting_user=request.user, notification=notification)
    return redirect("notifications:list")


@login_required
@require_POST
def notification_read_all_view(request: AuthenticatedRequest) -> HttpResponseRedirect:
    count = services.notifications_mark_all_read(acting_user=request.user)
    if count:
        messages.success(request, _("Đã đánh dấu %(count)s thông báo là đã đọc.") % {"count": count})
    else:
        messages.info(request, _("Không có thông báo nào chưa đọc."))
    return redirect("notifications:list")


@login_required
@require_http_methods(["GET", "POST"])
def notification_preferences_view(request: AuthenticatedRequest) -> HttpResponse:
    """How the user also receives notifications by e-mail: at once, in a daily digest, or not at all."""
    current = selectors.email_mode_of(user=request.user)
    if request.method == "POST":
        form = PreferenceForm(request.POST)
        if form.is_valid():
            try:
                services.notification_preference_set(
                    acting_user=request.user, email_mode=form.cleaned_data["email_mode"]
                )
            except ValidationFailed as exc:  # pragma: no cover - the form already offers only valid modes
                form.add_error("email_mode", exc.message)
            else:
                messages.success(request, _("Đã lưu cách nhận thông báo của bạn."))
                return redirect("notifications:preferences")
    else:
        form = PreferenceForm(initial={"email_mode": current})
    context = {"form": form, "current_mode": current, "nav_section": NAV_SECTION}
    return render_page(request, "notifications/preferences.html", context)
