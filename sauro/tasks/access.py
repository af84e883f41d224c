"""The visibility gate for tasks (ARCHITECTURE rule 2) and who may act on a task.

Visibility:
- committee-wide roles (leader, monitor, inspector, admin) see every task of their committee;
- a unit head or officer sees tasks whose lead, coordinating or authority unit is in their subtree, and the
  drafts of their own units;
- anyone sees the issued tasks they are named on (responsible person, officer, supervising leader) and
  the drafts they created;
- a task classified *mật* is visible only to the people named on it, its creator and the people cleared for it.
Everything else is a 404.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable, Collection
from dataclasses import dataclass
from typing import Any

from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils import timezone

from sauro.accounts.models import User
from sauro.common import clock
from sauro.org.access import (
    NON_LEAD_KINDS,
    acted_for_filter,
    acts_for,
    ids_under,
    membership_rank,
    unit_paths,
    units_acted_for,
    user_scope,
)
from sauro.org.choices import Role, UnitKind
from sauro.org.models import Membership, Unit
from sauro.org.selectors import person_memberships, units_governing
from sauro.tasks.choices import OPEN_STATES, Classification, RequestState, SubmissionOutcome, TaskState
from sauro.tasks.models import ExtensionRequest, ReassignmentRequest, Submission, Task


def _exists(qs: QuerySet[Any]) -> Q:
    # Exists() combines with Q objects; wrapping keeps the type checker's Q arithmetic simple.
    return Q(Exists(qs))


def _committee_unit_ids(user: User) -> list[int]:
    """The units of the committees in which the user holds a committee-wide role."""
    scope = user_scope(user)
    return ids_under(unit_paths(user), scope.committee_paths) if scope.committee_paths else []


def _holds_every_unit(wide_ids: list[int], paths: dict[int, str]) -> bool:
    return bool(wide_ids) and len(wide_ids) == len(paths)


def sees_every_normal_task(user: User) -> bool:
    """The user's committee holds every unit: every task of normal classification is visible to them (only *mật*
    tasks are still gated). Such readers may be given counts from ``tasks.summary``."""
    if not user.is_authenticated or not user.is_active:
        return False
    return _holds_every_unit(_committee_unit_ids(user), unit_paths(user))


def normal_tasks_visible_to(user: User) -> QuerySet[Task]:
    """The tasks of normal classification the user sees. For a reader who sees every one
    (``sees_every_normal_task``), the classification alone: the gate's other branches would hold for every row,
    and each is compiled and planned again in every part of a dashboard's ``UNION ALL``."""
    if sees_every_normal_task(user):
        return Task.objects.filter(classification=Classification.NORMAL)
    return tasks_visible_to(user).filter(classification=Classification.NORMAL)


def tasks_visible_to(user: User) -> QuerySet[Task]:
    if not user.is_authenticated or not user.is_active:
        return Task.objects.none()
    scope = user_scope(user)
    # Subtrees as lists of unit ids (a few hundred at most): no join on the unit table per task, and a committee
    # that holds every unit (the usual case) is no condition at all.
    paths = unit_paths(user)
    wide_ids = _committee_unit_ids(user)
    if _holds_every_unit(wide_ids, paths):
        visible = Q()
    else:
        named = Q(responsible_person=user) | Q(supervising_leader=user)
        named |= _exists(Task.officers.through.objects.filter(task_id=OuterRef("pk"), user_id=user.pk))
        # A draft is the drafting unit's working copy: the people it names see it once it is issued.
        named = (named & ~Q(state=TaskState.DRAFT)) | Q(created_by=user)
        unit_ids = ids_under(paths, scope.unit_paths) if scope.unit_paths else []
        issued = ~Q(state=TaskState.DRAFT)
        by_unit = issued & (
            Q(lead_unit_id__in=unit_ids)
            | Q(authority_unit_id__in=unit_ids)
            | _exists(Task.coordinating_units.through.objects.filter(task_id=OuterRef("pk"), unit_id__in=unit_ids))
        )
        own_drafts = Q(state=TaskState.DRAFT, owner_unit_id__in=sorted(scope.unit_ids))
        visible = Q(owner_unit_id__in=wide_ids) | by_unit | own_drafts | named
    return Task.objects.filter(visible).filter(Q(classification=Classification.NORMAL) | _secret_ok(user))


def _secret_ok(user: User) -> Q:
    """A *mật* task the user may see: named on it (once issued), its creator, or cleared for it."""
    named_secret = (Q(responsible_person=user) | Q(supervising_leader=user)) & ~Q(state=TaskState.DRAFT)
    named_secret |= _exists(Task.officers.through.objects.filter(task_id=OuterRef("pk"), user_id=user.pk)) & ~Q(
        state=TaskState.DRAFT
    )
    return (
        named_secret
        | Q(created_by=user)
        | _exists(Task.cleared_people.through.objects.filter(task_id=OuterRef("pk"), user_id=user.pk))
    )


