"""Synthetic Vietnamese letters with planted near-duplicates, and the evaluation of ``petitions.similar`` on them.

Issue 19, point 5: "measured on a synthetic set of 100,000 letters with planted near-duplicates (reworded, diacritics
dropped, names reordered): recall ≥ 95% and precision ≥ 90% in the top 5, lookup under 50 ms". ``make
bench-petitions-dupes`` (``bench/petitions_dupes.py``) prints the table of docs/petitions.md from :func:`evaluate`;
``tests/petitions/test_similar.py`` runs the same on a small set.

The set (:func:`generate`, deterministic for a seed): people of the 40 current communes of Huế (names drawn with the
weights of Vietnamese surnames, so the same name recurs in a commune, as in life), each writing about a **case**
(vụ việc) of one of eight topics — land disputes, compensation, certificates, officials' conduct, Party members,
pollution, illegal building, social policy — from sentence templates with several phrasings and the case's own facts
(plot and map sheet, project, people named, dates, sums). Unrelated letters of a topic thus share much of their
wording, as real ones do. Then near-duplicates are planted, each a later letter of an existing case:

- ``reworded``: the sender writes again — about half the sentences rephrased, synonyms swapped, a sentence dropped
  or the facts reordered, a sentence saying the earlier letter went unanswered;
- ``no_diacritics``: the same letter typed without diacritics (and the name too);
- ``reordered_name``: the name written "An Nguyễn Văn" or in capitals, the letter lightly reworded;
- ``former_commune``: the address under the commune's name before the 2025 merger, lightly reworded;
- ``co_signer``: a neighbour (another person of the commune) writes about the same case, in their own words;
- ``same_sender``: the sender of a case writes about another matter.

The variants also take the others' changes at random (a reworded letter may drop its diacritics too). A letter is a
**relevant** candidate for another when both belong to the same case or come from the same person.
"""

from __future__ import annotations

import dataclasses
import datetime
import json
import random
import statistics
import time
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path

from sauro.common.text import fold
from sauro.petitions.similar import CommuneResolver, LetterRecord, SimilarityIndex

COMMUNES_FILE = Path(__file__).resolve().parents[1] / "demo" / "data" / "hue-commune-units.json"
KINDS = ("reworded", "no_diacritics", "reordered_name", "former_commune", "co_signer", "same_sender")
KIND_LABELS = {
    "reworded": "viết lại (reworded)",
    "no_diacritics": "không dấu (no diacritics)",
    "reordered_name": "tên đảo thứ tự (names reordered)",
    "former_commune": "địa danh cũ (former commune name)",
    "co_signer": "người khác, cùng vụ việc (co-signer)",
    "same_sender": "cùng người, việc khác (same sender)",
}
# Share of the letters that are planted duplicates, by kind (the rest are first letters of their case).
PLANTED_SHARE = {
    "reworded": 0.05,
    "no_diacritics": 0.03,
    "reordered_name": 0.02,
    "former_commune": 0.02,
    "co_signer": 0.02,
    "same_sender": 0.01,
}
FIRST_DAY = datetime.date(2022, 1, 3)
DAYS = 4 * 365

