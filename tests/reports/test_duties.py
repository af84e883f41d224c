"""Report duties: generation (idempotent), submission, timeliness in SQL, reminders and restructuring."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from sauro.audit.models import AuditEntry
from sauro.common.errors import PermissionDeniedError, ValidationFailed
from sauro.dashboard.stats import late_reports
from sauro.notifications.models import Notification
from sauro.org.services import units_merge
from sauro.reports.choices import DutyState, RegimeScope, ReportKind, Timeliness
from sauro.reports.models import ReportDuty, ReportRegime
from sauro.reports.selectors import duty_list, report_timeliness
from sauro.reports.services import ERR_EMPTY, ERR_NOT_UNIT_HEAD, report_reminders, report_submit, reports_generate

D = datetime.date


def keys(unit: Any) -> set[tuple[str, str]]:
    return set(ReportDuty.objects.filter(unit=unit).values_list("kind", "period_key"))


def test_default_regimes_are_seeded(db: Any) -> None:
    kinds = set(ReportRegime.objects.filter(committee__isnull=True, active=True).values_list("kind", flat=True))
    assert kinds == {"monthly", "quarterly", "half_year", "nine_month", "yearly"}


def test_generation_covers_agencies_and_communes_and_is_idempotent(org: Any, today: Any) -> None:
    today.set(D(2026, 1, 5))
    first = reports_generate(as_of=D(2026, 1, 5))
    expected = {
        ("monthly", "2025-11"),
        ("monthly", "2025-12"),
        ("monthly", "2026-01"),
        ("quarterly", "2025Q4"),
        ("quarterly", "2026Q1"),
        ("half_year", "2026H1"),
        ("nine_month", "2026M9"),
        ("yearly", "2025"),
        ("yearly", "2026"),
    }
    for unit in (org.office, org.btc, org.ubkt, org.phuxuan, org.ancuu):
        assert keys(unit) == expected
    for unit in (org.city, org.standing, org.btc_dept):
        assert keys(unit) == set()
    assert first.created == 5 * len(expected)
    duty = ReportDuty.objects.get(unit=org.btc, kind="quarterly", period_key="2026Q1")
    assert (duty.cutoff_start, duty.cutoff_end, duty.due_on, duty.label) == (
        D(2025, 12, 15),
        D(2026, 3, 14),
        D(2026, 3, 17),
        "Quý I năm 2026",
    )
    assert AuditEntry.objects.filter(action="report_duty.generate").count() == 1
    again = reports_generate(as_of=D(2026, 1, 5))
    assert again.created == 0
    assert ReportDuty.objects.count() == first.created
    assert AuditEntry.objects.filter(action="report_duty.generate").count() == 1


def test_a_regime_for_communes_with_its_own_due_days(org: Any, today: Any) -> None:
    ReportRegime.objects.update(active=False)
    ReportRegime.objects.create(kind=ReportKind.QUARTERLY, scope=RegimeScope.COMMUNES, due_working_days=5)
    reports_generate(as_of=D(2026, 2, 20))
    assert keys(org.phuxuan) == keys(org.ancuu) == {("quarterly", "2026Q1")}
    assert keys(org.btc) == set()
    # 14 Mar 2026 (Saturday) + 5 working days → Friday 20 Mar.
    assert ReportDuty.objects.get(unit=org.phuxuan).due_on == D(2026, 3, 20)


@pytest.fixture
def q1_duties(org: Any, today: Any) -> dict[str, ReportDuty]:
    ReportRegime.objects.exclude(kind=ReportKind.QUARTERLY).update(active=False)
    reports_generate(as_of=D(2026, 3, 2))
    return {
        d.unit.code: d for d in ReportDuty.objects.filter(kind="quarterly", period_key="2026Q1").select_related("unit")
    }


def test_submission_by_the_unit_head_on_time_and_late(org: Any, today: Any, q1_duties: dict[str, ReportDuty]) -> None:
    today.set(D(2026, 3, 17))  # the due day
    s = report_submit(acting_user=org.btc_head, duty=q1_duties["BTCTU"], text="  Báo cáo sơ kết quý I …  ")
    assert s.text == "Báo cáo sơ kết quý I …"
    duty = ReportDuty.objects.get(pk=q1_duties["BTCTU"].pk)
    assert (duty.state, duty.submitted_on) == (DutyState.SUBMITTED, D(2026, 3, 17))
    today.set(D(2026, 3, 18))
    report_submit(acting_user=org.phuxuan_head, duty=q1_duties["P-PHUXUAN"], text="Báo cáo muộn")
    # A correction later does not move the first submission's date.
    report_submit(acting_user=org.btc_head, duty=q1_duties["BTCTU"], text="Bản sửa")
    assert ReportDuty.objects.get(pk=q1_duties["BTCTU"].pk).submitted_on == D(2026, 3, 17)
    states = {d.unit.code: d.timeliness for d in duty_list(user=org.leader, as_of=D(2026, 3, 18))}  # type: ignore[attr-defined]
    assert states == {
        "BTCTU": Timeliness.ON_TIME,
        "P-PHUXUAN": Timeliness.LATE,
        "P-ANCUU": Timeliness.MISSING,
        "VPTU": Timeliness.MISSING,
        "UBKTTU": Timeliness.MISSING,
    }
    # On the due day nothing is missing yet.
    on_due = {d.unit.code: d.timeliness for d in duty_list(user=org.leader, as_of=D(2026, 3, 17))}  # type: ignore[attr-defined]
    assert on_due["P-ANCUU"] == Timeliness.NOT_DUE and on_due["BTCTU"] == Timeliness.ON_TIME
    assert on_due["P-PHUXUAN"] == Timeliness.NOT_DUE  # submitted after that day


def test_only_the_head_of_the_unit_submits(org: Any, today: Any, q1_duties: dict[str, ReportDuty]) -> None:
    for user in (org.btc_officer, org.phuxuan_head, org.monitor):
        with pytest.raises(PermissionDeniedError) as e:
            report_submit(acting_user=user, duty=q1_duties["BTCTU"], text="x")
        assert e.value.message == ERR_NOT_UNIT_HEAD
    with pytest.raises(ValidationFailed) as e2:
        report_submit(acting_user=org.btc_head, duty=q1_duties["BTCTU"], text="   ")
    assert e2.value.message == ERR_EMPTY
    assert ReportDuty.objects.get(pk=q1_duties["BTCTU"].pk).state == DutyState.PENDING


def test_submission_of_a_file(
    org: Any, today: Any, q1_duties: dict[str, ReportDuty], settings: Any, tmp_path: Any
) -> None:
    settings.MEDIA_ROOT = tmp_path
    upload = SimpleUploadedFile("Báo cáo quý I.pdf", b"%PDF-1.4\n%test\n", content_type="application/pdf")
    s = report_submit(acting_user=org.ancuu_head, duty=q1_duties["P-ANCUU"], upload=upload)
    assert s.original_name == "Báo cáo quý I.pdf" and s.content_type == "application/pdf" and s.file.name
    fake = SimpleUploadedFile("bao-cao.pdf", b"MZ not a pdf", content_type="application/pdf")
    with pytest.raises(ValidationFailed):
        report_submit(acting_user=org.phuxuan_head, duty=q1_duties["P-PHUXUAN"], upload=fake)


def test_timeliness_per_unit_for_the_league_table(org: Any, today: Any, q1_duties: dict[str, ReportDuty]) -> None:
    today.set(D(2026, 3, 16))
    report_submit(acting_user=org.btc_head, duty=q1_duties["BTCTU"], text="Đúng hạn")
    today.set(D(2026, 3, 20))
    report_submit(acting_user=org.phuxuan_head, duty=q1_duties["P-PHUXUAN"], text="Muộn")
    ids = [org.btc.pk, org.phuxuan.pk, org.ancuu.pk, org.city.pk]
    t = report_timeliness(unit_ids=ids, start=D(2026, 1, 1), end=D(2026, 3, 31), as_of=D(2026, 3, 25))
    got = {pk: (x.expected, x.on_time, x.late, x.missing) for pk, x in t.items()}
    assert got == {
        org.btc.pk: (1, 1, 0, 0),
        org.phuxuan.pk: (1, 0, 1, 0),
        org.ancuu.pk: (1, 0, 0, 1),
        org.city.pk: (0, 0, 0, 0),
    }
    assert t[org.btc.pk].on_time_rate == 100.0 and t[org.city.pk].on_time_rate is None
    # Before the due day nothing is expected yet; outside the window nothing counts.
    early = report_timeliness(unit_ids=ids, start=D(2026, 1, 1), end=D(2026, 3, 31), as_of=D(2026, 3, 10))
    assert all(x.expected == 0 for x in early.values()) and early[org.ancuu.pk].not_due == 1
    assert (
        report_timeliness(unit_ids=ids, start=D(2026, 4, 1), end=D(2026, 6, 30), as_of=D(2026, 7, 1))[
            org.ancuu.pk
        ].expected
        == 0
    )
    # The dashboard's league table reads late or missing reports from here.
    assert late_reports(ids, D(2026, 1, 1), D(2026, 3, 31), D(2026, 3, 25)) == {
        org.btc.pk: 0,
        org.phuxuan.pk: 1,
        org.ancuu.pk: 1,
        org.city.pk: 0,
    }


def test_timeliness_is_one_query(
    org: Any, today: Any, q1_duties: dict[str, ReportDuty], django_assert_num_queries: Any
) -> None:
    with django_assert_num_queries(1):
        report_timeliness(
            unit_ids=[org.btc.pk, org.ancuu.pk], start=D(2026, 1, 1), end=D(2026, 3, 31), as_of=D(2026, 4, 1)
        )


def test_reminders_on_the_due_day_and_while_overdue(org: Any, today: Any, q1_duties: dict[str, ReportDuty]) -> None:
    today.set(D(2026, 3, 17))
    report_submit(acting_user=org.btc_head, duty=q1_duties["BTCTU"], text="Đã gửi")
    assert report_reminders(as_of=D(2026, 3, 17)) == 4  # every pending duty due today
    assert report_reminders(as_of=D(2026, 3, 17)) == 0  # at most once a day
    mine = Notification.objects.filter(recipient=org.ancuu_head)
    assert mine.count() == 1 and "Hôm nay là hạn gửi" in mine.get().title
    assert mine.get().url == f"/bao-cao/{q1_duties['P-ANCUU'].pk}/"
    assert not Notification.objects.filter(recipient=org.btc_head).exists()
    assert report_reminders(as_of=D(2026, 3, 18)) == 4
    assert "đã quá hạn gửi" in Notification.objects.filter(recipient=org.ancuu_head).latest("id").title
    assert report_reminders(as_of=D(2026, 3, 21)) == 0  # Saturday: nothing on a day off


def test_sending_the_report_resolves_its_reminders(org: Any, today: Any, q1_duties: dict[str, ReportDuty]) -> None:
    """Issue 17: once the unit's report is sent, "due today" and "overdue" leave the bell of every head."""
    today.set(D(2026, 3, 17))
    report_reminders(as_of=D(2026, 3, 17))
    today.set(D(2026, 3, 18))
    report_reminders(as_of=D(2026, 3, 18))
    reminders = Notification.objects.filter(recipient=org.ancuu_head)
    assert reminders.count() == 2 and not reminders.filter(resolved_at__isnull=False).exists()
    other = Notification.objects.filter(recipient=org.phuxuan_head)
    report_submit(acting_user=org.ancuu_head, duty=q1_duties["P-ANCUU"], text="Báo cáo muộn")
    assert reminders.filter(resolved_at__isnull=False, resolved_reason="Báo cáo đã được gửi").count() == 2
    assert not other.filter(resolved_at__isnull=False).exists()  # another unit's duty is still owed


