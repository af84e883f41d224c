"""The JSON API: one NinjaAPI assembling each app's router under /api/v1/."""

from __future__ import annotations

from sauro.accounts.api import router as accounts_router
from sauro.accounts.auth import TokenAuth
from sauro.common.api import (
    JsonParser,
    LocalSwagger,
    SauroNinjaAPI,
    SessionAuth,
    install_error_handlers,
)
from sauro.dashboard.api import router as dashboard_router
from sauro.directives.api import router as directives_router
from sauro.discussions.api import router as discussions_router
from sauro.extraction.api import router as extraction_router
from sauro.meetings.api import router as meetings_router
from sauro.monitoring.api import router as monitoring_router
from sauro.notifications.api import router as notifications_router
from sauro.org.api import router as org_router
from sauro.petitions.api import router as petitions_router
from sauro.petitions.open311 import router as open311_router
from sauro.programs.api import router as programs_router
from sauro.reports.api import router as reports_router
from sauro.tasks.api import router as tasks_router

DESCRIPTION = """
API của hệ thống Sáu Rõ.

**Xác thực.** Mỗi lời gọi cần một trong hai cách:
- mã truy cập API trong tiêu đề `Authorization: Bearer <mã>` (lấy mã bằng `POST /api/v1/auth/token`;
  mỗi mã thuộc một người, thu hồi được, hệ thống chỉ lưu bản băm);
- phiên đăng nhập của trình duyệt; khi đó các yêu cầu thay đổi dữ liệu (POST, PUT, PATCH, DELETE) phải kèm
  tiêu đề `X-CSRFToken`.

**Nội dung yêu cầu** là JSON, gửi kèm tiêu đề `Content-Type: application/json`.

**Lỗi.** Mọi lỗi trả về JSON `{"code", "message", "fields"}` với mã trạng thái 4xx: `code` ổn định cho chương
trình, `message` bằng tiếng Việt, `fields` là thông báo theo từng trường. Dữ liệu ngoài phạm vi bạn được xem
trả về 404 như dữ liệu không tồn tại.

**Phân trang.** Danh sách lớn được phân trang bằng con trỏ: gọi lại với `cursor` = `next_cursor` của trang
trước cho đến khi `next_cursor` là null.
"""

api = SauroNinjaAPI(
    title="Sáu Rõ API",
    version="1",
    description=DESCRIPTION.strip(),
    urls_namespace="api",
    # Token first: an integration's call never depends on, or is confused by, a browser session.
    auth=[TokenAuth(), SessionAuth()],
    docs=LocalSwagger(),
    parser=JsonParser(),
)
install_error_handlers(api)
api.add_router("", accounts_router)
api.add_router("", org_router)
api.add_router("", directives_router)
api.add_router("", tasks_router)
api.add_router("", extraction_router)
api.add_router("", meetings_router)
api.add_router("", petitions_router)
api.add_router("", open311_router)
api.add_router("", programs_router)
api.add_router("", monitoring_router)
api.add_router("", discussions_router)
api.add_router("", notifications_router)
api.add_router("", dashboard_router)
api.add_router("", reports_router)
