"""A world that grows: every call to ``World.grow`` adds a bundle of related rows to every list the pages and the
API show, so a test can load a list, grow the world, load it again and compare the query counts.

One bundle, built through the services (as the product writes them, with their audit entries, timeline events
and notifications):

- a directive of the committee, and a task of Ban Tổ chức from it (or from the focus directive) with two
  coordinating units, accepted with an officer;
- on that task and on the focus task each: a sub-task, a progress update, an obstacle put to Thường trực and a
  confidence rating; on the focus task, an extension and a reassignment request, both refused;
- a task issued to Ban Tổ chức, not yet accepted, with a pending extension and reassignment request (the inboxes),
  and an overdue one accepted and submitted (products waiting for Thường trực, the overdue lists);
- a department under Ban Tổ chức with an officer, an officer of Ban Tổ chức itself, a ward with its head, and the
  report duties of the new units;
- a work program of Ban Tổ chức for an earlier year, and two items in the focus program, one linked to a task;
- an API token of each person the tests log in as.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from typing import Any

import pytest
from django.test import Client

from sauro.accounts.models import User
from sauro.accounts.services import api_token_create
from sauro.directives.models import Directive, Term
from sauro.directives.services import DirectiveInput, directive_create, term_create
from sauro.monitoring.services import confidence_rate, obstacle_create, progress_update_create
from sauro.org.choices import Role, UnitKind
from sauro.programs.models import WorkProgram
from sauro.programs.services import ItemInput, item_create, item_link_task, program_create
from sauro.reports.models import ReportRegime
from sauro.reports.services import reports_generate
from sauro.tasks.models import Task
from sauro.tasks.services import (
    extension_request_create,
    extension_request_decide,
    reassignment_request_create,
    reassignment_request_decide,
    task_accept,
    task_create,
    task_issue,
    task_submit,
)
from tests.conftest import Org
from tests.tasks.conftest import TODAY, Clock, complete_fields, make_draft, today  # noqa: F401  (fixtures re-exported)

D = datetime.date


@dataclass
class World:
    org: Org
    clock: Clock
    term: Term
    program: WorkProgram  # the focus program (Ban Tổ chức, 2026) whose items grow
    task: Task | None = None  # the focus task (the first bundle's) whose sub-lists grow
    directive: Directive | None = None  # the focus directive (the first bundle's) whose tasks grow
    bundles: int = 0
    secrets: dict[int, str] = field(default_factory=dict)

    def grow(self, n: int = 1) -> None:
        for _ in range(n):
            self.bundles += 1
            self._bundle(self.bundles)

    def _bundle(self, i: int) -> None:
        org = self.org
        directive = directive_create(
            acting_user=org.monitor,
            data=DirectiveInput(
                kind="KL",
                issuer_code="TU",
                issuing_unit_id=org.city.pk,
                issued_on=D(2026, 1, 9),
                summary=f"Kết luận số {i} về công tác cán bộ",
            ),
        )
        self.directive = self.directive or directive

        def draft(**overrides: Any) -> Task:
            fields = complete_fields(org, **overrides)
            return task_create(acting_user=org.monitor, owner_unit=org.office, fields=fields)

        # The focus task's rows grow with every bundle; the other rows hang on this bundle's own task.
        main = task_issue(
            acting_user=org.monitor,
            task=draft(
                title=f"Nhiệm vụ số {i}: rà soát quy hoạch",
                coordinating_units=[org.office.pk, org.ubkt.pk],
                directive=(self.directive.pk if i % 2 else directive.pk),
            ),
        )
        main = task_accept(acting_user=org.btc_head, task=main, officer_ids=[org.btc_officer.pk])
        self.task = self.task or main
        focus = Task.objects.get(pk=self.task.pk)
        for target in {focus.pk: focus, main.pk: main}.values():
            sub = task_create(
                acting_user=org.btc_head,
                owner_unit=org.btc,
                parent=target,
                fields=complete_fields(
                    org,
                    title=f"Nhiệm vụ con số {i}",
                    lead_unit=org.btc_dept.pk,
                    coordinating_units=[],
                    responsible_person=org.btc_officer.pk,
                    supervising_leader=org.btc_head.pk,
                    authority_unit=org.btc.pk,
                ),
            )
            task_issue(acting_user=org.btc_head, task=sub)
            progress_update_create(
                acting_user=org.btc_officer,
                task=Task.objects.get(pk=target.pk),
                done=f"Đã rà soát đợt {i}",
                percent=min(90, 10 * i),
                indicators=[{"name": "Hồ sơ", "value": str(i), "unit": "bộ"}],
            )
            obstacle_create(
                acting_user=org.btc_head,
                task=Task.objects.get(pk=target.pk),
                description=f"Vướng mắc số {i}: chưa có hướng dẫn.",
                proposal="Đề nghị Thường trực cho ý kiến.",
                decider_unit_id=org.standing.pk,
            )
            confidence_rate(
                acting_user=org.monitor, task=Task.objects.get(pk=target.pk), level="green" if i % 2 else "amber"
            )
        # The focus task's requests, each refused (one may be pending at a time); this bundle's task waiting to
        # be accepted carries two pending ones (Thường trực's inbox).
        late = TODAY + datetime.timedelta(days=60)
        refused = extension_request_create(acting_user=org.btc_head, task=focus, new_due_date=late, reason="Chờ")
        extension_request_decide(acting_user=org.leader, request=refused, approve=False, note="Không")
        moved = reassignment_request_create(
            acting_user=org.btc_head, task=Task.objects.get(pk=focus.pk), proposed_unit_id=org.ubkt.pk, reason="Chờ"
        )
        reassignment_request_decide(acting_user=org.leader, request=moved, approve=False, note="Không")
        waiting = task_issue(
            acting_user=org.monitor, task=draft(title=f"Nhiệm vụ chờ tiếp nhận số {i}", due_date=D(2026, 3, 10))
        )
        extension_request_create(acting_user=org.btc_head, task=waiting, new_due_date=late, reason="Chờ ý kiến")
        reassignment_request_create(
            acting_user=org.btc_head, task=Task.objects.get(pk=waiting.pk), proposed_unit_id=org.ubkt.pk, reason="Chờ"
        )
        # Issued a month ago, due on 20/2 and submitted late: overdue on the dashboards and the quarterly report.
        self.clock.set(D(2026, 2, 2))
        submitted = task_issue(
            acting_user=org.monitor, task=draft(title=f"Nhiệm vụ chờ duyệt số {i}", due_date=D(2026, 2, 20))
        )
        submitted = task_accept(acting_user=org.btc_head, task=submitted, officer_ids=[org.btc_officer.pk])
        self.clock.set(TODAY)
        task_submit(acting_user=org.btc_head, task=submitted, product_note=f"Sản phẩm số {i}")

        dept = org.unit(f"BTCTU-P{i}", f"Phòng nghiệp vụ số {i}", UnitKind.DEPARTMENT, org.btc)
        org.person(f"chuyenvien.p{i}", f"Cán bộ Phòng {i}", dept, Role.OFFICER)
        org.person(f"chuyenvien.btc{i}", f"Cán bộ Ban số {i}", org.btc, Role.OFFICER)
        ward = org.unit(f"P-MOI{i}", f"Đảng ủy phường Mới {i}", UnitKind.WARD, org.city)
        org.person(f"phuong.moi{i}", f"Bí thư phường Mới {i}", ward, Role.UNIT_HEAD)
        reports_generate(as_of=TODAY)

        program_create(acting_user=org.btc_head, unit_id=org.btc.pk, year=2026 - i)
        items = [
            item_create(
                acting_user=org.btc_head,
                program=self.program,
                data=ItemInput(key=f"{i}.{k}", content=f"Việc số {i}.{k}", month=k, lead_unit_id=org.btc.pk),
            )
            for k in (1, 2)
        ]
        item_link_task(acting_user=org.btc_head, item=items[0], task_id=main.pk)

        for user in (org.btc_head, org.leader, org.monitor, org.inspector, org.btc_officer):
            api_token_create(acting_user=user, user=user)

    def api_client(self, user: User) -> Client:
        """A client calling the API with a Bearer token, as an integration does."""
        if user.pk not in self.secrets:
            _, self.secrets[user.pk] = api_token_create(acting_user=user, user=user)
        return Client(HTTP_AUTHORIZATION=f"Bearer {self.secrets[user.pk]}")


@pytest.fixture
def world(org: Org, today: Clock) -> World:  # noqa: F811
    ReportRegime.objects.update(active=True)
    term = term_create(acting_user=None, committee=org.city, name="Nhiệm kỳ 2025 – 2030", starts_on=D(2025, 10, 1))
    program = program_create(acting_user=org.btc_head, unit_id=org.btc.pk, year=2026)
    return World(org=org, clock=today, term=term, program=program)