SURNAMES = [
    ("Nguyễn", 38),
    ("Trần", 11),
    ("Lê", 9),
    ("Phạm", 7),
    ("Hoàng", 4),
    ("Huỳnh", 3),
    ("Phan", 4),
    ("Võ", 4),
    ("Đặng", 2),
    ("Bùi", 2),
    ("Đỗ", 2),
    ("Hồ", 3),
    ("Ngô", 2),
    ("Dương", 1),
    ("Lý", 1),
    ("Tôn Thất", 2),
    ("Trương", 2),
    ("Lương", 1),
]
MALE_MIDDLE = ["Văn", "Văn", "Văn", "Đức", "Minh", "Hữu", "Quang", "Công", "Thanh", "Ngọc", "Xuân", "Đình"]
FEMALE_MIDDLE = ["Thị", "Thị", "Thị", "Thị", "Ngọc", "Thanh", "Thu", "Kim", "Minh", "Hồng"]
MALE_GIVEN = [
    "An",
    "Bình",
    "Cường",
    "Dũng",
    "Hùng",
    "Hải",
    "Hiếu",
    "Hoàng",
    "Huy",
    "Khánh",
    "Long",
    "Lộc",
    "Minh",
    "Nam",
    "Phong",
    "Phúc",
    "Quân",
    "Sơn",
    "Tài",
    "Thắng",
    "Thành",
    "Tiến",
    "Toàn",
    "Trung",
    "Tuấn",
    "Việt",
    "Vinh",
    "Bảo",
    "Châu",
    "Đạt",
    "Định",
    "Hòa",
    "Kiên",
    "Lâm",
    "Nghĩa",
    "Nhân",
    "Quang",
    "Tâm",
    "Thịnh",
]
FEMALE_GIVEN = [
    "An",
    "Anh",
    "Bích",
    "Chi",
    "Diệp",
    "Dung",
    "Giang",
    "Hà",
    "Hạnh",
    "Hằng",
    "Hoa",
    "Hồng",
    "Hương",
    "Lan",
    "Liên",
    "Linh",
    "Loan",
    "Mai",
    "Ngọc",
    "Nhung",
    "Oanh",
    "Phương",
    "Quỳnh",
    "Sương",
    "Thảo",
    "Thu",
    "Thủy",
    "Trang",
    "Tuyết",
    "Vân",
    "Xuân",
    "Yến",
    "Hiền",
    "Hòa",
    "Lệ",
    "Mỹ",
    "Nga",
    "Nhàn",
    "Tâm",
]
STREETS = [
    "Phan Bội Châu",
    "Lê Lợi",
    "Hùng Vương",
    "Nguyễn Huệ",
    "Trần Phú",
    "Bà Triệu",
    "Điện Biên Phủ",
    "Lê Duẩn",
    "Tôn Đức Thắng",
    "Nguyễn Sinh Cung",
    "Phạm Văn Đồng",
    "Tố Hữu",
    "Kim Long",
    "Chi Lăng",
    "Huỳnh Thúc Kháng",
    "Nguyễn Trãi",
    "Đặng Huy Trứ",
    "Ngự Bình",
    "An Dương Vương",
    "Trường Chinh",
    "Dương Văn An",
    "Nguyễn Lộ Trạch",
    "Võ Văn Kiệt",
    "Minh Mạng",
    "Tự Đức",
    "Thủy Dương",
    "Thanh Lam",
    "Lý Thái Tổ",
]
VILLAGES = [
    "Phú Lễ",
    "An Lưu",
    "Thanh Phước",
    "Bao Vinh",
    "Lại Thế",
    "Dương Xuân",
    "Lương Quán",
    "Nguyệt Biều",
    "Vân Dương",
    "Xuân Ổ",
    "Hà Trung",
    "Phú Ốc",
    "Thủy Thanh",
    "Lang Xá",
    "Đông Di",
    "Phước Tích",
    "Mỹ Lợi",
    "Chí Long",
    "Hương Cần",
    "Thạch Hãn",
    "La Chữ",
    "Liễu Cốc",
    "Kim Đôi",
    "An Truyền",
    "Tây Hồ",
    "Phò Trạch",
    "Hiền Lương",
    "Vĩnh Xương",
    "Lộc Bổn",
    "Nam Phổ",
]
PROJECTS = [
    "đường Tố Hữu nối dài",
    "Khu đô thị mới An Vân Dương",
    "mở rộng Quốc lộ 1A",
    "Khu tái định cư Hương Sơ",
    "kè chống sạt lở bờ sông Hương",
    "Cụm công nghiệp Tứ Hạ",
    "hồ chứa nước Thủy Yên",
    "đường ven biển Thuận An",
    "Khu công nghiệp Phú Bài giai đoạn 4",
    "nâng cấp đường tỉnh 10A",
    "Khu dân cư Bàu Vá",
    "chỉnh trang Kinh thành Huế",
    "đường nối Phong Điền – Điền Lộc",
    "bãi xử lý rác Lộc Thủy",
]
FACILITIES = [
    "trại chăn nuôi heo",
    "xưởng mộc",
    "cơ sở sản xuất bún",
    "lò đốt vàng mã",
    "cơ sở rửa xe",
    "xưởng cơ khí",
    "bãi tập kết cát sạn",
    "cơ sở chế biến hải sản",
    "quán karaoke",
    "nhà máy gạch tuynen",
]
POSITIONS = [
    "địa chính xã",
    "tư pháp – hộ tịch",
    "trưởng thôn",
    "tổ trưởng dân phố",
    "phó chủ tịch Ủy ban nhân dân xã",
    "cán bộ văn hóa – xã hội",
    "công an viên",
    "cán bộ thuế",
]
VIOLATIONS = [
    "sử dụng đất công sai mục đích",
    "nhận tiền của người dân khi làm hồ sơ",
    "không kê khai tài sản trung thực",
    "chiếm dụng quỹ của thôn",
    "vi phạm quy định về những điều đảng viên không được làm",
    "xây nhà trên đất nông nghiệp",
]
POLICIES = [
    "người có công với cách mạng",
    "hộ nghèo",
    "bảo trợ xã hội cho người cao tuổi",
    "trợ cấp cho thân nhân liệt sĩ",
    "hỗ trợ nhà ở cho hộ khó khăn",
    "người khuyết tật nặng",
]
STRUCTURES = ["lối đi chung", "mương thoát nước", "hành lang an toàn giao thông", "đất công", "vỉa hè", "bờ kênh"]

# Sentence templates: each a list of phrasings of the same statement; {slots} are the case's facts.
OPENINGS = [
    "Kính gửi: {addressee}.",
    "Kính gửi {addressee}.",
    "Kính gửi: {addressee} và các cơ quan có thẩm quyền.",
]
ADDRESSEES = [
    "Thường trực Thành ủy Huế",
    "Ban Tiếp công dân thành phố Huế",
    "Ủy ban nhân dân thành phố Huế",
    "Ủy ban Kiểm tra Thành ủy Huế",
    "Ủy ban nhân dân {commune}",
]
INTROS = [
    "Tôi tên là {name}, sinh năm {born}, trú tại {address}.",
    "Tôi là {name}, sinh năm {born}, hiện cư trú tại {address}.",
    "Người làm đơn: {name}, năm sinh {born}, địa chỉ: {address}.",
    "Tên tôi là {name} ({born}), thường trú tại {address}.",
]
REQUESTS = [
    "Tôi kính đề nghị các cơ quan có thẩm quyền xem xét, giải quyết dứt điểm vụ việc để bảo đảm quyền lợi hợp pháp "
    "của gia đình tôi.",
    "Kính mong lãnh đạo quan tâm chỉ đạo kiểm tra, xử lý nghiêm theo quy định của pháp luật.",
    "Đề nghị cơ quan chức năng sớm vào cuộc xác minh và trả lời bằng văn bản cho tôi được biết.",
    "Tôi làm đơn này kính mong được xem xét giải quyết sớm, tránh để kéo dài gây bức xúc trong nhân dân.",
]
CLOSINGS = [
    "Tôi xin cam đoan những nội dung trình bày trên là đúng sự thật. Xin trân trọng cảm ơn.",
    "Tôi xin chịu trách nhiệm trước pháp luật về nội dung đơn. Trân trọng.",
    "Xin chân thành cảm ơn.",
]
REPEATS = [
    "Tôi đã gửi đơn đến cơ quan chức năng từ ngày {earlier} nhưng đến nay vẫn chưa nhận được trả lời.",
    "Vụ việc này tôi đã có đơn gửi ngày {earlier}, đến nay chưa được giải quyết nên tôi tiếp tục làm đơn.",
    "Đây là lần thứ hai tôi gửi đơn về việc này (lần trước ngày {earlier}) mà chưa thấy cơ quan nào trả lời.",
]


