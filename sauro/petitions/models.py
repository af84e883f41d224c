"""Citizens' petitions (tiếp công dân, đơn thư; issue 19): the rule book of statutory deadlines (``DeadlineRule``),
the reception register (``Reception``) and the leaders' reception days (``ReceptionDay``), and the register of
letters (``Letter``), each letter computing its deadlines from the book (``selectors.letter_deadlines``) and, once
handled here or forwarded to a unit, followed through its six-clear task (``Letter.task``)."""

from __future__ import annotations

import datetime
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from sauro.common.inputs import date_in_range, date_range_message
from sauro.common.text import search_text as fold_search_text
from sauro.org.models import Unit
from sauro.petitions.choices import (
    Competence,
    Complexity,
    CountedFrom,
    DayUnit,
    DeadlineKey,
    Decision,
    Guidance,
    HotSpotMark,
    HotSpotReason,
    LetterKind,
    LetterSource,
    LetterState,
    PetitionKind,
    ReceiverKind,
    ReceptionDayState,
    SignerKind,
    Topic,
)
from sauro.petitions.deadlines import Rule
from sauro.tasks.models import Task

MAX_PERIOD_DAYS = 366

ERR_EFFECTIVE_ORDER = _("Ngày hết hiệu lực phải sau hoặc trùng ngày bắt đầu hiệu lực.")
ERR_OVERLAP = _(
    "Đã có quy tắc cho cùng loại đơn, thời hạn, mức độ phức tạp và vùng, có hiệu lực trùng thời gian "
    "(phiên bản {version}, từ {start}{end}). Hãy cho quy tắc cũ hết hiệu lực trước ngày quy tắc mới bắt đầu."
)


