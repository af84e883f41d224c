"""Tasks (nhiệm vụ) clear on six points, their events, submissions and requests to the authority."""

from __future__ import annotations

from decimal import Decimal
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from sauro.tasks.choices import (
    BUCK_PASSING_THRESHOLD,
    OPEN_STATES,
    Classification,
    Confidence,
    EventKind,
    ProductKind,
    Recurrence,
    RequestState,
    ReviewCadence,
    SubmissionOutcome,
    TaskState,
    Trend,
)

if TYPE_CHECKING:
    from sauro.accounts.models import User

USER = settings.AUTH_USER_MODEL
# Columns read by the reporting state (tasks.selectors.reporting_state_expr) and the visibility gate
# (tasks.access), carried in the due-date index so that period aggregates need not read the table.
DUE_SCAN_COLUMNS = [
    "state",
    "issued_on",
    "completed_on",
    "approved_on",
    "cancelled_on",
    "deadline",
    "is_ongoing",
    "lead_unit",
    "owner_unit",
    "classification",
    "responsible_person",
    "supervising_leader",
    "created_by",
]
# ... and what the deadline and the due date in force on a past day read (tasks.selectors.deadline_in_force,
# due_in_force): the newer indexes carry these too, so the league table's previous period is read without the table
# as well (without ``original_due_date`` PostgreSQL read the table for every open or cancelled task of ten years).
PAST_DEADLINE_COLUMNS = ["extension_count", "original_deadline", "original_due_date"]

# The done tasks counted in ``DoneTaskMonth`` (kept by a PostgreSQL trigger, see ``tasks.summary``): done, normal
# classification, issued and completed (issued first), with a due date. Their reporting state never changes once
# their completion day has passed. ``UNSUMMARISED`` is the complement among the tasks that can be counted (issued,
# with a due date; drafts never count): open, cancelled, *mật* and odd done tasks, read live from their own index.
SUMMARISED = Q(
    state=TaskState.DONE,
    classification=Classification.NORMAL,
    due_date__isnull=False,
    completed_on__isnull=False,
    issued_on__lte=F("completed_on"),
)
UNSUMMARISED = (
    Q(state__in=(*OPEN_STATES, TaskState.CANCELLED))
    | ~Q(classification=Classification.NORMAL)
    | Q(completed_on__isnull=True)
    | Q(issued_on__gt=F("completed_on"))
)
# The dashboards read the unsummarised tasks in two parts: the cancelled ones — most of them, ten years of them —
# count only when cancelled after the day seen (``tasks.selectors.reporting_state_expr``), so they are looked up by
# their cancellation day (``CANCELLED_ON``, index ``task_cancelled_on``); the others (open, *mật*, odd done tasks,
# and a cancelled task without its day, which the services never leave) by their own index (``task_live_lead``).
CANCELLED_ON = Q(state=TaskState.CANCELLED, cancelled_on__isnull=False)
LIVE_UNCANCELLED = UNSUMMARISED & ~CANCELLED_ON


