"""Signals of the tasks app: how apps built on top of tasks (monitoring, notifications) follow a task's life.

``task_event_recorded`` is sent by the task services for every timeline event, inside the transaction that wrote
it, with ``task`` (the locked, saved task) and ``event`` (the new ``TaskEvent``). A receiver that writes must do so
in that same transaction, so the event and what follows from it commit or roll back together; anything that leaves
the database (e-mail) is scheduled with ``transaction.on_commit``.
"""

from django.dispatch import Signal

task_event_recorded = Signal()
