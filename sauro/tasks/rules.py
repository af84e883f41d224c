"""The six clears (6 rõ) of a task: which hold, and a Vietnamese message for each that does not.

Pure functions over a task and a few lookups, used by the services (``task_issue`` refuses while any clear
is missing), the pages (the checklist on a draft) and the API (``six_clears`` booleans).
"""

from __future__ import annotations

import datetime
import re
from dataclasses import dataclass

from sauro.common.text import fold
from sauro.org.choices import Role
from sauro.org.models import Membership
from sauro.tasks.access import unit_gaps
from sauro.tasks.choices import ReviewCadence
from sauro.tasks.models import Task

CLEAR_NAMES = ("person", "task", "time", "responsibility", "product", "authority")

CLEAR_LABELS = {
    "person": "Rõ người",
    "task": "Rõ việc",
    "time": "Rõ thời gian",
    "responsibility": "Rõ trách nhiệm",
    "product": "Rõ sản phẩm",
    "authority": "Rõ thẩm quyền",
}

ERR_PERSON_MISSING = "Chưa có người chịu trách nhiệm chính."
ERR_PERSON_INACTIVE = "Người chịu trách nhiệm chính không còn hoạt động."
ERR_PERSON_NOT_IN_LEAD = "Người chịu trách nhiệm chính phải đang giữ vai trò tại đơn vị chủ trì."
ERR_TITLE_MISSING = "Chưa có tên nhiệm vụ."
ERR_CONTENT_MISSING = "Chưa có nội dung công việc cụ thể."
ERR_CONTENT_TOO_SHORT = "Nội dung công việc quá ngắn, chưa nêu rõ phải làm gì."
ERR_DUE_MISSING = "Chưa có thời hạn hoàn thành."
ERR_DUE_IN_PAST = "Thời hạn hoàn thành không được trước ngày giao ({issue_date:%d/%m/%Y})."
ERR_ONGOING_NO_CADENCE = "Nhiệm vụ thường xuyên phải có chu kỳ rà soát."
ERR_LEAD_MISSING = "Chưa có đơn vị chủ trì."
ERR_LEAD_INACTIVE = "Đơn vị chủ trì không còn hoạt động."
ERR_LEAD_ALSO_COORDINATOR = "Đơn vị chủ trì không được đồng thời là đơn vị phối hợp."
ERR_PRODUCT_KIND_MISSING = "Chưa chọn loại sản phẩm."
ERR_PRODUCT_DESCRIPTION_MISSING = "Chưa mô tả sản phẩm cần đạt."
ERR_AUTHORITY_MISSING = "Chưa xác định cấp có thẩm quyền nghiệm thu sản phẩm."
ERR_AUTHORITY_BELOW_LEAD = "Cấp có thẩm quyền phải là đơn vị chủ trì hoặc cấp trên của đơn vị chủ trì."

# Content shorter than this (after trimming) cannot say what is to be done.
MIN_CONTENT_LENGTH = 15
# Verbs that, with no object, say nothing concrete (PRODUCT §5): a warning, not a block.
VAGUE_VERBS = ("tang cuong", "quan tam", "chu trong", "tiep tuc", "day manh", "nang cao", "phat huy")
WARN_VAGUE = "Nội dung có cụm từ chung chung (“{phrase}”) mà chưa nêu việc cụ thể; nên ghi rõ làm gì, sản phẩm là gì."


@dataclass(frozen=True)
class SixClears:
    """Which clears hold, the message for each that does not, and warnings that do not block."""

    missing: dict[str, str]
    warnings: list[str]

    @property
    def complete(self) -> bool:
        return not self.missing

    def as_booleans(self) -> dict[str, bool]:
        return {name: name not in self.missing for name in CLEAR_NAMES}

    def checklist(self) -> list[tuple[str, str, bool, str]]:
        """(name, Vietnamese label, holds, message) for each clear, in the canonical order."""
        return [
            (name, CLEAR_LABELS[name], name not in self.missing, self.missing.get(name, "")) for name in CLEAR_NAMES
        ]


