"""Two people registering or editing at the same moment (PostgreSQL: real row locks between real connections).

The term row is locked while a directive is numbered, so simultaneous registrations get consecutive numbers, and
the same number typed twice is refused to the second with the usual message; of two edits of one version, exactly
one is saved and the other is a conflict.
"""

from __future__ import annotations

import threading
from collections.abc import Callable

import pytest
from django.db import connection

from sauro.common.errors import Conflict, ValidationFailed
from sauro.directives.models import Directive
from sauro.directives.services import DirectiveInput, directive_update
from tests.conftest import Org
from tests.directives.conftest import MakeDirective

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        connection.vendor != "postgresql", reason="row locks under real concurrency: PostgreSQL (CI runs both)"
    ),
]


def run_together(*actions: Callable[[], object]) -> list[str]:
    barrier = threading.Barrier(len(actions))
    outcomes: list[str] = []

    def run(action: Callable[[], object]) -> None:
        try:
            barrier.wait()
            action()
            outcomes.append("ok")
        except ValidationFailed as exc:
            outcomes.append(exc.message)
        except Conflict:
            outcomes.append("conflict")
        finally:
            connection.close()  # this thread's own connection, or the test database cannot be dropped

    threads = [threading.Thread(target=run, args=(a,)) for a in actions]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return outcomes


def test_simultaneous_registrations_get_consecutive_numbers(make: MakeDirective) -> None:
    outcomes = run_together(*(lambda i=i: make(summary=f"Kết luận {i}") for i in range(4)))
    assert outcomes == ["ok"] * 4
    assert sorted(Directive.objects.values_list("number", flat=True)) == [1, 2, 3, 4]


def test_the_same_number_typed_twice_at_once(make: MakeDirective) -> None:
    outcomes = run_together(lambda: make(number=15, summary="Một"), lambda: make(number=15, summary="Hai"))
    assert sorted(outcomes, key=len)[0] == "ok"
    refused = sorted(outcomes, key=len)[1]
    assert refused.startswith("Số 15-KL/TU đã được dùng cho kết luận")
    assert Directive.objects.count() == 1


def test_two_edits_of_one_version(org: Org, make: MakeDirective) -> None:
    directive = make()

    def edit(summary: str) -> Callable[[], object]:
        return lambda: directive_update(
            acting_user=org.monitor,
            directive=directive,
            expected_version=1,
            data=DirectiveInput.from_directive(directive, summary=summary),
        )

    assert sorted(run_together(edit("Bản A"), edit("Bản B"))) == ["conflict", "ok"]
    directive.refresh_from_db()
    assert directive.version == 2 and directive.summary in {"Bản A", "Bản B"}
