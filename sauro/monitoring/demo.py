"""Demo monitoring for the Huế demo: progress updates, obstacles and their answers, delivery confidence.

What is there, on the tasks of ``sauro.tasks.demo`` that are still open:
- most tasks under way carry one to four progress updates written by the people working on them, in Vietnamese and
  about the task's subject (counts of units, files, households … rising with the percent), some with indicators;
  a task whose product was sent back is updated with what was corrected;
- about one task under way in twelve has an obstacle with its proposal, addressed to the task's authority (or, for a
  commune's own task, to Thường trực Thành ủy, which acts for the commune's parent committee); about half are
  answered by a leader of the body asked, the rest are open — one still within its response time, the others past
  their response date (the daily reminder pass escalates them);
- the office (``vanphong``) rates delivery confidence on about three open tasks in ten, some twice (a trend);
- the browser journey's task: a task of Ban Tổ chức for Thường trực Thành ủy, in progress, with ``chuyenvien.btc``
  assigned (``JOURNEY_TITLE``; ``journey_task()`` finds it) and no obstacle yet.

How: every write goes through the services (``progress_update_create``, ``obstacle_create``, ``obstacle_answer``,
``confidence_rate``; the journey task through the task services) as the people concerned, with the clock set to the
day of the step (``tasks.demo.clock_at``), every step taken in date order. A task's steps fall after its last event
of the task demo (its acceptance, return or submission) and before today, so timelines and the journal read as real
use would have left them. Deterministic (seeded RNG) for a given today; idempotent: nothing is done if any progress
update, obstacle or rating exists, or the journey task does.
"""

from __future__ import annotations

import datetime
import heapq
import itertools
import random
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from sauro.accounts.models import User
from sauro.common import clock
from sauro.common.calendar import WorkCalendar, current_calendar
from sauro.monitoring import conf
from sauro.monitoring.choices import ObstacleState
from sauro.monitoring.models import ConfidenceRating, Obstacle, ProgressUpdate
from sauro.monitoring.services import confidence_rate, obstacle_answer, obstacle_create, progress_update_create
from sauro.org.choices import Role, UnitKind
from sauro.org.models import Membership, Unit
from sauro.tasks.choices import CONFIDENCE_ORDER, Confidence, EventKind, ProductKind, TaskState
from sauro.tasks.demo import SEED as TASKS_SEED
from sauro.tasks.demo import STANDING, STANDING_APPROVER, agency_acceptor, clock_at
from sauro.tasks.models import Task, TaskEvent
from sauro.tasks.services import task_accept, task_create, task_issue

SEED = f"{TASKS_SEED}-monitoring"
MONITOR = "vanphong"
UPDATABLE = (TaskState.IN_PROGRESS, TaskState.RETURNED)
RATEABLE = (TaskState.ISSUED, TaskState.IN_PROGRESS, TaskState.SUBMITTED, TaskState.RETURNED)
OBSTACLE_SHARE = 0.08
RATED_SHARE = 0.30
RATED_TWICE_SHARE = 0.4
UPDATED_SHARE = 0.85

# --- The browser journey's task ----------------------------------------------------------------------------------
JOURNEY_TITLE = "Rà soát, đề xuất quy hoạch Ban Chấp hành, Ban Thường vụ Thành ủy nhiệm kỳ 2030 – 2035"
JOURNEY_OFFICER = "chuyenvien.btc"
JOURNEY_LEAD = "BTCTU"
JOURNEY_HEAD = "bantochuc"


def journey_task() -> Task | None:
    """The demo task of the obstacle journey: Ban Tổ chức leads, Thường trực Thành ủy decides, ``chuyenvien.btc``
    is assigned, it is in progress. Found by its title and those facts (its id differs from load to load)."""
    return (
        Task.objects.filter(
            title=JOURNEY_TITLE,
            state=TaskState.IN_PROGRESS,
            lead_unit__code=JOURNEY_LEAD,
            authority_unit__code=STANDING,
            officers__username=JOURNEY_OFFICER,
        )
        .order_by("id")
        .first()
    )


# --- What people write, by subject ------------------------------------------------------------------------------
# A stage of a task's work: the percent range reached, what was done, what comes next, and the indicators. Texts are
# ``str.format`` templates over the task's numbers (``Numbers``); a subject's stages are in the order work goes.


@dataclass(frozen=True)
class Stage:
    low: int
    high: int
    done: str
    next_steps: str = ""
    indicators: tuple[tuple[str, str, str], ...] = ()  # (name, value template, unit)


@dataclass(frozen=True)
class ObstacleText:
    description: str
    proposal: str
    answer: str


@dataclass(frozen=True)
class Subject:
    key: str
    words: tuple[str, ...]  # all must be in the title
    stages: tuple[Stage, ...]
    total: tuple[int, int] = (10, 20)  # the range of the task's count (units, files, households …)
    obstacle: ObstacleText | None = None


