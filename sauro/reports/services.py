"""Every write of the reporting app: generating duties, submitting reports, reminders, restructuring."""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.urls import reverse

from sauro.accounts.models import User
from sauro.audit.services import audit_record
from sauro.common import calendar, clock
from sauro.common.errors import Conflict, PermissionDeniedError, ValidationFailed
from sauro.common.uploads import check_upload
from sauro.notifications.choices import NotificationKind
from sauro.notifications.services import resolve_for, subject_key
from sauro.org.choices import Role, UnitKind
from sauro.org.models import Membership, Unit
from sauro.org.restructuring import Succession
from sauro.periods import regime as regime_mod
from sauro.reports.choices import DutyState, RegimeScope, ReportKind
from sauro.reports.models import ReportDuty, ReportRegime, ReportReminderLog, ReportSubmission

ERR_NOT_UNIT_HEAD = "Chỉ lãnh đạo đơn vị mới gửi được báo cáo của đơn vị."
ERR_EMPTY = "Hãy nhập nội dung báo cáo hoặc tải lên tệp báo cáo."
ERR_STALE = "Báo cáo này vừa được người khác cập nhật. Hãy tải lại trang rồi thử lại."

# Unit kinds each regime scope covers (the committee's agencies and its commune-level committees; departments
# report through their agency).
AGENCY_KINDS = (UnitKind.AGENCY, UnitKind.PARTY_COMMITTEE, UnitKind.PRESS)
COMMUNE_KINDS = (UnitKind.WARD, UnitKind.COMMUNE)
SCOPE_KINDS: dict[str, tuple[str, ...]] = {
    RegimeScope.AGENCIES_AND_COMMUNES: AGENCY_KINDS + COMMUNE_KINDS,
    RegimeScope.AGENCIES: AGENCY_KINDS,
    RegimeScope.COMMUNES: COMMUNE_KINDS,
}
# How far back a generation pass fills in periods it missed (e.g. the worker was down).
CATCH_UP_DAYS = 62


def regime_units(regime: ReportRegime, day: datetime.date) -> list[Unit]:
    """The units ``regime`` applies to on ``day``: active units of the scope's kinds in its committee(s)."""
    qs = Unit.objects.filter(kind__in=SCOPE_KINDS[regime.scope], valid_from__lte=day).filter(
        Q(valid_to__isnull=True) | Q(valid_to__gte=day)
    )
    if regime.committee_id is not None:
        qs = qs.filter(path__startswith=regime.committee.path)  # type: ignore[union-attr]
    return list(qs.order_by("path"))


def _periods_for(regime: ReportRegime, as_of: datetime.date) -> list[regime_mod.ReportPeriod]:
    """The current period of the regime's kind and the ones that ended in the catch-up window."""
    found = {
        p.key: p
        for p in regime_mod.periods_ending_between(
            regime.kind, as_of - datetime.timedelta(days=CATCH_UP_DAYS), as_of, due_days=regime.due_working_days
        )
    }
    current = regime_mod.period_containing(regime.kind, as_of, due_days=regime.due_working_days)
    if current is not None:
        found[current.key] = current
    return sorted(found.values(), key=lambda p: p.cutoff_end)


@dataclass
class GenerationResult:
    created: int = 0
    periods: list[str] = field(default_factory=list)


def reports_generate(*, as_of: datetime.date | None = None, acting_user: User | None = None) -> GenerationResult:
    """Create the report duties every active regime implies on ``as_of`` (default today): for each unit it applies
    to, the period containing ``as_of`` and those ended in the last ``CATCH_UP_DAYS`` days. Idempotent: an
    existing duty (unique unit, kind, period) is left as it is, so a second pass — or two workers — create nothing.
    """
    day = as_of or clock.today()
    result = GenerationResult()
    now = clock.now()
    with transaction.atomic():
        for regime in (
            ReportRegime.objects.filter(active=True).exclude(kind=ReportKind.AD_HOC).select_related("committee")
        ):
            for p in _periods_for(regime, day):
                units = [u for u in regime_units(regime, day) if u.valid_from <= p.cutoff_end]
                existing = set(
                    ReportDuty.objects.filter(kind=p.kind, period_key=p.key, unit__in=units).values_list(
                        "unit_id", flat=True
                    )
                )
                rows = [
                    ReportDuty(
                        unit=u,
                        kind=p.kind,
                        period_key=p.key,
                        label=p.label,
                        cutoff_start=p.cutoff_start,
                        cutoff_end=p.cutoff_end,
                        due_on=p.due_on,
                        regime=regime,
                        created_at=now,
                    )
                    for u in units
                    if u.pk not in existing
                ]
                if not rows:
                    continue
                created = ReportDuty.objects.bulk_create(rows, ignore_conflicts=True)
                result.created += len(created)
                result.periods.append(f"{p.kind}:{p.key}")
        if result.created:
            audit_record(
                acting_user=acting_user,
                action="report_duty.generate",
                object_type="reports.reportduty",
                summary=f"Tạo {result.created} nghĩa vụ báo cáo ({', '.join(result.periods)}) ngày {day:%d/%m/%Y}",
                after={"created": result.created, "periods": result.periods, "as_of": day.isoformat()},
            )
    return result


