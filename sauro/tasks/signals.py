"""Signals of the tasks app: how apps built on top of tasks (monitoring, notifications) follow a task's life.

``task_event_recorded`` is sent by the task services for every timeline event, inside the transaction that wrote
it, with ``task`` (the locked, saved task) and ``event`` (the new ``TaskEvent``). A receiver that writes must do so
in that same transaction, so the event and what follows from it commit or roll back together; anything that leaves
the database (e-mail) is scheduled with ``transaction.on_commit``.

``tasks_handed_over`` is sent once per head by ``services.tasks_hand_over``, after the tasks a departed person held
in a unit were handed to that head (each with its own ``task_event_recorded``), in the same transaction, with
``departure`` (the ``org.departures.Departure``), ``head`` (the ``User``) and ``tasks`` (the list of ``Task``): the
head is told once per handover, not once per task.
"""

from django.dispatch import Signal

task_event_recorded = Signal()
tasks_handed_over = Signal()