S = Stage
SUBJECTS: tuple[Subject, ...] = (
    Subject(
        "monthly_report",
        ("Báo cáo tình hình", "công tác tháng"),
        (
            S(
                20,
                35,
                "Đã đề nghị các phòng, bộ phận gửi kết quả công tác trong tháng; đã nhận {part}/{total} báo cáo.",
                "Đôn đốc các bộ phận còn lại; tổng hợp số liệu.",
                (("Bộ phận đã gửi báo cáo", "{part}/{total}", "bộ phận"),),
            ),
            S(
                50,
                65,
                "Đã tổng hợp số liệu, hoàn thành dự thảo báo cáo tháng, trình lãnh đạo cho ý kiến.",
                "Tiếp thu ý kiến lãnh đạo, hoàn thiện báo cáo.",
            ),
            S(
                80,
                90,
                "Đã tiếp thu ý kiến lãnh đạo, hoàn thiện báo cáo tháng.",
                "Ký ban hành, gửi Văn phòng Thành ủy đúng hạn.",
            ),
        ),
        total=(4, 7),
    ),
    Subject(
        "complaints_report",
        ("tiếp công dân", "khiếu nại, tố cáo"),
        (
            S(
                20,
                35,
                "Đã đề nghị Ủy ban nhân dân thành phố, Thanh tra thành phố và các đảng ủy xã, phường cung cấp số "
                "liệu tiếp công dân, giải quyết đơn thư trong quý; đã nhận {part}/{total} báo cáo.",
                "Đôn đốc các đơn vị còn lại; đối chiếu số liệu.",
                (("Đơn vị đã gửi số liệu", "{part}/{total}", "đơn vị"),),
            ),
            S(
                50,
                65,
                "Đã tổng hợp số liệu: {visits} lượt tiếp công dân, {letters} đơn thư; đang rà soát các vụ việc đông "
                "người, phức tạp.",
                "Hoàn thành dự thảo báo cáo quý.",
                (("Lượt tiếp công dân", "{visits}", "lượt"), ("Đơn thư tiếp nhận", "{letters}", "đơn")),
            ),
            S(
                75,
                90,
                "Đã hoàn thành dự thảo báo cáo quý, xin ý kiến lãnh đạo Ban.",
                "Hoàn thiện, gửi Thường trực Thành ủy.",
            ),
        ),
        total=(40, 45),
    ),
    Subject(
        "citizens",
        ("Tiếp công dân, giải quyết đơn thư",),
        (
            S(
                15,
                30,
                "Đã duy trì tiếp công dân định kỳ của Bí thư Đảng ủy vào ngày 15 hằng tháng; tiếp {visits} lượt công "
                "dân, tiếp nhận {letters} đơn.",
                "Phân loại, chuyển đơn đến cơ quan có thẩm quyền; theo dõi kết quả giải quyết.",
                (("Lượt tiếp công dân", "{visits}", "lượt"), ("Đơn tiếp nhận", "{letters}", "đơn")),
            ),
            S(
                40,
                60,
                "Đã giải quyết {solved}/{letters} đơn thuộc thẩm quyền; {pending} đơn đang xác minh; không phát sinh "
                "vụ việc đông người.",
                "Đối thoại với các hộ có đơn kéo dài; đôn đốc giải quyết dứt điểm.",
                (("Đơn đã giải quyết", "{solved}/{letters}", "đơn"),),
            ),
            S(
                65,
                85,
                "Đã tổ chức đối thoại với {dialog} hộ có đơn kéo dài; đã giải quyết {solved}/{letters} đơn.",
                "Hoàn thiện báo cáo kết quả gửi Thường trực Thành ủy.",
                (("Đơn đã giải quyết", "{solved}/{letters}", "đơn"),),
            ),
        ),
        total=(12, 30),
        obstacle=ObstacleText(
            "Vụ việc tranh chấp ranh giới đất của {dialog} hộ dân liên quan đến dự án do thành phố làm chủ đầu tư "
            "vượt thẩm quyền giải quyết của cấp xã; các hộ tiếp tục gửi đơn nhiều nơi, có nguy cơ khiếu kiện đông "
            "người.",
            "Đề nghị Thường trực Thành ủy chỉ đạo Ủy ban nhân dân thành phố giao Sở Nông nghiệp và Môi trường chủ trì, "
            "phối hợp với Đảng ủy {level} xác minh nguồn gốc đất và trả lời dứt điểm cho công dân trong tháng.",
            "Thống nhất. Giao Đảng ủy Ủy ban nhân dân thành phố chỉ đạo Sở Nông nghiệp và Môi trường chủ trì, phối hợp "
            "với Đảng ủy {level} xác minh, trả lời công dân; báo cáo kết quả về Thường trực Thành ủy trong 15 ngày.",
        ),
    ),
    Subject(
        "work_program",
        ("chương trình công tác năm",),
        (
            S(
                20,
                35,
                "Đã có văn bản đề nghị các phòng, đơn vị đăng ký nội dung; đã nhận đăng ký của {part}/{total} đơn vị.",
                "Tổng hợp, xây dựng dự thảo chương trình.",
                (("Đơn vị đã đăng ký nội dung", "{part}/{total}", "đơn vị"),),
            ),
            S(
                45,
                60,
                "Đã hoàn thành dự thảo chương trình công tác gồm {items} nội dung, phân theo từng quý, mỗi nội dung "
                "ghi rõ đơn vị chủ trì, thời hạn và sản phẩm.",
                "Xin ý kiến các đơn vị và lãnh đạo phụ trách.",
            ),
            S(
                70,
                85,
                "Đã tiếp thu {comments} ý kiến góp ý, hoàn thiện dự thảo lần 2.",
                "Trình cấp có thẩm quyền cho ý kiến trước khi ban hành.",
            ),
        ),
        total=(6, 12),
        obstacle=ObstacleText(
            "Chương trình công tác năm tới của Thành ủy chưa ban hành nên chưa có căn cứ xác định các nội dung phải "
            "trình Thành ủy, Ban Thường vụ Thành ủy trong năm.",
            "Đề nghị Thường trực Thành ủy cho phép xây dựng chương trình theo dự kiến nội dung do Văn phòng Thành ủy "
            "cung cấp, và điều chỉnh sau khi chương trình công tác của Thành ủy được ban hành.",
            "Đồng ý. Giao Văn phòng Thành ủy cung cấp dự kiến nội dung chương trình công tác năm tới của Thành ủy "
            "trong tuần; đơn vị hoàn thiện chương trình, điều chỉnh sau khi chương trình của Thành ủy ban hành.",
        ),
    ),
    Subject(
        "cell_scheme",
        ("Đề án kiện toàn các chi bộ",),
        (
            S(
                15,
                30,
                "Đã khảo sát thực trạng tổ chức, số lượng đảng viên của các chi bộ thôn, tổ dân phố tại {part}/40 "
                "đảng ủy xã, phường.",
                "Hoàn thành khảo sát; xây dựng đề cương đề án.",
                (("Đảng ủy xã, phường đã khảo sát", "{part}/40", "đơn vị"),),
            ),
            S(
                40,
                55,
                "Đã hoàn thành dự thảo đề án, đề xuất ghép {small} chi bộ có dưới 10 đảng viên; gửi xin ý kiến các ban "
                "xây dựng Đảng.",
                "Tổng hợp ý kiến góp ý.",
            ),
            S(
                65,
                80,
                "Đã tiếp thu {comments} ý kiến góp ý, hoàn thiện dự thảo đề án lần 2.",
                "Trình Thường trực Thành ủy cho ý kiến.",
            ),
        ),
        total=(20, 36),
    ),
    Subject(
        "party_cells",
        ("Kiện toàn các chi bộ",),
        (
            S(
                20,
                35,
                "Đã rà soát tổ chức, số lượng đảng viên của {part}/{total} chi bộ thôn, tổ dân phố sau sắp xếp.",
                "Xây dựng phương án kiện toàn cấp ủy, bí thư chi bộ.",
                (("Chi bộ đã rà soát", "{part}/{total}", "chi bộ"),),
            ),
            S(
                45,
                60,
                "Đã xây dựng phương án kiện toàn cấp ủy {part}/{total} chi bộ, xin ý kiến Ban Thường vụ Đảng ủy.",
                "Ban hành quyết định kiện toàn.",
            ),
            S(
                70,
                90,
                "Đã ban hành quyết định kiện toàn cấp ủy, bí thư {part}/{total} chi bộ.",
                "Hoàn thành đối với các chi bộ còn lại.",
                (("Chi bộ đã kiện toàn", "{part}/{total}", "chi bộ"),),
            ),
        ),
        total=(18, 34),
        obstacle=ObstacleText(
            "Sau sắp xếp có {small} chi bộ thôn dưới 10 đảng viên, phần lớn cao tuổi; chưa có hướng dẫn về ghép chi "
            "bộ khi địa bàn các thôn không liền kề.",
            "Đề nghị Thường trực Thành ủy cho ý kiến về chủ trương ghép các chi bộ có dưới 10 đảng viên và giao Ban "
            "Tổ chức Thành ủy hướng dẫn cụ thể trường hợp địa bàn không liền kề.",
            "Đồng ý chủ trương ghép chi bộ. Giao Ban Tổ chức Thành ủy hướng dẫn Đảng ủy thực hiện, bảo đảm mỗi chi bộ "
            "sau ghép có cấp ủy; hoàn thành trong quý.",
        ),
    ),
    Subject(
        "research",
        ("Đề tài khoa học",),
        (
            S(
                15,
                25,
                "Hội đồng khoa học đã duyệt đề cương; đã xây dựng phiếu khảo sát.",
                "Khảo sát tại các chi bộ khu dân cư.",
            ),
            S(
                35,
                50,
                "Đã khảo sát {part}/{total} chi bộ khu dân cư, thu về {forms} phiếu.",
                "Xử lý phiếu, viết các chuyên đề.",
                (("Chi bộ đã khảo sát", "{part}/{total}", "chi bộ"), ("Phiếu khảo sát thu về", "{forms}", "phiếu")),
            ),
            S(
                60,
                75,
                "Đã hoàn thành {topics}/5 chuyên đề nghiên cứu.",
                "Viết báo cáo tổng hợp.",
                (("Chuyên đề đã hoàn thành", "{topics}/5", "chuyên đề"),),
            ),
            S(85, 92, "Đã hoàn thành dự thảo báo cáo tổng hợp, gửi phản biện.", "Chuẩn bị nghiệm thu cấp trường."),
        ),
        total=(20, 30),
    ),
    Subject(
        "digitization",
        ("Số hóa hồ sơ",),
        (
            S(
                15,
                30,
                "Đã số hóa {part}/{total} hồ sơ (khoảng {pages} trang), gắn mã hồ sơ theo mục lục.",
                "Tiếp tục số hóa hồ sơ các năm 2022 – 2023.",
                (("Hồ sơ đã số hóa", "{part}/{total}", "hồ sơ"),),
            ),
            S(
                40,
                60,
                "Đã số hóa {part}/{total} hồ sơ; đã kiểm tra chất lượng ảnh quét của {checked} hồ sơ.",
                "Số hóa hồ sơ các năm 2024 – 2025.",
                (("Hồ sơ đã số hóa", "{part}/{total}", "hồ sơ"),),
            ),
            S(
                70,
                88,
                "Đã số hóa {part}/{total} hồ sơ, nhập dữ liệu đặc tả vào phần mềm quản lý tài liệu lưu trữ.",
                "Hoàn thành số hóa, kiểm tra toàn bộ dữ liệu.",
                (("Hồ sơ đã số hóa", "{part}/{total}", "hồ sơ"),),
            ),
        ),
        total=(8000, 9500),
        obstacle=ObstacleText(
            "Máy quét chuyên dụng hỏng bộ phận nạp giấy tự động, phải quét thủ công từng trang; tiến độ chỉ đạt "
            "khoảng 150 hồ sơ mỗi tuần, không kịp thời hạn.",
            "Đề nghị lãnh đạo Văn phòng cho thuê bổ sung 01 máy quét tốc độ cao trong 2 tháng và bố trí thêm 02 cán "
            "bộ hỗ trợ nhập dữ liệu đặc tả.",
            "Đồng ý thuê 01 máy quét tốc độ cao trong 2 tháng; bộ phận tài vụ làm thủ tục trong tuần. Không bố trí "
            "thêm người: phòng điều chỉnh lịch làm việc, ưu tiên hồ sơ các năm 2024 – 2025.",
        ),
    ),
    Subject(
        "e_documents",
        ("văn bản điện tử", "chữ ký số"),
        (
            S(
                20,
                35,
                "Đã ban hành phiếu khảo sát; đã nhận phiếu của {part}/{total} chi bộ cơ quan.",
                "Đôn đốc các chi bộ còn lại gửi phiếu.",
                (("Chi bộ đã gửi phiếu", "{part}/{total}", "chi bộ"),),
            ),
            S(
                45,
                60,
                "Đã tổng hợp: {signed}/{total} chi bộ sử dụng chữ ký số trong văn bản đi; {online} chi bộ đã họp trực "
                "tuyến ít nhất một lần.",
                "Đánh giá nguyên nhân, đề xuất giải pháp.",
                (("Chi bộ dùng chữ ký số", "{signed}/{total}", "chi bộ"),),
            ),
            S(
                70,
                85,
                "Đã hoàn thành dự thảo báo cáo đánh giá, xin ý kiến Ban Thường vụ Đảng ủy.",
                "Hoàn thiện, gửi báo cáo.",
            ),
        ),
        total=(30, 45),
        obstacle=ObstacleText(
            "Nhiều bí thư chi bộ cơ quan chưa được cấp chứng thư số nên chưa thể ký số văn bản; chưa đủ căn cứ "
            "đánh giá mức độ sử dụng chữ ký số của các chi bộ.",
            "Đề nghị Thường trực Thành ủy giao Văn phòng Thành ủy phối hợp cấp bổ sung chứng thư số cho bí thư các chi "
            "bộ trực thuộc trước khi tổng hợp đánh giá.",
            "Đồng ý. Giao Văn phòng Thành ủy lập danh sách, phối hợp cấp chứng thư số cho bí thư các chi bộ trong "
            "tháng; Đảng ủy các cơ quan Đảng đánh giá sau khi cấp xong.",
        ),
    ),
    Subject(
        "dialogue",
        ("đối thoại",),
        (
            S(
                20,
                35,
                "Đã ban hành kế hoạch; tổng hợp {letters} ý kiến, kiến nghị của Nhân dân gửi trước hội nghị.",
                "Phân công trả lời từng nhóm kiến nghị.",
                (("Ý kiến, kiến nghị đã tiếp nhận", "{letters}", "ý kiến"),),
            ),
            S(
                45,
                65,
                "Đã tổ chức đối thoại tại {part}/{total} tổ dân phố với {visits} lượt người dân tham dự.",
                "Tổ chức tại các tổ dân phố còn lại.",
                (("Tổ dân phố đã tổ chức đối thoại", "{part}/{total}", "tổ"),),
            ),
            S(
                75,
                90,
                "Đã trả lời {solved}/{letters} kiến nghị; các kiến nghị còn lại đã chuyển cơ quan có thẩm quyền.",
                "Hoàn thiện báo cáo kết quả đối thoại.",
            ),
        ),
        total=(8, 14),
    ),
    Subject(
        "e_newspaper",
        ("báo điện tử",),
        (
            S(
                15,
                30,
                "Đã khảo sát, lựa chọn giải pháp chuyển văn bản thành giọng nói; xây dựng yêu cầu kỹ thuật.",
                "Tích hợp thử nghiệm trên các chuyên mục.",
            ),
            S(
                40,
                60,
                "Đã tích hợp nghe đọc tự động trên {part}/{total} chuyên mục; chạy thử với {forms} bài viết.",
                "Đánh giá chất lượng giọng đọc, hiệu chỉnh.",
                (("Chuyên mục đã tích hợp", "{part}/{total}", "chuyên mục"),),
            ),
            S(
                70,
                85,
                "Đã hiệu chỉnh cách đọc tên riêng, địa danh Huế; vận hành thử toàn trang.",
                "Nghiệm thu, đưa vào sử dụng.",
            ),
        ),
        total=(10, 16),
        obstacle=ObstacleText(
            "Giải pháp nghe đọc tự động đọc sai nhiều địa danh, tên riêng của Huế; gói tùy chỉnh giọng đọc của nhà "
            "cung cấp vượt dự toán đã được duyệt.",
            "Đề nghị lãnh đạo cơ quan cho triển khai theo hai giai đoạn: trước mắt dùng gói giọng đọc chuẩn kèm từ "
            "điển địa danh do Phòng tự xây dựng; gói tùy chỉnh đưa vào dự toán năm sau.",
            "Đồng ý triển khai theo hai giai đoạn. Phòng hoàn thành từ điển địa danh, tên riêng trong tháng; đưa gói "
            "tùy chỉnh giọng đọc vào dự toán năm sau.",
        ),
    ),
    Subject(
        "landslide",
        ("sạt lở",),
        (
            S(
                20,
                35,
                "Đã rà soát {part}/{total} thôn, tổ dân phố; lập danh sách {households} hộ trong vùng nguy cơ sạt lở, "
                "ngập sâu.",
                "Rà soát các thôn còn lại; xác định điểm sơ tán tập trung.",
                (
                    ("Thôn, tổ đã rà soát", "{part}/{total}", "thôn, tổ"),
                    ("Hộ trong vùng nguy cơ", "{households}", "hộ"),
                ),
            ),
            S(
                50,
                70,
                "Đã rà soát xong {total} thôn, tổ dân phố; xác định {points} điểm sơ tán tập trung và phương án di dời "
                "{households} hộ.",
                "Diễn tập sơ tán tại thôn có nguy cơ cao nhất.",
                (("Điểm sơ tán tập trung", "{points}", "điểm"),),
            ),
            S(
                75,
                90,
                "Đã tổ chức diễn tập sơ tán; hoàn thiện phương án trình Ban Thường vụ Đảng ủy.",
                "Ban hành phương án.",
            ),
        ),
        total=(8, 12),
    ),
    Subject(
        "admission",
        ("kết nạp đảng viên",),
        (
            S(
                25,
                40,
                "Đã tiếp nhận {total} hồ sơ đề nghị kết nạp đảng viên; đã thẩm định {part} hồ sơ.",
                "Thẩm định các hồ sơ còn lại.",
                (("Hồ sơ đã thẩm định", "{part}/{total}", "hồ sơ"),),
            ),
            S(
                55,
                75,
                "Đã thẩm định {part}/{total} hồ sơ; {pending} hồ sơ cần xác minh bổ sung lý lịch.",
                "Xác minh bổ sung; dự thảo văn bản trả lời các đảng ủy.",
                (("Hồ sơ đã thẩm định", "{part}/{total}", "hồ sơ"),),
            ),
        ),
        total=(50, 80),
        obstacle=ObstacleText(
            "Có {pending} hồ sơ quần chúng có người thân ở nước ngoài, phải xác minh lý lịch qua cơ quan chức năng; "
            "thời gian xác minh thường kéo dài hơn thời hạn của nhiệm vụ.",
            "Đề nghị lãnh đạo Ban cho tách {pending} hồ sơ này thẩm định sau khi có kết quả xác minh; các hồ sơ đủ "
            "điều kiện vẫn trình đúng hạn.",
            "Đồng ý tách các hồ sơ phải xác minh; Phòng có văn bản đề nghị cơ quan chức năng xác minh ngay trong tuần.",
        ),
    ),
    Subject(
        "culture_scheme",
        ("văn hóa Huế",),
        (
            S(
                15,
                30,
                "Đã xây dựng đề cương đề án; tổ chức tọa đàm lấy ý kiến {comments} nhà nghiên cứu, nghệ nhân.",
                "Viết dự thảo đề án.",
            ),
            S(
                40,
                55,
                "Đã hoàn thành dự thảo đề án; gửi xin ý kiến các sở, ngành và các ban xây dựng Đảng.",
                "Tổng hợp góp ý.",
            ),
            S(
                65,
                80,
                "Đã tiếp thu {comments} ý kiến góp ý, hoàn thiện dự thảo lần 2.",
                "Trình Ban Thường vụ Thành ủy.",
            ),
        ),
    ),
    Subject(
        "year_end_report",
        ("báo cáo tổng kết",),
        (
            S(
                15,
                30,
                "Đã ban hành đề cương, hướng dẫn báo cáo; đã nhận báo cáo của {part}/{total} đơn vị.",
                "Đôn đốc các đơn vị còn lại; tổng hợp số liệu.",
                (("Đơn vị đã gửi báo cáo", "{part}/{total}", "đơn vị"),),
            ),
            S(
                40,
                60,
                "Đã nhận báo cáo của {part}/{total} đơn vị; tổng hợp số liệu các chỉ tiêu nghị quyết năm.",
                "Xây dựng dự thảo báo cáo tổng kết.",
                (("Đơn vị đã gửi báo cáo", "{part}/{total}", "đơn vị"),),
            ),
            S(
                65,
                85,
                "Đã hoàn thành dự thảo báo cáo tổng kết, xin ý kiến lãnh đạo.",
                "Hoàn thiện dự thảo trình hội nghị.",
            ),
        ),
        total=(15, 35),
        obstacle=ObstacleText(
            "Chưa có đề cương thống nhất cho báo cáo tổng kết năm của cấp xã sau sắp xếp; một số chỉ tiêu của đơn vị "
            "cũ không còn phù hợp để so sánh với cùng kỳ.",
            "Đề nghị Thường trực Thành ủy chỉ đạo Văn phòng Thành ủy ban hành đề cương thống nhất, hướng dẫn cách so "
            "sánh số liệu với các đơn vị hành chính trước sắp xếp.",
            "Đồng ý. Giao Văn phòng Thành ủy ban hành đề cương, hướng dẫn cách so sánh số liệu trong tuần.",
        ),
    ),
    Subject(
        "corruption",
        ("tham nhũng",),
        (
            S(
                15,
                30,
                "Trong tháng, đã theo dõi {cases} vụ án, {matters} vụ việc; đã đôn đốc cơ quan tiến hành tố tụng đẩy "
                "nhanh tiến độ {part} vụ.",
                "Tiếp tục theo dõi, đôn đốc; chuẩn bị nội dung họp Ban Chỉ đạo.",
                (("Vụ án đang theo dõi", "{cases}", "vụ"), ("Vụ việc đang theo dõi", "{matters}", "vụ")),
            ),
            S(
                35,
                50,
                "Đã có {trial} vụ án đưa ra xét xử sơ thẩm; thu hồi tài sản đạt khoảng {recovered}% so với giá trị "
                "thiệt hại đã xác định.",
                "Đôn đốc thu hồi tài sản; theo dõi các vụ việc mới phát sinh.",
                (("Vụ án đã xét xử sơ thẩm", "{trial}", "vụ"), ("Tỷ lệ thu hồi tài sản", "{recovered}", "%")),
            ),
            S(
                55,
                70,
                "Đã tham mưu Thường trực Thành ủy chỉ đạo xử lý dứt điểm {part} vụ việc kéo dài.",
                "Tổng hợp báo cáo định kỳ.",
            ),
        ),
        total=(6, 10),
    ),
    Subject(
        "public_opinion",
        ("tình hình tư tưởng",),
        (
            S(
                20,
                35,
                "Đã tổng hợp {letters} ý kiến phản ánh của đội ngũ báo cáo viên, cộng tác viên dư luận xã hội; tập "
                "trung vào sắp xếp tổ chức bộ máy và giải phóng mặt bằng các dự án trọng điểm.",
                "Nắm tình hình tại các xã, phường mới sắp xếp.",
                (("Ý kiến phản ánh tổng hợp", "{letters}", "ý kiến"),),
            ),
            S(
                40,
                55,
                "Đã tổng hợp {letters} ý kiến phản ánh; dư luận quan tâm việc bố trí cán bộ cấp xã sau sắp xếp và công "
                "tác phòng, chống thiên tai.",
                "Báo cáo Thường trực Thành ủy các vấn đề nổi lên.",
                (("Ý kiến phản ánh tổng hợp", "{letters}", "ý kiến"),),
            ),
        ),
        total=(30, 60),
    ),
)

