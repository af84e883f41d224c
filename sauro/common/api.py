"""Pieces shared by every API router: authentication, the error format, and the paging parameters.

Every error the API answers is JSON ``{"code", "message", "fields"}`` with a 4xx status (ARCHITECTURE rule 7):
``code`` is stable for programs, ``message`` is Vietnamese for people, ``fields`` maps a field name to its own
message. ``install_error_handlers`` maps every exception an operation can raise onto that shape; ``SauroNinjaAPI``
does the same for what happens before an operation runs (unknown path, wrong method).
"""

from __future__ import annotations

import datetime
import functools
import logging
import re
from collections.abc import Callable, Mapping, Sequence
from typing import TYPE_CHECKING, Annotated, Any, TypeVar

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import BadRequest, PermissionDenied, SuspiciousOperation
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import (
    Http404,
    HttpRequest,
    HttpResponse,
    HttpResponseBase,
    HttpResponseNotAllowed,
    UnreadablePostError,
)
from django.http.multipartparser import MultiPartParserError
from django.urls import URLPattern, URLResolver, path, re_path
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _
from django.views.decorators.csrf import csrf_exempt
from ninja import NinjaAPI, Schema, Swagger
from ninja.errors import HttpError
from ninja.errors import ValidationError as NinjaValidationError
from ninja.params.functions import Query as QueryParam
from ninja.parser import Parser
from ninja.security import SessionAuth as NinjaSessionAuth
from pydantic import AfterValidator, BeforeValidator, Field

from sauro.common.errors import ServiceError
from sauro.common.inputs import FIRST_DAY, LAST_DAY, MAX_DB_ID, date_in_range, date_range_message

if TYPE_CHECKING:
    # The configured user model as the type checker resolves it; the kernel imports no app (ARCHITECTURE rule 11).
    from django.contrib.auth.models import _User as User

logger = logging.getLogger("sauro.api")

# --- messages ----------------------------------------------------------------------------------------------------

MSG_UNAUTHENTICATED = _("Bạn chưa đăng nhập hoặc mã truy cập API không hợp lệ, đã hết hiệu lực hay đã bị thu hồi.")
MSG_FORBIDDEN = _("Bạn không có quyền thực hiện thao tác này.")
MSG_CSRF_FAILED = _("Yêu cầu thiếu mã chống giả mạo (CSRF) hợp lệ. Hãy tải lại trang rồi thử lại.")
MSG_NOT_FOUND = _("Không tìm thấy.")
MSG_METHOD_NOT_ALLOWED = _("Phương thức {method} không được hỗ trợ tại địa chỉ này.")
MSG_BAD_BODY = _(
    "Không đọc được nội dung yêu cầu: cần một tài liệu JSON hợp lệ, gửi kèm tiêu đề Content-Type: application/json."
)
MSG_BAD_REQUEST = _("Yêu cầu không hợp lệ.")
MSG_THROTTLED = _("Có quá nhiều yêu cầu. Hãy thử lại sau.")
MSG_INVALID_INPUT = _("Dữ liệu gửi lên không hợp lệ.")
MSG_SERVER_ERROR = _("Hệ thống gặp lỗi khi xử lý yêu cầu. Hãy thử lại sau hoặc báo cho quản trị viên.")
MSG_NO_NUL = _("Không được chứa ký tự NUL.")
MSG_DOCS_UNAVAILABLE = _(
    "Trang tài liệu API chưa được cấu hình (cần thêm “ninja” vào INSTALLED_APPS). "
    "Lược đồ OpenAPI vẫn có tại {openapi_url}."
)