class DeadlineRule(models.Model):
    """One rule of the statutory deadlines: for letters of ``kind`` received from ``effective_from`` to
    ``effective_to`` (both included, open-ended when empty), the deadline ``key`` falls ``count`` days (``unit``:
    working or calendar days) after the receipt or the acceptance (``counted_from``), for cases of ``complexity``
    (and more complex ones without a rule of their own), in remote areas only when ``remote``.

    Administrators edit the book in the Django admin (journalled); a change of the law is a new rule taking effect
    on a date, the old one given an end the day before, so letters received earlier keep their deadlines. Two rules
    for the same kind, key, complexity and area may not be in force on the same day (``clean``)."""

    kind = models.CharField(_("loại đơn"), max_length=20, choices=PetitionKind.choices)
    key = models.CharField(_("thời hạn"), max_length=20, choices=DeadlineKey.choices)
    complexity = models.CharField(
        _("mức độ phức tạp"), max_length=20, choices=Complexity.choices, default=Complexity.NORMAL
    )
    remote = models.BooleanField(
        _("vùng sâu, vùng xa"), default=False, help_text=_("Quy tắc riêng cho vụ việc ở vùng sâu, vùng xa.")
    )
    count = models.PositiveSmallIntegerField(
        _("số ngày"), validators=[MinValueValidator(1), MaxValueValidator(MAX_PERIOD_DAYS)]
    )
    unit = models.CharField(_("cách tính"), max_length=10, choices=DayUnit.choices)
    counted_from = models.CharField(_("tính từ"), max_length=12, choices=CountedFrom.choices)
    effective_from = models.DateField(_("hiệu lực từ ngày"), help_text=_("Áp dụng cho đơn nhận từ ngày này."))
    effective_to = models.DateField(
        _("hiệu lực đến ngày"),
        null=True,
        blank=True,
        help_text=_("Áp dụng cho đơn nhận đến hết ngày này; để trống nếu chưa hết hiệu lực."),
    )
    version = models.CharField(
        _("phiên bản bộ quy tắc"), max_length=40, help_text=_("Ví dụ 2026.1; ghi phiên bản mới khi sửa quy tắc.")
    )
    basis = models.CharField(_("căn cứ"), max_length=500, blank=True)
    created_at = models.DateTimeField(_("tạo lúc"), auto_now_add=True)
    updated_at = models.DateTimeField(_("cập nhật lúc"), auto_now=True)

    class Meta:
        verbose_name = _("quy tắc thời hạn")
        verbose_name_plural = _("bộ quy tắc thời hạn giải quyết đơn")
        ordering = ["kind", "key", "complexity", "remote", "effective_from"]
        constraints = [
            models.UniqueConstraint(
                fields=["kind", "key", "complexity", "remote", "effective_from"], name="deadlinerule_one_start"
            ),
            models.CheckConstraint(
                condition=Q(effective_to__isnull=True) | Q(effective_to__gte=models.F("effective_from")),
                name="deadlinerule_effective_order",
            ),
            models.CheckConstraint(condition=Q(count__gte=1), name="deadlinerule_count_positive"),
        ]

    def __str__(self) -> str:
        end = f"{self.effective_to:%d/%m/%Y}" if self.effective_to else "nay"
        return (
            f"{self.get_kind_display()} — {self.get_key_display()}: {self.as_rule().describe()} "
            f"({self.get_complexity_display()}{', vùng sâu, vùng xa' if self.remote else ''}; "
            f"{self.effective_from:%d/%m/%Y}–{end})"
        )

    def as_rule(self) -> Rule:
        """The rule as the pure engine (``deadlines``) takes it."""
        return Rule(
            kind=self.kind,
            key=self.key,
            count=self.count,
            unit=self.unit,
            counted_from=self.counted_from,
            effective_from=self.effective_from,
            effective_to=self.effective_to,
            complexity=self.complexity,
            remote=self.remote,
            version=self.version,
        )

    def clean(self) -> None:
        super().clean()
        errors: dict[str, list[str]] = {}
        for name in ("effective_from", "effective_to"):
            day: datetime.date | None = getattr(self, name)
            if day is not None and not date_in_range(day):
                errors.setdefault(name, []).append(date_range_message())
        if self.effective_from and self.effective_to and self.effective_to < self.effective_from:
            errors.setdefault("effective_to", []).append(str(ERR_EFFECTIVE_ORDER))
        if errors:
            raise ValidationError(errors)
        if self.effective_from is None:
            return
        overlapping = DeadlineRule.objects.filter(
            kind=self.kind, key=self.key, complexity=self.complexity, remote=self.remote
        ).filter(Q(effective_to__isnull=True) | Q(effective_to__gte=self.effective_from))
        if self.effective_to is not None:
            overlapping = overlapping.filter(effective_from__lte=self.effective_to)
        if self.pk is not None:
            overlapping = overlapping.exclude(pk=self.pk)
        other = overlapping.order_by("effective_from").first()
        if other is not None:
            end = f" đến {other.effective_to:%d/%m/%Y}" if other.effective_to else ""
            raise ValidationError(
                str(ERR_OVERLAP).format(version=other.version, start=f"{other.effective_from:%d/%m/%Y}", end=end)
            )


MAX_PEOPLE = 10_000
MAX_SIGNERS = 100_000


class ReceptionDay(models.Model):
    """A leader's reception day (ngày tiếp công dân định kỳ): the Secretary of the city or of a ward or commune, or a
    deputy, receives citizens on ``day`` for ``unit`` (the committee or the ward/commune whose leader they are).
    Planned first, then marked held (or called off). The monthly figure (``selectors.reception_day_figures``) counts
    the days held by each unit's Secretary."""

    unit = models.ForeignKey(
        Unit, on_delete=models.PROTECT, related_name="reception_days", verbose_name=_("cấp ủy, đảng ủy")
    )
    leader = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("lãnh đạo tiếp")
    )
    day = models.DateField(_("ngày tiếp"))
    state = models.CharField(
        _("tình trạng"), max_length=12, choices=ReceptionDayState.choices, default=ReceptionDayState.PLANNED
    )
    note = models.CharField(_("ghi chú"), max_length=500, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("người vào sổ"),
    )
    created_at = models.DateTimeField(_("vào sổ lúc"), auto_now_add=True)
    updated_at = models.DateTimeField(_("cập nhật lúc"), auto_now=True)
    version = models.PositiveIntegerField(_("phiên bản"), default=1)

    class Meta:
        verbose_name = _("ngày tiếp công dân")
        verbose_name_plural = _("ngày tiếp công dân")
        ordering = ["-day", "-id"]
        indexes = [models.Index(fields=["unit", "day"], name="receptionday_unit_day")]
        constraints = [
            models.UniqueConstraint(fields=["unit", "leader", "day"], name="receptionday_one_per_leader_day"),
        ]

    def __str__(self) -> str:
        return f"Ngày tiếp công dân {self.day:%d/%m/%Y}" if self.day else "Ngày tiếp công dân"


