"""Background work of notifications, run by the django-tasks database worker: the e-mail copies.

``send_notification_emails`` is queued by ``notify`` once the business transaction has committed (immediate mode).
The daily digests (``emails.send_daily_digests``) are sent by the daily pass (``daily.jobs``), after
that day's reminders, so that the morning digest holds them.
"""

from __future__ import annotations

from django_tasks import task

from sauro.notifications import emails


@task()
def send_notification_emails(notification_ids: list[int]) -> int:
    """Send the immediate e-mail copy of these notifications (those still pending); returns how many were sent."""
    return emails.send_immediate(notification_ids)