def test_merged_units_pass_their_pending_duties_to_the_successor(
    org: Any, today: Any, q1_duties: dict[str, ReportDuty]
) -> None:
    today.set(D(2026, 3, 16))
    ReportRegime.objects.filter(kind=ReportKind.YEARLY).update(active=True)
    ReportDuty.objects.filter(unit=org.ancuu).filter(kind="quarterly").delete()
    reports_generate(as_of=D(2026, 3, 16))  # yearly 2026 and Q2 for everybody, Q1 again for An Cựu
    report_submit(acting_user=org.phuxuan_head, duty=ReportDuty.objects.get(unit=org.phuxuan, kind="yearly"), text="x")
    ReportDuty.objects.filter(unit=org.ancuu, kind="quarterly", period_key="2026Q1").delete()
    units_merge(acting_user=org.admin, predecessors=[org.phuxuan], successor=org.ancuu, on_date=D(2026, 3, 16))
    # Q1 (pending, An Cựu has none) moved; Q2 (pending, An Cựu has its own) merged into An Cựu's; the submitted
    # yearly report stays with Phú Xuân as history.
    assert keys(org.ancuu) == {("quarterly", "2026Q1"), ("quarterly", "2026Q2"), ("yearly", "2026")}
    assert keys(org.phuxuan) == {("yearly", "2026")}
    assert AuditEntry.objects.filter(action="report_duty.succeed").count() == 1
    assert AuditEntry.objects.filter(action="report_duty.merge").count() == 1