class Letter(models.Model):
    """A citizen's letter (đơn thư) in the register of ``unit`` (the body that received it).

    Its statutory deadlines come from the rule book (``selectors.letter_deadlines``: kind — the main kind of a mixed
    letter —, receipt and acceptance dates, complexity, remote area). The decision (``decision``) is taken once:
    handled here or forwarded to one of the organisation's units makes a six-clear task (``task``), whose state the
    letter's follows (``LetterState``, derived, never stored); forwarded to a body outside the organisation, guided
    back or kept for information needs no task. ``commune`` is the ward or commune where the matter arose, in force
    today even when the address names it by a name from before the 2025 merger (``selectors.commune_of_address``).
    """

    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="letters", verbose_name=_("đơn vị nhận đơn"))
    incoming_number = models.CharField(_("số đến"), max_length=40, blank=True)
    source = models.CharField(_("nguồn đơn"), max_length=12, choices=LetterSource.choices)
    forwarded_by = models.CharField(_("cơ quan chuyển đơn đến"), max_length=255, blank=True)
    signer_kind = models.CharField(_("người đứng đơn"), max_length=12, choices=SignerKind.choices)
    signer_count = models.PositiveIntegerField(
        _("số người ký"), default=1, validators=[MinValueValidator(1), MaxValueValidator(MAX_SIGNERS)]
    )
    signer_name = models.CharField(_("họ tên người đứng đơn"), max_length=255, blank=True)
    signer_address = models.CharField(_("địa chỉ người đứng đơn"), max_length=500, blank=True)
    kind = models.CharField(_("phân loại theo nội dung"), max_length=20, choices=LetterKind.choices)
    main_kind = models.CharField(
        _("nội dung chính (đơn nhiều nội dung)"), max_length=20, choices=PetitionKind.choices, blank=True
    )
    summary = models.TextField(_("tóm tắt nội dung"))
    topic = models.CharField(_("lĩnh vực"), max_length=20, choices=Topic.choices)
    subject_unit = models.ForeignKey(
        Unit,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="letters_about",
        verbose_name=_("đơn vị bị khiếu nại, tố cáo, phản ánh"),
    )
    against_party_member = models.BooleanField(_("đối tượng là đảng viên, tổ chức đảng"), default=False)
    address = models.CharField(_("địa chỉ nơi phát sinh vụ việc"), max_length=500, blank=True)
    commune = models.ForeignKey(
        Unit,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="letters_arisen",
        verbose_name=_("phường, xã nơi phát sinh"),
    )
    received_on = models.DateField(_("ngày nhận đơn"))
    accepted_on = models.DateField(_("ngày thụ lý"), null=True, blank=True)
    complexity = models.CharField(
        _("mức độ phức tạp"), max_length=20, choices=Complexity.choices, default=Complexity.NORMAL
    )
    remote = models.BooleanField(_("vùng sâu, vùng xa"), default=False)
    eligible = models.BooleanField(_("đủ điều kiện xử lý"), default=True)
    in_competence = models.BooleanField(_("thuộc thẩm quyền"), default=True)
    decision = models.CharField(_("hướng xử lý"), max_length=10, choices=Decision.choices, blank=True)
    decided_on = models.DateField(_("ngày xử lý"), null=True, blank=True)
    forward_unit = models.ForeignKey(
        Unit,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="letters_received_forwarded",
        verbose_name=_("đơn vị được chuyển đơn"),
    )
    forward_body = models.CharField(_("cơ quan được chuyển đơn (ngoài hệ thống)"), max_length=255, blank=True)
    document_number = models.CharField(_("số văn bản chuyển, hướng dẫn"), max_length=60, blank=True)
    decision_note = models.TextField(_("ghi chú xử lý"), blank=True)
    task = models.OneToOneField(
        Task,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="letter",
        verbose_name=_("nhiệm vụ giải quyết"),
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("người vào sổ"),
    )
    created_at = models.DateTimeField(_("vào sổ lúc"), auto_now_add=True)
    updated_at = models.DateTimeField(_("cập nhật lúc"), auto_now=True)
    version = models.PositiveIntegerField(_("phiên bản"), default=1)
    # Point 7 (hot spots): the complexity criteria the officer marks (``HotSpotMark`` codes, comma-separated, sorted;
    # empty: none). Any one makes the letter a hot spot (``petitions.hotspots``, rule c).
    hotspot_marks = models.CharField(_("dấu hiệu phức tạp"), max_length=100, blank=True, default="")
    # Issue 19, point 5: the earlier letter on the same matter whose decision had taken effect (its task done) on or
    # before this one's receipt — a repeat after a decision in force (đơn kéo dài). Set by the letter's services from
    # the duplicate search (``petitions.duplicates.letter_keys_refresh``) or an officer's link; empty: not one.
    repeat_of = models.ForeignKey(
        "self",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="repeats",
        verbose_name=_("đơn kéo dài của đơn"),
    )
    # The register's diacritics-free search (``selectors.letter_list``, ``q``): ``SEARCHED_FIELDS`` folded
    # (``common.text.search_text``), kept by ``save`` whenever one of them is written. A protected denouncer's
    # identity is never in it: its columns are empty (``petitions.identity``), and so is its part here.
    search_text = models.TextField(_("văn bản tìm kiếm"), blank=True, default="", editable=False)

    # What the register's search box looks in, in this order (never the encrypted identity: ``SignerIdentity``).
    SEARCHED_FIELDS = (
        "incoming_number",
        "summary",
        "signer_name",
        "signer_address",
        "address",
        "forwarded_by",
        "forward_body",
        "document_number",
    )

    class Meta:
        verbose_name = _("đơn thư")
        verbose_name_plural = _("đơn thư")
        ordering = ["-received_on", "-id"]
        indexes = [
            models.Index(fields=["-received_on", "-id"], name="letter_received_desc"),
            models.Index(fields=["unit", "received_on"], name="letter_unit_received"),
            models.Index(fields=["forward_unit", "received_on"], name="letter_forward_received"),
            models.Index(fields=["commune", "received_on"], name="letter_commune_received"),
            # On PostgreSQL also a trigram index on search_text (migration 0008, letter_search_trgm).
        ]
        constraints = [
            models.CheckConstraint(condition=Q(signer_count__gte=1), name="letter_signers_positive"),
            models.CheckConstraint(
                condition=Q(accepted_on__isnull=True) | Q(accepted_on__gte=models.F("received_on")),
                name="letter_accepted_after_received",
            ),
            models.CheckConstraint(
                condition=~Q(kind=LetterKind.MIXED) | ~Q(main_kind=""), name="letter_mixed_has_main_kind"
            ),
        ]

    def __str__(self) -> str:
        day = f" nhận ngày {self.received_on:%d/%m/%Y}" if self.received_on else ""
        return f"Đơn {self.get_kind_display().lower()}{day}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        """Save, with ``search_text`` refolded from the searched fields — on every save that writes one of them (a
        save with ``update_fields`` naming none leaves it as it is)."""
        update_fields = kwargs.get("update_fields")
        if update_fields is None or not set(update_fields).isdisjoint(self.SEARCHED_FIELDS):
            self.search_text = self.folded_search_text()
            if update_fields is not None:
                kwargs["update_fields"] = {*update_fields, "search_text"}
        super().save(*args, **kwargs)

    def folded_search_text(self) -> str:
        """``search_text`` as the letter's fields make it now (``common.text.search_text`` of ``SEARCHED_FIELDS``)."""
        return fold_search_text(*(getattr(self, name) for name in self.SEARCHED_FIELDS))

    def get_state_display(self) -> str:
        """The derived state in words (``LetterState``): the selectors annotate ``state``
        (``selectors.letter_state_expr``); a letter read without it has none, and shows nothing."""
        state = getattr(self, "state", "")
        return str(LetterState(state).label) if state else ""

    @property
    def hotspot_mark_list(self) -> list[str]:
        """The complexity criteria marked on the letter, as codes (``HotSpotMark``)."""
        return [m for m in self.hotspot_marks.split(",") if m]

    @property
    def hotspot_mark_labels(self) -> list[str]:
        labels = dict(HotSpotMark.choices)
        return [str(labels.get(m, m)) for m in self.hotspot_mark_list]

    @property
    def deadline_kind(self) -> str:
        """The kind whose statutory deadlines apply: the letter's, or a mixed letter's main content."""
        return self.main_kind if self.kind == LetterKind.MIXED else self.kind