@dataclasses.dataclass(frozen=True)
class Topic:
    code: str
    subjects: tuple[str, ...]
    facts: tuple[tuple[str, ...], ...]  # each fact: its phrasings


TOPICS = (
    Topic(
        "dat_dai",
        (
            "Tranh chấp quyền sử dụng đất tại thửa đất số {plot}, tờ bản đồ số {sheet}",
            "Đơn đề nghị giải quyết tranh chấp đất đai thửa số {plot} tờ bản đồ {sheet}",
        ),
        (
            (
                "Gia đình tôi sử dụng ổn định thửa đất số {plot}, tờ bản đồ số {sheet}, diện tích {area} m² từ năm "
                "{year}.",
                "Thửa đất số {plot}, tờ bản đồ số {sheet} với diện tích {area} m² do gia đình tôi khai hoang và sử "
                "dụng "
                "liên tục từ năm {year}.",
                "Từ năm {year} gia đình tôi đã canh tác ổn định trên thửa đất {plot}, tờ bản đồ {sheet}, rộng {area} "
                "m².",
            ),
            (
                "Năm {year2}, hộ ông {other} ở liền kề đã tự ý xây tường rào lấn sang khoảng {encroach} m² đất của gia "
                "đình tôi.",
                "Đến năm {year2} thì ông {other}, hộ giáp ranh, tự ý dựng tường rào lấn chiếm chừng {encroach} m².",
                "Hộ liền kề là ông {other} vào năm {year2} đã xây hàng rào chiếm của gia đình tôi khoảng {encroach} m² "
                "đất.",
            ),
            (
                "Gia đình tôi đã nhiều lần đề nghị thôn, xã hòa giải nhưng không thành.",
                "Việc hòa giải tại cơ sở đã được tổ chức ngày {date} nhưng hai bên không thống nhất.",
                "Chính quyền địa phương đã hòa giải ngày {date} song không có kết quả.",
            ),
            (
                "Hồ sơ địa chính năm {year} thể hiện rõ ranh giới thửa đất của gia đình tôi.",
                "Theo bản đồ địa chính lập năm {year}, ranh giới thửa đất đã được xác định rõ ràng.",
            ),
        ),
    ),
    Topic(
        "boi_thuong",
        (
            "Kiến nghị về bồi thường, hỗ trợ khi thu hồi đất thực hiện dự án {project}",
            "Khiếu nại phương án bồi thường, tái định cư dự án {project}",
        ),
        (
            (
                "Gia đình tôi có {area} m² đất bị thu hồi để thực hiện dự án {project} theo quyết định số "
                "{decision}/QĐ-UBND ngày {date}.",
                "Theo Quyết định số {decision}/QĐ-UBND ngày {date}, Nhà nước thu hồi {area} m² đất của gia đình tôi "
                "để làm dự án {project}.",
                "Ngày {date}, Ủy ban nhân dân ban hành Quyết định {decision}/QĐ-UBND thu hồi {area} m² đất của gia "
                "đình "
                "tôi cho dự án {project}.",
            ),
            (
                "Đơn giá bồi thường {price} đồng/m² là quá thấp so với giá thị trường tại khu vực.",
                "Mức giá bồi thường chỉ {price} đồng mỗi mét vuông, thấp hơn nhiều so với giá chuyển nhượng thực tế.",
                "Giá bồi thường áp cho gia đình tôi là {price} đồng/m², không phù hợp với thực tế.",
            ),
            (
                "Gia đình tôi chưa được bố trí tái định cư dù đã bàn giao mặt bằng từ tháng {month}/{year2}.",
                "Mặc dù đã giao mặt bằng từ tháng {month}/{year2}, gia đình tôi vẫn chưa được xét giao đất tái "
                "định cư.",
                "Từ tháng {month}/{year2} gia đình tôi đã bàn giao mặt bằng nhưng đến nay chưa có đất tái định cư.",
            ),
            (
                "Phần tài sản trên đất gồm {assets} chưa được kiểm đếm đầy đủ.",
                "Việc kiểm đếm tài sản trên đất ({assets}) còn thiếu sót.",
            ),
        ),
    ),
    Topic(
        "giay_chung_nhan",
        (
            "Khiếu nại việc chậm cấp giấy chứng nhận quyền sử dụng đất thửa số {plot}",
            "Đề nghị cấp giấy chứng nhận quyền sử dụng đất cho thửa {plot}, tờ bản đồ {sheet}",
        ),
        (
            (
                "Ngày {date}, tôi đã nộp hồ sơ đề nghị cấp giấy chứng nhận quyền sử dụng đất cho thửa đất số {plot}, "
                "tờ bản đồ số {sheet}.",
                "Hồ sơ xin cấp giấy chứng nhận cho thửa đất {plot}, tờ bản đồ {sheet} được tôi nộp từ ngày {date}.",
                "Tôi nộp hồ sơ cấp giấy chứng nhận quyền sử dụng đất thửa số {plot} (tờ bản đồ số {sheet}) vào ngày "
                "{date}.",
            ),
            (
                "Đến nay đã quá thời hạn giải quyết nhưng bộ phận một cửa vẫn chưa trả kết quả.",
                "Đã quá hạn theo quy định mà hồ sơ vẫn chưa được giải quyết.",
                "Thời hạn giải quyết đã hết từ lâu nhưng tôi vẫn chưa nhận được giấy chứng nhận.",
            ),
            (
                "Cán bộ {position} {official} yêu cầu bổ sung giấy tờ nhiều lần không có trong quy định.",
                "Ông {official}, cán bộ {position}, nhiều lần bắt bổ sung các giấy tờ không cần thiết.",
                "Tôi bị cán bộ {position} là ông {official} yêu cầu bổ sung hồ sơ nhiều lần trái quy định.",
            ),
            (
                "Thửa đất có diện tích {area} m², không tranh chấp, phù hợp quy hoạch.",
                "Diện tích thửa đất là {area} m², sử dụng ổn định, không có tranh chấp.",
            ),
        ),
    ),
    Topic(
        "can_bo",
        (
            "Phản ánh thái độ, tác phong của cán bộ {position} {official}",
            "Phản ánh cán bộ {official} gây khó khăn, nhũng nhiễu người dân",
        ),
        (
            (
                "Ngày {date}, khi tôi đến làm thủ tục {procedure} tại Ủy ban nhân dân {commune}, ông {official}, cán "
                "bộ {position}, có thái độ hách dịch.",
                "Vào ngày {date}, tôi đến Ủy ban nhân dân {commune} làm thủ tục {procedure} thì bị cán bộ {position} "
                "{official} quát nạt.",
                "Khi làm thủ tục {procedure} ngày {date} tại {commune}, tôi bị ông {official} ({position}) đối xử "
                "thiếu tôn trọng.",
            ),
            (
                "Ông {official} gợi ý tôi nộp thêm {amount} đồng thì hồ sơ sẽ được giải quyết nhanh.",
                'Cán bộ này đòi {amount} đồng "tiền bồi dưỡng" để làm nhanh hồ sơ.',
                "Tôi được ông {official} yêu cầu đưa {amount} đồng nếu muốn hồ sơ xong sớm.",
            ),
            (
                "Nhiều người dân trong {place} cũng gặp tình trạng tương tự.",
                "Không chỉ tôi mà nhiều hộ khác ở {place} cũng bị đối xử như vậy.",
            ),
        ),
    ),
    Topic(
        "dang_vien",
        (
            "Tố cáo đảng viên {official} {violation}",
            "Đơn tố cáo ông {official}, đảng viên chi bộ {place}, {violation}",
        ),
        (
            (
                "Ông {official}, đảng viên sinh hoạt tại chi bộ {place}, đã {violation}.",
                "Đảng viên {official} thuộc chi bộ {place} có hành vi {violation}.",
                "Tôi tố cáo ông {official}, hiện là đảng viên chi bộ {place}, về việc {violation}.",
            ),
            (
                "Sự việc diễn ra từ năm {year2} và kéo dài đến nay, gây thiệt hại khoảng {amount} đồng.",
                "Từ năm {year2} đến nay, hành vi này gây thất thoát khoảng {amount} đồng.",
                "Thiệt hại ước tính {amount} đồng, kéo dài từ năm {year2}.",
            ),
            (
                "Nhân dân trong {place} rất bức xúc nhưng chi bộ chưa xem xét xử lý.",
                "Người dân {place} đã phản ánh nhiều lần mà chi bộ chưa kiểm điểm.",
            ),
        ),
    ),
    Topic(
        "moi_truong",
        (
            "Phản ánh ô nhiễm môi trường từ {facility} của ông {other} tại {place}",
            "Kiến nghị xử lý {facility} gây ô nhiễm ở {place}",
        ),
        (
            (
                "{facility_cap} của ông {other} tại {place} hoạt động từ năm {year2}, xả nước thải trực tiếp ra "
                "mương chung.",
                "Từ năm {year2}, ông {other} mở {facility} ở {place} và xả thải thẳng ra mương thoát nước chung.",
                "Ở {place} có {facility} của ông {other} hoạt động từ năm {year2}, nước thải không qua xử lý.",
            ),
            (
                "Mùi hôi bốc lên nồng nặc, nhất là vào buổi tối, ảnh hưởng đến sức khỏe của khoảng {households} hộ "
                "dân.",
                "Khoảng {households} hộ dân xung quanh phải chịu mùi hôi thối hằng ngày.",
                "Mùi hôi và tiếng ồn ảnh hưởng tới sinh hoạt của chừng {households} hộ gia đình.",
            ),
            (
                "Ngày {date}, bà con đã phản ánh với thôn nhưng tình trạng không được khắc phục.",
                "Người dân đã kiến nghị với chính quyền từ ngày {date} mà vẫn chưa được xử lý.",
            ),
        ),
    ),
    Topic(
        "xay_dung",
        (
            "Phản ánh việc xây dựng trái phép, lấn chiếm {structure} tại {place}",
            "Đề nghị xử lý công trình lấn chiếm {structure} ở {place}",
        ),
        (
            (
                "Hộ ông {other} tại {place} đã xây dựng công trình kiên cố lấn chiếm {structure} khoảng {encroach} m².",
                "Ông {other} ở {place} xây nhà lấn ra {structure} chừng {encroach} m².",
                "Công trình của hộ ông {other} ({place}) lấn chiếm {encroach} m² {structure}.",
            ),
            (
                "Việc xây dựng bắt đầu từ tháng {month}/{year2} nhưng không có giấy phép.",
                "Công trình khởi công tháng {month}/{year2}, không có giấy phép xây dựng.",
                "Từ tháng {month}/{year2}, công trình được xây mà không xin phép.",
            ),
            (
                "Chính quyền địa phương biết nhưng không lập biên bản xử lý.",
                "Cán bộ xây dựng xã đã đến kiểm tra ngày {date} nhưng không xử lý.",
            ),
        ),
    ),
    Topic(
        "chinh_sach",
        (
            "Đề nghị xem xét chế độ {policy} cho {beneficiary}",
            "Kiến nghị giải quyết chính sách {policy} đối với {beneficiary}",
        ),
        (
            (
                "{beneficiary_cap}, sinh năm {born2}, thuộc diện được hưởng chế độ {policy}.",
                "Trường hợp {beneficiary} (sinh năm {born2}) đủ điều kiện hưởng chính sách {policy}.",
                "{beneficiary_cap} sinh năm {born2} có đủ tiêu chuẩn hưởng chế độ {policy}.",
            ),
            (
                "Hồ sơ đã được nộp tại Ủy ban nhân dân {commune} từ ngày {date} nhưng chưa được giải quyết.",
                "Ngày {date}, gia đình đã nộp hồ sơ tại {commune}, đến nay vẫn chưa có kết quả.",
                "Từ ngày {date} hồ sơ đã gửi lên {commune} nhưng chưa được xét.",
            ),
            (
                "Gia đình tôi hiện rất khó khăn, thu nhập bình quân chỉ khoảng {amount} đồng mỗi tháng.",
                "Hoàn cảnh gia đình khó khăn, thu nhập chỉ chừng {amount} đồng/tháng.",
            ),
        ),
    ),
)
SYNONYMS = [
    ("đề nghị", "kiến nghị"),
    ("Ủy ban nhân dân", "UBND"),
    ("giải quyết", "xử lý"),
    ("gia đình tôi", "gia đình chúng tôi"),
    ("đến nay", "tới nay"),
    ("nhiều lần", "nhiều lượt"),
    ("khoảng", "chừng"),
    ("cơ quan chức năng", "cơ quan có thẩm quyền"),
    ("người dân", "bà con"),
    ("tự ý", "tự tiện"),
]
PROCEDURES = ["chứng thực", "đăng ký khai sinh", "xác nhận hộ khẩu", "tách thửa", "xin giấy phép xây dựng"]
ASSETS = ["nhà cấp 4 và giếng nước", "cây lâu năm và chuồng trại", "mồ mả và tường rào", "nhà tạm và cây ăn quả"]
BENEFICIARIES = ["mẹ tôi là bà {relative}", "cha tôi là ông {relative}", "chồng tôi là ông {relative}"]


