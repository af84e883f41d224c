from django.db import models
from django.utils.translation import gettext_lazy as _

from sauro.directives.choices import DirectiveKind
from sauro.org.choices import Role


class MeetingKind(models.TextChoices):
    """Kinds of meetings of the Party committee and its bodies (Quy chế làm việc của Thành ủy)."""

    PLENUM = "plenum", _("Hội nghị Ban Chấp hành")
    STANDING_BOARD = "standing_board", _("Họp Ban Thường vụ")
    STANDING = "standing", _("Họp Thường trực")
    BRIEFING = "briefing", _("Giao ban")
    THEMATIC = "thematic", _("Hội nghị chuyên đề")
    AGENCY = "agency", _("Họp cơ quan")
    OTHER = "other", _("Khác")


# The kind of document a meeting's conclusion is recorded as: a "thông báo kết luận" is a Thông báo (TB).
CONCLUSION_KIND = DirectiveKind.TB
# Who registers any meeting of the committee (as for directives: Văn phòng and leaders); a unit's heads register
# their own unit's (``access.may_record``).
MEETING_REGISTRAR_ROLES = frozenset({Role.MONITOR, Role.LEADER})
# A conclusion counts as issued on time when every task taken from it was issued within this many working days of
# the conclusion's date.
CONCLUSION_ISSUE_WORKING_DAYS = 5