# Vietnamese messages for pydantic's error types; the placeholders come from the error's ``ctx``.
_PYDANTIC_MESSAGES: dict[str, Promise] = {
    "missing": _("Trường này là bắt buộc."),
    "string_type": _("Phải là một chuỗi ký tự."),
    "string_too_short": _("Cần ít nhất {min_length} ký tự."),
    "string_too_long": _("Tối đa {max_length} ký tự."),
    "string_pattern_mismatch": _("Không đúng định dạng."),
    "string_unicode": _("Phải là chuỗi ký tự Unicode hợp lệ."),
    "int_type": _("Phải là một số nguyên."),
    "int_parsing": _("Phải là một số nguyên."),
    "int_parsing_size": _("Số quá lớn."),
    "int_from_float": _("Phải là một số nguyên."),
    "float_type": _("Phải là một số."),
    "float_parsing": _("Phải là một số."),
    "greater_than": _("Phải lớn hơn {gt}."),
    "greater_than_equal": _("Phải lớn hơn hoặc bằng {ge}."),
    "less_than": _("Phải nhỏ hơn {lt}."),
    "less_than_equal": _("Phải nhỏ hơn hoặc bằng {le}."),
    "bool_type": _("Phải là true hoặc false."),
    "bool_parsing": _("Phải là true hoặc false."),
    "enum": _("Giá trị không hợp lệ; chọn một trong: {expected}."),
    "literal_error": _("Giá trị không hợp lệ; chọn một trong: {expected}."),
    "date_type": _("Phải là một ngày, dạng YYYY-MM-DD."),
    "date_parsing": _("Phải là một ngày, dạng YYYY-MM-DD."),
    "date_from_datetime_parsing": _("Phải là một ngày, dạng YYYY-MM-DD."),
    "datetime_type": _("Phải là một thời điểm theo ISO 8601."),
    "datetime_parsing": _("Phải là một thời điểm theo ISO 8601."),
    "model_type": _("Phải là một đối tượng JSON."),
    "model_attributes_type": _("Phải là một đối tượng JSON."),
    "dict_type": _("Phải là một đối tượng JSON."),
    "list_type": _("Phải là một danh sách."),
    "json_invalid": _("JSON không hợp lệ."),
    "json_type": _("JSON không hợp lệ."),
    "extra_forbidden": _("Trường này không được chấp nhận."),
}
_PYDANTIC_FALLBACK = _("Giá trị không hợp lệ.")

# --- input types ------------------------------------------------------------------------------------------------

# Database ids are positive 64-bit integers (``common.inputs``); bounding them keeps absurd numbers a 422, not a
# database overflow.
MSG_NOT_WHOLE = _("Phải là một số nguyên.")
MSG_DATE_FORMAT = _("Phải là một ngày, dạng YYYY-MM-DD.")
ISO_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")


def _whole_number(value: Any) -> Any:
    """Refuse "12.0" or "1e3" written in a URL for an id: pydantic would read them as 12 and 1000. (In a JSON
    body 12.0 is an integer to JSON Schema, and pydantic takes it as 12.)"""
    if isinstance(value, str) and not value.strip().lstrip("+-").isdigit():
        raise ValueError(str(MSG_NOT_WHOLE))
    return value


# Every id an operation takes, in its path, its query or its body: the one id type of the API.
# The bounds first, so that the OpenAPI schema still says "minimum 1" (a validator first hides them).
ApiId = Annotated[int, Field(ge=1, le=MAX_DB_ID), BeforeValidator(_whole_number)]


def iso_date_only(value: Any) -> Any:
    """Dates are written YYYY-MM-DD: pydantic alone would also read a number ("0", 0) as a Unix time and a full
    timestamp as a date, where the schema says ``format: date``."""
    if isinstance(value, datetime.date) and not isinstance(value, datetime.datetime):
        return value
    if not isinstance(value, str) or not ISO_DATE.fullmatch(value):
        raise ValueError(str(MSG_DATE_FORMAT))
    return value


def date_between(first: datetime.date, last: datetime.date) -> Callable[[datetime.date], datetime.date]:
    """The check that a parsed day lies in ``[first, last]``, refused with the Vietnamese message."""

    def check(day: datetime.date) -> datetime.date:
        if not date_in_range(day, first, last):
            raise ValueError(date_range_message(first, last))
        return day

    return check