class Reception(models.Model):
    """One visit in the reception register (sổ tiếp công dân) of ``unit``: received by a leader (on a reception day,
    ``reception_day``, or another day) or by the reception office; who came (a group of ``people_count`` with its
    representatives), what about, who handled it before, whether it is within competence, what guidance or transfer
    was given (with the document's number) and the outcome. A letter handed in is registered apart (``letter``)."""

    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="receptions", verbose_name=_("đơn vị tiếp"))
    received_on = models.DateField(_("ngày tiếp"))
    receiver_kind = models.CharField(_("người tiếp"), max_length=10, choices=ReceiverKind.choices)
    receiving_leader = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("lãnh đạo tiếp"),
    )
    reception_day = models.ForeignKey(
        ReceptionDay,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="receptions",
        verbose_name=_("ngày tiếp công dân định kỳ"),
    )
    citizen_name = models.CharField(_("họ tên công dân"), max_length=255)
    citizen_address = models.CharField(_("địa chỉ"), max_length=500, blank=True)
    id_number = models.CharField(_("số CCCD/CMND"), max_length=20, blank=True)
    people_count = models.PositiveIntegerField(
        _("số người"), default=1, validators=[MinValueValidator(1), MaxValueValidator(MAX_PEOPLE)]
    )
    is_group = models.BooleanField(_("đoàn đông người"), default=False)
    representatives = models.CharField(_("người đại diện"), max_length=500, blank=True)
    summary = models.TextField(_("nội dung vụ việc"))
    kind = models.CharField(_("phân loại"), max_length=20, choices=LetterKind.choices)
    handled_by = models.CharField(_("cơ quan đã giải quyết"), max_length=500, blank=True)
    competence = models.CharField(
        _("thẩm quyền"), max_length=10, choices=Competence.choices, default=Competence.UNCLEAR
    )
    guidance = models.CharField(_("hướng dẫn, chuyển đơn"), max_length=12, choices=Guidance.choices)
    document_number = models.CharField(_("số văn bản"), max_length=60, blank=True)
    outcome = models.TextField(_("kết quả tiếp"), blank=True)
    commune = models.ForeignKey(
        Unit,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="receptions_arisen",
        verbose_name=_("phường, xã nơi phát sinh"),
    )
    letter = models.ForeignKey(
        Letter,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="receptions",
        verbose_name=_("đơn nhận khi tiếp"),
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("người vào sổ"),
    )
    created_at = models.DateTimeField(_("vào sổ lúc"), auto_now_add=True)
    updated_at = models.DateTimeField(_("cập nhật lúc"), auto_now=True)
    version = models.PositiveIntegerField(_("phiên bản"), default=1)

    class Meta:
        verbose_name = _("lượt tiếp công dân")
        verbose_name_plural = _("sổ tiếp công dân")
        ordering = ["-received_on", "-id"]
        indexes = [
            models.Index(fields=["-received_on", "-id"], name="reception_received_desc"),
            models.Index(fields=["unit", "received_on"], name="reception_unit_received"),
        ]
        constraints = [
            models.CheckConstraint(condition=Q(people_count__gte=1), name="reception_people_positive"),
            models.CheckConstraint(
                condition=Q(receiver_kind=ReceiverKind.OFFICE) | Q(receiving_leader__isnull=False),
                name="reception_leader_named",
            ),
        ]

    def __str__(self) -> str:
        day = f" ngày {self.received_on:%d/%m/%Y}" if self.received_on else ""
        # A denouncer's name is kept apart (``SignerIdentity``): its column is empty and the title names no one.
        return f"Tiếp công dân{day}: {self.citizen_name}" if self.citizen_name else f"Tiếp công dân{day}"


