"""API of notifications: the caller's own notifications, marking them read, and the e-mail preference.

Only one's own notifications exist for the API: another person's id is a 404, like an id that does not exist.
"""

from __future__ import annotations

import datetime

from django.http import Http404, HttpRequest
from ninja import Field, Router, Schema

from sauro.common.api import ApiId, auth_user, cursor_param, error_responses, limit_param
from sauro.notifications import selectors, services
from sauro.notifications.choices import ACTION_KINDS, EmailMode, NotificationKind
from sauro.notifications.models import Notification

router = Router(tags=["Thông báo"])

PAGE_SIZE = 50


class NotificationOut(Schema):
    id: int
    kind: str = Field(description="Loại thông báo: mã ổn định, ví dụ task_issued, due_soon, overdue.")
    kind_label: str = Field(description="Tên loại thông báo bằng tiếng Việt.")
    title: str
    body: str = Field(description="Nội dung (có thể rỗng).")
    url: str = Field(description="Đường dẫn tương đối tới đối tượng trên trang web (có thể rỗng).")
    task_id: int | None = Field(description="Nhiệm vụ liên quan, nếu có.")
    created_at: datetime.datetime
    read: bool = Field(description="Đã đọc hay chưa.")
    resolved: bool = Field(
        description="Việc mà thông báo nói tới đã được xử lý (sản phẩm đã duyệt, vướng mắc đã trả lời, nhiệm vụ đã "
        "dừng…): thông báo không còn tính là chưa đọc."
    )
    resolved_at: datetime.datetime | None = Field(description="Thời điểm đã xử lý; null nếu chưa.")
    resolved_by: str = Field(description="Người đã xử lý (có thể rỗng nếu không rõ).")
    resolved_reason: str = Field(description="Đã xử lý thế nào, ví dụ “Sản phẩm đã được duyệt” (có thể rỗng).")
    needs_action: bool = Field(
        description="Còn cần bạn xử lý: chưa đọc, chưa được xử lý và thuộc loại đòi hỏi bạn làm gì đó (số trên chuông)."
    )


class NotificationPageOut(Schema):
    items: list[NotificationOut]
    next_cursor: str | None = Field(description="Con trỏ tới trang sau; null nếu đây là trang cuối.")


class ReadAllOut(Schema):
    count: int = Field(description="Số thông báo vừa được đánh dấu đã đọc.")


class PreferenceIO(Schema):
    email_mode: EmailMode = Field(
        description="Cách nhận thư điện tử: immediate (gửi ngay), digest (thư tổng hợp mỗi ngày), none (không gửi)."
    )


def _out(notification: Notification) -> NotificationOut:
    return NotificationOut(
        id=notification.pk,
        kind=notification.kind,
        kind_label=str(notification.get_kind_display()),
        title=notification.title,
        body=notification.body,
        url=notification.url,
        task_id=notification.task_id,
        created_at=notification.created_at,
        read=notification.read_at is not None,
        resolved=notification.resolved_at is not None,
        resolved_at=notification.resolved_at,
        resolved_by=notification.resolved_by_name,
        resolved_reason=notification.resolved_reason,
        needs_action=notification.is_pending and notification.kind in ACTION_KINDS,
    )


@router.get(
    "/notifications",
    response={200: NotificationPageOut, **error_responses(401, 422)},
    summary="Thông báo của tôi",
    description="Thông báo của bạn, mới nhất trước, phân trang bằng con trỏ; `unread=true` chỉ lấy thông báo chưa đọc "
    "và chưa được xử lý; `kind` chỉ lấy một loại.",
)
def notification_list(
    request: HttpRequest,
    unread: bool = False,
    kind: NotificationKind | None = None,
    cursor: str | None = cursor_param(),
    limit: int = limit_param(PAGE_SIZE),
) -> NotificationPageOut:
    user = auth_user(request)
    page = selectors.notification_page(
        user=user, unread_only=unread, kind=kind.value if kind else "", cursor=cursor, limit=limit
    )
    return NotificationPageOut(items=[_out(n) for n in page.items], next_cursor=page.next_cursor)


@router.post(
    "/notifications/read-all",
    response={200: ReadAllOut, **error_responses(401, 403)},
    summary="Đánh dấu đã đọc tất cả",
    description="Đánh dấu mọi thông báo chưa đọc của bạn là đã đọc; trả về số thông báo vừa đánh dấu.",
)
def notification_read_all(request: HttpRequest) -> ReadAllOut:
    return ReadAllOut(count=services.notifications_mark_all_read(acting_user=auth_user(request)))


@router.get(
    "/notifications/preferences",
    response={200: PreferenceIO, **error_responses(401)},
    summary="Cách nhận thông báo qua thư điện tử",
    description="Lựa chọn hiện tại của bạn (mặc định: immediate).",
)
def preference_get(request: HttpRequest) -> PreferenceIO:
    return PreferenceIO(email_mode=EmailMode(selectors.email_mode_of(user=auth_user(request))))


@router.put(
    "/notifications/preferences",
    response={200: PreferenceIO, **error_responses(400, 401, 403, 422)},
    summary="Đổi cách nhận thông báo qua thư điện tử",
    description="Thông báo luôn hiện trong hệ thống; lựa chọn này chỉ quyết định bản sao gửi qua thư điện tử.",
)
def preference_set(request: HttpRequest, payload: PreferenceIO) -> PreferenceIO:
    pref = services.notification_preference_set(acting_user=auth_user(request), email_mode=payload.email_mode.value)
    return PreferenceIO(email_mode=EmailMode(pref.email_mode))


@router.post(
    "/notifications/{notification_id}/read",
    response={200: NotificationOut, **error_responses(401, 403, 404, 422)},
    summary="Đánh dấu một thông báo đã đọc",
    description="Đánh dấu đã đọc (gọi lại không có tác dụng). Thông báo của người khác: 404.",
)
def notification_read(request: HttpRequest, notification_id: ApiId) -> NotificationOut:
    user = auth_user(request)
    notification = selectors.notification_list(user=user).filter(pk=notification_id).first()
    if notification is None:
        raise Http404
    return _out(services.notification_mark_read(acting_user=user, notification=notification))