# The years FIRST_DAY..LAST_DAY (1900–2198) as the schema's ``pattern``, so that generated clients and fuzzers know
# them (``tests/api/test_inputs.py`` holds the two together).
DATE_PATTERN = r"^(19[0-9]{2}|20[0-9]{2}|21[0-8][0-9]|219[0-8])-[0-9]{2}-[0-9]{2}$"


# Every date an operation takes: YYYY-MM-DD within the working-day calendar's years (``common.inputs``).
ApiDate = Annotated[
    datetime.date,
    BeforeValidator(iso_date_only),
    AfterValidator(date_between(FIRST_DAY, LAST_DAY)),
    Field(json_schema_extra={"pattern": DATE_PATTERN}),
]
# The version a client last read of a resource it changes (PATCH, actions): optimistic locking. Versions are
# PositiveIntegerFields, so at most 2**31 - 1.
MAX_VERSION = 2**31 - 1
ApiVersion = Annotated[int, Field(ge=1, le=MAX_VERSION)]


def _not_null(schema: dict[str, Any]) -> None:
    """Document a field that may be left out as never null: drop ``null`` from its ``anyOf`` and the default."""
    schema.pop("default", None)
    members = [member for member in schema.pop("anyOf", []) if member != {"type": "null"}]
    if len(members) == 1:
        schema.update({key: value for key, value in members[0].items() if key not in schema})
    elif members:  # pragma: no cover - every such field has one type
        schema["anyOf"] = members


def optional_not_null(description: str | None = None, **constraints: Any) -> Any:
    """A body field a PATCH may leave out but, when given, may not be null: the schema does not offer null (the
    operation refuses it with 422), so the document promises what the operation accepts."""
    return Field(None, description=description, json_schema_extra=_not_null, **constraints)


# Text that reaches the database must not contain NUL: PostgreSQL refuses it outright.
NO_NUL_PATTERN = r"^[^\x00]*$"


# --- the error format -------------------------------------------------------------------------------------------


class ErrorOut(Schema):
    """Every API error: a stable code, a Vietnamese message, and per-field messages (possibly empty)."""

    code: str = Field(description="Mã lỗi ổn định, dùng cho chương trình.")
    message: str = Field(description="Thông báo lỗi bằng tiếng Việt, dùng để hiển thị.")
    fields: dict[str, str] = Field(description="Thông báo lỗi theo từng trường dữ liệu (có thể rỗng).")


def error_responses(*statuses: int) -> dict[int, type[ErrorOut]]:
    """The ``response=`` entries documenting an operation's error statuses, all with ``ErrorOut``."""
    return dict.fromkeys(statuses, ErrorOut)


class ApiError(ServiceError):
    """A refusal only the API gives (credentials, lockout, misuse of an endpoint), with its status and headers."""

    def __init__(
        self,
        message: str,
        *,
        status: int,
        code: str,
        fields: dict[str, str] | None = None,
        headers: Mapping[str, str] | None = None,
    ) -> None:
        super().__init__(message, code=code, fields=fields)
        self.status = status
        self.headers = dict(headers or {})


def error_response(
    status: int,
    code: str,
    message: str | Promise,
    fields: Mapping[str, str | Promise] | None = None,
    headers: Mapping[str, str] | None = None,
) -> HttpResponse:
    """The JSON error response; also usable outside ninja (routing errors, the docs page)."""
    body = ErrorOut(
        code=code,
        message=str(message),
        fields={name: str(text) for name, text in (fields or {}).items()},
    )
    response = HttpResponse(body.model_dump_json(), status=status, content_type="application/json; charset=utf-8")
    for name, value in (headers or {}).items():
        response[name] = value
    return response


def _format(template: Promise | str, ctx: Mapping[str, Any]) -> str:
    try:
        return str(template).format(**ctx)
    except (KeyError, IndexError, ValueError):
        return str(_PYDANTIC_FALLBACK)