GENERIC = Subject(
    "generic",
    (),
    (
        S(
            15,
            30,
            "Đã xây dựng kế hoạch triển khai, phân công cán bộ thực hiện từng nội dung.",
            "Thu thập thông tin, số liệu.",
        ),
        S(
            40,
            60,
            "Đã thu thập thông tin, số liệu từ {part}/{total} đơn vị liên quan; đang xây dựng dự thảo {product}.",
            "Hoàn thành dự thảo, xin ý kiến.",
            (("Đơn vị đã cung cấp số liệu", "{part}/{total}", "đơn vị"),),
        ),
        S(
            65,
            85,
            "Đã hoàn thành dự thảo {product}, xin ý kiến các đơn vị liên quan.",
            "Tiếp thu ý kiến, hoàn thiện sản phẩm.",
        ),
    ),
    total=(6, 12),
    obstacle=ObstacleText(
        "Một số đơn vị phối hợp chậm cung cấp thông tin, số liệu, ảnh hưởng đến tiến độ xây dựng dự thảo.",
        "Đề nghị {decider} có ý kiến đôn đốc các đơn vị phối hợp gửi số liệu trong 05 ngày làm việc.",
        "Giao Văn phòng có văn bản đôn đốc các đơn vị phối hợp gửi số liệu trong 05 ngày làm việc.",
    ),
)