def heads_unit(user: User, unit: Unit, day: datetime.date) -> bool:
    """The user is the head (or deputy) of ``unit`` on ``day``: who submits the unit's reports (PRODUCT §2)."""
    if not user.is_active:
        return False
    return Membership.objects.active_on(day).filter(person=user, unit=unit, role=Role.UNIT_HEAD).exists()


def report_submit(
    *,
    acting_user: User,
    duty: ReportDuty,
    text: str = "",
    upload: UploadedFile | None = None,
    note: str = "",
    expected_version: int | None = None,
) -> ReportSubmission:
    """The unit head sends the unit's report for ``duty``: the edited draft (``text``) or a file (``upload``).

    The first submission fixes the duty's ``submitted_on`` (what timeliness is measured on); later ones are
    corrections, kept as history."""
    today = clock.today()
    with transaction.atomic():
        duty = ReportDuty.objects.select_for_update().select_related("unit").get(pk=duty.pk)
        if expected_version is not None and duty.version != expected_version:
            raise Conflict(ERR_STALE)
        if not heads_unit(acting_user, duty.unit, today):
            raise PermissionDeniedError(ERR_NOT_UNIT_HEAD)
        text = (text or "").strip()
        checked = check_upload(upload) if upload is not None else None
        if not text and checked is None:
            raise ValidationFailed(ERR_EMPTY, fields={"text": ERR_EMPTY})
        submission = ReportSubmission(
            duty=duty,
            submitted_by=acting_user,
            submitted_at=clock.now(),
            submitted_on=today,
            text=text,
            note=(note or "").strip()[:300],
        )
        if checked is not None and upload is not None:
            submission.original_name = checked.name
            submission.size = checked.size
            submission.content_type = checked.content_type
            submission.file.save(f"bao-cao{checked.extension}", upload, save=False)
        submission.save()
        before = {"state": duty.state, "submitted_on": duty.submitted_on.isoformat() if duty.submitted_on else None}
        if duty.state == DutyState.PENDING:
            duty.state = DutyState.SUBMITTED
            duty.submitted_on = today
            # The reminders to send it are moot for every head of the unit.
            resolve_for(
                subject=subject_key("report_duty", duty.pk),
                kinds=[NotificationKind.DUE_TODAY, NotificationKind.OVERDUE],
                by=acting_user,
                reason="Báo cáo đã được gửi",
            )
        duty.version += 1
        duty.save(update_fields=["state", "submitted_on", "version"])
        late = duty.submitted_on is not None and duty.submitted_on > duty.due_on
        audit_record(
            acting_user=acting_user,
            action="report.submit",
            obj=submission,
            unit_id=duty.unit_id,
            summary=f"{duty.unit.name} gửi {duty}" + (" (quá hạn)" if late else ""),
            before=before,
            after={
                "state": duty.state,
                "submitted_on": duty.submitted_on.isoformat() if duty.submitted_on else None,
                "file": submission.original_name,
                "text_length": len(text),
            },
        )
    return submission


ERR_AD_HOC_RIGHT = "Chỉ Văn phòng (theo dõi, tổng hợp) hoặc lãnh đạo cấp ủy mới yêu cầu được báo cáo đột xuất."
ERR_AD_HOC_TITLE = "Hãy nêu nội dung yêu cầu báo cáo."
ERR_AD_HOC_UNITS = "Hãy chọn ít nhất một đơn vị phải báo cáo."
ERR_AD_HOC_DATES = (
    "Thời gian chốt số liệu không hợp lệ: ngày bắt đầu phải trước ngày kết thúc, hạn gửi không trước ngày kết thúc."
)


