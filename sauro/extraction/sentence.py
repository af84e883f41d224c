"""One sentence → the tasks it assigns (lead, coordinating units, product, authority, time, open clears).

Rules over the words of the sentence and the units the matcher finds in it; docs/extraction.md, "Sentences and
proposals", tells them with examples. In short:

1. The sentence is cut into clauses at ``;``. Each unit mention gets a role from the words just before it:
   ``báo cáo``/``trình``/``tham mưu``/``xin ý kiến`` → authority; ``phối hợp (với)``/``cùng`` → coordinating;
   ``giao (cho)``/``đề nghị``/``yêu cầu``/``chỉ đạo``/``phân công`` → lead; a mention that opens a phrase (nothing
   before it since the clause's start or the last comma, or only "đồng chí"/a title) → subject; anything else
   (``của``, ``tại``, ``gửi``, a verb…) → none. A mention joined to the previous one by ``,``/``và`` shares its role
   (``phối hợp với Y, Z``), except after a none (``của Thành ủy, Ban Tổ chức Thành ủy xây dựng…``).
2. A subject counts when a predicate follows it (``chủ trì``, ``xây dựng``, ``theo chức năng``, ``mỗi ban``, a
   colon…); a subject followed by ``giao``/``đề nghị``/``yêu cầu``/``thống nhất``/``ghi nhận``… (or ``chỉ đạo`` and a
   unit) is the issuer, not a lead; a subject followed by ``phối hợp`` (without ``với``) after a lead is
   coordinating (``…; Y phối hợp``). A second ``giao <unit>`` in a clause opens a task of its own.
3. A clause with a lead opens an assignment; clauses without one belong to the open assignment. A clause with
   ``giao``/``đề nghị``/``yêu cầu`` and no unit after it opens an assignment with its lead left open and the words
   naming it kept (``lead_text``: "các cơ quan, đơn vị").
4. Each assignment yields one proposal per lead ("A, B, C theo chức năng, nhiệm vụ", "A và B mỗi ban…"). A collective
   subject (``UnitMention.collective``) yields one proposal per unit it covers when ``collective``, else one without
   a lead.
5. Narrative yields nothing: a subject followed by ``đã``/``đang``/``được``/``đạt``…, or a sentence with ``đã``/
   ``đạt``/``được``/``đang`` and no word of assignment (``giao``, ``chủ trì``, ``cần``, ``phải``, ``trước ngày``…).

Grammar words are matched on the sentence lower-cased with its diacritics (``cần`` is not ``cán``, ``đã`` is not
``đa``); unit names are the matcher's business (it also reads them without diacritics). A sentence typed without
any diacritics gets them back on its grammar phrases first ("chu tri, phoi hop voi" → "chủ trì, phối hợp với"; same
length, so offsets hold), except on syllables that would be read as another word ("da": đã or đa, "dang": đang or
đảng): such a sentence is read a little more cautiously (its narrative "da" is not seen, but neither is a predicate).

6. Before the roles, the mentions are cleaned (``_clean_mentions``): a place after a body belongs to it ("Thành ủy Hà
   Nội"), a committee in lower case is any committee, "Ban Thường vụ các huyện ủy" is a collective. A subject the
   matcher does not know is a body's head noun followed by a predicate, at the clause's start, after a short lead-in
   ("Cụ thể, quý I/2023, …") or in "Đối với X, …" (``_unknown_subject``); bodies it does not know named after known
   leads get a task each (``_extra_leads``). Clauses that only list addressees are joined (``_merged_clauses``). Work
   without a doer: an imperative, "Nhiệm vụ … là <work>", a duty in the passive (``_doerless``). News reports,
   reported speech, the execution formula and a past year's review assign nothing without an explicit cue.
   docs/extraction.md, "What changed to get there", tells each with its example.

Across sentences (``pipeline``): a sentence ending with ":" hands its lead to the items under it (``lead_in_of``,
``read_sentence(…, lead_in=…)``), a sentence that only coordinates joins the task before it (``coordinators_only``).
"""

from __future__ import annotations

import datetime
import itertools
import re
import unicodedata
from dataclasses import dataclass, field

from sauro.common.calendar import WorkCalendar
from sauro.extraction.segment import Sentence
from sauro.extraction.timeexpr import parse_time
from sauro.extraction.types import Clear, TaskProposal, TimeSpec, UnitMention, UnitRef
from sauro.extraction.units import UnitMatcher

# A title shorter than this cannot say what is to be done (as ``tasks.rules.MIN_CONTENT_LENGTH`` for content).
MIN_TITLE_LENGTH = 15
TITLE_MAX = 200
PRODUCT_MAX = 160

# Old-style tone placement ("hoá", "uỷ") → the placement the patterns are written with; same length.
_TONE_PLACEMENT = {
    "oà": "òa", "oá": "óa", "oả": "ỏa", "oã": "õa", "oạ": "ọa",
    "oè": "òe", "oé": "óe", "oẻ": "ỏe", "oẽ": "õe", "oẹ": "ọe",
    "uỳ": "ùy", "uý": "úy", "uỷ": "ủy", "uỹ": "ũy", "uỵ": "ụy",
}  # fmt: skip
_TONE_RE = re.compile(r"(?<!q)(?:" + "|".join(_TONE_PLACEMENT) + r")(?!\w)")


def lower_keep(text: str) -> str:
    """``text`` lower-cased, one character for one (offsets stay those of ``text``), tone marks placed alike."""
    low = text.lower()
    if len(low) != len(text):  # "İ" and the like lower-case to two characters
        low = "".join(c.lower() if len(c.lower()) == 1 else c for c in text)
    if low.isascii():  # typed without diacritics: the grammar phrases get theirs back (defined below)
        return _with_accents(low)
    return _TONE_RE.sub(lambda m: _TONE_PLACEMENT[m.group(0)], low)


# "trình" (to submit) is not the end of "chương trình", "tờ trình".
_TRINH = r"(?<!chương )(?<!tờ )(?<!quá )(?<!quy )(?<!lịch )(?<!hành )(?<!tiến )(?<!công )(?<!giáo )trình"


# Every grammar phrase the patterns name (filled by ``_alt``), to read a sentence typed without diacritics.
_PHRASES: set[str] = set()


def _alt(*phrases: str) -> str:
    _PHRASES.update(phrases)
    escaped = (_TRINH if p == "trình" else re.escape(p) for p in sorted(phrases, key=len, reverse=True))
    return "(?:" + "|".join(escaped) + ")"


# fmt: off
_W = r"(?=[\s,;:.()]|$)"  # the end of a word
_B = r"(?:^|(?<=[\s,;:(]))"  # the start of a word

