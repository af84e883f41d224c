"""API of accounts: API tokens (issue, list, revoke). The caller's roles (``/me``) are ``org.api.me``."""

from __future__ import annotations

import datetime
import math
from collections.abc import Callable
from typing import Literal

from axes.helpers import get_cool_off
from django.contrib.auth import authenticate
from django.db.models import QuerySet
from django.http import Http404, HttpRequest
from django.utils.translation import gettext_lazy as _
from ninja import Field, Router, Schema, Status

from sauro.accounts.models import ApiToken, User
from sauro.accounts.selectors import api_token_list
from sauro.accounts.services import api_token_create, api_token_revoke
from sauro.common.api import (
    NO_NUL_PATTERN,
    ApiError,
    ApiId,
    auth_user,
    error_responses,
    request_token_digest,
)
from sauro.common.errors import ServiceError

router = Router(tags=["Xác thực và tài khoản"])

TokenScopeName = Literal["read", "write"]

ERR_INVALID_CREDENTIALS = _("Tên đăng nhập hoặc mật khẩu không đúng.")
ERR_LOCKED_OUT = _(
    "Đăng nhập sai quá nhiều lần nên tên đăng nhập này (hoặc mọi đăng nhập) từ địa chỉ của bạn tạm thời bị khóa. "
    "Hãy thử lại sau {minutes} phút."
)
ERR_LOCKED_OUT_NO_COOLOFF = _(
    "Đăng nhập sai quá nhiều lần nên tên đăng nhập này (hoặc mọi đăng nhập) từ địa chỉ của bạn bị khóa. "
    "Hãy liên hệ quản trị viên."
)
ERR_NO_TOKEN_IN_USE = _(
    "Yêu cầu này không dùng mã truy cập API nên không có mã nào để thu hồi. "
    "Để thu hồi một mã cụ thể, dùng POST /api/v1/auth/tokens/{id}/revoke."
)


# Registered by the apps above (``sauro.identity``): given the person and the second-factor code sent (or None), a
# refusal message, or None when the token may be issued. A token is issued only after the second factor.
SecondFactorCheck = Callable[[User, str | None], str | None]
_second_factor_checks: dict[str, SecondFactorCheck] = {}


def register_second_factor_check(name: str, check: SecondFactorCheck) -> None:
    _second_factor_checks[name] = check


# --- schemas ----------------------------------------------------------------------------------------------------


class TokenIssueIn(Schema):
    username: str = Field(min_length=1, max_length=150, pattern=NO_NUL_PATTERN, description="Tên đăng nhập.")
    password: str = Field(min_length=1, max_length=1024, pattern=NO_NUL_PATTERN, description="Mật khẩu.")
    name: str = Field(
        "", max_length=100, pattern=NO_NUL_PATTERN, description="Tên gợi nhớ của mã, ví dụ tên hệ thống tích hợp."
    )
    days: int | None = Field(
        None,
        ge=1,
        le=36500,
        description=(
            "Số ngày mã còn dùng được kể từ khi cấp; bỏ trống là thời hạn dài nhất hệ thống cho phép "
            "(mặc định 90 ngày). Dài hơn thời hạn đó: 422."
        ),
    )
    scope: TokenScopeName = Field(
        "write",
        description="Quyền của mã: `write` đọc và ghi; `read` chỉ đọc (chỉ gọi được GET, HEAD, OPTIONS; khác: 403).",
    )
    otp: str | None = Field(
        None,
        max_length=64,
        pattern=NO_NUL_PATTERN,
        description=(
            "Mã xác thực hai bước (6 số từ ứng dụng xác thực, hoặc một mã khôi phục): bắt buộc với tài khoản phải "
            "xác thực hai bước (lãnh đạo, kiểm tra, quản trị); thiếu hoặc sai: 401 `second_factor_required`."
        ),
    )


class TokenOut(Schema):
    id: int
    name: str
    prefix: str = Field(description="Phần đầu của mã, để nhận ra mã; không đủ để dùng.")
    scope: TokenScopeName = Field(description="`read`: chỉ đọc; `write`: đọc và ghi.")
    created_at: datetime.datetime
    expires_at: datetime.datetime = Field(description="Hết hạn lúc: sau thời điểm này mã không dùng được nữa.")
    last_used_at: datetime.datetime | None = Field(description="Lần cuối mã được dùng (chính xác đến một phút).")
    revoked_at: datetime.datetime | None = Field(
        description="Thu hồi lúc: bởi chủ mã, hoặc tự động khi mật khẩu đổi hay tài khoản ngừng sử dụng."
    )
    is_active: bool = Field(description="Mã còn dùng được: chưa thu hồi và chưa hết hạn.")