def report_request_ad_hoc(
    *,
    acting_user: User,
    units: list[Unit],
    title: str,
    cutoff_start: datetime.date,
    cutoff_end: datetime.date,
    due_on: datetime.date,
) -> list[ReportDuty]:
    """An ad hoc report (báo cáo đột xuất) asked of ``units`` by the monitoring office or a leader: one duty per
    unit under a new key ``DX<year>-<n>``; the due day is moved to a working day (Civil Code Art. 148(5))."""
    from sauro.org.access import units_visible_to, user_scope

    if not user_scope(acting_user).has_role(Role.MONITOR, Role.LEADER):
        raise PermissionDeniedError(ERR_AD_HOC_RIGHT)
    title = " ".join((title or "").split())[:60]
    if not title:
        raise ValidationFailed(ERR_AD_HOC_TITLE, fields={"title": ERR_AD_HOC_TITLE})
    visible = set(units_visible_to(acting_user).filter(pk__in=[u.pk for u in units]).values_list("pk", flat=True))
    chosen = [u for u in units if u.pk in visible]
    if not chosen:
        raise ValidationFailed(ERR_AD_HOC_UNITS, fields={"units": ERR_AD_HOC_UNITS})
    if cutoff_start > cutoff_end or due_on < cutoff_end:
        raise ValidationFailed(ERR_AD_HOC_DATES, fields={"due_on": ERR_AD_HOC_DATES})
    due = calendar.deadline_on_or_after(due_on)
    now = clock.now()
    with transaction.atomic():
        prefix = f"DX{due.year}-"
        taken = ReportDuty.objects.filter(kind=ReportKind.AD_HOC, period_key__startswith=prefix)
        n = taken.values("period_key").distinct().count() + 1
        key = f"{prefix}{n:04d}"
        try:
            with transaction.atomic():
                duties = ReportDuty.objects.bulk_create(
                    [
                        ReportDuty(
                            unit=u,
                            kind=ReportKind.AD_HOC,
                            period_key=key,
                            label=title,
                            cutoff_start=cutoff_start,
                            cutoff_end=cutoff_end,
                            due_on=due,
                            created_at=now,
                        )
                        for u in chosen
                    ]
                )
        except IntegrityError as e:
            raise Conflict(ERR_STALE) from e
        audit_record(
            acting_user=acting_user,
            action="report_duty.request_ad_hoc",
            object_type="reports.reportduty",
            object_id=key,
            object_repr=f"Báo cáo đột xuất: {title}",
            summary=f"Yêu cầu báo cáo đột xuất “{title}” của {len(duties)} đơn vị, hạn {due:%d/%m/%Y}",
            after={"key": key, "units": [u.pk for u in chosen], "due_on": due.isoformat()},
        )
    return duties


# --- reminders ------------------------------------------------------------------------------------------------------


def report_reminders(*, as_of: datetime.date | None = None) -> int:
    """Remind the heads of units whose report is due today or overdue (daily while missing); each reminder at most
    once per duty and day (``ReportReminderLog``). Nothing on a day off. Returns the reminders sent."""
    from sauro.notifications.services import notify

    day = as_of or clock.today()
    if not calendar.is_working_day(day):
        return 0
    sent = 0
    duties = ReportDuty.objects.filter(state=DutyState.PENDING, due_on__lte=day).select_related("unit")
    for duty in duties.order_by("due_on", "id"):
        kind = "due_today" if duty.due_on == day else "overdue"
        heads = list(
            Membership.objects.active_on(day)
            .filter(unit_id=duty.unit_id, role=Role.UNIT_HEAD, person__is_active=True)
            .values_list("person_id", flat=True)
        )
        try:
            with transaction.atomic():
                ReportReminderLog.objects.create(duty=duty, kind=kind, day=day, recipients=len(heads))
                if kind == "due_today":
                    title = f"Hôm nay là hạn gửi {duty} của {duty.unit.name}"
                    notification_kind = NotificationKind.DUE_TODAY
                else:
                    title = f"{duty} của {duty.unit.name} đã quá hạn gửi (hạn {duty.due_on:%d/%m/%Y})"
                    notification_kind = NotificationKind.OVERDUE
                notify(
                    recipients=heads,
                    kind=notification_kind,
                    title=title,
                    url=reverse("reports:duty", args=[duty.pk]),
                    subject=subject_key("report_duty", duty.pk),
                )
        except IntegrityError:
            continue  # already reminded today (another pass or worker)
        sent += 1
    return sent


# --- restructuring ----------------------------------------------------------------------------------------------------


def report_duties_move_to_successor(succession: Succession) -> int:
    """Registered with org.restructuring: the pending report duties of a merged unit pass to its successor.

    A duty the successor already owes for the same period is not duplicated: the predecessor's pending one is
    removed (its report is the successor's). Submitted duties stay with the predecessor, as history."""
    old, new = succession.predecessor, succession.successor
    moved = 0
    for duty in ReportDuty.objects.select_for_update().filter(unit=old, state=DutyState.PENDING).order_by("id"):
        before = {"unit_id": old.pk, "unit": old.name}
        duplicate = ReportDuty.objects.filter(unit=new, kind=duty.kind, period_key=duty.period_key).exists()
        label = str(duty)
        if duplicate:
            duty_id = duty.pk
            duty.delete()
            audit_record(
                acting_user=succession.acting_user,
                action="report_duty.merge",
                object_type="reports.reportduty",
                object_id=str(duty_id),
                object_repr=label,
                unit_id=new.pk,
                summary=f"{label} của “{old.name}” gộp vào báo cáo của “{new.name}”",
                before=before,
                after={"unit_id": new.pk, "unit": new.name},
            )
        else:
            duty.unit = new
            duty.version += 1
            duty.save(update_fields=["unit", "version"])
            audit_record(
                acting_user=succession.acting_user,
                action="report_duty.succeed",
                obj=duty,
                unit_id=new.pk,
                summary=f"{label}: “{old.name}” sáp nhập vào “{new.name}”",
                before=before,
                after={"unit_id": new.pk, "unit": new.name},
            )
        moved += 1
    return moved