_AUTHORITY_BEFORE = re.compile(
    _B
    + r"(?:báo cáo(?:(?: [^\s,;:]+){0,5}? (?:về|cho|với|lên|gửi về|gửi))?|"
    + _alt("trình", "tham mưu", "tham mưu cho", "xin ý kiến", "đề xuất", "đề xuất với", "gửi về")
    + r")\s*$"
)
_COORD_BEFORE = re.compile(
    _B + _alt("phối hợp", "phối hợp với", "phối hợp chặt chẽ với", "với", "cùng", "cùng với") + r"\s*$"
)
_CUE_WORDS = _alt(
    "giao", "giao cho", "đề nghị", "yêu cầu", "chỉ đạo", "phân công", "phân công cho", "giao nhiệm vụ cho"
)
_NOT_AFTER = r"(?<!được )(?<!đã )(?<!sự )(?<!theo )(?<!\w và )(?<!các )(?<!những )"
_CUE_BEFORE = re.compile(_B + _NOT_AFTER + _CUE_WORDS + r"\s*$")
_CUE_ANY = re.compile(_B + _NOT_AFTER + "(" + _CUE_WORDS + ")" + _W)
_LEAD_TEXT_CUE = re.compile(
    _B
    + _NOT_AFTER
    + "("
    + _alt("giao", "giao cho", "đề nghị", "yêu cầu", "phân công", "lưu ý")
    + r")\s+(?=[^\s,:])(?!(?:phải|cần|được)\s)"
)
# What a committee says of itself in its conclusion: the subject is the issuer ("Ban Thường vụ Thành ủy thống nhất
# thông qua Đề án…, giao Ban Tổ chức Thành ủy hoàn thiện…").
_STANCE_START = re.compile(
    r"^[\s,]*(?:(?:đã|cũng|cũng đã|đều|tiếp tục)\s+)?"
    + _alt(
        "thống nhất", "cơ bản thống nhất", "đồng ý", "ghi nhận", "đánh giá cao", "biểu dương", "kết luận", "nhấn mạnh",
        "lưu ý", "yêu cầu", "đề nghị", "giao", "thông qua", "nhất trí", "cho ý kiến", "quyết định",
        "kêu gọi",
    )
    + _W
)
# A person named in the subject: "đồng chí …", a title before the unit ("Trưởng Ban Tổ chức Thành ủy").
_TITLE_BEFORE = re.compile(
    _B
    + _alt(
        "đồng chí", "trưởng", "phó trưởng", "chánh", "phó chánh", "chánh văn phòng", "phó chánh văn phòng", "chủ nhiệm",
        "phó chủ nhiệm", "bí thư", "phó bí thư", "phó bí thư thường trực", "giám đốc", "chủ tịch", "ủy viên",
        "thủ trưởng", "hiệu trưởng", "tổng biên tập", "người đứng đầu",
    )
    + r"\s*$"
)
# What may stand before a subject in its phrase (a lead-in adverbial ends with a comma and is not in the phrase).
_SUBJECT_OPENERS = re.compile(r"^(?:(?:đồng thời|riêng|sau đó|tiếp theo|trong đó|mặt khác|còn|và|giao cho)\s*)*$")

_NARRATIVE_START = re.compile(
    r"^[\s,]*" + _alt("đã", "đang", "được", "vừa", "đạt", "cũng đã", "đều đã", "vẫn", "chưa", "không", "đã được") + _W
)
_NARRATIVE_ANY = re.compile(
    _B
    + r"(?:được(?! giao| phân công)|"
    + _alt("đã", "đạt được", "đang", "vừa ban hành", "vừa có văn bản", "vừa tổ chức", "vừa ký")
    + ")"
    + _W
)
# What was done (not what is being done: "đang sinh sống"): an imperative sentence with it reports.
_PAST_ANY = re.compile(_B + _alt("đã", "vừa ban hành", "vừa có văn bản", "vừa tổ chức", "vừa ký") + _W)
_PAST_YEAR = re.compile(r"^[\s,]*(?:trong\s+)?năm\s+(\d{4})\s*,")
# The formula that ends a decision ("… chịu trách nhiệm thi hành Quyết định này"): no task of its own.
_EXECUTION_FORMULA = re.compile(
    r"thi hành " + _alt("quyết định", "quy định", "chỉ thị", "kết luận", "thông báo", "quy chế") + r" này"
)
# A news report of an event ("TTH - Sáng 23/3, Ban Tuyên giáo Tỉnh ủy tổ chức hội nghị…") or of what someone said
# ("Lãnh đạo Ban …, cho biết …", "Quy chế nêu rõ, …"): it assigns only through an explicit "giao"/"yêu cầu"/"đề nghị".
_REPORTED = re.compile(
    r"^(?:[^\s,]{1,12}\s*[-–]\s*)?(?:sáng|chiều|tối|trưa|ngày|hôm nay|hôm qua)\s+(?:nay|qua|\d{1,2}\s*[-/.]\s*\d{1,2})"
    r"|" + _B + _alt("cho biết", "chia sẻ", "nêu rõ", "cho rằng", "khẳng định", "phát biểu") + r"\s*[,:]?\s"
)
_EXPLICIT_CUE = re.compile(
    _B
    + _NOT_AFTER
    + r"(?:giao(?! ban)|"
    + _alt("đề nghị", "yêu cầu", "lưu ý")
    + ")"
    + _W
    + r"(?!\s+(?:phải|cần|được)\s)"
)
_DIRECTIVE_ANY = re.compile(
    _B
    + _NOT_AFTER
    + _alt(
        "giao", "đề nghị", "yêu cầu", "chủ trì", "cần", "phải", "khẩn trương", "chịu trách nhiệm", "có trách nhiệm",
        "trước ngày", "hoàn thành trước", "hoàn thành trong", "theo chức năng", "mỗi ban", "mỗi cơ quan", "mỗi đơn vị",
        "định kỳ", "hằng tháng", "hằng quý", "hằng năm", "hàng tháng", "hàng quý", "hàng năm",
    )
    + _W
)

_STRONG_DIRECTIVE = re.compile(
    _B + _NOT_AFTER + _alt("giao", "đề nghị", "yêu cầu", "cần", "phải", "khẩn trương", "trước ngày") + _W
)

# The words a subject's predicate may start with.
_PREDICATE = _alt(
    "chủ trì", "phối hợp", "tham mưu", "theo chức năng", "mỗi ban", "mỗi cơ quan", "mỗi đơn vị", "mỗi đảng ủy", "cần",
    "phải", "khẩn trương", "tiếp tục", "chỉ đạo", "xây dựng", "tổ chức", "triển khai", "thực hiện", "rà soát",
    "theo dõi", "đôn đốc", "nghiên cứu", "quán triệt", "hướng dẫn", "kiểm tra", "giám sát", "báo cáo", "trình",
    "hoàn thành", "đẩy mạnh", "tăng cường", "chủ động", "chịu trách nhiệm", "có trách nhiệm", "căn cứ", "tổng hợp",
    "ban hành", "đề xuất", "chuẩn bị", "cụ thể hóa", "tập trung", "lãnh đạo", "đánh giá", "sơ kết", "tổng kết",
    "cập nhật", "bổ sung", "sửa đổi", "xử lý", "giải quyết", "tuyên truyền", "trực tiếp", "duy trì", "bảo đảm",
    "đảm bảo", "sắp xếp", "rút kinh nghiệm", "nâng cao", "thống nhất", "làm việc", "nghiêm túc", "đăng ký", "gửi",
    "tiếp nhận", "củng cố", "kiện toàn", "phát động", "thành lập", "xác định", "phân công", "giao", "đề nghị",
    "yêu cầu", "thông báo", "phát huy", "quan tâm", "chú trọng", "lập", "soạn thảo", "dự thảo", "hoàn thiện",
    "thống kê", "khảo sát", "điều tra", "giúp", "cùng", "sẽ", "đã", "đang", "được", "vừa", "đạt", "đều", "chưa",
    "tiếp thu", "xem xét", "tháo gỡ", "ưu tiên", "bố trí", "thẩm định", "phê duyệt", "thúc đẩy", "đổi mới", "chỉ đạo",
    "thường xuyên", "kịp thời", "sớm", "rà soát lại", "lựa chọn", "giới thiệu", "công bố",
    "bám sát", "tích cực", "tạm dừng", "có nhiệm vụ", "tiến hành", "góp ý", "tham gia", "hoàn chỉnh", "tự kiểm tra",
    "kiểm điểm", "dành", "lưu ý", "kêu gọi", "nắm chắc", "phổ biến", "học tập", "vận động", "thẩm tra",
    "hằng tháng", "hằng quý", "hằng năm", "định kỳ", "ngay", "trong quý", "trong tháng", "trong năm", "trước ngày",
)
# A predicate follows its subject without a comma, but for a few words ("A, B, C, theo chức năng, nhiệm vụ…").
# "Ban Tổ chức Thành ủy: chủ trì, …" (a list of tasks by unit) — the colon makes the unit the subject.
_PREDICATE_START = re.compile(
    r"^\s*(?::\s*)?" + _PREDICATE + _W
    + r"|^\s*,\s*" + _alt("theo chức năng", "mỗi", "căn cứ", "trong phạm vi", "theo phân cấp") + _W
    + r"|^\s*:\s*\S"
)
# The same, tried at a position of the sentence (its look-behinds see the words before: "chương trình" is no
# "trình"); and the words that start like a predicate inside a subject's name ("báo cáo viên", "tổ chức đảng").
_PREDICATE_AT = re.compile(_PREDICATE_START.pattern.replace("^", ""))
_NOT_PREDICATE = re.compile(
    _alt("báo cáo viên", "tổ chức đảng", "tổ chức cơ sở", "tổ chức chính trị", "tổ chức còn lại", "tổ chức thành viên")
    + _W
)
_DIRECTS = re.compile(r"^[\s,]*(?:cũng\s+)?chỉ đạo\s+(?=(?:các|cho)\s)")
_COORD_PREDICATE = re.compile(r"^[\s,]*phối hợp(?!\s+với)" + _W)
# Between the lead and the coordinating units named right after it ("X chủ trì, phối hợp với Y, Z …").
_LEAD_TO_COORD = re.compile(r"^[\s,:]*(?:chủ trì[\s,]*)?(?:phối hợp(?: chặt chẽ)? với|cùng với|cùng)\s*$")
_JOIN = re.compile(r"^(?:\s*(?:,|và|cùng|cùng với)\s*)+$")