class HotSpot(models.Model):
    """A hot spot (điểm nóng) raised by the early warning (``petitions.hotspots``, point 7 of issue 19): why
    (``reason``), where (``commune``) and about what (``topic``; empty for a group visit with no letter), the letters
    and visits behind it, when it was raised and whether its people were told (``notified_at``: once per flag).

    ``key`` identifies the flag so the periodic scan raises and notifies it once: ``crowd:L12`` (a letter),
    ``crowd:R7`` (a visit with no letter), ``overdue:L12``, ``repeat:L12``, ``complex:L12``, and for a rise
    ``rise:<commune>:<topic>:<first day>`` (one episode: a rise still going on keeps its flag). A flag whose condition
    has gone (the letter resolved, the rise subsided) gets ``ended_on``; it stays in the list."""

    key = models.CharField(_("mã cảnh báo"), max_length=80, unique=True)
    reason = models.CharField(_("lý do"), max_length=10, choices=HotSpotReason.choices)
    commune = models.ForeignKey(
        Unit,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="hotspots",
        verbose_name=_("phường, xã nơi phát sinh"),
    )
    topic = models.CharField(_("lĩnh vực"), max_length=20, choices=Topic.choices, blank=True)
    letters = models.ManyToManyField(Letter, related_name="hotspots", blank=True, verbose_name=_("đơn thư"))
    receptions = models.ManyToManyField(
        Reception, related_name="hotspots", blank=True, verbose_name=_("lượt tiếp công dân")
    )
    detail = models.CharField(_("chi tiết"), max_length=300, blank=True)
    people = models.PositiveIntegerField(_("số người"), null=True, blank=True)
    recent = models.PositiveIntegerField(_("số đơn trong các tuần gần nhất"), null=True, blank=True)
    baseline = models.PositiveIntegerField(_("số đơn trong các tuần trước đó"), null=True, blank=True)
    raised_on = models.DateField(_("ngày cảnh báo"))
    raised_at = models.DateTimeField(_("cảnh báo lúc"))
    notified_at = models.DateTimeField(_("đã thông báo lúc"), null=True, blank=True)
    ended_on = models.DateField(_("hết cảnh báo ngày"), null=True, blank=True)

    class Meta:
        verbose_name = _("điểm nóng")
        verbose_name_plural = _("điểm nóng")
        ordering = ["-raised_at", "-id"]
        indexes = [
            models.Index(fields=["-raised_at", "-id"], name="hotspot_raised_desc"),
            models.Index(fields=["commune", "topic"], name="hotspot_commune_topic"),
        ]

    def __str__(self) -> str:
        return f"Điểm nóng: {self.get_reason_display()}"


