"""The journal entries of monitoring's writes carry what was written (the update's progress and text, the obstacle's
state, the body it waits on, its escalation level and answer, the rating) before and after, and the journal page
(/nhat-ky/) names them in Vietnamese."""

from __future__ import annotations

import datetime
import re
from collections.abc import Callable
from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile

from sauro.audit.models import AuditEntry
from sauro.monitoring import services
from sauro.monitoring.choices import EscalationLevel, ObstacleState
from sauro.tasks.choices import Confidence, Trend
from sauro.tasks.models import Task
from tests.conftest import Org

MakeTask = Callable[..., Task]
D = datetime.timedelta


def last_entry(action: str) -> AuditEntry:
    entry = AuditEntry.objects.filter(action=action).order_by("-seq").first()
    assert entry is not None, action
    return entry


def test_a_progress_update_journals_the_progress_before_and_after_and_what_was_written(
    org: Org, in_progress: MakeTask
) -> None:
    task = in_progress()
    services.progress_update_create(acting_user=org.btc_officer, task=task, done="Đã rà soát 3 phường", percent=30)
    services.progress_update_create(
        acting_user=org.btc_officer,
        task=task,
        done="Đã rà soát thêm 5 phường",
        percent=70,
        next_steps="Tổng hợp báo cáo",
        indicators=[{"name": "Số phường", "value": "8", "unit": "phường"}],
        files=[SimpleUploadedFile("bao-cao.pdf", b"%PDF-1.4 test", content_type="application/pdf")],
    )
    entry = last_entry("task.progress")
    assert entry.before is not None and entry.after is not None
    assert entry.before["progress"] == 30
    assert entry.after["progress"] == 70
    assert entry.after["monitoring.progressupdate.done"] == "Đã rà soát thêm 5 phường"
    assert entry.after["monitoring.progressupdate.next_steps"] == "Tổng hợp báo cáo"
    assert entry.after["monitoring.progressupdate.indicators"] == [
        {"name": "Số phường", "value": "8", "unit": "phường"}
    ]
    assert entry.after["monitoring.progressattachment.original_name"] == ["bao-cao.pdf"]
    assert "monitoring.progressupdate.done" not in entry.before  # a new update: nothing written before
    assert entry.after["version"] == entry.before["version"] + 1


def test_an_obstacle_journals_its_text_state_body_asked_and_answer(org: Org, in_progress: MakeTask) -> None:
    task = in_progress()
    obstacle = services.obstacle_create(
        acting_user=org.btc_officer,
        task=task,
        description="Thiếu hồ sơ nhân sự của 2 phường",
        proposal="Đề nghị Văn phòng đôn đốc các phường gửi hồ sơ",
        decider_unit_id=org.btc.pk,
    )
    raised = last_entry("task.obstacle_raised")
    assert raised.after is not None
    assert {k: v for k, v in raised.after.items() if k.startswith("monitoring.")} == {
        "monitoring.obstacle.id": obstacle.pk,
        "monitoring.obstacle.description": "Thiếu hồ sơ nhân sự của 2 phường",
        "monitoring.obstacle.proposal": "Đề nghị Văn phòng đôn đốc các phường gửi hồ sơ",
        "monitoring.obstacle.decider_unit": "Ban Tổ chức Thành ủy",
        "monitoring.obstacle.state": ObstacleState.OPEN,
        "monitoring.obstacle.waiting_on": "Ban Tổ chức Thành ủy",
        "monitoring.obstacle.escalation_level": EscalationLevel.DECIDER,
        "monitoring.obstacle.response_due_on": obstacle.response_due_on.isoformat(),
        "monitoring.obstacle.answer": "",
    }

    moved = services.obstacle_escalate(obstacle_id=obstacle.pk, as_of=obstacle.response_due_on + D(days=1))
    assert moved is not None
    escalated = last_entry("task.obstacle_escalated")
    assert escalated.before is not None and escalated.after is not None
    assert escalated.before["monitoring.obstacle.escalation_level"] == EscalationLevel.DECIDER
    assert escalated.after["monitoring.obstacle.escalation_level"] == EscalationLevel.ONE_UP
    assert escalated.before["monitoring.obstacle.waiting_on"] == "Ban Tổ chức Thành ủy"
    assert escalated.after["monitoring.obstacle.waiting_on"] == "Thành ủy Huế"
    assert escalated.before["monitoring.obstacle.response_due_on"] == obstacle.response_due_on.isoformat()
    assert escalated.after["monitoring.obstacle.response_due_on"] == moved.response_due_on.isoformat()

    services.obstacle_answer(acting_user=org.leader, obstacle=obstacle, answer="Giao Văn phòng đôn đốc trong tuần")
    answered = last_entry("task.obstacle_answered")
    assert answered.before is not None and answered.after is not None
    assert (answered.before["monitoring.obstacle.state"], answered.after["monitoring.obstacle.state"]) == (
        ObstacleState.OPEN,
        ObstacleState.ANSWERED,
    )
    assert answered.before["monitoring.obstacle.answer"] == ""
    assert answered.after["monitoring.obstacle.answer"] == "Giao Văn phòng đôn đốc trong tuần"


