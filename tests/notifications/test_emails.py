"""notify() and the e-mail copies: who is notified, who is mailed, when (after commit only), what the mail says,
the daily digest, and that nothing is ever mailed twice or lost on a failure."""

from __future__ import annotations

import datetime
import logging
from typing import Any

import pytest
from django.core import mail
from django.core.mail.backends.base import BaseEmailBackend
from django.db import connection, transaction
from django.utils import timezone

from sauro.accounts.models import User
from sauro.common import clock
from sauro.notifications import emails
from sauro.notifications.choices import EmailMode, EmailState, NotificationKind
from sauro.notifications.models import Notification
from sauro.notifications.services import notification_preference_set, notify
from tests.conftest import Org

BASE = "https://sauro.hue.gov.vn"
_ON_POSTGRESQL = connection.vendor == "postgresql"
MORNING = timezone.make_aware(datetime.datetime(2026, 3, 10, 6, 30))


@pytest.fixture(autouse=True)
def _base_url(settings: Any) -> None:
    settings.SAURO_BASE_URL = BASE


@pytest.fixture
def at(monkeypatch: pytest.MonkeyPatch) -> Any:
    """Set the clock: ``at(moment)``; starts at MORNING."""
    state = {"now": MORNING}
    monkeypatch.setattr(clock, "now", lambda: state["now"])

    def move(moment: datetime.datetime) -> None:
        state["now"] = moment

    return move


class FailingBackend(BaseEmailBackend):
    def send_messages(self, email_messages: Any) -> int:
        raise ConnectionRefusedError("máy chủ thư không trả lời")


def states(*users: User) -> dict[str, str]:
    rows = Notification.objects.filter(recipient__in=users).values_list("recipient__username", "email_state")
    return dict(rows)


def issue(org: Org, *recipients: User, title: str = "Nhiệm vụ mới: Rà soát quy hoạch cán bộ", **kw: Any) -> list[Any]:
    return notify(
        recipients=recipients,
        kind=kw.pop("kind", NotificationKind.TASK_ISSUED),
        title=title,
        body=kw.pop("body", "Hạn hoàn thành: 31/03/2026."),
        url=kw.pop("url", "/nhiem-vu/5/"),
        actor=kw.pop("actor", org.monitor),
        **kw,
    )


# --- notify ------------------------------------------------------------------------------------------------------


def test_notify_skips_the_actor_and_inactive_people_and_sets_the_email_state(with_emails: Org) -> None:
    org = with_emails
    notification_preference_set(acting_user=org.phuxuan_head, email_mode=EmailMode.NONE)
    notification_preference_set(acting_user=org.ancuu_head, email_mode=EmailMode.DIGEST)
    User.objects.filter(pk=org.leader.pk).update(is_active=False)

    created = notify(
        recipients=[
            org.btc_head,
            org.btc_officer,
            org.btc_officer.pk,
            org.ancuu_officer,
            org.phuxuan_head,
            org.ancuu_head,
            org.leader,
            None,
        ],
        kind=NotificationKind.TASK_ISSUED,
        title="Nhiệm vụ mới",
        actor=org.btc_head,
    )

    assert len(created) == 4  # once each; not the actor, not the inactive leader
    assert states(*User.objects.all()) == {
        "chuyenvien.btc": EmailState.PENDING,  # immediate by default, has an address
        "cv.ancuu": EmailState.NOT_NEEDED,  # no address
        "phuxuan": EmailState.NOT_NEEDED,  # chose no e-mail
        "ancuu": EmailState.PENDING,  # digest: pending until the morning digest
    }


def test_notify_with_nobody_left_creates_nothing(with_emails: Org) -> None:
    assert notify(recipients=[with_emails.btc_head], kind="task_issued", title="x", actor=with_emails.btc_head) == []
    assert not Notification.objects.exists()


# --- immediate mails -------------------------------------------------------------------------------------------