def hidden_secret_tasks(user: User) -> QuerySet[Task]:
    """The *mật* tasks the user may not see (their own small index). For a reader who sees every normal task
    (``sees_every_normal_task``) these are exactly the tasks ``tasks_visible_to`` leaves out, so "not one of these"
    is their gate without looking at each task."""
    return Task.objects.filter(~Q(classification=Classification.NORMAL)).exclude(_secret_ok(user))


def _active_roles_in(user: User, unit: Unit | None, day: datetime.date, roles: tuple[str, ...]) -> bool:
    if unit is None or not user.is_active:
        return False
    return Membership.objects.active_on(day).filter(person=user, unit=unit, role__in=roles).exists()


def acts_for_authority(user: User, task: Task, day: datetime.date) -> bool:
    """Whoever acts for the authority unit (``org.access.acts_for``): its leaders or heads, e.g. a member of
    "Thường trực Thành ủy"; for the committee itself (Thành ủy Huế), the leaders of its standing bodies."""
    return acts_for(user, task.authority_unit, day)


def heads_lead_unit(user: User, task: Task, day: datetime.date) -> bool:
    """Whoever acts for the lead unit (``org.access.acts_for``): its heads and deputies."""
    return acts_for(user, task.lead_unit, day)


# --- which units may lead a task or be its authority ----------------------------------------------------------

ERR_LEAD_COMMITTEE = (
    "“{name}” là cấp ủy, không thể là đơn vị chủ trì; hãy giao cho một cơ quan, đơn vị của cấp ủy (hoặc Thường trực)."
)
ERR_LEAD_NOBODY = "Đơn vị “{name}” hiện không có lãnh đạo (cấp trưởng, cấp phó) để tiếp nhận nhiệm vụ."
ERR_AUTHORITY_OUT_OF_REACH = "Cấp có thẩm quyền phải là đơn vị giao nhiệm vụ (“{owner}”) hoặc cấp trên của đơn vị này."
ERR_AUTHORITY_NOBODY = "“{name}” hiện không có lãnh đạo để nghiệm thu sản phẩm, quyết định các đề nghị."


def lead_gap(lead: Unit, acted_for: Collection[int]) -> str:
    """Why ``lead`` cannot lead a task ("" when it can): a committee as a whole (``NON_LEAD_KINDS``), or a unit nobody
    acts for (``acted_for``: the ids ``org.access.units_acted_for`` gives for the day)."""
    if lead.kind in NON_LEAD_KINDS:
        return ERR_LEAD_COMMITTEE.format(name=lead.name)
    if lead.pk not in acted_for:
        return ERR_LEAD_NOBODY.format(name=lead.name)
    return ""


def authority_gap(authority: Unit, owner_unit: Unit, acted_for: Collection[int]) -> str:
    """Why ``authority`` cannot decide a task issued by ``owner_unit`` ("" when it can): it must be within the
    issuer's reach — the issuing unit itself or a unit governing it (``Unit.governs``: a unit above it, a standing
    body of its committee), never a sibling or a unit below — and somebody must act for it. Being at or above the
    lead unit is the six clears' other condition (``rules.six_clears``)."""
    if not authority.governs(owner_unit):
        return ERR_AUTHORITY_OUT_OF_REACH.format(owner=owner_unit.name)
    if authority.pk not in acted_for:
        return ERR_AUTHORITY_NOBODY.format(name=authority.name)
    return ""


def unit_gaps(
    *,
    owner_unit: Unit,
    lead: Unit | None,
    authority: Unit | None,
    day: datetime.date,
    acted_for: Collection[int] | None = None,
) -> dict[str, str]:
    """The one rule of which lead unit and authority a task issued by ``owner_unit`` may have on ``day``, by field
    (``lead_unit``, ``authority_unit``): ``lead_gap`` and ``authority_gap``, with who acts for each unit read for
    the day unless ``acted_for`` (``org.access.units_acted_for``) is given. The services refuse a draft that sets
    such a unit (422; the page's form shows it on the field), ``rules.six_clears`` refuses to issue one, and the form
    offers only units without a gap (``authority_choices``, ``lead_filter``)."""
    if acted_for is None:
        acted_for = units_acted_for([u for u in (lead, authority) if u is not None], day)
    gaps: dict[str, str] = {}
    if lead is not None and (message := lead_gap(lead, acted_for)):
        gaps["lead_unit"] = message
    if authority is not None and (message := authority_gap(authority, owner_unit, acted_for)):
        gaps["authority_unit"] = message
    return gaps