class Task(models.Model):
    """A task assigned to one lead unit, clear on six points before it may be issued (PRODUCT §5).

    A draft may have gaps; ``tasks.rules.six_clears`` names each one. ``due_date`` is the due date in force;
    ``original_due_date`` the one it was issued with (extensions keep it). ``completed_on`` is the date the
    accepted product was *submitted*, not the date it was approved. ``owner_unit`` is the unit that drafted the
    task (Văn phòng for the committee's tasks, the lead unit of the parent for a sub-task). A recurring task is
    a template (``recurrence`` set) whose instances point back to it with one ``period_key`` each.
    """

    # rõ việc
    title = models.CharField(_("tên nhiệm vụ"), max_length=300)
    content = models.TextField(_("nội dung"), blank=True)
    # source
    directive = models.ForeignKey(
        "directives.Directive",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="tasks",
        verbose_name=_("văn bản chỉ đạo"),
    )
    source_paragraph = models.TextField(_("đoạn, điểm trong văn bản"), blank=True)
    parent = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="subtasks", verbose_name=_("nhiệm vụ cha")
    )
    # A task the committee marks as a priority (trọng tâm): the quarterly report and the dashboards weigh it first.
    is_focus = models.BooleanField(_("trọng tâm"), default=False)
    weight = models.DecimalField(
        _("trọng số"), max_digits=6, decimal_places=2, default=Decimal("1"), validators=[MinValueValidator(0)]
    )
    owner_unit = models.ForeignKey(
        "org.Unit", on_delete=models.PROTECT, related_name="owned_tasks", verbose_name=_("đơn vị giao")
    )
    # rõ trách nhiệm
    lead_unit = models.ForeignKey(
        "org.Unit",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="led_tasks",
        verbose_name=_("đơn vị chủ trì"),
    )
    coordinating_units = models.ManyToManyField(
        "org.Unit", blank=True, related_name="coordinated_tasks", verbose_name=_("đơn vị phối hợp")
    )
    supervising_leader = models.ForeignKey(
        USER,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="supervised_tasks",
        verbose_name=_("lãnh đạo phụ trách"),
    )
    # rõ người
    responsible_person = models.ForeignKey(
        USER,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="responsible_tasks",
        verbose_name=_("người chịu trách nhiệm chính"),
    )
    officers: models.ManyToManyField[User, Any] = models.ManyToManyField(
        USER, blank=True, related_name="assigned_tasks", verbose_name=_("cán bộ thực hiện")
    )
    # rõ thời gian
    due_date = models.DateField(_("thời hạn"), null=True, blank=True)
    original_due_date = models.DateField(_("thời hạn ban đầu"), null=True, blank=True)
    # The due date as the Civil Code counts it (Art. 148(5)): a due date on a day off ends on the next working
    # day. Kept by the services beside due_date so reporting states stay plain SQL comparisons.
    deadline = models.DateField(_("hạn cuối tính theo ngày làm việc"), null=True, blank=True, editable=False)
    original_deadline = models.DateField(_("hạn cuối ban đầu"), null=True, blank=True, editable=False)
    is_ongoing = models.BooleanField(_("thường xuyên"), default=False)
    review_cadence = models.CharField(
        _("chu kỳ rà soát"), max_length=16, choices=ReviewCadence.choices, default=ReviewCadence.NONE, blank=True
    )
    recurrence = models.CharField(
        _("lặp lại"), max_length=16, choices=Recurrence.choices, default=Recurrence.NONE, blank=True
    )
    recurrence_day = models.PositiveSmallIntegerField(
        _("ngày đến hạn trong kỳ"), null=True, blank=True, validators=[MinValueValidator(1), MaxValueValidator(31)]
    )
    recurrence_month = models.PositiveSmallIntegerField(
        _("tháng đến hạn trong kỳ"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(12)],
        help_text=_("Với nhiệm vụ hằng quý: tháng thứ mấy của quý (1–3); hằng năm: tháng (1–12)."),
    )
    recurrence_template = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="instances",
        verbose_name=_("nhiệm vụ định kỳ gốc"),
    )
    period_key = models.CharField(_("kỳ"), max_length=16, blank=True)
    # rõ sản phẩm
    product_kind = models.CharField(_("loại sản phẩm"), max_length=20, choices=ProductKind.choices, blank=True)
    product_description = models.TextField(_("mô tả sản phẩm"), blank=True)
    # rõ thẩm quyền
    authority_unit = models.ForeignKey(
        "org.Unit",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="authorised_tasks",
        verbose_name=_("cấp có thẩm quyền"),
    )
    classification = models.CharField(
        _("độ mật"), max_length=10, choices=Classification.choices, default=Classification.NORMAL
    )
    cleared_people: models.ManyToManyField[User, Any] = models.ManyToManyField(
        USER, blank=True, related_name="cleared_tasks", verbose_name=_("người được xem (nhiệm vụ mật)")
    )
    # lifecycle
    state = models.CharField(_("trạng thái"), max_length=16, choices=TaskState.choices, default=TaskState.DRAFT)
    issued_on = models.DateField(_("ngày giao"), null=True, blank=True)
    accepted_on = models.DateField(_("ngày tiếp nhận"), null=True, blank=True)
    submitted_on = models.DateField(_("ngày gửi sản phẩm"), null=True, blank=True)
    completed_on = models.DateField(_("ngày hoàn thành"), null=True, blank=True)
    # The day (Asia/Ho_Chi_Minh) the authority approved the product, i.e. the day the task became done: what a
    # report as of an earlier day reads (``tasks.selectors.done_by``). Empty for a task made done without an
    # approval (bulk loads): its completion day stands in.
    approved_on = models.DateField(_("ngày duyệt sản phẩm"), null=True, blank=True, editable=False)
    cancelled_on = models.DateField(_("ngày dừng"), null=True, blank=True)
    cancel_reason = models.TextField(_("lý do dừng"), blank=True)
    progress = models.PositiveSmallIntegerField(
        _("tiến độ (%)"), default=0, validators=[MinValueValidator(0), MaxValueValidator(100)]
    )
    bounce_count = models.PositiveSmallIntegerField(_("số lần đẩy qua lại"), default=0)
    extension_count = models.PositiveSmallIntegerField(_("số lần gia hạn"), default=0)
    # monitoring (kept by the services so lists and reminders stay plain SQL filters)
    state_since = models.DateField(_("ở trạng thái hiện tại từ ngày"), null=True, blank=True, editable=False)
    last_update_on = models.DateField(_("cập nhật gần nhất"), null=True, blank=True, editable=False)
    confidence = models.CharField(
        _("khả năng hoàn thành"), max_length=12, choices=Confidence.choices, blank=True, editable=False
    )
    confidence_trend = models.CharField(_("xu hướng"), max_length=10, choices=Trend.choices, blank=True, editable=False)
    confidence_on = models.DateField(_("ngày đánh giá"), null=True, blank=True, editable=False)
    # bookkeeping
    search_text = models.TextField(_("văn bản tìm kiếm"), blank=True, editable=False)
    created_by = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+", verbose_name=_("người tạo"))
    created_at = models.DateTimeField(_("tạo lúc"), auto_now_add=True)
    updated_at = models.DateTimeField(_("cập nhật lúc"), auto_now=True)
    version = models.PositiveIntegerField(_("phiên bản"), default=1)

    class Meta:
        verbose_name = _("nhiệm vụ")
        verbose_name_plural = _("nhiệm vụ")
        ordering = ["due_date", "id"]
        indexes = [
            models.Index(fields=["lead_unit", "state", "due_date"], name="task_lead_state_due"),
            models.Index(fields=["state", "due_date"], name="task_state_due"),
            models.Index(fields=["state", "deadline"], name="task_state_deadline"),
            # The list's order, and the dashboards' "due in the period" scans: PostgreSQL answers those from the
            # index alone (the reporting state's and the visibility gate's columns are included).
            models.Index(fields=["due_date", "id"], include=DUE_SCAN_COLUMNS, name="task_due_covering"),
            # Open tasks by deadline: the overdue list and the overdue reminders stop after the rows they show.
            models.Index(
                fields=["deadline", "due_date", "id"], condition=Q(state__in=OPEN_STATES), name="task_open_deadline"
            ),
            models.Index(fields=["directive", "state"], name="task_directive_state"),
            models.Index(fields=["responsible_person", "state"], name="task_person_state"),
            models.Index(fields=["owner_unit", "state"], name="task_owner_state"),
            models.Index(fields=["state", "state_since"], name="task_state_since"),
            models.Index(fields=["state", "last_update_on"], name="task_state_last_update"),
            # "due in the period or ongoing" (dashboards): the ongoing few by an index of their own. PostgreSQL
            # also has a trigram index on search_text (migration 0003, docs/performance.md).
            models.Index(
                fields=["is_ongoing"],
                include=["id", *DUE_SCAN_COLUMNS, *PAST_DEADLINE_COLUMNS, "due_date"],
                condition=Q(is_ongoing=True),
                name="task_ongoing_covering",
            ),
            # The focus tasks under way (the dashboard's "trọng tâm" figure): a few, without reading every open task.
            models.Index(
                fields=["lead_unit"],
                condition=Q(is_focus=True, state__in=OPEN_STATES),
                name="task_focus_open",
            ),
            # The *mật* tasks (a few): who may not see them (``tasks.access.hidden_secret_tasks``).
            models.Index(
                fields=["id"],
                include=["state", "responsible_person", "supervising_leader", "created_by"],
                condition=~Q(classification=Classification.NORMAL),
                name="task_not_normal",
            ),
            # The dashboards' live part next to ``DoneTaskMonth``: the tasks it does not count, by due date, and
            # the done tasks completed since its cut-off, by completion day (both read without the table).
            models.Index(
                fields=["due_date", "id"],
                include=[*DUE_SCAN_COLUMNS, *PAST_DEADLINE_COLUMNS],
                condition=UNSUMMARISED,
                name="task_unsummarised",
            ),
            # The dashboards' live part without the cancelled tasks, by lead unit: a unit's dashboard reads its own
            # entries, the committee's reads them all (a third of ``task_unsummarised``'s).
            models.Index(
                fields=["lead_unit", "due_date", "id"],
                include=[*DUE_SCAN_COLUMNS, *PAST_DEADLINE_COLUMNS],
                condition=LIVE_UNCANCELLED,
                name="task_live_lead",
            ),
            # ... and the cancelled tasks by their cancellation day (those cancelled after the day seen).
            models.Index(
                fields=["cancelled_on", "id"],
                include=[*(c for c in DUE_SCAN_COLUMNS if c != "cancelled_on"), *PAST_DEADLINE_COLUMNS, "due_date"],
                condition=CANCELLED_ON,
                name="task_cancelled_on",
            ),
            models.Index(
                fields=["approved_on", "completed_on", "due_date"],
                include=[
                    "id",
                    *(c for c in DUE_SCAN_COLUMNS if c not in ("completed_on", "approved_on")),
                    *PAST_DEADLINE_COLUMNS,
                ],
                condition=Q(state=TaskState.DONE),
                name="task_done_approved",
            ),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["recurrence_template", "period_key"],
                condition=Q(recurrence_template__isnull=False),
                name="task_one_instance_per_period",
            ),
            models.CheckConstraint(condition=Q(progress__lte=100), name="task_progress_max_100"),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def is_buck_passing_suspect(self) -> bool:
        return self.bounce_count >= BUCK_PASSING_THRESHOLD

    @property
    def is_open(self) -> bool:
        return self.state in {TaskState.ISSUED, TaskState.IN_PROGRESS, TaskState.SUBMITTED, TaskState.RETURNED}