@dataclasses.dataclass(frozen=True)
class Person:
    id: int
    name: str
    surname: str
    middle: str
    given: str
    commune: str
    former: tuple[str, ...]
    detail: str  # the house, lane, street or village
    born: int
    id_number: str


@dataclasses.dataclass(frozen=True)
class Case:
    id: int
    topic: Topic
    person: Person
    facts: dict[str, str]


@dataclasses.dataclass(frozen=True)
class Letter:
    """A generated letter: the record the index reads, and the truth the evaluation knows."""

    record: LetterRecord
    case: int
    person: int
    kind: str  # "original" or one of KINDS
    of: int | None  # the letter a planted one repeats


def communes() -> list[tuple[str, tuple[str, ...]]]:
    """The 40 current communes of Huế with the names they had before the 2025 merger (district dropped)."""
    data = json.loads(COMMUNES_FILE.read_text(encoding="utf-8"))
    out = []
    for unit in data["commune_level_units"]:
        former = tuple(
            dict.fromkeys(
                n.split(",")[0].strip()
                for n in unit["merged_from"]
                if n.split(",")[0].strip() and fold(n.split(",")[0]) != fold(unit["name"])
            )
        )
        out.append((unit["name"], former))
    return out


def resolver() -> CommuneResolver:
    """The resolver the letters' app builds from the units (here from the same shared data)."""
    data = json.loads(COMMUNES_FILE.read_text(encoding="utf-8"))
    return CommuneResolver((u["name"], u["name"], u["merged_from"]) for u in data["commune_level_units"])