def lead_filter(day: datetime.date) -> Q:
    """``lead_gap`` as a filter on units, for the query that lists the choices: someone acts for the unit on
    ``day`` (``org.access.acted_for_filter``) and it is not a committee as a whole."""
    return acted_for_filter(day) & ~Q(kind__in=sorted(NON_LEAD_KINDS))


def authority_choices(
    owner_unit: Unit, candidates: QuerySet[Unit], lead: Unit | None, day: datetime.date
) -> list[Unit]:
    """The units among ``candidates`` that may decide a task issued by ``owner_unit`` and led by ``lead`` on ``day``
    (``authority_gap``, and at or above the lead unit: ``org.selectors.units_governing``), in one query. Without a
    lead unit: the committees and their standing bodies (the form's choices before a lead unit is chosen)."""
    acted_for = candidates.filter(acted_for_filter(day))
    if lead is None:
        units = list(acted_for.filter(kind__in=[UnitKind.COMMITTEE, UnitKind.STANDING]))
    else:
        units = units_governing(lead, acted_for)
    ids = {u.pk for u in units}
    return [u for u in units if not authority_gap(u, owner_unit, ids)]


def may_draft_for(user: User, owner_unit: Unit, day: datetime.date) -> bool:
    """Monitors and leaders draft the committee's tasks; a unit head drafts tasks (sub-tasks) of their unit."""
    scope = user_scope(user)
    if scope.has_role(Role.MONITOR, Role.LEADER) and any(owner_unit.path.startswith(p) for p in scope.subtree_paths):
        return True
    return _active_roles_in(user, owner_unit, day, (Role.UNIT_HEAD,))


def may_draft(user: User) -> bool:
    """Whether the user drafts tasks in some unit (``drafting_unit`` finds one), from their scope alone: a
    monitor or leader drafts for their committee, a unit head for their unit."""
    return user_scope(user).has_role(Role.MONITOR, Role.LEADER, Role.UNIT_HEAD)


def works_on(user: User, task: Task, day: datetime.date) -> bool:
    """The responsible person, an assigned officer, or the head of the lead unit."""
    if task.responsible_person_id == user.pk:
        return True
    if task.pk is not None and task.officers.filter(pk=user.pk).exists():
        return True
    return heads_lead_unit(user, task, day)


def drafting_unit(user: User) -> Unit | None:
    """The unit in whose name the user drafts a new top-level task, for the page and the API alike: among the units
    they may draft for, the one of their highest role (``ROLE_PRIORITY``: a unit head of an agency who is also a
    monitor drafts for the office), then the highest unit, then by path (``org.access.membership_rank``)."""
    today = clock.today()
    memberships = sorted(person_memberships(user=user, person=user), key=membership_rank)
    for m in memberships:
        if m.unit.valid_to is None and may_draft_for(user, m.unit, today):
            return m.unit
    return None


def draft_owner(user: User, *, instance: Task | None = None, parent: Task | None = None) -> Unit | None:
    """The unit issuing a draft — its authority must be within this unit's reach (``authority_gap``): the draft's
    own, a sub-task's parent's lead unit, else the unit the user drafts a new task for (``drafting_unit``)."""
    if instance is not None:
        return instance.owner_unit
    if parent is not None and parent.lead_unit is not None:
        return parent.lead_unit
    return drafting_unit(user)


def may_set_focus(user: User, task: Task, *, authority: bool | None = None) -> bool:
    """Who flags an issued task "trọng tâm" (or takes the flag off) while it is open: whoever acts for its authority,
    or the issuing side's office and leaders (who may draft for its owner unit). ``authority``: already known."""
    if task.state not in OPEN_STATES:
        return False
    if authority is None:
        authority = acts_for_authority(user, task, clock.today())
    if authority:
        return True
    return task.owner_unit_id is not None and may_draft_for(user, task.owner_unit, clock.today())


def may_edit(user: User, task: Task) -> bool:
    """As ``services.task_update`` decides: the drafting unit's people, or the draft's author."""
    return task.created_by_id == user.pk or may_draft_for(user, task.owner_unit, clock.today())


# The names of a task's own actions, in the order the page offers them. "edit" (the draft form, PATCH over the API)
# and "split" (a sub-task, POST /tasks with parent_id) are links on the page rather than forms.
ACTION_NAMES = (
    *("issue", "accept", "submit", "approve", "return", "decide_extension", "decide_reassignment"),
    *("request_extension", "request_reassignment", "cancel", "set_focus"),
)


