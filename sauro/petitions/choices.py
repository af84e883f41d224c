"""Choices of the petitions domain (tiếp công dân, đơn thư): kinds of letters, complexity, the statutory deadlines."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class PetitionKind(models.TextChoices):
    """What a letter is, by its content: the kind decides which statutory deadlines apply."""

    KHIEU_NAI_1 = "khieu_nai_1", _("Khiếu nại lần đầu")
    KHIEU_NAI_2 = "khieu_nai_2", _("Khiếu nại lần hai")
    TO_CAO = "to_cao", _("Tố cáo")
    KIEN_NGHI = "kien_nghi", _("Kiến nghị")
    PHAN_ANH = "phan_anh", _("Phản ánh")


class Complexity(models.TextChoices):
    """How complex a case is, as the deciding body records it; it lengthens the resolution period."""

    NORMAL = "normal", _("Thông thường")
    COMPLEX = "complex", _("Phức tạp")
    VERY_COMPLEX = "very_complex", _("Đặc biệt phức tạp")


# A rule written for a complexity also serves the more complex cases that have no rule of their own (a "very
# complex" complaint gets the "complex" period: the law on complaints knows only "phức tạp").
COMPLEXITY_ORDER: tuple[str, ...] = (Complexity.NORMAL, Complexity.COMPLEX, Complexity.VERY_COMPLEX)


class DeadlineKey(models.TextChoices):
    """The statutory deadlines of a letter (the keys of ``sauro petitions deadlines --json``)."""

    HANDLING = "handling", _("Xử lý đơn")
    HANDLING_MAX = "handling_max", _("Xử lý đơn (tối đa, khi phải xác minh)")
    TRANSFER = "transfer", _("Chuyển đơn đến cơ quan có thẩm quyền")
    ACCEPTANCE = "acceptance", _("Thụ lý")
    RESOLUTION = "resolution", _("Giải quyết")
    RESOLUTION_MAX = "resolution_max", _("Giải quyết (tối đa, khi gia hạn)")


# The order deadlines are listed in (the CLI's table, the JSON's keys, later the letter's page).
DEADLINE_KEY_ORDER: tuple[str, ...] = tuple(DeadlineKey.values)


class DayUnit(models.TextChoices):
    """How a period is counted: working days only, or every day with a last day off moved to the next working day."""

    WORKING = "working", _("ngày làm việc")
    CALENDAR = "calendar", _("ngày")


class CountedFrom(models.TextChoices):
    """The event a period runs from; it starts the day after."""

    RECEIPT = "receipt", _("ngày nhận đơn")
    ACCEPTANCE = "acceptance", _("ngày thụ lý")


# --- the register: receptions and letters (points 1, 2 and 4 of issue 19) ---------------------------------------


class LetterKind(models.TextChoices):
    """What a letter or a visit is about, by its content: the five kinds of the rule book, and a letter mixing them
    (whose deadlines follow the content the officer names as its main one, ``Letter.main_kind``)."""

    KHIEU_NAI_1 = PetitionKind.KHIEU_NAI_1.value, PetitionKind.KHIEU_NAI_1.label
    KHIEU_NAI_2 = PetitionKind.KHIEU_NAI_2.value, PetitionKind.KHIEU_NAI_2.label
    TO_CAO = PetitionKind.TO_CAO.value, PetitionKind.TO_CAO.label
    KIEN_NGHI = PetitionKind.KIEN_NGHI.value, PetitionKind.KIEN_NGHI.label
    PHAN_ANH = PetitionKind.PHAN_ANH.value, PetitionKind.PHAN_ANH.label
    MIXED = "mixed", _("Nhiều nội dung")


class LetterSource(models.TextChoices):
    """How a letter came in."""

    IN_PERSON = "in_person", _("Nhận trực tiếp")
    POST = "post", _("Qua bưu chính")
    FORWARDED = "forwarded", _("Cơ quan khác chuyển đến")
    CITIZEN_APP = "citizen_app", _("Ứng dụng công dân của thành phố")
    EMAIL = "email", _("Thư điện tử")
    OTHER_SYSTEM = "other_system", _("Hệ thống khác")


class SignerKind(models.TextChoices):
    """Who signed a letter."""

    ONE = "one", _("Một người đứng tên")
    SEVERAL = "several", _("Nhiều người cùng ký")
    ANONYMOUS = "anonymous", _("Nặc danh")
    FALSE_NAME = "false_name", _("Mạo danh")


class Topic(models.TextChoices):
    """What a letter is about."""

    LAND = "land", _("Đất đai")
    COMPENSATION = "compensation", _("Bồi thường, hỗ trợ, tái định cư")
    OFFICIALS = "officials", _("Cán bộ, công chức thi hành công vụ")
    PARTY_MEMBERS = "party_members", _("Đảng viên, tổ chức đảng")
    ENVIRONMENT = "environment", _("Môi trường")
    OTHER = "other", _("Khác")


class Decision(models.TextChoices):
    """The path a letter takes once examined (xử lý đơn). Empty: not yet decided."""

    HANDLE = "handle", _("Thụ lý, giải quyết tại đơn vị")
    FORWARD = "forward", _("Chuyển đơn")
    GUIDE = "guide", _("Hướng dẫn người gửi đơn")
    KEEP = "keep", _("Lưu đơn để theo dõi, tham khảo")


class LetterProduct(models.TextChoices):
    """What the task a letter becomes must produce; ``PRODUCT_KINDS`` maps it onto the task's product kind."""

    ANSWER = "answer", _("Văn bản trả lời người gửi đơn")
    DECISION = "decision", _("Quyết định giải quyết")
    REPORT = "report", _("Báo cáo kết quả xác minh, giải quyết")