# A task whose product was sent back: what is corrected follows the reason given.
RETURN_FIXES = (
    ("khó khăn", "Đã bổ sung phần khó khăn, vướng mắc và đề xuất hướng xử lý cụ thể theo ý kiến khi trả lại."),
    ("Số liệu", "Đã bổ sung số liệu so sánh với cùng kỳ và với chỉ tiêu Nghị quyết theo ý kiến khi trả lại."),
    ("phân công", "Đã bổ sung phân công cơ quan chủ trì, thời hạn từng nội dung theo ý kiến khi trả lại."),
)
RETURN_FIX_DEFAULT = "Đã chỉnh sửa, bổ sung sản phẩm theo ý kiến khi trả lại."
RETURNED_STAGES = (
    S(55, 70, "{fix} Đang rà soát lại toàn bộ nội dung.", "Hoàn thiện, xin ý kiến lãnh đạo trước khi gửi lại."),
    S(80, 92, "Đã hoàn thiện sản phẩm theo ý kiến chỉ đạo; lãnh đạo đơn vị đã cho ý kiến.", "Gửi lại sản phẩm."),
)
AFTER_ANSWER = "Đã triển khai theo ý kiến trả lời của {decider} về khó khăn, vướng mắc đã báo cáo."

JOURNEY_STAGES = (
    S(
        15,
        20,
        "Đã có văn bản hướng dẫn, đề nghị 18 cơ quan, đơn vị giới thiệu nguồn quy hoạch Ban Chấp hành, Ban Thường vụ "
        "Thành ủy nhiệm kỳ 2030 – 2035.",
        "Theo dõi, đôn đốc các đơn vị gửi đề xuất.",
    ),
    S(
        40,
        45,
        "Đã tổng hợp danh sách đề xuất của 12/18 đơn vị: 37 trường hợp được giới thiệu vào quy hoạch, trong đó 11 "
        "trường hợp là nữ, 8 trường hợp dưới 40 tuổi.",
        "Đôn đốc 6 đơn vị còn lại; phối hợp Ủy ban Kiểm tra Thành ủy lấy ý kiến về tiêu chuẩn chính trị các trường "
        "hợp được giới thiệu.",
        (("Đơn vị đã gửi đề xuất", "12/18", "đơn vị"), ("Trường hợp được giới thiệu", "37", "người")),
    ),
)