@dataclass(frozen=True)
class TaskActions:
    """What the user may do with a task: the actions offered (``ACTION_NAMES``), editing the draft, a sub-task."""

    actions: tuple[str, ...] = ()
    can_edit: bool = False
    can_split: bool = False

    @property
    def names(self) -> list[str]:
        """Every action the user may take, by name: the page's action forms, then "edit" and "split"."""
        return [*self.actions, *(["edit"] if self.can_edit else []), *(["split"] if self.can_split else [])]


def pending_requests(task: Task) -> tuple[bool, bool]:
    """Whether the task has an extension request, and a reassignment request, waiting for a decision (one query)."""
    row = (
        Task.objects.filter(pk=task.pk)
        .annotate(
            pending_extension=Exists(
                ExtensionRequest.objects.filter(task_id=OuterRef("pk"), state=RequestState.PENDING)
            ),
            pending_reassignment=Exists(
                ReassignmentRequest.objects.filter(task_id=OuterRef("pk"), state=RequestState.PENDING)
            ),
        )
        .values_list("pending_extension", "pending_reassignment")
        .first()
    )
    return (bool(row[0]), bool(row[1])) if row is not None else (False, False)


def extension_still_askable(task: Task, today: datetime.date) -> bool:
    """An extension is asked before the deadline in force, never after it: granted late, it would turn an overdue task
    into one on time and move it out of the period it was overdue in (issue 20). The one rule: the task's page offers
    the request only then, and ``services.extension_request_create`` refuses it otherwise."""
    return task.deadline is None or today <= task.deadline


def allowed_actions(
    user: User,
    task: Task,
    *,
    officer_ids: set[int],
    pending_extension: bool,
    pending_reassignment: bool,
) -> TaskActions:
    """The one rule of who may do what on a task, asked by the task's page (its buttons) and the API
    (``allowed_actions`` of ``GET /api/v1/tasks/{id}``). The services decide again when the action is taken.

    ``officer_ids``: the task's assigned officers; ``pending_*``: a request waits for the authority's decision
    (``pending_requests``). At most four queries (the lead unit's head, the authority, the drafting right for the focus
    flag and for a sub-task).
    """
    today = clock.today()
    state = task.state
    if state == TaskState.DRAFT:
        editable = may_edit(user, task)
        return TaskActions(actions=("issue",) if editable else (), can_edit=editable)
    if state not in OPEN_STATES:
        return TaskActions()
    head = heads_lead_unit(user, task, today)
    authority = acts_for_authority(user, task, today)
    works = head or task.responsible_person_id == user.pk or user.pk in officer_ids
    actions: list[str] = []
    if state == TaskState.ISSUED and head:
        actions.append("accept")
    if state in {TaskState.IN_PROGRESS, TaskState.RETURNED} and works:
        actions.append("submit")
    if state == TaskState.SUBMITTED and authority:
        actions += ["approve", "return"]
    if authority and pending_extension:
        actions.append("decide_extension")
    if authority and pending_reassignment:
        actions.append("decide_reassignment")
    requestable = state in {TaskState.ISSUED, TaskState.IN_PROGRESS, TaskState.RETURNED}
    askable = task.due_date is not None and extension_still_askable(task, today)
    if requestable and works and askable and not pending_extension:
        actions.append("request_extension")
    if requestable and head and not pending_reassignment:
        actions.append("request_reassignment")
    if authority:
        actions.append("cancel")
    if may_set_focus(user, task, authority=authority):
        actions.append("set_focus")
    can_split = state in {TaskState.IN_PROGRESS, TaskState.RETURNED} and (
        head or (task.lead_unit is not None and may_draft_for(user, task.lead_unit, today))
    )
    return TaskActions(actions=tuple(actions), can_split=can_split)


# Actions other apps offer on a task (monitoring: progress updates, obstacles, ratings): each registered rule gives
# the names of its actions the user may take on the task now, as its own page extension decides. Registered from the
# app's ``ready`` so that tasks does not import them; the API's ``allowed_actions`` adds them to ``TaskActions.names``.
ActionRule = Callable[[User, Task], list[str]]
_action_rules: dict[str, ActionRule] = {}


def register_action_rule(name: str, rule: ActionRule) -> None:
    """Add (or, under the same name, replace) another app's rule of the actions it offers on a task."""
    _action_rules[name] = rule


def other_actions(user: User, task: Task) -> list[str]:
    """The actions other apps offer ``user`` on ``task`` (``register_action_rule``)."""
    return [name for rule in _action_rules.values() for name in rule(user, task)]


# --- submitting a product before the work looks finished ------------------------------------------------------