class _Writer:
    def __init__(self, seed: int) -> None:
        self.rng = random.Random(seed)  # noqa: S311 — synthetic data, reproducible by design
        self.communes = communes()
        self.surnames = [s for s, _w in SURNAMES]
        self.weights = [w for _s, w in SURNAMES]
        self.people: list[Person] = []

    def date(self, start: datetime.date = FIRST_DAY, days: int = DAYS) -> datetime.date:
        return start + datetime.timedelta(days=self.rng.randrange(days))

    def person(self, commune: tuple[str, tuple[str, ...]] | None = None) -> Person:
        rng = self.rng
        name, former = commune or rng.choice(self.communes)
        female = rng.random() < 0.45
        surname = rng.choices(self.surnames, self.weights)[0]
        middle = rng.choice(FEMALE_MIDDLE if female else MALE_MIDDLE)
        given = rng.choice(FEMALE_GIVEN if female else MALE_GIVEN)
        if name.startswith("Phường"):
            detail = rng.choice(
                [
                    f"số {rng.randint(1, 250)} {rng.choice(STREETS)}",
                    f"số {rng.randint(1, 120)} kiệt {rng.randint(1, 300)} {rng.choice(STREETS)}",
                    f"tổ {rng.randint(1, 30)}, khu vực {rng.randint(1, 8)}",
                ]
            )
        else:
            detail = f"thôn {rng.choice(VILLAGES)}"
        person = Person(
            id=len(self.people),
            name=f"{surname} {middle} {given}",
            surname=surname,
            middle=middle,
            given=given,
            commune=name,
            former=former,
            detail=detail,
            born=rng.randint(1945, 1995),
            id_number=f"046{rng.randint(0, 999_999_999):09d}",
        )
        self.people.append(person)
        return person

    def facts(self, topic: Topic, person: Person) -> dict[str, str]:
        rng = self.rng
        other = self.person((person.commune, person.former))
        official = self.person((person.commune, person.former))
        relative = self.person((person.commune, person.former))
        facility = rng.choice(FACILITIES)
        place = person.detail if person.detail.startswith("thôn") else person.detail.split(",")[0]
        year = rng.randint(1985, 2012)
        beneficiary = rng.choice(BENEFICIARIES).format(relative=relative.name)
        return {
            "commune": person.commune,
            "plot": str(rng.randint(1, 1500)),
            "sheet": str(rng.randint(1, 80)),
            "area": str(rng.randint(40, 2500)),
            "encroach": str(rng.randint(3, 90)),
            "year": str(year),
            "year2": str(rng.randint(max(year + 1, 2010), 2025)),
            "month": str(rng.randint(1, 12)),
            "date": self.date(datetime.date(2019, 1, 1), 5 * 365).strftime("%d/%m/%Y"),
            "decision": str(rng.randint(100, 4999)),
            "price": f"{rng.randint(5, 90) * 100_000:,}".replace(",", "."),
            "amount": f"{rng.randint(2, 400) * 500_000:,}".replace(",", "."),
            "project": rng.choice(PROJECTS),
            "assets": rng.choice(ASSETS),
            "other": other.name,
            "official": official.name,
            "position": rng.choice(POSITIONS),
            "violation": rng.choice(VIOLATIONS),
            "procedure": rng.choice(PROCEDURES),
            "place": place,
            "facility": facility,
            "facility_cap": facility[0].upper() + facility[1:],
            "households": str(rng.randint(5, 80)),
            "structure": rng.choice(STRUCTURES),
            "policy": rng.choice(POLICIES),
            "beneficiary": beneficiary,
            "beneficiary_cap": beneficiary[0].upper() + beneficiary[1:],
            "born2": str(rng.randint(1930, 1975)),
        }

    def address(self, person: Person, *, former: bool = False) -> str:
        rng = self.rng
        commune = person.commune
        if former and person.former:
            commune = rng.choice(person.former)
        if rng.random() < 0.3:
            commune = commune.replace("Phường ", "P. ").replace("Xã ", "xã ")
        city = rng.choice([", thành phố Huế", ", TP Huế", ", Thừa Thiên Huế" if former else ", Huế", ""])
        return f"{person.detail}, {commune}{city}"

    def text(
        self, case: Case, person: Person, address: str, *, choice: dict[str, int] | None = None
    ) -> tuple[str, str]:
        """The subject and body of a letter about ``case`` by ``person``; ``choice`` fixes phrasings (for rewording)."""
        rng = self.rng
        facts = {**case.facts, "name": person.name, "born": str(person.born), "address": address}
        choice = choice or {}
        topic = case.topic
        subject = topic.subjects[choice.get("subject", 0)].format(**facts)
        addressee = ADDRESSEES[choice.get("addressee", 0)].format(**facts)
        lines = [
            OPENINGS[choice.get("opening", 0)].format(addressee=addressee),
            INTROS[choice.get("intro", 0)].format(**facts),
            f"Tôi làm đơn này về việc: {subject[0].lower()}{subject[1:]}.",
        ]
        order = choice.get("order", 0)
        facts_lines = [
            fact[choice.get(f"fact{i}", 0) % len(fact)].format(**facts) for i, fact in enumerate(topic.facts)
        ]
        if order:
            random.Random(order).shuffle(facts_lines)  # noqa: S311 — a reproducible order
        if "drop" in choice and len(facts_lines) > 2:
            facts_lines.pop(choice["drop"] % len(facts_lines))
        lines += facts_lines
        if "repeat" in choice:
            lines.append(REPEATS[choice["repeat"]].format(earlier=facts["earlier"]))
        lines.append(REQUESTS[choice.get("request", 0)])
        lines.append(CLOSINGS[choice.get("closing", 0)])
        del rng
        return subject, " ".join(lines)

    def choice(self, topic: Topic) -> dict[str, int]:
        rng = self.rng
        out = {
            "subject": rng.randrange(len(topic.subjects)),
            "addressee": rng.randrange(len(ADDRESSEES)),
            "opening": rng.randrange(len(OPENINGS)),
            "intro": rng.randrange(len(INTROS)),
            "request": rng.randrange(len(REQUESTS)),
            "closing": rng.randrange(len(CLOSINGS)),
        }
        for i, fact in enumerate(topic.facts):
            out[f"fact{i}"] = rng.randrange(len(fact))
        return out

    def reword(self, choice: dict[str, int], topic: Topic, *, strength: float) -> dict[str, int]:
        """Another phrasing of the same letter: each part rephrased with probability ``strength``."""
        rng = self.rng
        fresh = self.choice(topic)
        out = {k: (fresh[k] if rng.random() < strength else v) for k, v in choice.items() if k in fresh}
        if rng.random() < strength:
            out["order"] = rng.randint(1, 1_000_000)
        if rng.random() < strength * 0.6:
            out["drop"] = rng.randrange(len(topic.facts))
        return out