def vague_warnings(text: str) -> list[str]:
    """A warning for each vague verb used with (almost) nothing after it."""
    folded = fold(text)
    warnings = []
    for phrase in VAGUE_VERBS:
        for match in re.finditer(rf"\b{phrase}\b", folded):
            rest = folded[match.end() :].strip(" .,;:!-")
            # "Tăng cường." or "tăng cường, quan tâm" — fewer than three words follow before the clause ends.
            clause = re.split(r"[.;,\n]", rest, maxsplit=1)[0]
            if len(clause.split()) < 3:
                original = text[match.start() : match.end()] if len(text) == len(folded) else phrase
                warnings.append(WARN_VAGUE.format(phrase=original))
                break
    return warnings


def six_clears(task: Task, *, issue_date: datetime.date, coordinating_unit_ids: set[int] | None = None) -> SixClears:
    """Check ``task`` as if it were issued on ``issue_date``.

    ``coordinating_unit_ids`` may be passed for a task not yet saved (the many-to-many is not there yet).
    """
    missing: dict[str, str] = {}
    # Who may lead and decide (``access.unit_gaps``): a unit nobody acts for on the day, a committee as lead unit, an
    # authority outside the issuer's reach.
    lead = task.lead_unit if task.lead_unit is not None and task.lead_unit.is_active_on(issue_date) else None
    units = unit_gaps(owner_unit=task.owner_unit, lead=lead, authority=task.authority_unit, day=issue_date)

    # rõ người
    person = task.responsible_person
    if person is None:
        missing["person"] = ERR_PERSON_MISSING
    elif not person.is_active:
        missing["person"] = ERR_PERSON_INACTIVE
    elif task.lead_unit is not None and not (
        Membership.objects.active_on(issue_date)
        .filter(person=person, unit__path__startswith=task.lead_unit.path)
        .exclude(role__in=[Role.ADMIN, Role.INSPECTOR])
        .exists()
    ):
        missing["person"] = ERR_PERSON_NOT_IN_LEAD

    # rõ việc
    if not task.title.strip():
        missing["task"] = ERR_TITLE_MISSING
    elif not task.content.strip():
        missing["task"] = ERR_CONTENT_MISSING
    elif len(task.content.strip()) < MIN_CONTENT_LENGTH:
        missing["task"] = ERR_CONTENT_TOO_SHORT

    # rõ thời gian
    if task.is_ongoing:
        if task.review_cadence == ReviewCadence.NONE:
            missing["time"] = ERR_ONGOING_NO_CADENCE
    elif task.due_date is None:
        missing["time"] = ERR_DUE_MISSING
    elif task.due_date < issue_date:
        missing["time"] = ERR_DUE_IN_PAST.format(issue_date=issue_date)

    # rõ trách nhiệm
    if task.lead_unit is None:
        missing["responsibility"] = ERR_LEAD_MISSING
    elif not task.lead_unit.is_active_on(issue_date):
        missing["responsibility"] = ERR_LEAD_INACTIVE
    else:
        if coordinating_unit_ids is None:
            coordinating_unit_ids = (
                set(task.coordinating_units.values_list("pk", flat=True)) if task.pk is not None else set()
            )
        if task.lead_unit.pk in coordinating_unit_ids:
            missing["responsibility"] = ERR_LEAD_ALSO_COORDINATOR
        elif "lead_unit" in units:
            missing["responsibility"] = units["lead_unit"]

    # rõ sản phẩm
    if not task.product_kind:
        missing["product"] = ERR_PRODUCT_KIND_MISSING
    elif not task.product_description.strip():
        missing["product"] = ERR_PRODUCT_DESCRIPTION_MISSING

    # rõ thẩm quyền
    if task.authority_unit is None:
        missing["authority"] = ERR_AUTHORITY_MISSING
    elif "authority_unit" in units:
        missing["authority"] = units["authority_unit"]
    elif task.lead_unit is not None and not task.authority_unit.governs(task.lead_unit):
        missing["authority"] = ERR_AUTHORITY_BELOW_LEAD

    return SixClears(missing=missing, warnings=vague_warnings(f"{task.title}\n{task.content}"))