# Another app's reasons (phrases completing "Tôi xác nhận gửi sản phẩm khi …") why submitting now needs the person's
# confirmation: monitoring's open obstacles. Registered from the app's ``ready``, as the action rules are.
SubmitCaveatRule = Callable[[Task], list[str]]
_submit_caveat_rules: dict[str, SubmitCaveatRule] = {}


def register_submit_caveat(name: str, rule: SubmitCaveatRule) -> None:
    """Add (or, under the same name, replace) another app's reasons why a product's submission needs confirming."""
    _submit_caveat_rules[name] = rule


def submit_caveats(task: Task) -> list[str]:
    """Why submitting the product of ``task`` now asks the person to confirm (empty: nothing to confirm): the
    progress is below 100%, or another app's reason (an obstacle still waiting for an answer). The one rule asked
    by the submit form (its checkbox) and ``services.task_submit`` (which refuses an unconfirmed submission)."""
    caveats = [f"tiến độ mới đạt {task.progress}%"] if task.progress < 100 else []
    for rule in _submit_caveat_rules.values():
        caveats += rule(task)
    return caveats


def submit_confirmation_label(caveats: list[str]) -> str:
    """The checkbox of the submit form: "Tôi xác nhận gửi sản phẩm khi tiến độ mới đạt 40% và …"."""
    return "Tôi xác nhận gửi sản phẩm khi " + " và ".join(caveats) + "."


# --- the one step this person should take next ----------------------------------------------------------------


@dataclass(frozen=True)
class NextStep:
    """What the person should do next on a task, and why it waits: ``action`` is the action the page opens (a name
    of ``ACTION_NAMES`` or another app's, e.g. ``progress``), "" when it waits on someone else."""

    action: str
    message: str


def _day(moment: datetime.datetime | None) -> str:
    return f"{timezone.localdate(moment):%d/%m/%Y}" if moment is not None else ""


def next_step(
    user: User, task: Task, *, actions: Collection[str], submissions: list[Submission], officer_ids: Collection[int]
) -> NextStep | None:
    """The one step ``user`` should take next on ``task`` and the reason it waits, or None (nothing to say).

    ``actions``: every action the user may take now (``allowed_actions(...).names`` and ``other_actions``);
    ``submissions``: the task's submissions, newest first (the return's date and reason are read from them);
    ``officer_ids``: the task's assigned officers (told that a submitted product waits on the authority).
    Asked by the task's page (the panel it opens, the line above it) and ``GET /api/v1/tasks/{id}``
    (``next_step``). No query."""
    state = task.state
    latest = submissions[0] if submissions else None
    if "approve" in actions:
        return NextStep("approve", "Sản phẩm chờ anh/chị duyệt.")
    if "answer_obstacle" in actions:
        return NextStep("answer_obstacle", "Khó khăn, vướng mắc chờ anh/chị cho ý kiến trả lời.")
    if "decide_extension" in actions:
        return NextStep("decide_extension", "Đề nghị gia hạn chờ anh/chị quyết định.")
    if "decide_reassignment" in actions:
        return NextStep("decide_reassignment", "Đề nghị điều chỉnh đơn vị chủ trì chờ anh/chị quyết định.")
    if "accept" in actions:
        return NextStep("accept", "Nhiệm vụ đã giao: chờ anh/chị tiếp nhận và phân công cán bộ thực hiện.")
    if "issue" in actions:
        return NextStep("issue", "Dự thảo chưa giao: hoàn thiện “6 rõ” rồi giao nhiệm vụ.")
    if "submit" in actions:
        if state == TaskState.RETURNED and latest is not None and latest.outcome == SubmissionOutcome.RETURNED:
            return NextStep(
                "submit",
                f"Sản phẩm bị trả lại ngày {_day(latest.decided_at)} — lý do: {latest.decision_note}",
            )
        if task.progress < 100 and "progress" in actions:
            return NextStep("progress", "Nhiệm vụ đang thực hiện: cập nhật tiến độ.")
        if task.progress < 100:
            return NextStep("submit", "Nhiệm vụ đang thực hiện: gửi sản phẩm tới cấp có thẩm quyền khi hoàn thành.")
        return NextStep("submit", "Nhiệm vụ đã đạt 100%: gửi sản phẩm tới cấp có thẩm quyền.")
    named = task.responsible_person_id == user.pk or user.pk in officer_ids
    if state == TaskState.SUBMITTED and latest is not None and named:
        return NextStep("", f"Sản phẩm đã gửi ngày {latest.submitted_on:%d/%m/%Y}, chờ cấp có thẩm quyền duyệt.")
    return None
