"""The Vietnamese name of every action code the journal holds: the one home of these labels.

The services write codes (``task.approved``, ``workprogram.import``); the journal page, its filter and anything
else that shows an entry name them through ``action_label``. A new code written by a service needs its line here
(``tests/audit/test_action_labels.py`` scans the services' calls to the journal and fails on a code without one).
Django admin changes (``audit.admin_audit``) write ``<model>.create|update|delete``; those are named from the
model's own name. A code known nowhere is shown as "Thao tác khác", never as the raw code.
"""

from __future__ import annotations

from functools import cache
from typing import Any

from django.apps import apps
from django.db import models
from django.utils.translation import gettext_lazy as _

# Task events are journalled as ``task.<event kind>`` (``tasks.services._record``).
ACTION_LABELS: dict[str, Any] = {
    # Organisation
    "unit.create": _("Tạo đơn vị"),
    "unit.rename": _("Đổi tên đơn vị"),
    "unit.merge": _("Sáp nhập đơn vị"),
    "unit.move": _("Chuyển đơn vị sang đơn vị cấp trên khác"),
    "unit.letterhead": _("Cập nhật thể thức văn bản của đơn vị"),
    "membership.create": _("Phân công vai trò"),
    "membership.end": _("Kết thúc vai trò"),
    "membership.change": _("Thay đổi vai trò"),
    "membership.transfer": _("Chuyển vai trò sang đơn vị kế thừa"),
    # Accounts
    "user.create": _("Tạo người dùng"),
    "user.update": _("Cập nhật người dùng"),
    "api_token.create": _("Cấp mã truy cập API"),
    "api_token.revoke": _("Thu hồi mã truy cập API"),
    # The journal itself
    "audit.chain_keyed": _("Khóa chuỗi nhật ký bằng khóa nhật ký"),
    "audit.key_rotated": _("Đổi khóa nhật ký"),
    # Directives
    "directive.create": _("Vào sổ văn bản chỉ đạo"),
    "directive.update": _("Sửa văn bản chỉ đạo"),
    "directiveattachment.create": _("Đính kèm tệp vào văn bản chỉ đạo"),
    "directiveattachment.delete": _("Xóa tệp đính kèm của văn bản chỉ đạo"),
    "meeting.create": _("Vào sổ cuộc họp"),
    "meeting.update": _("Sửa thông tin cuộc họp"),
    "meeting.delete": _("Xóa cuộc họp khỏi sổ"),
    "meeting.conclusion": _("Ghi thông báo kết luận của cuộc họp"),
    # Citizens' petitions (tiếp công dân, đơn thư)
    "receptionday.create": _("Vào lịch ngày tiếp công dân"),
    "receptionday.state": _("Ghi tình trạng ngày tiếp công dân"),
    "reception.create": _("Vào sổ tiếp công dân"),
    "reception.update": _("Sửa lượt tiếp công dân"),
    "letter.create": _("Vào sổ đơn thư"),
    "letter.update": _("Sửa thông tin đơn thư"),
    "letter.decide": _("Quyết định hướng xử lý đơn thư"),
    "letter.identity_view": _("Xem danh tính người tố cáo (đơn thư)"),
    "reception.identity_view": _("Xem danh tính người tố cáo (lượt tiếp công dân)"),
    "petitions.identities_protect": _("Mã hóa danh tính người tố cáo"),
    "letter.link_duplicate": _("Liên kết đơn trùng"),
    "hotspot.raise": _("Cảnh báo điểm nóng"),
    "hotspot.end": _("Hết cảnh báo điểm nóng"),
    "intakerequest.create": _("Tiếp nhận đơn qua API (Open311)"),
    "user.password_reset": _("Đặt lại mật khẩu qua thư điện tử"),
    "identity.directory_account": _("Tạo tài khoản từ danh bạ của cơ quan"),
    "identity.directory_dn": _("Đổi mục trong danh bạ của tài khoản"),
    "identity.directory_disable": _("Khóa tài khoản theo danh bạ của cơ quan"),
    "identity.sso_account": _("Tạo tài khoản đăng nhập một lần"),
    "identity.sso_update": _("Cập nhật tài khoản từ đăng nhập một lần"),
    "identity.totp_enrol": _("Thiết lập ứng dụng xác thực"),
    "identity.totp_remove": _("Gỡ ứng dụng xác thực"),
    "identity.passkey_enrol": _("Đăng ký khóa truy cập"),
    "identity.passkey_remove": _("Gỡ khóa truy cập"),
    "identity.recovery_codes": _("Tạo mã khôi phục"),
    "identity.recovery_code_used": _("Dùng mã khôi phục"),
    "identity.device_remember": _("Ghi nhớ thiết bị"),
    "identity.device_revoke": _("Thu hồi thiết bị được ghi nhớ"),
    "identity.session_revoke": _("Thu hồi phiên đăng nhập"),
    "identity.sessions_end": _("Kết thúc các phiên đăng nhập khác"),
    "letter.rekey": _("Tính lại khóa tìm đơn trùng"),
    "letter.prolonged": _("Đánh dấu đơn kéo dài"),
    "term.create": _("Tạo nhiệm kỳ"),
    "term.close": _("Kết thúc nhiệm kỳ"),
    # Proposals from a directive's text (extraction)
    "proposal_run.create": _("Đề xuất nhiệm vụ từ văn bản"),
    "proposal.update": _("Sửa đề xuất nhiệm vụ"),
    "proposal.drop": _("Bỏ đề xuất nhiệm vụ"),
    "proposal.merge": _("Gộp đề xuất nhiệm vụ"),
    "proposal.task_created": _("Tạo dự thảo nhiệm vụ từ đề xuất"),
    # Discussions
    "discussion.comment_post": _("Gửi ý kiến trao đổi về nhiệm vụ"),
    "discussion.comment_edit": _("Sửa ý kiến trao đổi"),
    "discussion.comment_delete": _("Xóa ý kiến trao đổi"),
    # Tasks (``task.<EventKind>``)
    "task.created": _("Tạo dự thảo nhiệm vụ"),
    "task.edited": _("Sửa dự thảo nhiệm vụ"),
    "task.issued": _("Giao nhiệm vụ"),
    "task.accepted": _("Tiếp nhận, phân công nhiệm vụ"),
    "task.submitted": _("Gửi sản phẩm nhiệm vụ"),
    "task.approved": _("Duyệt sản phẩm nhiệm vụ"),
    "task.returned": _("Trả lại sản phẩm nhiệm vụ"),
    "task.cancelled": _("Dừng thực hiện nhiệm vụ"),
    "task.focus_changed": _("Đổi đánh dấu nhiệm vụ trọng tâm"),
    "task.extension_requested": _("Đề nghị gia hạn nhiệm vụ"),
    "task.extension_decided": _("Quyết định gia hạn nhiệm vụ"),
    "task.reassignment_requested": _("Đề nghị điều chỉnh đơn vị chủ trì"),
    "task.reassignment_decided": _("Quyết định điều chỉnh đơn vị chủ trì"),
    "task.unit_succeeded": _("Chuyển nhiệm vụ sang đơn vị kế thừa"),
    "task.handed_over": _("Bàn giao nhiệm vụ khi cán bộ thôi giữ vai trò"),
    "task.generated": _("Tạo nhiệm vụ theo định kỳ"),
    "task.progress": _("Cập nhật tiến độ nhiệm vụ"),
    "task.obstacle_raised": _("Báo cáo khó khăn, vướng mắc"),
    "task.obstacle_answered": _("Trả lời khó khăn, vướng mắc"),
    "task.obstacle_escalated": _("Chuyển khó khăn, vướng mắc lên cấp trên"),
    "task.confidence_rated": _("Đánh giá khả năng hoàn thành"),
    "task.escalated": _("Báo cáo cấp trên: nhiệm vụ chậm chuyển bước"),
    # Monitoring
    "obstacle.unit_succeeded": _("Chuyển khó khăn, vướng mắc sang đơn vị kế thừa"),
    # Work programs
    "workprogram.create": _("Tạo chương trình công tác"),
    "workprogram.update": _("Sửa chương trình công tác"),
    "workprogram.import": _("Nhập chương trình công tác từ tệp Excel"),
    "workprogramitem.create": _("Thêm mục chương trình công tác"),
    "workprogramitem.update": _("Sửa mục chương trình công tác"),
    "workprogramitem.delete": _("Xóa mục chương trình công tác"),
    "workprogramitem.create_task": _("Tạo nhiệm vụ từ mục chương trình công tác"),
    "workprogramitem.link_task": _("Gắn nhiệm vụ với mục chương trình công tác"),
    "workprogramitem.unlink_task": _("Bỏ gắn nhiệm vụ khỏi mục chương trình công tác"),
    "workprogramitem.unit_succeeded": _("Chuyển mục chương trình công tác sang đơn vị kế thừa"),
    # Notifications
    "notification.preference": _("Đổi lựa chọn nhận thông báo"),
    # Reports
    "report_duty.generate": _("Lập nghĩa vụ báo cáo"),
    "report_duty.request_ad_hoc": _("Yêu cầu báo cáo đột xuất"),
    "report_duty.merge": _("Gộp nghĩa vụ báo cáo khi sáp nhập đơn vị"),
    "report_duty.succeed": _("Chuyển nghĩa vụ báo cáo sang đơn vị kế thừa"),
    "report.submit": _("Nộp báo cáo"),
}
# Django admin changes: ``<model_name>.<verb>``.
VERB_LABELS: dict[str, Any] = {
    "create": _("Tạo"),
    "update": _("Sửa"),
    "delete": _("Xóa"),
}
UNKNOWN_ACTION = _("Thao tác khác")
# Apps whose models appear in the journal; the journal itself is not an object of the journal.
JOURNALED_APP_EXCLUDE = frozenset({"audit"})


@cache
def journaled_models() -> dict[str, type[models.Model]]:
    """Our own models by ``app_label.model_name`` (the journal's ``object_type``)."""
    return {
        model._meta.label_lower: model
        for model in apps.get_models()
        if model.__module__.startswith("sauro.") and model._meta.app_label not in JOURNALED_APP_EXCLUDE
    }


def _model_named(model_name: str) -> type[models.Model] | None:
    for model in journaled_models().values():
        if model._meta.model_name == model_name:
            return model
    return None


def action_label(action: str) -> str:
    """The Vietnamese name of an action code. An admin change is named by its verb and model; a code known nowhere
    reads "Thao tác khác" (with the object's name when the code starts with one of our models)."""
    if action in ACTION_LABELS:
        return str(ACTION_LABELS[action])
    model_name, _sep, verb = action.rpartition(".")
    model = _model_named(model_name)
    if model is not None and verb in VERB_LABELS:
        return f"{VERB_LABELS[verb]} {model._meta.verbose_name}"
    if model is not None:
        return f"{UNKNOWN_ACTION} ({model._meta.verbose_name})"
    return str(UNKNOWN_ACTION)