class TokenIssuedOut(TokenOut):
    token: str = Field(description="Mã truy cập. Chỉ hiện một lần: hệ thống chỉ lưu bản băm của mã.")


# --- operations -------------------------------------------------------------------------------------------------


@router.post(
    "/auth/token",
    auth=None,
    response={201: TokenIssuedOut, **error_responses(400, 401, 422, 429)},
    summary="Cấp mã truy cập API",
    description=(
        "Đổi tên đăng nhập và mật khẩu lấy một mã truy cập, dùng trong tiêu đề "
        "`Authorization: Bearer <mã>`. Mã hết hạn sau `days` ngày (mặc định và tối đa: thời hạn hệ thống cho "
        "phép, thường là 90 ngày), và bị thu hồi khi mật khẩu của bạn đổi hoặc tài khoản ngừng sử dụng. "
        "Mã `read` chỉ đọc. "
        "Đăng nhập sai nhiều lần sẽ bị khóa tạm thời (429)."
    ),
)
def token_issue(request: HttpRequest, payload: TokenIssueIn) -> Status[TokenIssuedOut]:
    # Through django.contrib.auth with the request, so django-axes counts failures and refuses locked-out logins.
    user = authenticate(request, username=payload.username, password=payload.password)
    if getattr(request, "axes_locked_out", False):
        # We answer with our JSON error; left set, AxesMiddleware would replace it with its HTML lockout page.
        request.axes_locked_out = False  # type: ignore[attr-defined]
        cool_off = get_cool_off(request)
        if cool_off is None:
            raise ApiError(str(ERR_LOCKED_OUT_NO_COOLOFF), status=429, code="locked_out")
        seconds = max(1, math.ceil(cool_off.total_seconds()))
        message = str(ERR_LOCKED_OUT).format(minutes=math.ceil(seconds / 60))
        raise ApiError(message, status=429, code="locked_out", headers={"Retry-After": str(seconds)})
    if not isinstance(user, User):
        raise ApiError(
            str(ERR_INVALID_CREDENTIALS),
            status=401,
            code="invalid_credentials",
            headers={"WWW-Authenticate": 'Bearer realm="api"'},
        )
    for check in _second_factor_checks.values():
        refusal = check(user, payload.otp)
        if refusal:
            raise ApiError(
                refusal, status=401, code="second_factor_required", headers={"WWW-Authenticate": 'Bearer realm="api"'}
            )
    token, secret = api_token_create(
        acting_user=user, user=user, name=payload.name, days=payload.days, scope=payload.scope
    )
    issued = TokenOut.model_validate(token, from_attributes=True)
    return Status(201, TokenIssuedOut(**issued.model_dump(), token=secret))


@router.delete(
    "/auth/token",
    response={204: None, **error_responses(400, 401, 403)},
    summary="Thu hồi mã đang dùng",
    description="Thu hồi chính mã truy cập dùng cho lời gọi này; các lời gọi sau bằng mã đó nhận 401.",
)
def token_revoke_current(request: HttpRequest) -> Status[None]:
    user = auth_user(request)
    digest = request_token_digest(request)
    token = api_token_list(user=user).filter(digest=digest).first() if digest else None
    if token is None:
        raise ServiceError(str(ERR_NO_TOKEN_IN_USE), code="no_token_in_use")
    api_token_revoke(acting_user=user, token=token)
    return Status(204, None)


@router.get(
    "/auth/tokens",
    response={200: list[TokenOut], **error_responses(401)},
    summary="Các mã truy cập của tôi",
    description=(
        "Mọi mã của bạn, mới nhất trước, kể cả mã đã thu hồi hay hết hạn, với lần dùng cuối và hạn dùng; "
        "không bao giờ có phần bí mật của mã."
    ),
)
def token_list(request: HttpRequest) -> QuerySet[ApiToken]:
    return api_token_list(user=auth_user(request))


@router.post(
    "/auth/tokens/{token_id}/revoke",
    response={200: TokenOut, **error_responses(401, 403, 404, 422)},
    summary="Thu hồi một mã của tôi",
    description="Thu hồi một mã của chính bạn (thu hồi lại mã đã thu hồi không có tác dụng). Mã của người khác: 404.",
)
def token_revoke(request: HttpRequest, token_id: ApiId) -> ApiToken:
    user = auth_user(request)
    token = api_token_list(user=user).filter(pk=token_id).first()
    if token is None:
        raise Http404
    return api_token_revoke(acting_user=user, token=token)