def subject_of(title: str) -> Subject:
    for subject in SUBJECTS:
        if all(word.lower() in title.lower() for word in subject.words):
            return subject
    return GENERIC


class Numbers(dict[str, Any]):
    """A task's numbers for the templates; ``part`` follows the percent of the stage being written."""

    @classmethod
    def draw(cls, subject: Subject, rng: random.Random) -> Numbers:
        total = rng.randint(*subject.total)
        letters = rng.randint(12, 40)
        return cls(
            total=total,
            letters=letters,
            visits=rng.randint(20, 60),
            dialog=rng.randint(3, 6),
            small=rng.randint(3, 7),
            items=rng.randint(28, 45),
            comments=rng.randint(8, 25),
            forms=rng.randint(300, 600),
            pages=total * rng.randint(25, 40),
            households=rng.randint(60, 180),
            points=rng.randint(4, 9),
            cases=rng.randint(6, 12),
            matters=rng.randint(3, 8),
            trial=rng.randint(1, 4),
            recovered=rng.randint(35, 60),
            pending=rng.randint(3, 6),
        )

    def at(self, percent: int) -> Numbers:
        """The numbers when ``percent`` is reached, written the Vietnamese way (8.036, not 8036)."""
        total = int(self["total"])
        part = min(total - 1, max(1, round(total * min(percent + 10, 100) / 100)))
        letters = int(self["letters"])
        solved = min(letters - 1, max(1, round(letters * percent / 100)))
        values = Numbers(
            self,
            part=part,
            solved=solved,
            checked=max(1, part - total // 10),
            signed=max(1, round(total * 0.6)),
            online=max(1, round(total * 0.45)),
            topics=max(1, min(5, round(5 * percent / 100))),
        )
        return Numbers({k: vn_number(v) if isinstance(v, int) else v for k, v in values.items()})


def vn_number(n: int) -> str:
    """``8036`` → ``8.036``: the dot groups thousands in Vietnamese."""
    return f"{n:,}".replace(",", ".")


def _indicators(stage: Stage, numbers: Numbers) -> list[dict[str, str]]:
    return [{"name": name, "value": value.format(**numbers), "unit": unit} for name, value, unit in stage.indicators]


# --- The plan ---------------------------------------------------------------------------------------------------


@dataclass
class DemoMonitoringResult:
    created: bool
    updates: int = 0
    obstacles: int = 0
    answered: int = 0
    ratings: int = 0
    journey_task_id: int | None = None
    seconds: float = 0.0
    skipped_reason: str = ""


Step = tuple[datetime.date, datetime.time, int, Callable[[], None]]


@dataclass
class _Open:
    """An open task as the task demo left it."""

    task: Task
    start: datetime.date  # the day of its last event: the monitoring steps come after it
    workers: list[str] = field(default_factory=list)


class _Monitoring:
    def __init__(self, today: datetime.date, rng: random.Random) -> None:
        self.today = today
        self.rng = rng
        self.cal: WorkCalendar = current_calendar()
        # The last working day before today: nothing is dated today (it may be morning yet).
        self.end = self.cal.add_working_days(today, -1)
        self.heap: list[Step] = []
        self.order = itertools.count()
        self.users: dict[str, User] = {}
        self.result = DemoMonitoringResult(created=True)
        self.obstacles: dict[int, Obstacle] = {}
        self.update_days: dict[int, list[datetime.date]] = {}

    # dates and people
    def wd(self, day: datetime.date, n: int) -> datetime.date:
        return self.cal.add_working_days(day, n)

    def days(self, first: datetime.date, last: datetime.date) -> list[datetime.date]:
        """The working days in ``[first, last]``."""
        out, day = [], self.cal.deadline_on_or_after(first)
        while day <= last:
            out.append(day)
            day = self.wd(day, 1)
        return out

    def user(self, username: str) -> User:
        user = self.users.get(username)
        if user is None:
            user = User.objects.get(username=username)
            self.users[username] = user
        return user

    def at(self, day: datetime.date, hour: int, action: Callable[[], None]) -> None:
        moment = datetime.time(hour, self.rng.randrange(0, 60, 5))
        heapq.heappush(self.heap, (day, moment, next(self.order), action))

    def run(self) -> None:
        while self.heap:
            day, moment, _, action = heapq.heappop(self.heap)
            with clock_at(day, moment):
                action()

    # what the task demo left open
    def open_tasks(self) -> list[_Open]:
        tasks = (
            Task.objects.filter(state__in=RATEABLE, recurrence="")
            .select_related("lead_unit__parent", "authority_unit", "responsible_person")
            .prefetch_related("officers")
            .annotate(last_event=Max("events__at"))
            .order_by("id")
        )
        out = []
        for task in tasks:
            last: datetime.datetime | None = task.last_event
            start = timezone.localdate(last) if last is not None else (task.state_since or self.today)
            workers = [task.responsible_person.username] if task.responsible_person else []
            workers += sorted(o.username for o in task.officers.all())
            out.append(_Open(task=task, start=start, workers=workers))
        return out

    # progress updates
    def plan_updates(
        self, item: _Open, count: int, stages: Sequence[Stage], numbers: Numbers, fmt: dict[str, str]
    ) -> None:
        window = self.days(self.wd(item.start, 1), self.end)
        count = min(count, len(stages), len(window))
        if count <= 0 or not item.workers:
            return
        chosen = sorted(self.rng.sample(range(len(stages)), count))
        # Most units report within two working days of the start; the rest of the updates spread to today.
        first = window[: min(2, len(window))] if self.rng.random() < 0.6 else window
        days = {self.rng.choice(first)}
        tries = 0
        while len(days) < count and tries < 100:
            days.add(self.rng.choice(window))
            tries += 1
        self.update_days[item.task.pk] = sorted(days)
        for day, index in zip(sorted(days), chosen, strict=False):
            stage = stages[index]
            percent = self.rng.randint(stage.low, stage.high)
            values = numbers.at(percent)
            author = item.workers[0] if len(item.workers) == 1 or self.rng.random() < 0.6 else item.workers[1]
            self.at(
                day,
                self.rng.choice((8, 9, 10, 14, 15)),
                self._update_action(item.task, author, stage, percent, values, fmt),
            )

    def _update_action(
        self, task: Task, author: str, stage: Stage, percent: int, values: Numbers, fmt: dict[str, str]
    ) -> Callable[[], None]:
        def act() -> None:
            # Never below what was reported before (a follow-up of an answered obstacle may have come first).
            current = Task.objects.filter(pk=task.pk).values_list("progress", flat=True).get()
            progress_update_create(
                acting_user=self.user(author),
                task=task,
                done=stage.done.format(**values, **fmt),
                next_steps=stage.next_steps.format(**values, **fmt),
                percent=max(percent, min(95, current + 2)),
                indicators=_indicators(stage, values),
            )
            self.result.updates += 1

        return act

    # obstacles
    def decider(self, task: Task) -> Unit:
        """The task's authority; for a commune's own task (authority = lead unit) the standing body of the parent
        committee, which decides for it."""
        authority = task.authority_unit
        lead = task.lead_unit
        if authority is not None and lead is not None and authority.pk != lead.pk:
            return authority
        parent = lead.parent if lead is not None else None
        standing = Unit.objects.filter(parent=parent, kind=UnitKind.STANDING, valid_to__isnull=True).order_by(
            "sort_order", "id"
        )
        found = standing.first()
        if found is None or parent is None:
            return authority or lead  # type: ignore[return-value]
        return found

    def answerer(self, unit: Unit) -> str:
        if unit.code == STANDING:
            return STANDING_APPROVER
        preferred = agency_acceptor(unit.code)
        heads = (
            Membership.objects.active_on(self.today)
            .filter(unit=unit, role__in=(Role.LEADER, Role.UNIT_HEAD), person__is_active=True)
            .order_by("person__username")
            .values_list("person__username", flat=True)
        )
        names = list(heads)
        return preferred if preferred in names else names[0]

    def plan_obstacle(self, item: _Open, text: ObstacleText, numbers: Numbers, outcome: str) -> bool:
        """Raise an obstacle on the task and, if ``outcome`` is "answered", answer it; "open" leaves it past its
        response date, "recent" raises it yesterday (still within the response time)."""
        task = item.task
        decider = self.decider(task)
        first = self.wd(item.start, 1)
        if outcome == "recent":
            raise_on = self.end
        elif outcome == "open":
            last = self.wd(self.today, -(conf.obstacle_response_days() + 3))
            window = self.days(first, last)
            if not window:
                return False
            raise_on = self.rng.choice(window[-25:])
        else:
            window = self.days(first, self.wd(self.end, -5))
            if not window:
                return False
            raise_on = self.rng.choice(window)
        if raise_on < first or not item.workers:
            return False
        self.obstacles[task.pk] = Obstacle()  # taken; the real one replaces it when raised
        lead = task.lead_unit
        level = "phường" if lead is not None and lead.kind == UnitKind.WARD else "xã"
        values = {**numbers.at(50), "decider": decider.name, "level": level}
        raiser = item.workers[0]
        description, proposal = text.description.format(**values), text.proposal.format(**values)

        def raise_it() -> None:
            obstacle = obstacle_create(
                acting_user=self.user(raiser),
                task=task,
                description=description,
                proposal=proposal,
                decider_unit_id=decider.pk,
            )
            self.obstacles[task.pk] = obstacle
            self.result.obstacles += 1

        self.at(raise_on, 10, raise_it)
        if outcome != "answered":
            return True
        answer_on = self.wd(raise_on, self.rng.choice((1, 2, 3, 4)))
        answer = text.answer.format(**values)
        answerer = self.answerer(decider)

        def answer_it() -> None:
            obstacle_answer(acting_user=self.user(answerer), obstacle=self.obstacles[task.pk], answer=answer)
            self.result.answered += 1

        self.at(answer_on, 16, answer_it)
        # The lead unit owes an update: given the next day or two, when that is not past today.
        follow = self.wd(answer_on, self.rng.choice((1, 2)))
        if follow <= self.end:
            stage = S(0, 0, AFTER_ANSWER, "Tiếp tục thực hiện, báo cáo kết quả.")

            def follow_up() -> None:
                current = Task.objects.get(pk=task.pk).progress
                progress_update_create(
                    acting_user=self.user(raiser),
                    task=task,
                    done=stage.done.format(decider=decider.name),
                    next_steps=stage.next_steps,
                    percent=min(95, current + self.rng.randint(5, 10)),
                )
                self.result.updates += 1

            self.at(follow, 9, follow_up)
        return True

    # delivery confidence
    def plan_rating(self, item: _Open, twice: bool) -> None:
        window = self.days(self.wd(item.start, 1), self.end)
        if not window:
            return
        updates = self.update_days.get(item.task.pk, [])
        if twice and updates and updates[-1] > window[0]:
            # Before the last update and after it: the trend shows what the update changed.
            before = [d for d in window if d < updates[-1]]
            after = [d for d in window if d > updates[-1]] or [updates[-1]]
            dates = [self.rng.choice(before[-10:]), self.rng.choice(after[:10])]
        elif twice and len(window) >= 10:
            first = self.rng.choice(window[len(window) // 3 : -5])
            second = self.rng.choice([d for d in window if d >= self.wd(first, 5)])
            dates = [first, second]
        else:
            dates = [self.rng.choice(window[len(window) // 2 :])]
        for day in dates:
            self.at(day, 16, self._rate_action(item.task))

    def _rate_action(self, task: Task) -> Callable[[], None]:
        def act() -> None:
            current = Task.objects.select_related("lead_unit").get(pk=task.pk)
            level, note = assess(current, clock.today(), self.cal)
            confidence_rate(acting_user=self.user(MONITOR), task=current, level=level, note=note)
            self.result.ratings += 1

        return act

    # the journey's task
    def plan_journey(self) -> None:
        """Ban Tổ chức's task for Thường trực Thành ủy, with ``chuyenvien.btc`` assigned, a few weeks under way."""
        issue_on = self.wd(self.today, -28)
        created_on = self.wd(issue_on, -1)
        accepted_on = self.wd(issue_on, 1)
        due = self.wd(self.today, 20)
        units = {u.code: u for u in Unit.objects.filter(code__in=("VPTU", JOURNEY_LEAD, STANDING, "UBKTTU"))}
        from sauro.directives.models import Directive

        program = (
            Directive.objects.filter(kind="CTr", issuer_code="TU", number=1)
            .order_by("-issued_on")
            .values_list("pk", flat=True)
            .first()
        )
        holder: dict[str, Task] = {}

        def create() -> None:
            holder["task"] = task_create(
                acting_user=self.user(MONITOR),
                owner_unit=units["VPTU"],
                fields={
                    "title": JOURNEY_TITLE,
                    "content": (
                        "Hướng dẫn các cơ quan, đơn vị và đảng ủy trực thuộc giới thiệu nguồn quy hoạch Ban Chấp hành, "
                        "Ban Thường vụ Thành ủy nhiệm kỳ 2030 – 2035; tổng hợp, đánh giá các trường hợp được giới "
                        "thiệu; thẩm định, báo cáo Thường trực Thành ủy để trình Ban Thường vụ Thành ủy xem xét."
                    ),
                    "directive": program,
                    "lead_unit": units[JOURNEY_LEAD].pk,
                    "coordinating_units": [units["UBKTTU"].pk] if "UBKTTU" in units else [],
                    "responsible_person": self.user(JOURNEY_HEAD).pk,
                    "supervising_leader": self.user(STANDING_APPROVER).pk,
                    "product_kind": ProductKind.SUBMISSION,
                    "product_description": (
                        "Tờ trình của Ban Tổ chức Thành ủy kèm danh sách nguồn quy hoạch nhiệm kỳ 2030 – 2035"
                    ),
                    "authority_unit": units[STANDING].pk,
                    "due_date": due,
                },
            )
            self.result.journey_task_id = holder["task"].pk

        def issue() -> None:
            task_issue(acting_user=self.user(MONITOR), task=holder["task"])

        def accept() -> None:
            task_accept(
                acting_user=self.user(JOURNEY_HEAD),
                task=holder["task"],
                officer_ids=[self.user(JOURNEY_OFFICER).pk],
            )

        self.at(created_on, 9, create)
        self.at(issue_on, 9, issue)
        self.at(accepted_on, 9, accept)
        for day, stage in zip((self.wd(accepted_on, 2), self.wd(self.today, -4)), JOURNEY_STAGES, strict=True):
            percent = stage.high

            def update(stage: Stage = stage, percent: int = percent) -> None:
                progress_update_create(
                    acting_user=self.user(JOURNEY_OFFICER),
                    task=holder["task"],
                    done=stage.done,
                    next_steps=stage.next_steps,
                    percent=percent,
                    indicators=_indicators(stage, Numbers()),
                )
                self.result.updates += 1

            self.at(day, 15, update)

    # the whole plan
    def plan(self) -> None:
        rng = self.rng
        items = self.open_tasks()
        updatable = [i for i in items if i.task.state in UPDATABLE]
        numbers = {i.task.pk: Numbers.draw(subject_of(i.task.title), rng) for i in items}

        for item in updatable:
            if rng.random() > UPDATED_SHARE:
                continue  # a unit that has not reported (the reminders will nudge it)
            task = item.task
            fmt = {"product": task.get_product_kind_display().lower()}
            if task.state == TaskState.RETURNED:
                reason = (
                    TaskEvent.objects.filter(task=task, kind=EventKind.RETURNED)
                    .order_by("-at", "-id")
                    .values_list("note", flat=True)
                    .first()
                    or ""
                )
                fmt["fix"] = next((text for word, text in RETURN_FIXES if word in reason), RETURN_FIX_DEFAULT)
                self.plan_updates(item, rng.choice((1, 2, 2)), RETURNED_STAGES, numbers[task.pk], fmt)
            else:
                stages = subject_of(task.title).stages
                self.plan_updates(item, rng.choice((1, 2, 2, 3, 3, 4)), stages, numbers[task.pk], fmt)

        # Obstacles: on about one task under way in twelve, those with a subject-specific difficulty first.
        wanted = max(4, round(OBSTACLE_SHARE * len(updatable)))
        specific = [i for i in updatable if subject_of(i.task.title).obstacle is not None]
        rng.shuffle(specific)
        chosen = [i for i in specific if subject_of(i.task.title) is not GENERIC]
        chosen += [i for i in specific if i not in chosen]
        # One addressed to an agency over its department (not every obstacle goes to Thường trực Thành ủy).
        to_agency = next((i for i in chosen if _department_task(i.task)), None)
        if to_agency is not None:
            chosen.remove(to_agency)
            chosen.insert(0, to_agency)
        answered = (wanted + 1) // 2
        outcomes = ["answered"] * answered + ["recent"] + ["open"] * (wanted - answered - 1)
        # One obstacle per subject first (the same difficulty twice reads like a copy), then any.
        used: set[str] = set()
        planned = 0
        for distinct in (True, False):
            for item in chosen:
                subject = subject_of(item.task.title)
                if planned >= wanted or item.task.pk in self.obstacles or (distinct and subject.key in used):
                    continue
                text = subject.obstacle or GENERIC.obstacle
                if text is not None and self.plan_obstacle(item, text, numbers[item.task.pk], outcomes[planned]):
                    planned += 1
                    used.add(subject.key)

        # Confidence: the office rates about three open tasks in ten, some twice.
        rated = rng.sample(items, round(RATED_SHARE * len(items)))
        for item in sorted(rated, key=lambda i: i.task.pk):
            self.plan_rating(item, twice=rng.random() < RATED_TWICE_SHARE)

        self.plan_journey()


def _department_task(task: Task) -> bool:
    """A department's task for its agency: the authority is the lead unit's parent."""
    lead = task.lead_unit
    return lead is not None and lead.parent_id is not None and lead.parent_id == task.authority_unit_id


def assess(task: Task, day: datetime.date, cal: WorkCalendar) -> tuple[str, str]:
    """The office's reading of a task on ``day``: the confidence level and a note saying why."""
    if task.state == TaskState.SUBMITTED:
        return Confidence.GREEN, "Đã gửi sản phẩm, chờ thẩm quyền duyệt."
    if task.state == TaskState.ISSUED:
        waited = cal.working_days_between(task.issued_on or day, day)
        level = Confidence.AMBER if waited <= 10 else Confidence.AMBER_RED
        return level, f"Đơn vị chủ trì chưa tiếp nhận nhiệm vụ sau {waited} ngày làm việc."
    waiting = Obstacle.objects.filter(task=task, state=ObstacleState.OPEN).exists()
    progress = task.progress
    if task.deadline is None:
        if waiting:
            return Confidence.AMBER, "Đang chờ ý kiến về khó khăn, vướng mắc đơn vị đã báo cáo."
        return Confidence.GREEN, "Nhiệm vụ thường xuyên, đơn vị cập nhật đều."
    if day > task.deadline:
        late = cal.working_days_between(task.deadline, day)
        level = Confidence.RED if progress < 70 else Confidence.AMBER_RED
        return level, f"Quá hạn {late} ngày làm việc, tiến độ {progress}%; đề nghị đơn vị báo cáo thời hạn hoàn thành."
    start = task.accepted_on or task.issued_on or day
    span = max(1, cal.working_days_between(start, task.deadline))
    expected = round(100 * cal.working_days_between(start, day) / span)
    gap = expected - progress
    if gap <= -10:
        level, note = Confidence.GREEN, f"Tiến độ {progress}%, nhanh hơn thời gian đã qua (khoảng {expected}%)."
    elif gap <= 10:
        level, note = Confidence.GREEN, f"Tiến độ {progress}%, phù hợp thời gian đã qua (khoảng {expected}%)."
    elif gap <= 25:
        level, note = Confidence.GREEN_AMBER, f"Tiến độ {progress}%, chậm hơn thời gian đã qua (khoảng {expected}%)."
    elif gap <= 45:
        level, note = (
            Confidence.AMBER,
            f"Tiến độ {progress}% so với khoảng {expected}% thời gian đã qua; cần đẩy nhanh.",
        )
    else:
        level, note = Confidence.AMBER_RED, f"Tiến độ {progress}% so với khoảng {expected}% thời gian; nguy cơ trễ hạn."
    if waiting and level in (Confidence.GREEN, Confidence.GREEN_AMBER):
        level, note = Confidence.AMBER, f"{note} Đang chờ ý kiến về khó khăn, vướng mắc đã báo cáo."
    silent = cal.working_days_between(task.last_update_on or start, day)
    if silent > conf.no_update_days() and level != Confidence.RED:
        level = CONFIDENCE_ORDER[CONFIDENCE_ORDER.index(Confidence(level)) + 1]
        note = f"{note} Đã {silent} ngày làm việc chưa cập nhật tiến độ."
    return level, note


def load_demo_monitoring(progress: Callable[[str], None] | None = None) -> DemoMonitoringResult:
    """Load the demo monitoring in one transaction; does nothing if there is any already, or no demo tasks."""
    say = progress or (lambda _msg: None)
    started = time.monotonic()
    with transaction.atomic():
        if (
            ProgressUpdate.objects.exists()
            or Obstacle.objects.exists()
            or ConfidenceRating.objects.exists()
            or Task.objects.filter(title=JOURNEY_TITLE).exists()
        ):
            return DemoMonitoringResult(created=False, skipped_reason="Đã có dữ liệu theo dõi: giữ nguyên.")
        needed = {MONITOR, STANDING_APPROVER, JOURNEY_HEAD, JOURNEY_OFFICER}
        if not Task.objects.exists() or User.objects.filter(username__in=needed).count() < len(needed):
            return DemoMonitoringResult(created=False, skipped_reason="Chưa có nhiệm vụ mẫu của dữ liệu mẫu Huế.")
        say("Đang tạo cập nhật tiến độ, khó khăn vướng mắc và đánh giá khả năng hoàn thành…")
        monitoring = _Monitoring(clock.today(), random.Random(SEED))  # noqa: S311 — demo data, not security
        monitoring.plan()
        monitoring.run()
        result = monitoring.result
    result.seconds = time.monotonic() - started
    say(
        f"Đã tạo {result.updates} cập nhật tiến độ, {result.obstacles} khó khăn vướng mắc ({result.answered} đã trả "
        f"lời), {result.ratings} đánh giá khả năng hoàn thành trong {result.seconds:.1f} giây."
    )
    return result