class DoneTaskMonth(models.Model):
    """How many done tasks (``SUMMARISED``) a lead unit has per regime month of their due date and of their
    completion, ongoing or not, on time or not: the dashboards' counts of the past without reading the tasks.

    Kept by the PostgreSQL trigger ``sauro_task_done_month`` (migration ``tasks 0005``) in the transaction that
    writes the task, whatever writes it (the ORM, ``update()``, SQL); rebuilt by ``tasks.summary.rebuild`` after a
    bulk load that bypasses triggers. Months are the reporting regime's (15th → 14th), stored as their last day.
    ``lead_unit_id`` 0 stands for no lead unit. Empty and unused on SQLite (``tasks.summary.available``)."""

    lead_unit_id = models.IntegerField()
    due_month = models.DateField()
    done_month = models.DateField()
    is_ongoing = models.BooleanField()
    on_time = models.BooleanField()
    n = models.IntegerField()

    class Meta:
        verbose_name = _("số nhiệm vụ hoàn thành theo tháng")
        verbose_name_plural = _("số nhiệm vụ hoàn thành theo tháng")
        constraints = [
            models.UniqueConstraint(
                fields=["due_month", "lead_unit_id", "done_month", "is_ongoing", "on_time"],
                include=["n"],  # the dashboards' sums are read from the index alone
                name="done_task_month_key",
            )
        ]
        indexes = [
            # A unit's dashboard: its lead units' rows only (the key above leads with the month: the whole table).
            models.Index(
                fields=["lead_unit_id", "due_month", "done_month"],
                include=["is_ongoing", "on_time", "n"],
                name="done_task_month_lead",
            ),
            # A period's carried-over rows: due before it, done in it (the key leads with the due month; without this
            # the city's dashboard read the whole table for them, 188,000 rows at a million tasks).
            models.Index(
                fields=["done_month", "due_month"],
                include=["lead_unit_id", "is_ongoing", "on_time", "n"],
                name="done_task_month_done",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.lead_unit_id} {self.due_month} {self.done_month}: {self.n}"


class TaskEvent(models.Model):
    """One step in a task's life, shown on its timeline: who, when, what, why."""

    task = models.ForeignKey(Task, on_delete=models.CASCADE, related_name="events", verbose_name=_("nhiệm vụ"))
    kind = models.CharField(_("loại sự kiện"), max_length=32, choices=EventKind.choices)
    actor = models.ForeignKey(
        USER, on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("người thực hiện")
    )
    actor_name = models.CharField(_("tên người thực hiện"), max_length=150, blank=True)
    at = models.DateTimeField(_("thời điểm"))
    from_state = models.CharField(_("từ trạng thái"), max_length=16, choices=TaskState.choices, blank=True)
    to_state = models.CharField(_("sang trạng thái"), max_length=16, choices=TaskState.choices, blank=True)
    note = models.TextField(_("ghi chú"), blank=True)
    data = models.JSONField(_("dữ liệu"), default=dict, blank=True)

    class Meta:
        verbose_name = _("sự kiện nhiệm vụ")
        verbose_name_plural = _("sự kiện nhiệm vụ")
        ordering = ["at", "id"]
        indexes = [models.Index(fields=["task", "at"])]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} — {self.task_id}"


