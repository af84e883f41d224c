"""The gunicorn worker of ``sauro serve``: gunicorn's own refusals answered in the API's JSON error shape.

Some requests never reach Django: gunicorn refuses them while reading them — a request line longer than
``limit_request_line`` (414), headers beyond ``limit_request_fields``/``limit_request_field_size`` (431), a request
it cannot parse (400), a transfer coding it does not support (501) … — and answers with a small HTML page of its
own (``gunicorn.util.write_error``). A program calling ``/api/`` then gets HTML where every other error is JSON
``{"code", "message", "fields"}`` (``common.api.ErrorOut``, ARCHITECTURE rule 7).

At that point the request's path is usually not known (the request line itself may be what was refused), so these
answers are JSON for every path: a browser shows the Vietnamese message as text, which is as readable as
gunicorn's English page. The limits themselves stay gunicorn's (they bound the memory a request can take before
Django runs); requests within them reach Django and get its answers.
"""

from __future__ import annotations

import json
import socket
import threading
from typing import Any

from gunicorn import util
from gunicorn.workers.sync import SyncWorker

# status → (code, message) of the JSON error; the codes and words follow common.api's.
ERRORS: dict[int, tuple[str, str]] = {
    400: ("bad_request", "Yêu cầu không hợp lệ."),
    403: ("forbidden", "Bạn không có quyền thực hiện thao tác này."),
    414: ("uri_too_long", "Địa chỉ (URL) của yêu cầu quá dài."),
    417: ("expectation_failed", "Máy chủ không đáp ứng được tiêu đề Expect của yêu cầu."),
    431: ("headers_too_large", "Phần tiêu đề (header) của yêu cầu quá lớn hoặc quá nhiều."),
    501: ("not_implemented", "Máy chủ không hỗ trợ cách truyền dữ liệu của yêu cầu."),
}
SERVER_ERROR = ("server_error", "Hệ thống gặp lỗi khi xử lý yêu cầu. Hãy thử lại sau hoặc báo cho quản trị viên.")

_html_write_error = util.write_error
_swap = threading.Lock()


def json_error(status: int, reason: str) -> bytes:
    """The whole HTTP response gunicorn sends for ``status``: the JSON error, then the connection closes."""
    code, message = ERRORS.get(status, SERVER_ERROR if status >= 500 else ERRORS[400])
    body = json.dumps({"code": code, "message": message, "fields": {}}, ensure_ascii=False).encode()
    head = (
        f"HTTP/1.1 {status} {reason}\r\n"
        "Connection: close\r\n"
        "Content-Type: application/json; charset=utf-8\r\n"
        "X-Content-Type-Options: nosniff\r\n"
        f"Content-Length: {len(body)}\r\n\r\n"
    )
    return head.encode("latin-1") + body


def write_json_error(sock: socket.socket, status_int: int, reason: str, mesg: str) -> None:
    """``gunicorn.util.write_error`` with the JSON shape (gunicorn's message ``mesg`` is logged, not sent)."""
    util.write_nonblock(sock, json_error(int(status_int), reason))


class JsonErrorWorker(SyncWorker):
    """gunicorn's sync worker, whose own error responses are the API's JSON error shape."""

    def handle_error(self, req: Any, client: Any, addr: Any, exc: BaseException) -> None:
        # gunicorn's handler logs the error and writes the response through ``util.write_error``: keep its logging
        # and status choice, write ours. (A sync worker handles one request at a time; the lock is for safety.)
        with _swap:
            util.write_error = write_json_error
            try:
                super().handle_error(req, client, addr, exc)
            finally:
                util.write_error = _html_write_error