# Role words stripped from the start of an action to make a title.
_LEADING_ROLE = re.compile(
    r"(?:[\s,:]+|"
    + _alt(
        "chủ trì", "phối hợp", "cùng", "theo chức năng, nhiệm vụ được giao", "theo chức năng, nhiệm vụ",
        "theo chức năng nhiệm vụ", "mỗi ban", "mỗi cơ quan", "mỗi đơn vị", "mỗi đảng ủy", "cần", "phải",
        "có trách nhiệm", "chịu trách nhiệm", "và các cơ quan liên quan", "và các cơ quan, đơn vị liên quan",
        "và các đơn vị liên quan", "và các cơ quan có liên quan", "và các cơ quan, đơn vị có liên quan",
        "các cơ quan liên quan", "các cơ quan, đơn vị liên quan", "với", "giúp",
    )
    + _W
    + ")"
)
_TITLE_TAIL = re.compile(r"[,;]\s*" + _alt("báo cáo", "trình", "gửi", "hoàn thành", "xong", "xin ý kiến") + _W)

# A deadline in the words of a task ("…, hoàn thành trước ngày 15/3/2026", "… trong quý I/2026"), when the time
# parser did not say where its expression stands.
_DEADLINE = re.compile(
    r"[,\s]+(?:(?:hoàn thành|xong|thời hạn|thực hiện xong)\s+)?"
    r"(?:trước ngày|trước|trong|chậm nhất là|chậm nhất vào|chậm nhất|đến hết|xong trước|vào)\s+"
    r"(?:ngày\s+|tháng\s+|quý\s+|năm\s+|6 tháng\s+)?(?:\d|[ivx]+\b)"
)

# Products: (pattern on the lower-cased text, kind); group 1 is where the product phrase starts.
_PRODUCTS: tuple[tuple[re.Pattern[str], str], ...] = tuple(
    (re.compile(p), kind)
    for p, kind in (
        (
            _B + r"((?:dự thảo\s+)?quyết định)(?=\s+(?:thành lập|phê duyệt|về|số|ban hành|kiện toàn|giao|công nhận))",
            "decision",
        ),
        (r"(?:ban hành|trình|dự thảo|xây dựng|tham mưu)\s+(quyết định)" + _W, "decision"),
        (
            _B + r"(dự thảo\s+(?:quy chế|quy định|chỉ thị|nghị quyết|kết luận|hướng dẫn|văn bản|thông báo|quy trình))",
            "draft_document",
        ),
        (
            r"(?:xây dựng|ban hành|sửa đổi, bổ sung|sửa đổi|bổ sung|soạn thảo|hoàn thiện)\s+"
            r"((?:quy chế|quy định|chỉ thị|hướng dẫn|quy trình))" + _W,
            "draft_document",
        ),
        (_B + r"(tờ trình)" + _W, "submission"),
        (_B + r"(đề án)" + _W, "scheme"),
        (_B + r"(?<!theo )(?<!với )(?<!vào )(kế hoạch)" + _W, "plan"),
        (_B + r"(chương trình (?:hành động|công tác|làm việc|kiểm tra|giám sát))" + _W, "plan"),
        (r"(?:xây dựng|ban hành)\s+(chương trình)" + _W, "plan"),
        (r"(?:tổ chức|chuẩn bị)\s+(?:các\s+)?((?:hội nghị|hội thảo|tọa đàm|lễ kỷ niệm|đại hội))" + _W, "conference"),
        (
            _B + r"((?:hội nghị|hội thảo|tọa đàm) (?:sơ kết|tổng kết|quán triệt|chuyên đề|triển khai|đánh giá))",
            "conference",
        ),
        (_B + r"(số liệu|thống kê)" + _W, "data"),
        (
            r"(?:xây dựng|chuẩn bị|hoàn thiện|tổng hợp|có|gửi)\s+(?:(?:một|các|những|01)\s+)?((?:dự thảo\s+)?báo cáo)"
            + _W,
            "report",
        ),
        (_B + r"(báo cáo (?:kết quả|tổng kết|sơ kết|đánh giá|tình hình|chuyên đề|giải trình|tiến độ))", "report"),
    )
)
_PRODUCT_END_AFTER_COMMA = (
    "báo cáo", "trình", "gửi", "hoàn thành", "xong", "tham mưu", "xin ý kiến", "trước", "trong", "chậm nhất",
    "bảo đảm", "đảm bảo", "tổ chức", "triển khai", "thực hiện", "định kỳ", "hằng", "thời gian", "thời hạn",
    "lãnh đạo", "chỉ đạo", "xây dựng", "hướng dẫn", "theo dõi", "đôn đốc", "rà soát", "chủ động", "kịp thời",
    "tuyên truyền", "phổ biến", "quán triệt", "làm rõ", "đề xuất", "nghiên cứu", "tập trung",
)
_PRODUCT_END_WORDS = (
    "báo cáo", "trình", "gửi", "để", "hoàn thành", "xong", "trước ngày", "trước", "trong quý", "trong tháng",
    "trong năm", "định kỳ", "hằng tháng", "hằng quý", "hằng năm", "thường xuyên", "chậm nhất", "xin ý kiến",
)
# Where a product phrase ends: a full stop, a comma before a verb (not one inside an enumeration: "kiểm tra,
# giám sát"), a verb or a deadline word.
_PRODUCT_END = re.compile(
    r"[;:.()]|,(?=\s*" + _alt(*_PRODUCT_END_AFTER_COMMA) + _W + r")|\s" + _alt(*_PRODUCT_END_WORDS) + _W
)
_AUTHORITY_VERB = re.compile(_B + _alt("báo cáo", "trình", "tham mưu", "tham mưu cho", "xin ý kiến") + r"\s+")
_NAME_WORDS = frozenset({"ủy", "vụ", "trực", "hành", "bộ", "phố", "dân", "nhân", "thư", "ương", "hội", "quốc", "và"})
# fmt: on


# Phrases written in the patterns' own text rather than through ``_alt``.
_PHRASES.update(
    (
        "quyết định",
        "dự thảo",
        "quy chế",
        "quy định",
        "chỉ thị",
        "nghị quyết",
        "kết luận",
        "hướng dẫn",
        "văn bản",
        "quy trình",
        "tờ trình",
        "đề án",
        "kế hoạch",
        "chương trình",
        "hành động",
        "công tác",
        "làm việc",
        "hội nghị",
        "hội thảo",
        "tọa đàm",
        "sơ kết",
        "tổng kết",
        "số liệu",
        "thống kê",
        "báo cáo",
        "kết quả",
        "tình hình",
        "tiến độ",
        "chuyên đề",
        "thực hiện",
        "phối hợp",
        "chủ trì",
        "chặt chẽ",
        "trước ngày",
        "chậm nhất",
        "hoàn thành",
        "thời hạn",
        "đến hết",
        "xong trước",
    )
)
# One syllable whose diacritics-free form is another common word ("da": đã/đa, "dang": đang/đảng, "can": cần/cán,
# "dat": đạt/đất): never given accents, so a sentence without diacritics is read without them.
_AMBIGUOUS = frozenset(
    {"đã", "đang", "cần", "đạt", "để", "về", "vừa", "vẫn", "sẽ", "có", "cho", "tại", "từ", "đến", "các", "còn", "như"}
)