def test_a_duplicate_pending_duty_is_merged_into_the_successors(
    org: Any, today: Any, q1_duties: dict[str, ReportDuty]
) -> None:
    today.set(D(2026, 3, 16))
    units_merge(acting_user=org.admin, predecessors=[org.phuxuan], successor=org.ancuu, on_date=D(2026, 3, 16))
    assert keys(org.phuxuan) == set()
    assert ReportDuty.objects.filter(unit=org.ancuu, kind="quarterly", period_key="2026Q1").count() == 1
    assert AuditEntry.objects.filter(action="report_duty.merge").count() == 1


def test_the_daily_pass_generates_duties_and_reminds(org: Any, today: Any, settings: Any) -> None:
    from sauro.daily.jobs import run_daily_pass

    ReportRegime.objects.exclude(kind=ReportKind.QUARTERLY).update(active=False)
    today.set(D(2026, 3, 17))  # the due day of Q1 2026
    summary: Any = run_daily_pass.call(day="2026-03-17")
    assert summary["reports"]["duties_created"] == 10  # Q1 (due today) and Q2 (current) for five units
    assert summary["reports"]["reminded"] == 5
    again: Any = run_daily_pass.call(day="2026-03-17")
    assert again["reports"] == {"duties_created": 0, "reminded": 0}


