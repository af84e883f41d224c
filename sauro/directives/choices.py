from django.db import models
from django.utils.translation import gettext_lazy as _

from sauro.org.choices import Role


class DirectiveKind(models.TextChoices):
    """Kinds of Party documents and their codes (Quy định 66-QĐ/TW, Hướng dẫn 36-HD/VPTW).

    The value is the code written in the number-symbol (``Số 15-KL/TU``), so it keeps its case and its "Đ".
    """

    NQ = "NQ", _("Nghị quyết")
    KL = "KL", _("Kết luận")
    CT = "CT", _("Chỉ thị")
    QD = "QĐ", _("Quyết định")
    QDI = "QĐi", _("Quy định")
    QC = "QC", _("Quy chế")
    CTR = "CTr", _("Chương trình")
    KH = "KH", _("Kế hoạch")
    TB = "TB", _("Thông báo")
    HD = "HD", _("Hướng dẫn")
    BC = "BC", _("Báo cáo")
    TTR = "TTr", _("Tờ trình")
    DA = "ĐA", _("Đề án")
    PA = "PA", _("Phương án")
    QHO = "QHo", _("Quy hoạch")
    DC = "ĐC", _("Đề cương")
    BB = "BB", _("Biên bản")
    CV = "CV", _("Công văn")
    TT = "TT", _("Thông tri")


# Who registers and edits directives (PRODUCT §2: the office registers; leaders may too). Admin has no business
# actions; inspectors only read.
DIRECTIVE_EDITOR_ROLES = frozenset({Role.MONITOR, Role.LEADER})
# Who declares the terms of a committee (configuration, like the working-day calendar).
TERM_MANAGER_ROLES = frozenset({Role.MONITOR, Role.ADMIN})


class Urgency(models.TextChoices):
    """Độ khẩn marked on a document (Hướng dẫn 36-HD/VPTW): an urgent directive's tasks are updated the same day."""

    NORMAL = "normal", _("Thường")
    URGENT = "urgent", _("Khẩn")
    VERY_URGENT = "very_urgent", _("Thượng khẩn")
    FLASH = "flash", _("Hỏa tốc")