def _fold_char(c: str) -> str:
    base = unicodedata.normalize("NFD", c)[0]
    return "d" if base == "đ" else base


def _fold_same_length(text: str) -> str:
    return "".join(_fold_char(c) for c in text)


_ACCENTS = {_fold_same_length(p): p for p in _PHRASES if p not in _AMBIGUOUS and len(_fold_same_length(p)) == len(p)}
_ACCENT_RE = re.compile(
    r"(?<![\w])(" + "|".join(re.escape(f) for f in sorted(_ACCENTS, key=len, reverse=True)) + r")(?![\w])"
)


def _with_accents(low: str) -> str:
    """A sentence typed without diacritics, its grammar phrases given theirs ("chu tri" → "chủ trì"); same length."""
    if not low.isascii():
        return low
    return _ACCENT_RE.sub(lambda m: _ACCENTS[m.group(1)], low)


@dataclass
class _Mention:
    m: UnitMention
    role: str  # "lead", "subject", "coord", "authority", "other"
    person: bool = False


@dataclass
class _Assignment:
    start: int  # where the words after its lead start
    end: int
    leads: list[UnitMention] = field(default_factory=list)
    lead_text: str = ""
    person: bool = False
    coord: list[UnitMention] = field(default_factory=list)
    authority: list[UnitMention] = field(default_factory=list)
    skip_to: int = 0  # its action starts after the last coordinating unit named right after the lead
    extra: list[str] = field(default_factory=list)  # leads the matcher does not know, named after the known ones
    head: int = 0  # where its clause starts: a time said before the lead is its own ("Quý II/2023, Thành ủy …")
    lead_at: int = 0  # where the words naming its lead start


_JOIN_WORD = re.compile(r"\s*(?:,|và)\s*")
_PART_CUT = re.compile(r",\s*|\s+và\s+")


def _extra_leads(text: str, low: str, pos: int, end: int) -> tuple[list[str], int] | None:
    """Bodies the matcher does not know named after the known leads (", Văn phòng HĐND TP, Văn phòng UBND TP" / "và
    Ban Cán sự đảng UBND TP"), up to the predicate: their names (a collective among them left out: "Văn phòng Tỉnh
    ủy và các ban của Tỉnh ủy giúp…" is the office's task) and where the predicate starts; None when none."""
    join = _JOIN_WORD.match(low, pos, end)
    if join is None or join.end() == pos or not _BODY_HEAD.match(low, join.end(), end):
        return None
    at = _subject_end(text, low, join.end(), end, _MAX_SUBJECT_WORDS)
    if at is None:
        return None
    names: list[str] = []
    last = join.end()
    for cut in [*_PART_CUT.finditer(low, join.end(), at), None]:
        stop = cut.start() if cut else at
        name = text[last:stop].strip(" ,")
        if name and not re.match(r"(?:các|những|từng|mỗi)\s", name.lower()):
            names.append(name)
        if cut:
            last = cut.end()
    return names, at


def _dedupe(mentions: list[UnitMention]) -> list[UnitMention]:
    """Mentions in order, one overlapped dropped for the longer ("Thành ủy" inside "Ban Thường vụ Thành ủy")."""
    out: list[UnitMention] = []
    for m in sorted(mentions, key=lambda m: (m.start, -(m.end - m.start))):
        if out and m.start < out[-1].end:
            continue
        out.append(m)
    return out


# "Thành ủy", "tỉnh ủy" written in lower case is any committee ("các tỉnh ủy, thành ủy"), not ours.
_COMMITTEE_WORDS = frozenset({"thành ủy", "tỉnh ủy"})
# After a body's name, the place it belongs to ("Thành ủy Hà Nội", "Ban Thường vụ Tỉnh ủy Lạng Sơn", "UBND thành
# phố Cần Thơ"): a document of another province names its bodies so, and the place is part of the name.
_PLACE_PREFIX = re.compile(r"\s+(?:tỉnh|thành phố|tp\.?|thủ đô)(?=\s)")
_NAME_WORD = re.compile(r"[\s.]+([^\s,;:.()\"“”]+)")
_MAX_PLACE_WORDS = 3
_PHRASE_STOP = re.compile(r"[,;:(]")
_CENTRAL_AFTER = re.compile(r"\s+(?:trung ương|tw)" + _W)
_COMMITTEE_END = re.compile(r"(?:ủy|uy|tu|huế|hue|phố|pho)$")


def _place_end(text: str, low: str, pos: int, limit: int) -> int:
    """Where a place name written after a body's name at ``pos`` ends (``pos`` when none follows)."""
    prefix = _PLACE_PREFIX.match(low, pos, limit)
    at, end = (prefix.end(), pos) if prefix else (pos, pos)
    for _ in range(_MAX_PLACE_WORDS):
        m = _NAME_WORD.match(text, at, limit)
        if m is None:
            break
        word = m.group(1)
        abbreviation = len(word) > 1 and word.isupper() and not prefix
        if not word[0].isupper() or abbreviation or _PREDICATE_AT.match(low, m.start(1), limit):
            break
        at = end = m.end()
    return end


def _clean_mentions(text: str, low: str, mentions: list[UnitMention]) -> list[UnitMention]:
    """The mentions as the sentence reader takes them: a committee named in lower case dropped ("các tỉnh ủy"); a
    place name after a body's name made part of it; a body followed by a collective made one collective ("Ban Thường
    vụ các huyện ủy", "Ban thường vụ cấp ủy các cấp": the standing committees of those)."""
    cased = not text.islower()
    kept = [
        m
        for m in mentions
        if not (cased and m.text.islower() and low[m.start : m.end] in _COMMITTEE_WORDS)
        and not low.endswith("tiểu ", 0, m.start)  # "Tiểu ban Tổ chức - phục vụ đại hội"
    ]
    out: list[UnitMention] = []
    i = 0
    while i < len(kept):
        m = kept[i]
        following = kept[i + 1] if i + 1 < len(kept) else None
        limit = following.start if following else len(text)
        adjacent = following is not None and not text[m.end : following.start].strip()
        if m.unit is not None and following is not None and following.unit is None and adjacent:
            end, i = following.end, i + 2
            if i < len(kept) and kept[i].unit is not None and not text[end : kept[i].start].strip():
                end, i = kept[i].end, i + 1  # "Ban Thường vụ các đảng bộ trực thuộc Tỉnh ủy"
            out.append(UnitMention(m.start, end, text[m.start : end], None, following.collective))
            continue
        if m.unit is None and _CENTRAL_AFTER.match(low, m.end):
            i += 1  # "Các ban Đảng Trung ương": the central bodies, not ours
            continue
        if m.unit is not None and low.startswith(" các ", m.end):
            stop = _PHRASE_STOP.search(low, m.end, limit)
            end = stop.start() if stop else limit
            for w in re.finditer(r"\s+\S", low[m.end + 5 : end]):
                at = m.end + 5 + w.start()
                if _predicate_at(text, low, at + len(w.group(0)) - 1, end):
                    end = at
                    break
            out.append(UnitMention(m.start, end, text[m.start : end].rstrip(), None, ()))
            i += 1
            continue
        end = _place_end(text, low, m.end, limit)
        if end != m.end and not _COMMITTEE_END.search(low, m.start, m.end):
            i += 1  # "Ban Tổ chức Giải", "Văn phòng Bộ": a body of that name elsewhere, not ours
            continue
        out.append(m if end == m.end else UnitMention(m.start, end, text[m.start : end], m.unit, m.collective))
        i += 1
    return out


def _clauses(low: str) -> list[tuple[int, int]]:
    spans, cut = [], 0
    for m in re.finditer(";", low):
        spans.append((cut, m.start()))
        cut = m.end()
    spans.append((cut, len(low)))
    return spans