class SignerIdentity(models.Model):
    """The protected identity of a denouncer (issue 19, point 6), kept apart from the letter or visit it belongs to:
    the name, address, ID number (and a group's representatives) **encrypted** (``token``, a Fernet token made with
    the key kept outside the database, ``petitions.identity_keys``; ``key_id`` names that key). The letter's or
    visit's own columns stay empty. Exactly one of ``letter`` and ``reception`` is set. Read and written only
    through ``petitions.identity``."""

    letter = models.OneToOneField(
        Letter, on_delete=models.CASCADE, null=True, blank=True, related_name="identity", verbose_name=_("đơn thư")
    )
    reception = models.OneToOneField(
        Reception,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="identity",
        verbose_name=_("lượt tiếp công dân"),
    )
    key_id = models.CharField(_("mã khóa mã hóa"), max_length=16)
    token = models.TextField(_("danh tính đã mã hóa"))
    updated_at = models.DateTimeField(_("cập nhật lúc"), auto_now=True)

    class Meta:
        verbose_name = _("danh tính được giữ bí mật")
        verbose_name_plural = _("danh tính được giữ bí mật")
        constraints = [
            models.CheckConstraint(
                condition=(Q(letter__isnull=False) & Q(reception__isnull=True))
                | (Q(letter__isnull=True) & Q(reception__isnull=False)),
                name="signeridentity_one_record",
            ),
        ]

    def __str__(self) -> str:
        return "Danh tính được giữ bí mật"