def _synonyms(text: str, rng: random.Random, strength: float) -> str:
    for a, b in SYNONYMS:
        if rng.random() < strength:
            text = text.replace(a, b) if rng.random() < 0.5 else text.replace(b, a)
    return text


def _strip(text: str) -> str:
    """``text`` without diacritics, case kept ("Nguyễn Văn Đức" → "Nguyen Van Duc"), as a letter typed without them."""
    import unicodedata

    plain = "".join(c for c in unicodedata.normalize("NFD", text) if not unicodedata.combining(c))
    return plain.replace("đ", "d").replace("Đ", "D")


def generate(n: int, *, seed: int = 1) -> list[Letter]:
    """``n`` letters, about 15 % of them planted near-duplicates (``PLANTED_SHARE``), deterministic for ``seed``."""
    w = _Writer(seed)
    rng = w.rng
    planted = {kind: round(n * share) for kind, share in PLANTED_SHARE.items()}
    originals = n - sum(planted.values())
    letters: list[Letter] = []
    cases: list[Case] = []
    choices: dict[int, dict[str, int]] = {}

    def record(lid: int, person: Person, address: str, subject: str, body: str, day: datetime.date) -> LetterRecord:
        # Half the letters give the sender's ID number (those received in person or through the app).
        id_number = person.id_number if rng.random() < 0.5 else ""
        return LetterRecord(
            id=lid,
            citizen=person.name,
            address=address,
            subject=subject,
            content=body,
            received=day,
            id_number=id_number,
        )

    for _ in range(originals):
        person = w.person()
        topic = rng.choice(TOPICS)
        case = Case(id=len(cases), topic=topic, person=person, facts=w.facts(topic, person))
        cases.append(case)
        choice = w.choice(topic)
        address = w.address(person)
        subject, body = w.text(case, person, address, choice=choice)
        lid = len(letters)
        choices[lid] = choice
        letters.append(
            Letter(record(lid, person, address, subject, body, w.date()), case.id, person.id, "original", None)
        )

    firsts = list(range(len(letters)))
    schedule = [kind for kind, count in planted.items() for _ in range(count)]
    rng.shuffle(schedule)
    for kind in schedule:
        src_id = rng.choice(firsts)
        src = letters[src_id]
        case = cases[src.case]
        person = case.person
        choice = choices[src_id]
        earlier = src.record.received or FIRST_DAY
        day = earlier + datetime.timedelta(days=rng.randint(7, 400))
        strip = kind == "no_diacritics" or rng.random() < 0.15
        former = kind == "former_commune" or rng.random() < 0.15
        reorder = kind == "reordered_name" or rng.random() < 0.15
        if kind == "co_signer":
            person = w.person((person.commune, person.former))
            new_choice = w.choice(case.topic)
            the_case = case
        elif kind == "same_sender":
            topic = rng.choice([t for t in TOPICS if t is not case.topic])
            the_case = Case(id=len(cases), topic=topic, person=person, facts=w.facts(topic, person))
            cases.append(the_case)
            new_choice = w.choice(topic)
        else:
            strength = 0.5 if kind == "reworded" else 0.2
            new_choice = w.reword(choice, case.topic, strength=strength)
            if kind == "reworded" or rng.random() < 0.3:
                new_choice["repeat"] = rng.randrange(len(REPEATS))
            the_case = case
        facts = {**the_case.facts, "earlier": earlier.strftime("%d/%m/%Y")}
        the_case = dataclasses.replace(the_case, facts=facts)
        shown = person
        if reorder and kind != "co_signer":
            style = rng.randrange(3)
            if style == 0:
                shown = dataclasses.replace(person, name=f"{person.given} {person.surname} {person.middle}")
            elif style == 1:
                shown = dataclasses.replace(person, name=person.name.upper())
            else:
                shown = dataclasses.replace(person, name=f"{person.given} {person.surname} {person.middle}".upper())
        address = w.address(person, former=former)
        subject, body = w.text(the_case, shown, address, choice=new_choice)
        if kind in ("reworded", "reordered_name", "former_commune"):
            body = _synonyms(body, rng, 0.5 if kind == "reworded" else 0.2)
        name = shown.name
        if strip:
            subject, body, address, name = _strip(subject), _strip(body), _strip(address), _strip(name)
        lid = len(letters)
        rec = record(lid, person, address, subject, body, day)
        rec = dataclasses.replace(rec, citizen=name)
        letters.append(Letter(rec, the_case.id, person.id, kind, src_id))
    return letters