_OBJECT_CUE = re.compile(_B + _alt("chỉ đạo", "giao", "giao cho", "yêu cầu", "đề nghị") + _W)


def _merged_clauses(text: str, low: str, mentions: list[UnitMention]) -> list[tuple[int, int]]:
    """The clauses, a clause that says nothing of its own joined to the next: no predicate after its last unit
    ("BTV Tỉnh ủy yêu cầu BTV Thành ủy Huế; các huyện ủy; thị ủy; các đảng ủy … tạm dừng…", "Từng cấp ủy, tổ chức
    đảng, đảng viên; cơ quan báo, tạp chí của đảng xác định…"): its semicolons separate the items of one list."""
    out: list[tuple[int, int]] = []
    open_from: int | None = None
    spans = _clauses(low)
    for n, (c_start, c_end) in enumerate(spans):
        start = c_start if open_from is None else open_from
        leads = [m for m in mentions if c_start <= m.start < c_end and _role(low, c_start, m)[0] in ("lead", "subject")]
        last = max([c_start, *(m.end for m in leads), *(c.end() for c in _OBJECT_CUE.finditer(low, c_start, c_end))])
        said = any(
            _predicate_at(text, low, w.start(), c_end)
            for w in re.finditer(r"(?<!\S)\S", low[:c_end])
            if w.start() >= last
        )
        if not said and n + 1 < len(spans):
            open_from = start
            continue
        out.append((start, c_end))
        open_from = None
    return out


def _role(low: str, clause_start: int, m: UnitMention) -> tuple[str, bool]:
    head = low[clause_start : m.start]
    person = False
    while title := _TITLE_BEFORE.search(head):  # "đồng chí Trưởng Ban Tổ chức Thành ủy"
        person = True
        head = head[: title.start()]
    if not person and _AUTHORITY_BEFORE.search(head):
        return "authority", False
    if _CUE_BEFORE.search(head):
        return "lead", person
    if not person and _COORD_BEFORE.search(head):
        return "coord", False
    phrase = re.split(r"[,:(]|\s[-–]\s", head)[-1].strip()
    if _SUBJECT_OPENERS.match(phrase):
        return "subject", person
    return "other", person


def _roles(low: str, mentions: list[UnitMention], clause_start: int) -> list[_Mention]:
    out: list[_Mention] = []
    for m in mentions:
        previous = out[-1] if out else None
        if previous is not None:
            between = low[previous.m.end : m.start]
            if _JOIN.match(between) and not (previous.role == "other" and "," in between):
                out.append(_Mention(m, previous.role, previous.person))
                continue
        role, person = _role(low, clause_start, m)
        out.append(_Mention(m, role, person))
    return out


def _groups(roled: list[_Mention], low: str) -> list[list[_Mention]]:
    """Consecutive mentions joined by "," / "và" and sharing a role."""
    groups: list[list[_Mention]] = []
    for r in roled:
        if groups and groups[-1][-1].role == r.role and _JOIN.match(low[groups[-1][-1].m.end : r.m.start]):
            groups[-1].append(r)
        else:
            groups.append([r])
    return groups


_AGENCY_KIND = re.compile(r"(?<=cơ quan )" + _alt("chỉ đạo", "tham mưu", "quản lý", "giúp việc") + _W)
_BOARD_NAME = re.compile(
    r"(?<=ban )" + _alt("chỉ đạo", "tổ chức", "kiểm tra", "biên tập", "soạn thảo", "thường vụ", "bí thư") + _W
)


def _predicate_at(text: str, low: str, at: int, end: int) -> bool:
    """Whether a subject's predicate starts at ``at`` (a word of a name written in capitals is not one: "Ban Tổ chức
    Giải", "Tiểu ban Tổ chức - phục vụ đại hội")."""
    if not _PREDICATE_AT.match(low, at, end) or _NOT_PREDICATE.match(low, at, end):
        return False
    if _BOARD_NAME.match(low, at) and (text[at - 4] == "B" or low.endswith("tiểu ban ", 0, at)):
        return False  # "Ban chỉ đạo", "Tiểu ban tổ chức": the board's name
    if _AGENCY_KIND.match(low, at):
        return False  # "cơ quan chỉ đạo, quản lý báo chí", "các cơ quan tham mưu, giúp việc": a kind of agency
    return not text[at].isupper()


def _subject_end(text: str, low: str, pos: int, end: int, max_words: int) -> int | None:
    """Where the predicate after a subject starting at ``pos`` starts (a bracket inside the subject is skipped:
    "Các tỉnh ủy, thành ủy (gồm cả …) lãnh đạo"), or None when none comes within ``max_words`` words."""
    words = 0
    at = pos
    while at < end:
        if low[at].isspace():
            at += 1
            continue
        if low[at] == "(":
            close = low.find(")", at, end)
            if close < 0:
                return None
            at = close + 1
            continue
        if at > pos and _predicate_at(text, low, at, end):
            return at
        if low[at] in ",:":
            if at > pos and _PREDICATE_AT.match(low, at, end):
                return at
            at += 1
            continue
        words += 1
        if words > max_words or low.startswith("là ", at):  # "Đảng bộ X là các đơn vị tổ chức…": a copula
            return None
        while at < end and not low[at].isspace() and low[at] not in ",:(":
            at += 1
    return None


def _briefing(text: str, low: str, cue: re.Match[str]) -> bool:
    """ "giao ban" (a briefing meeting) is no "giao" (to assign); "giao Ban Tổ chức …" is."""
    at = cue.end(1) + 1
    return cue.group(1) == "giao" and low.startswith("ban", at) and text[at] == "b"


def _lead_text_after_cue(text: str, low: str, cue_end: int, end: int) -> tuple[str, int]:
    """The words naming a lead the matcher does not know, after "đề nghị"/"giao": up to the first predicate."""
    pos = cue_end
    while pos < end and low[pos] in " ,:":
        pos += 1
    at = _subject_end(text, low, pos, end, _MAX_SUBJECT_WORDS * 2)
    if at is None:
        return "", pos
    return text[pos:at].strip(" ,"), at


# A subject the matcher does not know (a body of another level or outside the Party apparatus, a collective the
# organisation does not hold): a clause that opens with a body's head noun and goes on with a predicate.
_BODY_HEAD = re.compile(
    r"[\s,]*(?:(?:đồng thời|riêng|trong đó|mặt khác)[\s,]+)?(?:dự kiến\s+(?:ở|tại)\s+)?"
    r"(?:(?:các|những) tổ chức|(?:các |từng |mỗi |những )?(?:ban(?! hành)|bộ(?! chính trị)|báo(?! cáo)|"
    + _alt(
        "đội ngũ",
        "cấp",
        "tỉnh",
        "tập thể",
        "đảng bộ",
        "chính quyền",
        "tổ đại biểu",
        "các tổ",
    )
    + "|"
    + _alt(
        "sở",
        "ủy ban",
        "ubnd",
        "đảng ủy",
        "đảng đoàn",
        "ban cán sự",
        "cấp ủy",
        "tiểu ban",
        "đài",
        "bộ chỉ huy",
        "công an",
        "cơ quan",
        "mặt trận",
        "hội đồng",
        "đoàn kiểm tra",
        "đoàn công tác",
        "đoàn thanh niên",
        "trường",
        "văn phòng",
        "tỉnh ủy",
        "thành ủy",
        "huyện ủy",
        "quận ủy",
        "thị ủy",
        "chi bộ",
        "tổ chức đảng",
        "đơn vị",
        "địa phương",
        "ngành",
        "bí thư",
        "người đứng đầu",
        "tổ công tác",
        "tổ giúp việc",
        "ủy ban nhân dân",
        "mttq",
    )
    + "))"
    + _W
)
# "Đối với các ban tham mưu của Tỉnh ủy, tập trung thẩm định…": the subject stands in the lead-in.
_FOR_SUBJECT = re.compile(r"[\s,]*(?:riêng\s+)?đối với\s+")
_SHORT_TIME = re.compile(r"[\s,]*(?:trong|trước|từ|đến|ngay)\s[^,;:]{1,25},")
_MAX_LEAD_INS = 4
_ENUMERATED = re.compile(_B + _alt("cơ quan", "đơn vị", "sở", "ban", "ngành", "bộ", "địa phương", "tổ chức") + r"\s*$")
_PURPOSE = re.compile(_B + r"để" + _W)
_MAX_SUBJECT_WORDS = 24