class Submission(models.Model):
    """A product submitted for a task, and what the authority decided about it."""

    task = models.ForeignKey(Task, on_delete=models.CASCADE, related_name="submissions", verbose_name=_("nhiệm vụ"))
    submitted_by = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+", verbose_name=_("người gửi"))
    submitted_on = models.DateField(_("ngày gửi"))
    note = models.TextField(_("mô tả sản phẩm đã gửi"))
    ref = models.CharField(_("số, ký hiệu hoặc đường dẫn sản phẩm"), max_length=300, blank=True)
    outcome = models.CharField(
        _("kết quả"), max_length=10, choices=SubmissionOutcome.choices, default=SubmissionOutcome.PENDING
    )
    decided_by = models.ForeignKey(
        USER, on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("người duyệt")
    )
    decided_at = models.DateTimeField(_("duyệt lúc"), null=True, blank=True)
    decision_note = models.TextField(_("ý kiến"), blank=True)

    class Meta:
        verbose_name = _("sản phẩm đã gửi")
        verbose_name_plural = _("sản phẩm đã gửi")
        ordering = ["-submitted_on", "-id"]

    def __str__(self) -> str:
        return f"{self.task_id} — {self.submitted_on:%d/%m/%Y}"


class SubmissionFile(models.Model):
    """A file of a submitted product (checked by ``common.uploads.check_upload``), downloaded only by those who see
    the task; ``content_type`` is what the server found in its first bytes, ``sha256`` the digest journalled."""

    submission = models.ForeignKey(
        Submission, on_delete=models.CASCADE, related_name="files", verbose_name=_("sản phẩm đã gửi")
    )
    file = models.FileField(_("tệp"), upload_to="submissions/%Y/%m/", max_length=255)
    original_name = models.CharField(_("tên tệp"), max_length=255)
    size = models.PositiveBigIntegerField(_("dung lượng (byte)"))
    content_type = models.CharField(_("kiểu nội dung"), max_length=120)
    sha256 = models.CharField(_("mã băm SHA-256"), max_length=64)

    class Meta:
        verbose_name = _("tệp sản phẩm")
        verbose_name_plural = _("tệp sản phẩm")
        ordering = ["id"]

    def __str__(self) -> str:
        return self.original_name