def _field_name(loc: Sequence[Any]) -> str:
    """``("body", "payload", "username")`` → ``username``; ``("query", "unit_id")`` → ``unit_id``.

    ninja prefixes the source (path, query, body …) and, for a body, the handler's argument name; programs know
    neither, so the key is the field path inside the request. An error on the body as a whole is keyed ``body``.
    """
    source, *rest = [str(part) for part in loc] or ["body"]
    if source == "body" and rest:
        rest = rest[1:]
    return ".".join(rest) or source


def _pydantic_message(error: Mapping[str, Any]) -> str:
    kind = str(error.get("type", ""))
    ctx = error.get("ctx") or {}
    if kind in {"value_error", "assertion_error"} and "error" in ctx:
        # Our own validators raise ValueError with a Vietnamese message.
        return str(ctx["error"])
    if kind == "string_pattern_mismatch" and ctx.get("pattern") == NO_NUL_PATTERN:
        return str(MSG_NO_NUL)
    return _format(_PYDANTIC_MESSAGES.get(kind, _PYDANTIC_FALLBACK), ctx)


def validation_fields(errors: Sequence[Mapping[str, Any]]) -> dict[str, str]:
    """Per-field Vietnamese messages from ninja's validation errors (the first error of each field)."""
    fields: dict[str, str] = {}
    for error in errors:
        name = _field_name(error.get("loc") or ())
        fields.setdefault(name, _pydantic_message(error))
    return fields


# --- exception handlers ----------------------------------------------------------------------------------------

_HTTP_ERROR_CODES: dict[int, tuple[str, Promise]] = {
    400: ("bad_request", MSG_BAD_REQUEST),
    401: ("unauthenticated", MSG_UNAUTHENTICATED),
    403: ("forbidden", MSG_FORBIDDEN),
    404: ("not_found", MSG_NOT_FOUND),
    429: ("throttled", MSG_THROTTLED),
}


def _on_validation_error(request: HttpRequest, exc: NinjaValidationError) -> HttpResponse:
    return error_response(422, "validation_error", MSG_INVALID_INPUT, validation_fields(exc.errors))


def _on_http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
    status = exc.status_code
    headers: dict[str, str] = {}
    if status == 401:
        headers["WWW-Authenticate"] = 'Bearer realm="api"'
    # ninja raises these two with English text; recognise them to answer in Vietnamese.
    if status == 403 and exc.message.startswith("CSRF"):
        return error_response(403, "csrf_failed", MSG_CSRF_FAILED)
    if status == 400 and exc.message.startswith("Cannot parse request body"):
        return error_response(400, "invalid_json", MSG_BAD_BODY)
    code, message = _HTTP_ERROR_CODES.get(status, ("error", MSG_BAD_REQUEST))
    return error_response(status, code, message, headers=headers)


def _on_unreadable_request(request: HttpRequest, exc: Exception) -> HttpResponse:
    # A malformed multipart body, too many fields, an interrupted upload … read by Django (e.g. the CSRF check).
    return error_response(400, "bad_request", MSG_BAD_REQUEST)


def _on_not_found(request: HttpRequest, exc: Http404) -> HttpResponse:
    # Always the same words: whether something exists elsewhere is not revealed (ARCHITECTURE rule 2).
    return error_response(404, "not_found", MSG_NOT_FOUND)


def _on_permission_denied(request: HttpRequest, exc: PermissionDenied) -> HttpResponse:
    return error_response(403, "forbidden", MSG_FORBIDDEN)


def _on_service_error(request: HttpRequest, exc: ServiceError) -> HttpResponse:
    return error_response(exc.status, exc.code, exc.message, exc.fields, headers=getattr(exc, "headers", None))


def _on_django_validation_error(request: HttpRequest, exc: DjangoValidationError) -> HttpResponse:
    # A model's full_clean() inside a service: its messages are already translated.
    if hasattr(exc, "error_dict"):
        fields = {name: " ".join(str(m) for m in messages) for name, messages in exc.message_dict.items()}
        message = next(iter(fields.values()), str(MSG_INVALID_INPUT))
    else:
        fields = {}
        message = " ".join(str(m) for m in exc.messages) or str(MSG_INVALID_INPUT)
    return error_response(422, "validation_error", message, fields)