class LetterState(models.TextChoices):
    """Where a letter stands. Never stored: derived in SQL from its decision and its task's state
    (``selectors.letter_state_expr``), so it follows the task without a copy to keep in step."""

    RECEIVED = "received", _("Chưa xử lý")
    ASSIGNING = "assigning", _("Đang giao nhiệm vụ")
    IN_HANDLING = "in_handling", _("Đang giải quyết")
    ANSWERED = "answered", _("Đã giải quyết")
    STOPPED = "stopped", _("Dừng giải quyết")
    FORWARDED = "forwarded", _("Đã chuyển cơ quan khác")
    GUIDED = "guided", _("Đã hướng dẫn")
    KEPT = "kept", _("Lưu theo dõi, tham khảo")


class ReceiverKind(models.TextChoices):
    """Who received a citizen."""

    LEADER = "leader", _("Lãnh đạo tiếp (ngày tiếp công dân định kỳ hoặc đột xuất)")
    OFFICE = "office", _("Bộ phận tiếp công dân")


class Competence(models.TextChoices):
    """Whether the matter falls within the receiving body's competence."""

    IN = "in", _("Thuộc thẩm quyền")
    OUT = "out", _("Không thuộc thẩm quyền")
    UNCLEAR = "unclear", _("Chưa xác định")


class Guidance(models.TextChoices):
    """What the person received was given."""

    NONE = "none", _("Tiếp nhận, ghi nhận")
    GUIDED = "guided", _("Hướng dẫn đến cơ quan có thẩm quyền")
    TRANSFERRED = "transferred", _("Chuyển đơn, chuyển vụ việc")
    ANSWERED = "answered", _("Trả lời trực tiếp")


class ReceptionDayState(models.TextChoices):
    """A leader's reception day: planned, held, or called off."""

    PLANNED = "planned", _("Theo kế hoạch")
    HELD = "held", _("Đã tiếp")
    CANCELLED = "cancelled", _("Hoãn, hủy")


# --- hot spots (point 7 of issue 19) -----------------------------------------------------------------------------


class HotSpotMark(models.TextChoices):
    """The complexity criteria an officer marks on a letter (``Letter.hotspot_marks``, several at once): any one of
    them makes the letter a hot spot (``petitions.hotspots``, rule c)."""

    MANY_HOUSEHOLDS = "households", _("Nhiều hộ dân")
    LAND = "land", _("Đất đai")
    RELIGION_ETHNICITY = "religion", _("Tôn giáo, dân tộc")
    MEDIA = "media", _("Báo chí quan tâm")
    GATHERING = "gathering", _("Dấu hiệu tụ tập đông người")


class HotSpotReason(models.TextChoices):
    """Why a hot spot (điểm nóng) was raised (``petitions.hotspots``): the rules (a) to (d) of the issue's point 7,
    the "prolonged" rule (b) split into its two cases."""

    CROWD = "crowd", _("Đông người")
    OVERDUE = "overdue", _("Kéo dài: quá hạn chưa giải quyết")
    REPEAT = "repeat", _("Kéo dài: tái diễn sau quyết định đã có hiệu lực")
    COMPLEX = "complex", _("Phức tạp")
    RISE = "rise", _("Đơn tăng đột biến")