def test_immediate_mail_is_sent_after_commit_with_subject_link_and_footer(
    with_emails: Org, immediate_tasks: None, django_capture_on_commit_callbacks: Any
) -> None:
    org = with_emails
    notification_preference_set(acting_user=org.ancuu_head, email_mode=EmailMode.DIGEST)

    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        issue(org, org.btc_officer, org.ancuu_head)
        assert mail.outbox == []  # nothing before the commit

    assert len(callbacks) == 1
    assert len(mail.outbox) == 1  # the digest person waits for the morning
    message = mail.outbox[0]
    assert message.to == ["chuyenvien.btc@hue.gov.vn"]
    assert message.subject == "[Sáu Rõ] Nhiệm vụ mới: Rà soát quy hoạch cán bộ"
    assert "Kính gửi Phạm Thị Chuyên," in message.body
    assert "Hạn hoàn thành: 31/03/2026." in message.body
    assert f"{BASE}/nhiem-vu/5/" in message.body
    assert f"{BASE}/thong-bao/cai-dat/" in message.body
    assert "Bạn nhận được thư này vì" in message.body
    row = Notification.objects.get(recipient=org.btc_officer)
    assert row.email_state == EmailState.SENT
    assert row.emailed_at is not None
    assert Notification.objects.get(recipient=org.ancuu_head).email_state == EmailState.PENDING


def test_a_rolled_back_change_mails_nobody(
    with_emails: Org, immediate_tasks: None, django_capture_on_commit_callbacks: Any
) -> None:
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        try:
            with transaction.atomic():
                issue(with_emails, with_emails.btc_officer)
                raise RuntimeError("the business change failed")
        except RuntimeError:
            pass
    assert callbacks == []
    assert mail.outbox == []
    assert not Notification.objects.exists()


def test_immediate_sending_is_idempotent(with_emails: Org) -> None:
    rows = issue(with_emails, with_emails.btc_officer, with_emails.ancuu_officer, with_emails.phuxuan_head)
    ids = [n.pk for n in rows]
    assert emails.send_immediate(ids) == 2  # the one without an address is not pending
    assert emails.send_immediate(ids) == 0  # a second run (or a second worker) finds nothing pending
    assert emails.send_immediate([]) == 0
    assert len(mail.outbox) == 2


def test_a_failed_mail_is_logged_and_the_notification_kept(
    with_emails: Org, settings: Any, caplog: pytest.LogCaptureFixture
) -> None:
    settings.EMAIL_BACKEND = f"{__name__}.FailingBackend"
    rows = issue(with_emails, with_emails.btc_officer)
    with caplog.at_level(logging.ERROR, logger="sauro.notifications.emails"):
        assert emails.send_immediate([rows[0].pk]) == 0
    row = Notification.objects.get(pk=rows[0].pk)
    assert row.email_state == EmailState.FAILED
    assert row.emailed_at is None
    assert row.read_at is None  # still in the person's list
    assert "Gửi thư thông báo không thành công" in caplog.text


def test_a_mail_never_links_off_site_and_its_subject_is_one_line(with_emails: Org) -> None:
    rows = issue(with_emails, with_emails.btc_officer, title="Dòng một\nDòng hai", url="https://evil.example/x")
    emails.send_immediate([rows[0].pk])
    message = mail.outbox[0]
    assert message.subject == "[Sáu Rõ] Dòng một Dòng hai"
    assert "evil.example" not in message.body
    assert f"{BASE}/thong-bao/" in message.body


def test_an_address_removed_before_sending_makes_the_mail_not_needed(with_emails: Org) -> None:
    rows = issue(with_emails, with_emails.btc_officer)
    User.objects.filter(pk=with_emails.btc_officer.pk).update(email="")
    assert emails.send_immediate([rows[0].pk]) == 0
    assert Notification.objects.get(pk=rows[0].pk).email_state == EmailState.NOT_NEEDED


# --- the daily digest -----------------------------------------------------------------------------------------