# --- evaluation -----------------------------------------------------------------------------------------------------


@dataclasses.dataclass
class Evaluation:
    letters: int
    queries: int
    with_relevant: int
    proposed: int
    correct: int
    relevant_capped: int
    found_by_kind: dict[str, tuple[int, int]]  # kind → (the letter it repeats found in the top 5, planted queried)
    reasons: Counter[str]
    lookup_ms: list[float]
    lookup_cpu_ms: list[float]  # the process's CPU time of each lookup: what the machine's other load does not change
    build_s: float
    add_ms: float

    @property
    def precision(self) -> float:
        return self.correct / self.proposed if self.proposed else 1.0

    @property
    def recall(self) -> float:
        return self.correct / self.relevant_capped if self.relevant_capped else 1.0

    @property
    def median_ms(self) -> float:
        return statistics.median(self.lookup_ms)

    @property
    def p95_ms(self) -> float:
        return _p95(self.lookup_ms)

    @property
    def cpu_median_ms(self) -> float:
        return statistics.median(self.lookup_cpu_ms)

    @property
    def cpu_p95_ms(self) -> float:
        return _p95(self.lookup_cpu_ms)


def _p95(values: list[float]) -> float:
    return statistics.quantiles(values, n=20)[-1] if len(values) > 1 else values[0]


