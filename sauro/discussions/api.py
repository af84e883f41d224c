"""API of a task's discussion: the thread of a task, posting a comment (multipart, with files), editing and deleting
one's own comment.

Reads go through the task gate (``tasks.selectors.task_get``, ``discussions.selectors``): a task or comment the
caller does not see is a 404, exactly as one that does not exist. Writes go through ``discussions.services``: 403
for someone not involved in the task or not the author, 409 for a stale version or a deleted comment, 422 for a
refused text, mention or file.
"""

from __future__ import annotations

import datetime
from typing import Annotated

from django.http import HttpRequest
from django.urls import reverse
from ninja import Field, File, Form, Router, Schema, Status, UploadedFile

from sauro.accounts.models import User
from sauro.common.api import NO_NUL_PATTERN, ApiId, ApiVersion, auth_user, cursor_param, error_responses, limit_param
from sauro.common.uploads import MAX_UPLOAD_BYTES, human_size
from sauro.discussions import selectors, services
from sauro.discussions.models import Comment
from sauro.tasks import selectors as task_selectors
from sauro.tasks.api import ObjectIn

router = Router(tags=["Trao đổi về nhiệm vụ"])

Body = Annotated[str, Field(max_length=services.MAX_BODY, pattern=NO_NUL_PATTERN)]


class CommentPersonOut(Schema):
    id: int
    name: str
    username: str


class CommentFileOut(Schema):
    id: int
    name: str
    size: int = Field(description="Dung lượng (byte).")
    content_type: str
    url: str = Field(description="Đường dẫn tải tệp (trang web, cần đăng nhập).")


class CommentOut(Schema):
    id: int
    task_id: int
    author: CommentPersonOut
    body: str = Field(description="Nội dung (văn bản thuần); rỗng nếu ý kiến đã bị xóa.")
    created_at: datetime.datetime
    edited_at: datetime.datetime | None = Field(description="Lần sửa (hoặc xóa) gần nhất; null nếu chưa sửa.")
    edited: bool = Field(description="Đã được sửa (trang hiển thị “(đã sửa)”).")
    deleted: bool
    version: int = Field(description="Phiên bản; gửi lại khi sửa (PATCH).")
    mentions: list[CommentPersonOut] = Field(description="Những người được nhắc đến (@tên_đăng_nhập).")
    files: list[CommentFileOut]


class CommentPageOut(Schema):
    items: list[CommentOut]
    next_cursor: str | None = Field(description="Truyền vào tham số cursor để lấy trang sau; null ở trang cuối.")


class CommentEditIn(ObjectIn):
    body: Body = Field(description="Nội dung mới (bắt buộc).")
    version: ApiVersion = Field(description="Phiên bản của ý kiến bạn đã sửa (version); khác bản hiện tại: 409.")


def _person(user: User) -> CommentPersonOut:
    return CommentPersonOut(id=user.pk, name=user.get_full_name(), username=user.username)


def _comment_out(comment: Comment) -> CommentOut:
    deleted = comment.deleted
    return CommentOut(
        id=comment.pk,
        task_id=comment.task_id,
        author=_person(comment.author),
        body="" if deleted else comment.body,
        created_at=comment.created_at,
        edited_at=comment.edited_at,
        edited=comment.edited_at is not None and not deleted,
        deleted=deleted,
        version=comment.version,
        mentions=[] if deleted else [_person(p) for p in comment.mentions.all()],
        files=[]
        if deleted
        else [
            CommentFileOut(
                id=f.pk,
                name=f.original_name,
                size=f.size,
                content_type=f.content_type,
                url=reverse("discussions:file", args=[f.pk]),
            )
            for f in comment.files.all()
        ],
    )


def _read_back(comment: Comment) -> CommentOut:
    return _comment_out(selectors.task_comments(task=comment.task).get(pk=comment.pk))


@router.get(
    "/tasks/{task_id}/comments",
    response={200: CommentPageOut, **error_responses(401, 404, 422)},
    summary="Trao đổi về một nhiệm vụ",
    description=(
        "Các ý kiến trao đổi, cũ nhất trước; ý kiến đã xóa vẫn giữ chỗ (deleted = true, không còn nội dung). "
        "Nhiệm vụ ngoài phạm vi bạn được xem: 404. Phân trang bằng con trỏ: gọi lại với cursor = next_cursor cho "
        "đến khi next_cursor là null."
    ),
)
def comment_list(
    request: HttpRequest, task_id: ApiId, cursor: str | None = cursor_param(), limit: int = limit_param()
) -> CommentPageOut:
    task = task_selectors.task_get(user=auth_user(request), task_id=task_id)
    page = selectors.thread_page(task=task, cursor=cursor, limit=limit)
    return CommentPageOut(items=[_comment_out(c) for c in page.items], next_cursor=page.next_cursor)


@router.post(
    "/tasks/{task_id}/comments",
    response={201: CommentOut, **error_responses(400, 401, 403, 404, 422)},
    summary="Gửi ý kiến trao đổi",
    description=(
        "Gửi multipart/form-data: trường body (nội dung, văn bản thuần, bắt buộc) và các tệp trong trường files "
        f"(tối đa {services.MAX_FILES} tệp, mỗi tệp không quá {human_size(MAX_UPLOAD_BYTES)}; PDF, Word, Excel, "
        "OpenDocument, ảnh JPG, PNG). Gõ @tên_đăng_nhập để nhắc đến một người: người đó nhận thông báo; nhắc đến "
        "người không được xem nhiệm vụ (hoặc không có) bị từ chối (422, code mention_outsider). Chỉ những người "
        "tham gia nhiệm vụ mới gửi được (người khác: 403)."
    ),
)
def comment_create(
    request: HttpRequest,
    task_id: ApiId,
    body: Form[Body],
    files: File[list[UploadedFile]] = None,  # type: ignore[assignment]
) -> Status[CommentOut]:
    user = auth_user(request)
    task = task_selectors.task_get(user=user, task_id=task_id)
    comment = services.comment_post(acting_user=user, task=task, body=body, files=files or [])
    return Status(201, _read_back(comment))


@router.patch(
    "/comments/{comment_id}",
    response={200: CommentOut, **error_responses(400, 401, 403, 404, 409, 422)},
    summary="Sửa ý kiến trao đổi",
    description=(
        "Chỉ người viết sửa được (người khác: 403). Gửi version đã đọc: ý kiến đã được sửa ở nơi khác hoặc đã bị "
        "xóa: 409. Người mới được nhắc đến nhận thông báo; bản trước được lưu trong nhật ký."
    ),
)
def comment_edit(request: HttpRequest, comment_id: ApiId, payload: CommentEditIn) -> CommentOut:
    user = auth_user(request)
    comment = selectors.comment_get(user=user, comment_id=comment_id)
    comment = services.comment_edit(
        acting_user=user, comment=comment, body=payload.body, expected_version=payload.version
    )
    return _read_back(comment)


@router.delete(
    "/comments/{comment_id}",
    response={204: None, **error_responses(401, 403, 404, 409, 422)},
    summary="Xóa ý kiến trao đổi",
    description=(
        "Chỉ người viết xóa được (người khác: 403); đã xóa rồi: 409. Ý kiến vẫn giữ chỗ trong trao đổi, không còn "
        "nội dung và tệp; nhật ký lưu nội dung trước khi xóa."
    ),
)
def comment_delete(request: HttpRequest, comment_id: ApiId) -> Status[None]:
    user = auth_user(request)
    comment = selectors.comment_get(user=user, comment_id=comment_id)
    services.comment_delete(acting_user=user, comment=comment)
    return Status(204, None)