def test_digest_groups_oldest_first_and_is_sent_once_a_day(with_emails: Org, at: Any) -> None:
    org = with_emails
    notification_preference_set(acting_user=org.ancuu_head, email_mode=EmailMode.DIGEST)
    day_before = MORNING - datetime.timedelta(days=1)
    at(day_before.replace(hour=9))
    issue(org, org.ancuu_head, title="Nhiệm vụ A được giao")
    at(day_before.replace(hour=10))
    issue(org, org.ancuu_head, title="Nhiệm vụ A sắp đến hạn", kind=NotificationKind.DUE_SOON, url="/nhiem-vu/6/")
    at(day_before.replace(hour=11))
    issue(org, org.ancuu_head, title="Nhiệm vụ B được giao")
    at(MORNING)

    assert emails.send_daily_digests(day=MORNING.date()) == 1
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["ancuu@hue.gov.vn"]
    assert message.subject == "[Sáu Rõ] Thư tổng hợp thông báo ngày 10/03/2026: 3 thông báo mới"
    body = message.body
    # grouped by kind, groups and items oldest first
    assert (
        body.index("NHIỆM VỤ MỚI ĐƯỢC GIAO (2)")
        < body.index("Nhiệm vụ A được giao")
        < body.index("Nhiệm vụ B được giao")
        < body.index("SẮP ĐẾN HẠN (1)")
        < body.index("Nhiệm vụ A sắp đến hạn")
    )
    assert f"{BASE}/nhiem-vu/6/" in body
    assert f"{BASE}/thong-bao/cai-dat/" in body
    assert set(Notification.objects.values_list("email_state", flat=True)) == {EmailState.SENT}

    # Run again the same day (a duplicate job), even with something new: nothing more that day.
    at(MORNING + datetime.timedelta(hours=3))
    issue(org, org.ancuu_head, title="Nhiệm vụ C được giao")
    assert emails.send_daily_digests(day=MORNING.date()) == 0
    assert len(mail.outbox) == 1

    # The next morning, what is left goes out.
    at(MORNING + datetime.timedelta(days=1))
    assert emails.send_daily_digests(day=MORNING.date() + datetime.timedelta(days=1)) == 1
    assert "Nhiệm vụ C được giao" in mail.outbox[1].body
    assert "Nhiệm vụ A" not in mail.outbox[1].body


def test_digest_leaves_immediate_people_alone_and_drops_what_waits_for_no_mail_people(
    with_emails: Org, at: Any
) -> None:
    org = with_emails
    notification_preference_set(acting_user=org.ancuu_head, email_mode=EmailMode.DIGEST)
    issue(org, org.ancuu_head, org.btc_officer)
    # Switched to "no e-mail" after the notification was made.
    notification_preference_set(acting_user=org.ancuu_head, email_mode=EmailMode.NONE)

    assert emails.send_daily_digests(day=MORNING.date()) == 0
    assert mail.outbox == []
    assert states(org.ancuu_head, org.btc_officer) == {
        "ancuu": EmailState.NOT_NEEDED,
        "chuyenvien.btc": EmailState.PENDING,  # the immediate job's business
    }


def test_digest_failure_keeps_the_notifications(with_emails: Org, at: Any, settings: Any) -> None:
    org = with_emails
    notification_preference_set(acting_user=org.ancuu_head, email_mode=EmailMode.DIGEST)
    issue(org, org.ancuu_head)
    settings.EMAIL_BACKEND = f"{__name__}.FailingBackend"
    assert emails.send_daily_digests(day=MORNING.date()) == 0
    assert Notification.objects.get().email_state == EmailState.FAILED


def test_the_immediate_job_sends_through_django_tasks(with_emails: Org, immediate_tasks: None) -> None:
    from sauro.notifications.jobs import send_notification_emails

    rows = issue(with_emails, with_emails.btc_officer)
    result = send_notification_emails.enqueue(notification_ids=[rows[0].pk])
    assert result.return_value == 1


def test_a_switch_to_the_digest_before_the_job_runs_is_honoured(with_emails: Org) -> None:
    rows = issue(with_emails, with_emails.btc_officer)
    notification_preference_set(acting_user=with_emails.btc_officer, email_mode=EmailMode.DIGEST)
    assert emails.send_immediate([rows[0].pk]) == 0
    assert Notification.objects.get(pk=rows[0].pk).email_state == EmailState.PENDING  # for the morning digest


@pytest.mark.skipif(not _ON_POSTGRESQL, reason="row locks (SKIP LOCKED) need PostgreSQL")
def test_concurrent_workers_claim_disjoint_rows(transactional_db: None) -> None:
    import threading

    from django.db import connections

    org = Org()
    User.objects.update(email="x@hue.gov.vn")
    ids = [n.pk for n in issue(org, *User.objects.exclude(pk=org.monitor.pk))]
    barrier = threading.Barrier(2)
    claimed: list[list[int]] = []

    def worker() -> None:
        try:
            barrier.wait()
            claimed.append([n.pk for n in emails._claim(Notification.objects.filter(pk__in=ids))])
        finally:
            connections.close_all()

    threads = [threading.Thread(target=worker) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    first, second = claimed
    assert not set(first) & set(second)
    assert sorted(first + second) == sorted(ids)