class ExtensionRequest(models.Model):
    """A request to move a task's due date (gia hạn), decided by the authority."""

    task = models.ForeignKey(
        Task, on_delete=models.CASCADE, related_name="extension_requests", verbose_name=_("nhiệm vụ")
    )
    requested_by = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+", verbose_name=_("người đề nghị"))
    requested_at = models.DateTimeField(_("đề nghị lúc"))
    current_due_date = models.DateField(_("thời hạn hiện tại"))
    new_due_date = models.DateField(_("thời hạn đề nghị"))
    new_deadline = models.DateField(_("hạn cuối mới"), null=True, blank=True, editable=False)
    reason = models.TextField(_("lý do"))
    state = models.CharField(_("trạng thái"), max_length=10, choices=RequestState.choices, default=RequestState.PENDING)
    decided_by = models.ForeignKey(
        USER, on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("người quyết định")
    )
    decided_on = models.DateField(_("ngày quyết định"), null=True, blank=True)
    decision_note = models.TextField(_("ý kiến"), blank=True)

    class Meta:
        verbose_name = _("đề nghị gia hạn")
        verbose_name_plural = _("đề nghị gia hạn")
        ordering = ["-requested_at"]
        indexes = [models.Index(fields=["task", "state", "decided_on"])]

    def __str__(self) -> str:
        return f"{self.task_id}: {self.current_due_date} → {self.new_due_date}"