def _subject_at(text: str, low: str, start: int, c_end: int) -> tuple[str, int] | None:
    head = _BODY_HEAD.match(low, start, c_end)
    if head is None:
        return None
    pos = start + len(low[start:c_end]) - len(low[start:c_end].lstrip(" ,"))
    at = _subject_end(text, low, pos, c_end, _MAX_SUBJECT_WORDS)
    if at is None or _NARRATIVE_START.match(low[at:c_end]) or _STANCE_START.match(low[at:c_end]):
        return None
    return text[pos:at].strip(" ,:"), at


def _unknown_subject(text: str, low: str, c_start: int, c_end: int) -> tuple[str, int] | None:
    """The words of a subject the matcher does not know and where its predicate starts, or None. The subject opens
    the clause or follows its lead-in ("Cụ thể, quý I/2023, …", "Ngay sau đại hội, tỉnh phải…"; a few phrases
    ended by a comma or a dash), or stands in "Đối với X, <predicate>"."""
    found = _subject_at(text, low, c_start, c_end)
    if found is not None:
        return found
    for_subject = _FOR_SUBJECT.match(low, c_start, c_end)
    if for_subject:
        comma = low.find(",", for_subject.end(), c_end)
        if comma > 0 and _BODY_HEAD.match(low, for_subject.end(), comma):
            at = comma + 1
            if short := _SHORT_TIME.match(low, at, c_end):
                at = short.end()
            while at < c_end and low[at] == " ":
                at += 1
            if _PREDICATE_AT.match(low, at, c_end) or _IMPERATIVE_VERBS.match(low, at, c_end):
                return text[for_subject.end() : comma].strip(), at
    for n, cut in enumerate(re.finditer(r",|\s[-–]\s", low[c_start:c_end])):
        if n >= _MAX_LEAD_INS:
            break
        before = low[c_start : c_start + cut.start()]
        if _ENUMERATED.search(before) or _PURPOSE.search(before):
            continue
        found = _subject_at(text, low, c_start + cut.end(), c_end)
        if found is not None:
            return found
    return None


# A sentence that opens with the work itself (its subject is the reader, or named in an earlier sentence).
_IMPERATIVE_OPENERS = re.compile(
    r"^[\s,]*(?:(?:cùng với đó|đồng thời|đặc biệt|bên cạnh đó|ngoài ra|từ đó|mặt khác|trong đó)[\s,]+)*"
    r"(?:(?:thời gian |thời hạn )(?=hoàn thành))?"
    r"(?:(?:cần|phải|tiếp tục|khẩn trương|chủ động|tập trung|đặc biệt quan tâm|quan tâm)\s+)*"
)
_IMPERATIVE_VERBS = re.compile(
    _B
    + _alt(
        "thực hiện",
        "chủ trì",
        "lãnh đạo",
        "chỉ đạo",
        "xây dựng",
        "tổ chức",
        "triển khai",
        "rà soát",
        "kiểm tra",
        "giám sát",
        "đôn đốc",
        "hướng dẫn",
        "nghiên cứu",
        "tham mưu",
        "cập nhật",
        "cụ thể hóa",
        "hoàn thiện",
        "ban hành",
        "chuẩn bị",
        "đẩy mạnh",
        "tăng cường",
        "siết chặt",
        "khắc phục",
        "quán triệt",
        "tuyên truyền",
        "sơ kết",
        "tổng kết",
        "báo cáo",
        "theo dõi",
        "đề xuất",
        "bổ sung",
        "sửa đổi",
        "kiện toàn",
        "sắp xếp",
        "nâng cao",
        "đổi mới",
        "bảo đảm",
        "đảm bảo",
        "hoàn thành",
        "siết chặt",
        "thành lập",
        "cân nhắc",
        "lựa chọn",
        "phát động",
        "củng cố",
        "xác định",
        "phổ biến",
        "học tập",
        "giới thiệu",
    )
    + _W
)
# "Nhiệm vụ trọng tâm … là khẩn trương cụ thể hóa …": the work after "là".
_TASK_IS = re.compile(r"^[\s,]*(?:nhiệm vụ|yêu cầu|trọng tâm|việc cần làm)[^,;:]{0,80}?\slà\s+")
# "Các nhiệm vụ … phải được phân công ngay": a duty in the passive, its doer open.
_DUTY = re.compile(_B + r"(?:phải|cần)(?: được)?\s+(?=\S)")


def _imperative(low: str) -> bool:
    """Whether the sentence opens with the work itself, in the imperative, and reads as a directive."""
    opener = _IMPERATIVE_OPENERS.match(low)
    at = opener.end() if opener else 0
    if not _IMPERATIVE_VERBS.match(low, at):
        return False
    return not _PAST_ANY.search(low) or bool(_STRONG_DIRECTIVE.search(low))


def _doerless(low: str) -> int | None:
    """Where the work of a sentence that names no doer starts: an imperative ("Thực hiện nghiêm chế độ…"), "Nhiệm
    vụ … là <work>", a duty ("… phải được phân công ngay"); None for any other sentence."""
    if _imperative(low):
        opener = _IMPERATIVE_OPENERS.match(low)
        return opener.end() if opener else 0
    is_task = _TASK_IS.match(low)
    if is_task and _imperative(low[is_task.end() :]):
        return is_task.end()
    duty = _DUTY.search(low)
    if duty and (_IMPERATIVE_VERBS.match(low, duty.end()) or low.startswith("phân công", duty.end())):
        return 0
    return None