def test_a_rating_journals_the_level_and_trend_before_and_after(org: Org, in_progress: MakeTask) -> None:
    task = in_progress()
    services.confidence_rate(acting_user=org.monitor, task=task, level=Confidence.GREEN)
    services.confidence_rate(acting_user=org.monitor, task=task, level=Confidence.RED, note="Chậm so với kế hoạch")
    entry = last_entry("task.confidence_rated")
    assert entry.before is not None and entry.after is not None
    assert (entry.before["confidence"], entry.after["confidence"]) == (Confidence.GREEN, Confidence.RED)
    assert (entry.before["confidence_trend"], entry.after["confidence_trend"]) == (Trend.STABLE, Trend.WORSENING)
    assert entry.after["monitoring.confidencerating.note"] == "Chậm so với kế hoạch"


def _row(html: str, label: str) -> tuple[str, str]:
    """The before and after cells of the journal's change row named ``label`` (the newest entry showing it)."""
    match = re.search(
        rf'<th scope="row">{re.escape(label)}</th>\s*<td>(.*?)</td>\s*<td>(.*?)</td>', html, flags=re.DOTALL
    )
    assert match is not None, label
    return match.group(1).strip(), match.group(2).strip()


def test_the_journal_page_shows_what_was_written_in_vietnamese(
    org: Org, in_progress: MakeTask, client_for: Any
) -> None:
    task = in_progress()
    obstacle = services.obstacle_create(
        acting_user=org.btc_officer,
        task=task,
        description="Thiếu hồ sơ",
        proposal="Đề nghị đôn đốc",
        decider_unit_id=org.btc.pk,
    )
    services.obstacle_answer(acting_user=org.btc_head, obstacle=obstacle, answer="Đã có ý kiến chỉ đạo")
    html = client_for(org.inspector).get("/nhat-ky/").content.decode()
    assert _row(html, "Khó khăn, vướng mắc: ý kiến trả lời") == ("—", "Đã có ý kiến chỉ đạo")
    assert _row(html, "Khó khăn, vướng mắc: trạng thái") == ("Chờ trả lời", "Đã trả lời")
    assert _row(html, "Khó khăn, vướng mắc: đang chờ ý kiến của") == ("Ban Tổ chức Thành ủy", "Ban Tổ chức Thành ủy")


def test_the_journal_page_shows_files_and_indicators_as_text(org: Org, in_progress: MakeTask, client_for: Any) -> None:
    task = in_progress()
    services.progress_update_create(
        acting_user=org.btc_officer,
        task=task,
        done="Đã họp triển khai",
        percent=30,
        indicators=[
            {"name": "Số phường", "value": "8", "unit": "phường"},
            {"name": "Số hộ", "value": "120", "unit": "hộ"},
        ],
    )
    html = client_for(org.inspector).get("/nhat-ky/").content.decode()
    _before, after = _row(html, "Cập nhật tiến độ: chỉ tiêu, số liệu")
    assert after == "Số phường 8 phường; Số hộ 120 hộ", after