class ReassignmentRequest(models.Model):
    """A lead unit's request to hand the task to another lead unit, decided by the authority."""

    task = models.ForeignKey(
        Task, on_delete=models.CASCADE, related_name="reassignment_requests", verbose_name=_("nhiệm vụ")
    )
    requested_by = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+", verbose_name=_("người đề nghị"))
    requested_at = models.DateTimeField(_("đề nghị lúc"))
    from_unit = models.ForeignKey(
        "org.Unit", on_delete=models.PROTECT, related_name="+", verbose_name=_("đơn vị chủ trì hiện tại")
    )
    proposed_unit = models.ForeignKey(
        "org.Unit", on_delete=models.PROTECT, related_name="+", verbose_name=_("đơn vị đề nghị chủ trì")
    )
    reason = models.TextField(_("lý do"))
    state = models.CharField(_("trạng thái"), max_length=10, choices=RequestState.choices, default=RequestState.PENDING)
    decided_by = models.ForeignKey(
        USER, on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("người quyết định")
    )
    decided_on = models.DateField(_("ngày quyết định"), null=True, blank=True)
    decision_note = models.TextField(_("ý kiến"), blank=True)

    class Meta:
        verbose_name = _("đề nghị điều chỉnh đơn vị chủ trì")
        verbose_name_plural = _("đề nghị điều chỉnh đơn vị chủ trì")
        ordering = ["-requested_at"]

    def __str__(self) -> str:
        return f"{self.task_id}: {self.from_unit_id} → {self.proposed_unit_id}"