def _assignments(text: str, low: str, mentions: list[UnitMention]) -> list[_Assignment]:
    assignments: list[_Assignment] = []
    current: _Assignment | None = None
    for c_start, c_end in _merged_clauses(text, low, mentions):
        roled = _roles(low, [m for m in mentions if c_start <= m.start < c_end], c_start)
        opened = False
        narrative = False
        directs_end: int | None = None
        groups = _groups(roled, low)
        for g_index, group in enumerate(groups):
            role = group[0].role
            after = low[group[-1].m.end : c_end]
            next_start = groups[g_index + 1][0].m.start if g_index + 1 < len(groups) else c_end
            if role == "subject":
                earlier = low[c_start : group[0].m.start]
                if _CUE_ANY.search(earlier) or _NARRATIVE_ANY.search(earlier):
                    continue
                if _STANCE_START.match(after) or re.match(r"^[\s,]*chỉ đạo\s*$", low[group[-1].m.end : next_start]):
                    continue  # the issuer: "Ban Thường vụ Thành ủy giao …", "… thống nhất …", "… chỉ đạo <unit> …"
                if directs := _DIRECTS.match(after):  # "… chỉ đạo các cơ quan …": the issuer, its lead not ours
                    directs_end = group[-1].m.end + directs.end()
                    continue
                if _COORD_PREDICATE.match(after) and current is not None:  # "…; Y phối hợp"
                    current.coord.extend(g.m for g in group)
                    continue
                named = group[0].m.unit is not None
                extra = None
                if named and not _PREDICATE_START.match(after):
                    extra = _extra_leads(text, low, group[-1].m.end, c_end)
                if extra is None and not _PREDICATE_START.match(after):
                    continue
            if role in ("lead", "subject") and not opened:
                opened = True
                if _NARRATIVE_START.match(after):
                    narrative = True
                    current = None
                    break
                current = _Assignment(
                    start=group[-1].m.end, end=c_end, skip_to=group[-1].m.end, head=c_start, lead_at=group[0].m.start
                )
                current.leads = [g.m for g in group]
                current.person = any(g.person for g in group)
                more = _extra_leads(text, low, group[-1].m.end, c_end) if group[0].m.unit is not None else None
                if more is not None:
                    current.extra, current.skip_to = more
                assignments.append(current)
            elif role == "lead" and current is not None and not _NARRATIVE_START.match(after):
                # A second "giao <unit> …" in the clause: a task of its own ("X xây dựng…, giao Y tổ chức…").
                cues = list(_CUE_ANY.finditer(low, current.start, group[0].m.start))
                if cues:
                    current.end = cues[-1].start(1)
                current = _Assignment(
                    start=group[-1].m.end, end=c_end, skip_to=group[-1].m.end, head=c_start, lead_at=group[0].m.start
                )
                current.leads = [g.m for g in group]
                current.person = any(g.person for g in group)
                assignments.append(current)
            elif role == "coord" and current is not None:
                current.coord.extend(g.m for g in group)
                if _LEAD_TO_COORD.match(low[current.skip_to : group[0].m.start]):
                    current.skip_to = group[-1].m.end
            elif role == "authority" and current is not None:
                current.authority.extend(g.m for g in group)
        if opened or narrative:
            continue
        cue = next((c for c in _LEAD_TEXT_CUE.finditer(low, c_start, c_end) if not _briefing(text, low, c)), None)
        cue_end = cue.end(1) if cue else directs_end
        if cue_end is not None and current is None:
            lead_text, action_at = _lead_text_after_cue(text, low, cue_end, c_end)
            if lead_text or _doerless(low[action_at:c_end]) == 0:
                current = _Assignment(
                    start=action_at, end=c_end, lead_text=lead_text, skip_to=action_at, head=c_start, lead_at=cue_end
                )
                assignments.append(current)
                current.coord.extend(r.m for r in roled if r.role == "coord" and r.m.start >= action_at)
                current.authority.extend(r.m for r in roled if r.role == "authority" and r.m.start >= action_at)
                continue
        unknown = _unknown_subject(text, low, c_start, c_end) if cue is None else None
        if unknown is not None and current is not None and re.match(r"(?:mỗi|từng)\s", unknown[0].lower()):
            unknown = (
                None  # "…, các cấp ngành tăng cường …; mỗi cơ quan đơn vị, mỗi cấp ủy quan tâm …": the same addressees
            )
        if unknown is not None and not any(r.m.start < unknown[1] and r.role in ("lead", "authority") for r in roled):
            lead_text, action_at = unknown
            lead_at = max(c_start, text.find(lead_text, c_start, action_at))
            current = _Assignment(
                start=action_at, end=c_end, lead_text=lead_text, skip_to=action_at, head=c_start, lead_at=lead_at
            )
            assignments.append(current)
            current.coord.extend(r.m for r in roled if r.role == "coord" and r.m.start >= action_at)
            current.authority.extend(r.m for r in roled if r.role == "authority")
            continue
        if current is not None:
            current.end = c_end
            current.coord.extend(r.m for r in roled if r.role == "coord")
            current.authority.extend(r.m for r in roled if r.role == "authority")
    return assignments


_MAX_LEAD_IN_WORDS = 5


def _lead_in_words(text: str, start: int, end: int) -> str:
    """The short phrases before a lead ("Cụ thể, quý I/2023, "), a longer one blanked ("Sau khi rà soát tiến độ …
    trong tháng 6, …": what was done then): a time said there is the task's own only in a short phrase."""
    out = []
    for part in re.split(r"(,)", text[start:end]):
        out.append(part if part == "," or len(part.split()) <= _MAX_LEAD_IN_WORDS else " " * len(part))
    return "".join(out)


def _action_start(low: str, a: _Assignment) -> int:
    pos = max(a.start, a.skip_to)
    while pos < a.end:
        m = _LEADING_ROLE.match(low, pos)
        if not m or m.end() == pos:
            break
        pos = m.end()
    return pos


def _cap(text: str) -> str:
    return text[:1].upper() + text[1:]


def _shorten(text: str, limit: int) -> str:
    if len(text) <= limit:
        return text
    cut = text.rfind(" ", 0, limit - 1)
    return text[: cut if cut > 0 else limit - 1].rstrip(" ,;:") + "…"


def _clean(text: str) -> str:
    return " ".join(text.split()).strip(" ,;:.")


def _title(text: str, low: str, start: int, end: int, time: TimeSpec) -> str:
    stop = end
    if time.text and time.kind != "unclear":  # "Khẩn trương khắc phục…": the urgency stays in the title
        at = low.find(lower_keep(time.text), start, end)
        if at >= start and at - start >= MIN_TITLE_LENGTH and time.kind not in ("recurring", "ongoing"):
            stop = at  # "Xây dựng kế hoạch … trước ngày 15/3/2026": the deadline ends the title
        elif at >= start:  # "Hằng quý tổng hợp …", "trong tháng 3/2026, tổ chức …": the work goes on after it
            blank = " " * len(time.text)
            text = text[:at] + blank + text[at + len(blank) :]
            low = low[:at] + blank + low[at + len(blank) :]
    tail = _TITLE_TAIL.search(low, start, stop)
    if tail and tail.start() - start >= MIN_TITLE_LENGTH:
        stop = tail.start()
    deadline = _DEADLINE.search(low, start, stop) if time.kind != "unclear" else None
    if deadline and deadline.start() - start >= MIN_TITLE_LENGTH:
        stop = deadline.start()
    semicolon = low.find(";", start, stop)
    if semicolon - start >= MIN_TITLE_LENGTH:
        stop = semicolon
    title = _clean(text[start:stop])
    # A deadline left at the end ("…, hoàn thành", "… trước"): cut.
    title = re.sub(r"[,\s]+(?:hoàn thành|xong|trước|trong|chậm nhất|thời hạn)$", "", title, flags=re.IGNORECASE)
    return _shorten(_cap(title), TITLE_MAX)


# A document named in capitals is the product only when the task makes it ("xây dựng Kế hoạch …"), not when it is
# referred to ("phù hợp với nội dung Kế hoạch nêu trên").
_MAKE_BEFORE = re.compile(
    _alt(
        "xây dựng",
        "ban hành",
        "dự thảo",
        "hoàn thiện",
        "chuẩn bị",
        "tổ chức",
        "soạn thảo",
        "trình",
        "lập",
        "có",
        "tham mưu",
        "sửa đổi",
        "bổ sung",
        "sửa đổi, bổ sung",
        "gửi",
    )
    + r"\s+$"
)


def _made_here(text: str, low: str, start: int, at: int) -> bool:
    return at == start or text[at].islower() or bool(_MAKE_BEFORE.search(low, max(start, at - 24), at))


def _product(text: str, low: str, start: int, end: int, authority: list[UnitMention]) -> tuple[str | None, str]:
    best: tuple[int, int, str] | None = None  # (start, end of the product word, kind)
    for pattern, kind in _PRODUCTS:
        m = next((m for m in pattern.finditer(low, start, end) if _made_here(text, low, start, m.start(1))), None)
        if m and (best is None or m.start(1) < best[0]):
            best = (m.start(1), m.end(1), kind)
    if best is not None:
        p_start, word_end, kind = best
        stop = _PRODUCT_END.search(low, word_end, end)
        p_end = stop.start() if stop else end
        # Not the authority it goes to ("báo cáo kết quả về Ủy ban Kiểm tra Thành ủy").
        p_end = min([p_end, *(a.start for a in authority if word_end <= a.start < p_end)])
        phrase = re.sub(r"\s+(?:về|cho|với|lên|gửi)$", "", _clean(text[p_start:p_end]))
        return kind, _shorten(_cap(phrase), PRODUCT_MAX)
    # "báo cáo Ban Thường vụ Thành ủy kết quả thực hiện": the report itself is the product.
    for m in re.finditer(_B + r"báo cáo\s+", low[:end]):
        if m.start() < start:
            continue
        heard = [a for a in authority if a.start == m.end()]
        if heard:
            stop = _PRODUCT_END.search(low, heard[0].end, end)
            rest = _clean(text[heard[0].end : stop.start() if stop else end])
            return "report", _shorten(f"Báo cáo {rest}".strip(), PRODUCT_MAX)
    return None, ""


