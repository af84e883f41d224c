"""The six-clear checklist of a proposal: which clears it already holds, and what is still open, in Vietnamese.

A proposal is not yet a task: it names no responsible person (the lead unit's head names one when the draft is
issued or accepted), so "rõ người" stays open on every proposal. The draft task made from it gets the full check of
``tasks.rules.six_clears`` on its own page.
"""

from __future__ import annotations

from dataclasses import dataclass

from sauro.extraction.models import Proposal, TimeKind

# In the order and with the names of ``tasks.rules.CLEAR_LABELS`` ("work" is the extractor's name for "task").
CLEARS = (
    ("person", "Rõ người"),
    ("work", "Rõ việc"),
    ("time", "Rõ thời gian"),
    ("responsibility", "Rõ trách nhiệm"),
    ("product", "Rõ sản phẩm"),
    ("authority", "Rõ thẩm quyền"),
)
OPEN_MESSAGES = {
    "person": "Chưa có người chịu trách nhiệm chính (bổ sung trong dự thảo).",
    "work": "Chưa có tên nhiệm vụ.",
    "time": "Văn bản chưa nêu thời hạn hoàn thành.",
    "responsibility": "Chưa xác định đơn vị chủ trì.",
    "product": "Chưa xác định sản phẩm cần đạt.",
    "authority": "Chưa xác định cấp có thẩm quyền nghiệm thu.",
}


@dataclass(frozen=True)
class ClearLine:
    name: str
    label: str
    holds: bool
    message: str


def open_clears(proposal: Proposal) -> list[str]:
    """The names of the clears ``proposal`` leaves open, in the canonical order."""
    missing = {"person"}
    if not proposal.title.strip():
        missing.add("work")
    if proposal.due_date is None and proposal.time_kind not in {TimeKind.ONGOING, TimeKind.RECURRING}:
        missing.add("time")
    if proposal.lead_id is None:
        missing.add("responsibility")
    if not proposal.product_kind or not proposal.product.strip():
        missing.add("product")
    if proposal.authority_id is None:
        missing.add("authority")
    return [name for name, _ in CLEARS if name in missing]


def checklist(proposal: Proposal) -> list[ClearLine]:
    missing = set(open_clears(proposal))
    return [
        ClearLine(name, label, name not in missing, OPEN_MESSAGES[name] if name in missing else "")
        for name, label in CLEARS
    ]