def evaluate(
    letters: Sequence[Letter],
    *,
    queries: int | None = None,
    seed: int = 1,
    top: int = 5,
    progress: Callable[[str], None] | None = None,
) -> Evaluation:
    """Index ``letters`` one by one (as they would be entered), then ask for the top ``top`` of ``queries`` letters
    drawn at random (all of them when None), each against all the others.

    Precision: the share of proposed letters that are relevant (same case or same person). Recall: relevant letters
    found over the relevant letters there were (at most ``top`` per query). ``found_by_kind``: for each planted kind,
    how often the letter it repeats is in the top."""
    index = SimilarityIndex(resolver=resolver())
    started = time.perf_counter()
    for letter in letters:
        index.add(letter.record)
    build_s = time.perf_counter() - started
    if progress:
        progress(f"indexed {len(letters)} letters in {build_s:.1f} s")

    by_case: dict[int, set[int]] = defaultdict(set)
    by_person: dict[int, set[int]] = defaultdict(set)
    for i, letter in enumerate(letters):
        by_case[letter.case].add(i)
        by_person[letter.person].add(i)

    rng = random.Random(seed)  # noqa: S311 — a reproducible sample
    chosen = (
        list(range(len(letters)))
        if queries is None or queries >= len(letters)
        else rng.sample(range(len(letters)), queries)
    )
    ev = Evaluation(
        letters=len(letters),
        queries=len(chosen),
        with_relevant=0,
        proposed=0,
        correct=0,
        relevant_capped=0,
        found_by_kind=dict.fromkeys(KINDS, (0, 0)),
        reasons=Counter(),
        lookup_ms=[],
        lookup_cpu_ms=[],
        build_s=build_s,
        add_ms=build_s * 1000 / max(1, len(letters)),
    )
    for i in chosen:
        letter = letters[i]
        relevant = (by_case[letter.case] | by_person[letter.person]) - {i}
        t0, c0 = time.perf_counter(), time.process_time()
        found = index.similar(letter.record, limit=top)
        ev.lookup_ms.append((time.perf_counter() - t0) * 1000)
        ev.lookup_cpu_ms.append((time.process_time() - c0) * 1000)
        ids = [int(str(c.id)) for c in found]
        hit = [j for j in ids if j in relevant]
        ev.proposed += len(ids)
        ev.correct += len(hit)
        ev.relevant_capped += min(top, len(relevant))
        ev.with_relevant += bool(relevant)
        for c in found:
            ev.reasons[c.reason_text] += 1
        if letter.of is not None:
            got, total = ev.found_by_kind[letter.kind]
            ev.found_by_kind[letter.kind] = (got + (letter.of in ids), total + 1)
    return ev


def table(ev: Evaluation, *, title: str = "", machine: str = "") -> str:
    """The Markdown table docs/petitions.md shows."""
    rows = [
        f"{title}" if title else "",
        "| measure | value |",
        "|---|---|",
        f"| letters indexed | {ev.letters:,} |",
        f"| queries (letters asked about) | {ev.queries:,}, {ev.with_relevant:,} of them with a relevant letter |",
        f"| proposed in the top 5 | {ev.proposed:,} |",
        f"| **precision in the top 5** | **{ev.precision:.1%}** |",
        f"| **recall in the top 5** | **{ev.recall:.1%}** |",
        f"| lookup, median / p95 | {ev.median_ms:.1f} ms / {ev.p95_ms:.1f} ms |",
        f"| lookup, CPU time of the process, median / p95 | {ev.cpu_median_ms:.1f} ms / {ev.cpu_p95_ms:.1f} ms |",
        f"| indexing (add one letter) | {ev.add_ms:.2f} ms per letter, {ev.build_s:.1f} s in all |",
        *([f"| machine | {machine} |"] if machine else []),
        "",
        "| planted kind | its earlier letter in the top 5 |",
        "|---|---|",
    ]
    for kind in KINDS:
        got, total = ev.found_by_kind[kind]
        if total:
            rows.append(f"| {KIND_LABELS[kind]} | {got}/{total} ({got / total:.1%}) |")
    rows += ["", "| reasons given (proposals) | count |", "|---|---|"]
    for reason, count in ev.reasons.most_common():
        rows.append(f"| {reason} | {count:,} |")
    return "\n".join(r for r in rows if r is not None)


def iter_records(letters: Iterable[Letter]) -> Iterable[LetterRecord]:
    return (letter.record for letter in letters)