class LetterKey(models.Model):
    """A key of a letter in the duplicate search (petitions.similar): a content band, a fact, the sender.

    Derived from the letter's own fields (``petitions.duplicates.letter_keys_refresh``, in the letter's services),
    read and written through ``petitions.similar_store.SqlKeyStore``; ``sauro petitions rekey`` recomputes them all."""

    letter = models.ForeignKey("Letter", on_delete=models.CASCADE, related_name="similarity_keys")
    key = models.BigIntegerField(_("khóa"))  # 63-bit, always ≥ 0

    class Meta:
        db_table = "petitions_letterkey"
        verbose_name = _("khóa tìm đơn trùng")
        verbose_name_plural = _("khóa tìm đơn trùng")
        indexes = [models.Index(fields=["key", "letter"], name="petitions_letterkey_key")]

    def __str__(self) -> str:
        return f"{self.letter_id}: {self.key}"


class LetterLink(models.Model):
    """An officer's confirmation that ``letter`` is a duplicate of (repeats) the earlier ``duplicate_of``, with the
    reasons the search gave for the pair (``similar.Reason`` codes, comma-separated; empty when the search gave
    none and the officer linked them on their own judgement)."""

    letter = models.ForeignKey(Letter, on_delete=models.CASCADE, related_name="duplicate_links", verbose_name=_("đơn"))
    duplicate_of = models.ForeignKey(
        Letter, on_delete=models.CASCADE, related_name="duplicated_by", verbose_name=_("trùng với đơn")
    )
    reason = models.CharField(_("lý do"), max_length=100, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("người liên kết"),
    )
    created_at = models.DateTimeField(_("liên kết lúc"), auto_now_add=True)

    class Meta:
        verbose_name = _("liên kết đơn trùng")
        verbose_name_plural = _("liên kết đơn trùng")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["letter", "duplicate_of"], name="letterlink_one_per_pair"),
            models.CheckConstraint(condition=~Q(letter=models.F("duplicate_of")), name="letterlink_not_itself"),
        ]

    def __str__(self) -> str:
        return f"Đơn {self.letter_id} trùng với đơn {self.duplicate_of_id}"


class IntakeRequest(models.Model):
    """A letter submitted by another system through the intake API (Open311 GeoReport v2, ``petitions.open311``;
    docs/petitions.md "Intake API"): the integration account that sent it, under which idempotency key, the
    fingerprint of the body (the same key with another body is refused), the service requested, and what Open311
    carries that a letter has no column for — the coordinates of the place, a photo's address, the citizen's e-mail
    and phone.

    A key is unique per integration account and kept as long as the letter (at least 24 hours is what clients are
    promised); it links the account to the letters it may follow (``GET requests``)."""

    letter = models.OneToOneField(Letter, on_delete=models.CASCADE, related_name="intake", verbose_name=_("đơn thư"))
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("tài khoản tích hợp")
    )
    idempotency_key = models.CharField(_("khóa chống gửi trùng"), max_length=255)
    fingerprint = models.CharField(_("dấu vân tay nội dung"), max_length=64)
    service_code = models.CharField(_("mã dịch vụ"), max_length=40)
    lat = models.FloatField(_("vĩ độ"), null=True, blank=True)
    long = models.FloatField(_("kinh độ"), null=True, blank=True)
    media_url = models.URLField(_("địa chỉ ảnh, tệp đính kèm"), max_length=2000, blank=True)
    email = models.CharField(_("thư điện tử người gửi"), max_length=254, blank=True)
    phone = models.CharField(_("điện thoại người gửi"), max_length=30, blank=True)
    created_at = models.DateTimeField(_("tiếp nhận lúc"), auto_now_add=True)

    class Meta:
        verbose_name = _("yêu cầu tiếp nhận qua API")
        verbose_name_plural = _("yêu cầu tiếp nhận qua API")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["user", "idempotency_key"], name="intakerequest_one_per_key"),
            models.CheckConstraint(
                condition=Q(lat__isnull=True) | (Q(lat__gte=-90) & Q(lat__lte=90)), name="intakerequest_lat_range"
            ),
            models.CheckConstraint(
                condition=Q(long__isnull=True) | (Q(long__gte=-180) & Q(long__lte=180)),
                name="intakerequest_long_range",
            ),
        ]

    def __str__(self) -> str:
        return f"Yêu cầu {self.service_code} ({self.idempotency_key})"