def test_ad_hoc_report_asked_by_the_office(org: Any, today: Any) -> None:
    from sauro.reports.services import ERR_AD_HOC_RIGHT, report_request_ad_hoc

    today.set(D(2026, 4, 20))
    duties = report_request_ad_hoc(
        acting_user=org.monitor,
        units=[org.phuxuan, org.ancuu],
        title="Tình hình tiếp công dân dịp lễ",
        cutoff_start=D(2026, 4, 1),
        cutoff_end=D(2026, 4, 20),
        due_on=D(2026, 4, 30),  # 30/4 is a holiday: due on the next working day
    )
    assert {d.unit_id for d in duties} == {org.phuxuan.pk, org.ancuu.pk}
    assert {d.period_key for d in duties} == {"DX2026-0001"} and duties[0].due_on == D(2026, 5, 4)
    assert str(duties[0]) == "Báo cáo đột xuất: Tình hình tiếp công dân dịp lễ"
    second = report_request_ad_hoc(
        acting_user=org.leader,
        units=[org.btc],
        title="Nhân sự",
        cutoff_start=D(2026, 4, 1),
        cutoff_end=D(2026, 4, 20),
        due_on=D(2026, 4, 22),
    )
    assert second[0].period_key == "DX2026-0002"
    with pytest.raises(PermissionDeniedError) as e:
        report_request_ad_hoc(
            acting_user=org.btc_head,
            units=[org.btc],
            title="x",
            cutoff_start=D(2026, 4, 1),
            cutoff_end=D(2026, 4, 20),
            due_on=D(2026, 4, 22),
        )
    assert e.value.message == ERR_AD_HOC_RIGHT
    with pytest.raises(ValidationFailed):
        report_request_ad_hoc(
            acting_user=org.monitor,
            units=[org.btc],
            title="x",
            cutoff_start=D(2026, 4, 21),
            cutoff_end=D(2026, 4, 20),
            due_on=D(2026, 4, 22),
        )