def _on_unexpected(request: HttpRequest, exc: Exception) -> HttpResponse:
    # A bug: log it with the traceback (and the request id the middleware put on the response), answer JSON.
    logger.exception("Unhandled API error on %s %s", request.method, request.path)
    return error_response(500, "server_error", MSG_SERVER_ERROR)


E = TypeVar("E", bound=Exception)


def _add_handler(api: NinjaAPI, exc_class: type[E], handler: Callable[[HttpRequest, E], HttpResponse]) -> None:
    # ninja's handler type admits an exception class as well as an instance; it always passes instances.
    def handle(request: HttpRequest, exc: E | type[E]) -> HttpResponse:
        return handler(request, exc() if isinstance(exc, type) else exc)

    api.add_exception_handler(exc_class, handle)


def install_error_handlers(api: NinjaAPI) -> None:
    """Answer every exception an operation raises with ``ErrorOut`` (the most specific class wins)."""
    _add_handler(api, NinjaValidationError, _on_validation_error)
    _add_handler(api, HttpError, _on_http_error)
    _add_handler(api, Http404, _on_not_found)
    _add_handler(api, PermissionDenied, _on_permission_denied)
    _add_handler(api, ServiceError, _on_service_error)
    _add_handler(api, DjangoValidationError, _on_django_validation_error)
    for unreadable in (MultiPartParserError, UnreadablePostError, BadRequest, SuspiciousOperation):
        _add_handler(api, unreadable, _on_unreadable_request)
    _add_handler(api, Exception, _on_unexpected)


# --- request bodies ---------------------------------------------------------------------------------------------


class JsonParser(Parser):
    """Request bodies are JSON, declared as such.

    Anything else is refused before the operation runs (ninja answers 400, which we word as ``invalid_json``): a
    form-encoded or multipart body would otherwise be parsed by Django as soon as something reads
    ``request.POST`` (django-axes does, on a failed login), and a cross-site HTML form cannot send
    ``application/json`` without the browser asking first.
    """

    def parse_body(self, request: HttpRequest) -> dict[str, Any]:
        if request.content_type != "application/json":
            raise ValueError(f"unsupported content type {request.content_type!r}")
        return super().parse_body(request)


# --- authentication ---------------------------------------------------------------------------------------------

# The per-user API token (``Authorization: Bearer``) is the accounts app's: ``sauro.accounts.auth.TokenAuth``.


class SessionAuth(NinjaSessionAuth):
    """The browser's Django session; unsafe methods must carry the CSRF token (ninja checks it).

    Without a logged-in user there is nothing to protect, so the call is passed on (and ends as 401) instead of
    failing the CSRF check with a misleading 403.
    """

    def __call__(self, request: HttpRequest) -> Any:
        if not request.user.is_authenticated:
            return None
        return super().__call__(request)


def auth_user(request: HttpRequest) -> User:
    """The user the API call is authenticated as (by token or by session)."""
    user = getattr(request, "auth", None)
    if not isinstance(user, get_user_model()):  # pragma: no cover - every authenticated operation sets it
        raise ApiError(str(MSG_UNAUTHENTICATED), status=401, code="unauthenticated")
    return user


def request_token_digest(request: HttpRequest) -> str | None:
    """The digest of the API token used for this call, or None for a session call."""
    digest = getattr(request, "api_token_digest", None)
    return digest if isinstance(digest, str) else None


# --- paging parameters (the paginator itself: common.pagination) ------------------------------------------------------

PAGE_SIZE = 100
MAX_PAGE_SIZE = 500


def cursor_param() -> Any:
    """The ``cursor`` query parameter of a keyset-paginated list: ``cursor: str | None = cursor_param()``."""
    return QueryParam(None, max_length=1000, description="Con trỏ tới trang sau: giá trị next_cursor của trang trước.")


def limit_param(default: int = PAGE_SIZE) -> Any:
    """The ``limit`` query parameter of a keyset-paginated list: ``limit: int = limit_param()``."""
    return QueryParam(default, ge=1, le=MAX_PAGE_SIZE, description="Số mục tối đa của một trang.")