def _authority_text(text: str, low: str, start: int, end: int) -> str:
    """The words after "báo cáo"/"trình"/"tham mưu" naming an authority the matcher does not know."""
    for m in _AUTHORITY_VERB.finditer(low, start, end):
        words: list[str] = []
        for w in re.finditer(r"\S+", text[m.end() : end]):
            word = w.group(0).rstrip(",;.:")
            if not word or not (word[0].isupper() or (words and word.lower() in _NAME_WORDS)):
                break
            words.append(word)
            if w.group(0)[-1] in ",;.:":
                break
        if len(words) >= 2:
            return " ".join(words)
    return ""


def _open_clears(p: TaskProposal, person: bool) -> list[Clear]:
    clears: list[Clear] = []
    if not person:
        clears.append("person")
    if len(p.title) < MIN_TITLE_LENGTH:
        clears.append("task")
    if p.time.kind == "unclear":
        clears.append("time")
    if p.lead is None:
        clears.append("responsibility")
    if p.product_kind is None:
        clears.append("product")
    if p.authority is None:
        clears.append("authority")
    return clears


def _units(mentions: list[UnitMention], collective: bool) -> list[UnitRef]:
    out: list[UnitRef] = []
    for m in mentions:
        if m.unit is not None:
            out.append(m.unit)
        elif collective:
            out.extend(m.collective)
    return out


@dataclass(frozen=True)
class LeadIn:
    """What a sentence ending with a colon names for the items under it ("Giao Văn phòng Thành ủy chủ trì, phối hợp
    với Ban Tổ chức Thành ủy:" then "- Xây dựng…", "- Tổ chức…")."""

    leads: tuple[UnitMention, ...]
    lead_text: str
    person: bool
    coord: tuple[UnitMention, ...]
    authority: tuple[UnitMention, ...]


def lead_in_of(sentence: Sentence, matcher: UnitMatcher) -> LeadIn | None:
    """The lead (and coordinating units) a sentence ending with ":" hands to the items under it, or None."""
    text = sentence.text
    if sentence.closing or not text.endswith(":"):
        return None
    low = lower_keep(text)
    found = _assignments(text, low, _clean_mentions(text, low, _dedupe(matcher.mentions(text))))
    if not found or not (found[0].leads or found[0].lead_text):
        return None
    a = found[0]
    return LeadIn(tuple(a.leads), a.lead_text, a.person, tuple(a.coord), tuple(a.authority))


def _inherited(low: str, mentions: list[UnitMention], lead_in: LeadIn) -> _Assignment:
    """The whole sentence as the action of the lead-in's lead, with its own coordinating and authority units."""
    a = _Assignment(start=0, end=len(low), lead_text=lead_in.lead_text, person=lead_in.person)
    a.leads = list(lead_in.leads)
    a.coord = list(lead_in.coord)
    for c_start, c_end in _clauses(low):
        for r in _roles(low, [m for m in mentions if c_start <= m.start < c_end], c_start):
            if r.role == "coord":
                a.coord.append(r.m)
            elif r.role == "authority":
                a.authority.append(r.m)
    a.authority.extend(lead_in.authority)
    return a


def read_sentence(
    sentence: Sentence,
    ref: datetime.date,
    matcher: UnitMatcher,
    *,
    collective: bool = False,
    lead_in: LeadIn | None = None,
    calendar: WorkCalendar | None = None,
    as_item: bool = False,
) -> list[TaskProposal]:
    """The tasks ``sentence`` assigns ([] when it assigns none). ``collective``: propose one task per unit a
    collective subject covers ("các cơ quan, đơn vị"), else one task with the lead left open. ``lead_in``: the lead
    named by the sentence introducing this one (an item of a list), for a sentence that names none itself. A sentence
    ending with ":" proposes nothing itself (its lead goes to the items under it: ``lead_in_of``), unless read
    ``as_item`` (no item follows it)."""
    if sentence.closing or (sentence.text.endswith(":") and not as_item):
        return []
    text = sentence.text
    low = lower_keep(text)
    if as_item and not _EXPLICIT_CUE.search(low):
        return []  # "Ban Thường vụ Thành ủy xây dựng Kế hoạch …, cụ thể:": the document presenting itself
    if _NARRATIVE_ANY.search(low) and not _DIRECTIVE_ANY.search(low) and not _imperative(low):
        return []
    if (_REPORTED.search(low) and not _EXPLICIT_CUE.search(low)) or _EXECUTION_FORMULA.search(low):
        return []
    past_year = _PAST_YEAR.match(low)
    if past_year and int(past_year.group(1)) < ref.year and not _EXPLICIT_CUE.search(low):
        return []
    mentions = _clean_mentions(text, low, _dedupe(matcher.mentions(text)))
    proposals: list[TaskProposal] = []
    assignments = _assignments(text, low, mentions)
    if not assignments and lead_in is not None and not _NARRATIVE_START.match(low):
        assignments = [_inherited(low, mentions, lead_in)]
    if not assignments and (doerless := _doerless(low)) is not None:
        # "Thực hiện nghiêm chế độ thông tin, báo cáo…", "Chủ trì nghiên cứu, tham mưu…": work without its doer.
        assignments = [_inherited(low, mentions, LeadIn((), "", False, (), ()))]
        assignments[0].start = assignments[0].skip_to = doerless
    for a in assignments:
        action = _action_start(low, a)
        if action >= a.end:
            continue
        time = parse_time(text[action : a.end], ref, calendar=calendar)
        if time.kind == "unclear" and a.head < action:  # the words before the work, from its clause's start
            time = parse_time(
                _lead_in_words(text, a.head, max(a.head, a.lead_at)) + text[a.lead_at : a.end], ref, calendar=calendar
            )
        title = _title(text, low, action, a.end, time)
        if not title:
            continue
        kind, product = _product(text, low, action, a.end, a.authority)
        authority = next((m.unit for m in a.authority if m.unit is not None), None)
        authority_text = a.authority[0].text if a.authority else _authority_text(text, low, action, a.end)
        coordinating = list(dict.fromkeys(_units(a.coord, collective)))
        leads: list[tuple[UnitRef | None, str]] = []
        for m in a.leads:
            if m.unit is not None:
                leads.append((m.unit, m.text))
            elif collective and m.collective:
                leads.extend((u, m.text) for u in m.collective)
            elif not any(u is not None for u, _ in leads):  # "Văn phòng Tỉnh ủy và các ban của Tỉnh ủy": the office's
                leads.append((None, m.text))
        leads.extend((None, name) for name in a.extra)
        if not a.leads:
            leads.append((None, a.lead_text))
        lead_ids = {u.id for u, _ in leads if u is not None}
        for lead, lead_text in leads:
            p = TaskProposal(
                title=title,
                lead=lead,
                lead_text=lead_text,
                coordinating=[u for u in coordinating if u.id not in lead_ids],
                product_kind=kind,
                product=product,
                authority=authority,
                authority_text=authority_text,
                time=time,
            )
            p.open_clears = _open_clears(p, a.person)
            proposals.append(p)
    return proposals


_COORDINATES_ONLY = re.compile(
    r"^[\s,]*(?:cùng\s+)?phối hợp(?:\s+(?:thực hiện|chặt chẽ|triển khai|tham gia))?(?:\s+nhiệm vụ này)?\s*[.;]?$"
)


def coordinators_only(sentence: Sentence, matcher: UnitMatcher, *, collective: bool = False) -> list[UnitRef]:
    """The units of a sentence that only says they coordinate ("Ban Nội chính Thành ủy phối hợp."): they coordinate
    the task of the sentence before it. [] for any other sentence."""
    if sentence.closing:
        return []
    low = lower_keep(sentence.text)
    if "phối hợp" not in low:
        return []
    mentions = _dedupe(matcher.mentions(sentence.text))
    if not mentions or not _COORDINATES_ONLY.match(low[mentions[-1].end :]):
        return []
    if low[: mentions[0].start].strip(" ,") not in ("", "đồng thời"):
        return []
    if any(not _JOIN.match(low[a.end : b.start]) for a, b in itertools.pairwise(mentions)):
        return []
    return _units(mentions, collective)