# --- the docs page and routing errors ---------------------------------------------------------------------------


class LocalSwagger(Swagger):
    """Swagger UI from the copy django-ninja ships in ``ninja/static/ninja/``, never from a CDN.

    ninja serves that local copy only when "ninja" is in INSTALLED_APPS (its template and static files are found
    through the app); otherwise it falls back to a page loading jsdelivr, which agency networks cannot reach and
    our Content-Security-Policy forbids. We refuse that fallback with a clear error instead.

    Content-Security-Policy: the local page has no inline script. Its settings travel in a
    ``<script type="application/json">`` data block, which is never executed, and ``swagger-ui-init.js`` (a static
    file) reads them; styles are a static file and the styles React sets at run time go through the CSSOM, which
    ``style-src 'self'`` allows. So the site-wide strict policy (``script-src 'self'``) is kept on this page too:
    no per-response policy, no hash, no 'unsafe-inline'.
    """

    def render_page(self, request: HttpRequest, api: NinjaAPI, **kwargs: Any) -> HttpResponse:
        if "ninja" not in settings.INSTALLED_APPS:
            message = str(MSG_DOCS_UNAVAILABLE).format(openapi_url=self.get_openapi_url(api, kwargs))
            return error_response(503, "docs_unavailable", message)
        return super().render_page(request, api, **kwargs)


ViewFunc = Callable[..., HttpResponseBase]


def _json_method_not_allowed(view: ViewFunc) -> ViewFunc:
    """ninja answers a method no operation takes with plain text; answer the JSON error (keeping ``Allow``)."""

    @functools.wraps(view)  # keeps csrf_exempt: ninja does its own CSRF check in SessionAuth
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        response = view(request, *args, **kwargs)
        if isinstance(response, HttpResponseNotAllowed):
            message = str(MSG_METHOD_NOT_ALLOWED).format(method=request.method)
            return error_response(405, "method_not_allowed", message, headers={"Allow": response["Allow"]})
        return response

    return wrapper


def _read_only(view: ViewFunc) -> ViewFunc:
    """The schema and docs views answer GET and HEAD only; anything else is a JSON 405."""

    @functools.wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        if request.method not in {"GET", "HEAD"}:
            message = str(MSG_METHOD_NOT_ALLOWED).format(method=request.method)
            return error_response(405, "method_not_allowed", message, headers={"Allow": "GET, HEAD"})
        return view(request, *args, **kwargs)

    # Read-only: nothing for CSRF to protect, and a refused POST should be the JSON 405, not Django's HTML 403.
    return csrf_exempt(wrapper)


@csrf_exempt
def _api_not_found(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
    return error_response(404, "not_found", MSG_NOT_FOUND)


class SauroNinjaAPI(NinjaAPI):
    """NinjaAPI whose routing errors are JSON too: an unknown path under the API, the bare root, a wrong method."""

    def _get_urls(self) -> list[URLPattern | URLResolver]:
        urls: list[URLPattern | URLResolver] = []
        for pattern in super()._get_urls():
            if isinstance(pattern, URLPattern) and pattern.name == "api-root":
                # Keep the name: ninja reverses it to learn the API's own prefix for the OpenAPI paths.
                urls.append(path("", _api_not_found, name="api-root"))
            elif isinstance(pattern, URLPattern) and pattern.name in {"openapi-json", "openapi-view"}:
                pattern.callback = _read_only(pattern.callback)
                urls.append(pattern)
            elif isinstance(pattern, URLPattern):
                pattern.callback = _json_method_not_allowed(pattern.callback)
                urls.append(pattern)
            else:  # pragma: no cover - ninja only emits plain patterns
                urls.append(pattern)
        # Anything else under the API prefix: JSON 404, not the site's HTML page (and no APPEND_SLASH redirect).
        urls.append(re_path(r"^.*$", _api_not_found, name="api-not-found"))
        return urls
