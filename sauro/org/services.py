"""Every write to the organisation: units, restructuring, memberships."""

from __future__ import annotations

import datetime

from django.db import transaction
from django.db.models import F, Q

from sauro.accounts.models import User
from sauro.audit.services import audit_record
from sauro.common import clock
from sauro.common.errors import PermissionDeniedError, ValidationFailed
from sauro.org.access import can_manage_org
from sauro.org.choices import Role
from sauro.org.departures import Departure, membership_end_handlers
from sauro.org.letterhead import LETTERHEAD_FIELDS
from sauro.org.models import Membership, Unit, UnitName
from sauro.org.restructuring import Succession, succession_handlers

ERR_UNIT_CODE_TAKEN = "Mã đơn vị “{code}” đã được dùng."
ERR_UNIT_INACTIVE = "Đơn vị “{name}” không còn hoạt động."
ERR_MERGE_NEEDS_TWO = "Cần ít nhất một đơn vị để sáp nhập vào đơn vị kế thừa."
ERR_MERGE_INTO_SELF = "Đơn vị kế thừa không được là một trong các đơn vị bị sáp nhập."
ERR_MERGE_DATE = "Ngày sáp nhập phải sau ngày thành lập của các đơn vị."
ERR_NAME_EMPTY = "Tên đơn vị không được để trống."
ERR_NAME_UNCHANGED = "Tên mới trùng tên hiện tại."
ERR_MEMBERSHIP_DATES = "Ngày kết thúc phải bằng hoặc sau ngày bắt đầu."
ERR_PARENT_IS_DESCENDANT = "Không thể đặt đơn vị dưới chính nó hoặc đơn vị cấp dưới của nó."
ERR_RENAME_DATE = "Ngày dùng tên mới phải sau ngày {day:%d/%m/%Y} (ngày bắt đầu dùng tên hiện tại)."
ERR_MERGE_INTO_CHILD = "Đơn vị kế thừa không được là đơn vị cấp dưới của đơn vị bị sáp nhập."
ERR_PARENT_UNCHANGED = "Đơn vị đã trực thuộc “{name}”."
ERR_NO_ORG_RIGHT = "Chỉ Văn phòng Thành ủy và quản trị hệ thống được quản lý tổ chức, cán bộ và vai trò."
ERR_MEMBERSHIP_ENDED = "Vai trò này đã kết thúc ngày {day:%d/%m/%Y}."
ERR_MEMBERSHIP_CHANGE_DATE = "Ngày thay đổi phải sau ngày bắt đầu ({day:%d/%m/%Y}) của vai trò hiện tại."
ERR_MEMBERSHIP_UNCHANGED = "Vai trò và chức vụ mới trùng với hiện tại."
ERR_LETTERHEAD_FIELD = "Không có trường “{name}” trong thể thức văn bản của đơn vị."
ERR_MEMBERSHIP_DUPLICATE = "{person} đã giữ vai trò “{role}” tại {unit} trong khoảng thời gian này."


def check_org_right(acting_user: User | None) -> None:
    """Refuse a person who may not manage the organisation (``access.can_manage_org``); ``None`` is the system
    (the demo loader, commands)."""
    if acting_user is not None and not can_manage_org(acting_user):
        raise PermissionDeniedError(ERR_NO_ORG_RIGHT)


def _unit_snapshot(unit: Unit) -> dict[str, object]:
    return {
        "code": unit.code,
        "name": unit.name,
        "kind": unit.kind,
        "parent_id": unit.parent_id,
        "valid_from": unit.valid_from,
        "valid_to": unit.valid_to,
        "successor_id": unit.successor_id,
    }


def _membership_snapshot(m: Membership) -> dict[str, object]:
    return {
        "person_id": m.person_id,
        "unit_id": m.unit_id,
        "role": m.role,
        "position": m.position,
        "valid_from": m.valid_from,
        "valid_to": m.valid_to,
    }


@transaction.atomic
def unit_create(
    *,
    acting_user: User | None,
    code: str,
    name: str,
    kind: str,
    parent: Unit | None,
    valid_from: datetime.date,
    short_name: str = "",
    sort_order: int = 0,
    merged_from_note: str = "",
) -> Unit:
    code = code.strip()
    name = name.strip()
    if not name:
        raise ValidationFailed(ERR_NAME_EMPTY, fields={"name": ERR_NAME_EMPTY})
    if Unit.objects.filter(code=code).exists():
        msg = ERR_UNIT_CODE_TAKEN.format(code=code)
        raise ValidationFailed(msg, fields={"code": msg})
    if parent is not None and parent.valid_to is not None:
        msg = ERR_UNIT_INACTIVE.format(name=parent.name)
        raise ValidationFailed(msg, fields={"parent": msg})
    unit = Unit(
        code=code,
        name=name,
        short_name=short_name,
        kind=kind,
        parent=parent,
        valid_from=valid_from,
        sort_order=sort_order,
        merged_from_note=merged_from_note,
        path="/",
        depth=(parent.depth + 1) if parent else 0,
    )
    unit.full_clean(exclude=["path"])
    unit.save()
    # The path holds the unit's own id, known only after the insert.
    unit.path = f"{parent.path if parent else '/'}{unit.pk}/"
    Unit.objects.filter(pk=unit.pk).update(path=unit.path)
    audit_record(acting_user=acting_user, action="unit.create", obj=unit, unit_id=unit.pk, after=_unit_snapshot(unit))
    return unit


@transaction.atomic
def unit_letterhead_set(*, acting_user: User | None, unit: Unit, values: dict[str, str]) -> Unit:
    """Set how ``unit``'s documents show their author (``org.letterhead``: header lines, symbol, place, signer,
    where the copy is kept); the fields not named are kept. Journalled as ``unit.letterhead``."""
    check_org_right(acting_user)
    unknown = sorted(set(values) - set(LETTERHEAD_FIELDS))
    if unknown:
        raise ValidationFailed(ERR_LETTERHEAD_FIELD.format(name=unknown[0]))
    unit = Unit.objects.select_for_update().get(pk=unit.pk)
    before = {name: getattr(unit, name) for name in LETTERHEAD_FIELDS}
    for name, value in values.items():
        setattr(unit, name, " ".join(str(value).split()))
    unit.full_clean(exclude=["path"])
    unit.save(update_fields=list(values))
    audit_record(
        acting_user=acting_user,
        action="unit.letterhead",
        obj=unit,
        unit_id=unit.pk,
        summary=f"Cập nhật thể thức văn bản của {unit.name}",
        before=before,
        after={name: getattr(unit, name) for name in LETTERHEAD_FIELDS},
    )
    return unit


def unit_rename_check(*, unit: Unit, new_name: str, on_date: datetime.date) -> datetime.date:
    """The refusals of ``unit_rename`` (its preview asks them too); the day the current name has been used from."""
    new_name = " ".join(new_name.split())
    if not new_name:
        raise ValidationFailed(ERR_NAME_EMPTY, fields={"name": ERR_NAME_EMPTY})
    if new_name == unit.name:
        raise ValidationFailed(ERR_NAME_UNCHANGED, fields={"name": ERR_NAME_UNCHANGED})
    if unit.valid_to is not None:
        raise ValidationFailed(ERR_UNIT_INACTIVE.format(name=unit.name))
    last_change = unit.former_names.order_by("-valid_to").values_list("valid_to", flat=True).first()
    name_from: datetime.date = (last_change + datetime.timedelta(days=1)) if last_change else unit.valid_from
    if on_date <= name_from:
        msg = ERR_RENAME_DATE.format(day=name_from)
        raise ValidationFailed(msg, fields={"on_date": msg})
    return name_from


@transaction.atomic
def unit_rename(*, acting_user: User | None, unit: Unit, new_name: str, on_date: datetime.date) -> Unit:
    """Rename a unit from ``on_date``; the old name is kept for the period it was used."""
    check_org_right(acting_user)
    unit = Unit.objects.select_for_update().get(pk=unit.pk)
    new_name = " ".join(new_name.split())
    name_from = unit_rename_check(unit=unit, new_name=new_name, on_date=on_date)
    before = _unit_snapshot(unit)
    UnitName.objects.create(
        unit=unit, name=unit.name, valid_from=name_from, valid_to=on_date - datetime.timedelta(days=1)
    )
    unit.name = new_name
    unit.version = F("version") + 1
    unit.save(update_fields=["name", "version"])
    unit.refresh_from_db()
    audit_record(
        acting_user=acting_user,
        action="unit.rename",
        obj=unit,
        unit_id=unit.pk,
        summary=f"Đổi tên “{before['name']}” thành “{new_name}” từ ngày {on_date:%d/%m/%Y}",
        before=before,
        after=_unit_snapshot(unit),
    )
    return unit


def units_merge_check(*, predecessors: list[Unit], successor: Unit | None, on_date: datetime.date) -> None:
    """The refusals of ``units_merge`` (its preview asks them too, before anything is shown as moving)."""
    if not predecessors:
        raise ValidationFailed(ERR_MERGE_NEEDS_TWO, fields={"predecessors": ERR_MERGE_NEEDS_TWO})
    for old in predecessors:
        if old.valid_to is not None:
            msg = ERR_UNIT_INACTIVE.format(name=old.name)
            raise ValidationFailed(msg, fields={"predecessors": msg})
        if old.valid_from >= on_date:
            raise ValidationFailed(ERR_MERGE_DATE, fields={"on_date": ERR_MERGE_DATE})
    if successor is None:
        return
    if successor.pk in {o.pk for o in predecessors}:
        raise ValidationFailed(ERR_MERGE_INTO_SELF, fields={"successor": ERR_MERGE_INTO_SELF})
    if successor.valid_to is not None:
        msg = ERR_UNIT_INACTIVE.format(name=successor.name)
        raise ValidationFailed(msg, fields={"successor": msg})
    if any(successor.path.startswith(old.path) for old in predecessors):
        raise ValidationFailed(ERR_MERGE_INTO_CHILD, fields={"successor": ERR_MERGE_INTO_CHILD})


@transaction.atomic
def units_merge(
    *,
    acting_user: User | None,
    predecessors: list[Unit],
    successor: Unit | None = None,
    on_date: datetime.date,
    new_code: str = "",
    new_name: str = "",
    new_kind: str = "",
    parent: Unit | None = None,
) -> Unit:
    """Merge ``predecessors`` into ``successor`` (an existing unit, or a new one made from the ``new_*``
    arguments) with effect from ``on_date``.

    Each predecessor is closed the day before, points to its successor, and hands over its children, its
    active memberships and — through the registered succession handlers — every open obligation. Each move
    writes its own audit entry; the predecessors stay in the database under their own names for history.
    """
    check_org_right(acting_user)
    if not predecessors:
        raise ValidationFailed(ERR_MERGE_NEEDS_TWO)
    olds = list(Unit.objects.select_for_update().filter(pk__in=[u.pk for u in predecessors]).order_by("pk"))
    units_merge_check(predecessors=olds, successor=successor, on_date=on_date)
    if successor is None:
        successor = unit_create(
            acting_user=acting_user,
            code=new_code,
            name=new_name,
            kind=new_kind or olds[0].kind,
            parent=parent if parent is not None else olds[0].parent,
            valid_from=on_date,
            merged_from_note="; ".join(o.name for o in olds),
        )
    closing = on_date - datetime.timedelta(days=1)
    handlers = succession_handlers()
    for old in olds:
        before = _unit_snapshot(old)
        # Children of the old unit move under the successor (their paths with them).
        for child in list(old.children.filter(valid_to__isnull=True)):
            unit_move(acting_user=acting_user, unit=child, new_parent=successor)
        for m in list(Membership.objects.active_on(on_date).filter(unit=old).select_for_update()):
            m_before = _membership_snapshot(m)
            m.valid_to = closing
            m.save(update_fields=["valid_to"])
            moved = Membership.objects.create(
                person_id=m.person_id, unit=successor, role=m.role, position=m.position, valid_from=on_date
            )
            audit_record(
                acting_user=acting_user,
                action="membership.transfer",
                obj=moved,
                unit_id=successor.pk,
                summary=f"Chuyển từ “{old.name}” sang “{successor.name}” do sáp nhập",
                before=m_before,
                after=_membership_snapshot(moved),
            )
        old.valid_to = closing
        old.successor = successor
        old.version = F("version") + 1
        old.save(update_fields=["valid_to", "successor", "version"])
        old.refresh_from_db()
        audit_record(
            acting_user=acting_user,
            action="unit.merge",
            obj=old,
            unit_id=old.pk,
            summary=f"Sáp nhập “{old.name}” vào “{successor.name}” từ ngày {on_date:%d/%m/%Y}",
            before=before,
            after=_unit_snapshot(old),
        )
        succession = Succession(predecessor=old, successor=successor, on_date=on_date, acting_user=acting_user)
        for handler in handlers.values():
            handler(succession)
    return successor


def unit_move_check(*, unit: Unit, new_parent: Unit) -> None:
    """The refusals of ``unit_move`` (its preview asks them too)."""
    if new_parent.path.startswith(unit.path):
        raise ValidationFailed(ERR_PARENT_IS_DESCENDANT, fields={"parent": ERR_PARENT_IS_DESCENDANT})
    if new_parent.valid_to is not None or unit.valid_to is not None:
        msg = ERR_UNIT_INACTIVE.format(name=new_parent.name if new_parent.valid_to else unit.name)
        raise ValidationFailed(msg, fields={"parent": msg})
    if unit.parent_id == new_parent.pk:
        msg = ERR_PARENT_UNCHANGED.format(name=new_parent.name)
        raise ValidationFailed(msg, fields={"parent": msg})


@transaction.atomic
def unit_move(*, acting_user: User | None, unit: Unit, new_parent: Unit) -> Unit:
    """Put ``unit`` (and its whole subtree) under ``new_parent``."""
    check_org_right(acting_user)
    unit = Unit.objects.select_for_update().get(pk=unit.pk)
    new_parent = Unit.objects.get(pk=new_parent.pk)
    unit_move_check(unit=unit, new_parent=new_parent)
    before = _unit_snapshot(unit)
    old_path = unit.path
    new_path = f"{new_parent.path}{unit.pk}/"
    depth_delta = (new_parent.depth + 1) - unit.depth
    for node in Unit.objects.select_for_update().filter(path__startswith=old_path):
        node.path = new_path + node.path[len(old_path) :]
        node.depth = node.depth + depth_delta
        node.save(update_fields=["path", "depth"])
    Unit.objects.filter(pk=unit.pk).update(parent=new_parent, version=F("version") + 1)
    unit.refresh_from_db()
    audit_record(
        acting_user=acting_user,
        action="unit.move",
        obj=unit,
        unit_id=unit.pk,
        summary=f"Chuyển “{unit.name}” về trực thuộc “{new_parent.name}”",
        before=before,
        after=_unit_snapshot(unit),
    )
    return unit


@transaction.atomic
def membership_create(
    *,
    acting_user: User | None,
    person: User,
    unit: Unit,
    role: str,
    valid_from: datetime.date,
    valid_to: datetime.date | None = None,
    position: str = "",
) -> Membership:
    check_org_right(acting_user)
    if valid_to is not None and valid_to < valid_from:
        raise ValidationFailed(ERR_MEMBERSHIP_DATES, fields={"valid_to": ERR_MEMBERSHIP_DATES})
    if unit.valid_to is not None:
        raise ValidationFailed(ERR_UNIT_INACTIVE.format(name=unit.name), fields={"unit": unit.name})
    _refuse_duplicate(person=person, unit=unit, role=role, valid_from=valid_from, valid_to=valid_to)
    m = Membership(
        person=person, unit=unit, role=Role(role), position=position, valid_from=valid_from, valid_to=valid_to
    )
    m.full_clean()
    m.save()
    audit_record(
        acting_user=acting_user,
        action="membership.create",
        obj=m,
        unit_id=unit.pk,
        after=_membership_snapshot(m),
    )
    return m


@transaction.atomic
def membership_end(*, acting_user: User | None, membership: Membership, valid_to: datetime.date) -> Membership:
    check_org_right(acting_user)
    m = Membership.objects.select_for_update().get(pk=membership.pk)
    if valid_to < m.valid_from:
        raise ValidationFailed(ERR_MEMBERSHIP_DATES, fields={"valid_to": ERR_MEMBERSHIP_DATES})
    if m.valid_to is not None and m.valid_to < valid_to:
        msg = ERR_MEMBERSHIP_ENDED.format(day=m.valid_to)
        raise ValidationFailed(msg, fields={"valid_to": msg})
    before = _membership_snapshot(m)
    m.valid_to = valid_to
    m.save(update_fields=["valid_to"])
    audit_record(
        acting_user=acting_user,
        action="membership.end",
        obj=m,
        unit_id=m.unit_id,
        before=before,
        after=_membership_snapshot(m),
    )
    membership_ended(acting_user=acting_user, membership=m)
    return m


# How many days back the daily pass offers ended memberships to the handlers again: an end entered ahead of time
# takes effect the day after its last day, and a worker stopped for a few days still catches up.
DEPARTURE_CATCH_UP_DAYS = 7


def membership_ended(*, acting_user: User | None, membership: Membership, day: datetime.date | None = None) -> int:
    """Once ``membership``'s last day is past (``valid_to`` before ``day``, default today) and its person holds no
    other membership in force in its unit that day, call the registered departure handlers (``org.departures``: the
    tasks app hands the person's open tasks to the unit's head). A role changed within the unit ends one membership
    and begins another in the same unit, so it hands nothing over. Runs in the caller's transaction; the handlers are
    idempotent, so calling it again for the same membership hands nothing twice. Returns how many objects the
    handlers handed over."""
    day = day or clock.today()
    last_day = membership.valid_to
    if last_day is None or last_day >= day:
        return 0
    if Membership.objects.active_on(day).filter(person_id=membership.person_id, unit_id=membership.unit_id).exists():
        return 0
    m = Membership.objects.select_related("person", "unit").get(pk=membership.pk)
    departure = Departure(
        person=m.person, unit=m.unit, last_day=last_day, membership_id=m.pk, acting_user=acting_user, day=day
    )
    return sum(handler(departure) for handler in membership_end_handlers().values())


def membership_ends_catch_up(day: datetime.date) -> int:
    """The daily pass's part: the memberships whose last day was in the ``DEPARTURE_CATCH_UP_DAYS`` before ``day``
    (entered ahead of time, they ended at midnight) go through ``membership_ended``, each in its own transaction.
    Idempotent. Returns how many objects were handed over."""
    since = day - datetime.timedelta(days=DEPARTURE_CATCH_UP_DAYS)
    ended = Membership.objects.filter(valid_to__gte=since, valid_to__lt=day).order_by("valid_to", "pk")
    handed = 0
    for m in ended:
        with transaction.atomic():
            handed += membership_ended(acting_user=None, membership=m, day=day)
    return handed


def _refuse_duplicate(
    *,
    person: User,
    unit: Unit,
    role: str,
    valid_from: datetime.date,
    valid_to: datetime.date | None,
    exclude_id: int | None = None,
) -> None:
    """The same person in the same role of the same unit twice over one period is a mistake, not a second role."""
    overlapping = Membership.objects.filter(person=person, unit=unit, role=role).filter(
        Q(valid_to__isnull=True) | Q(valid_to__gte=valid_from)
    )
    if valid_to is not None:
        overlapping = overlapping.filter(valid_from__lte=valid_to)
    if exclude_id is not None:
        overlapping = overlapping.exclude(pk=exclude_id)
    if overlapping.exists():
        msg = ERR_MEMBERSHIP_DUPLICATE.format(person=person.full_name, role=Role(role).label, unit=unit.name)
        raise ValidationFailed(msg, fields={"role": msg})


@transaction.atomic
def membership_change(
    *, acting_user: User | None, membership: Membership, role: str, position: str, on_date: datetime.date
) -> Membership:
    """A person's role or position in a unit changes from ``on_date``: the current membership ends the day before and
    a new one begins, so history keeps what the person was, and when. Returns the new membership."""
    check_org_right(acting_user)
    m = Membership.objects.select_for_update().select_related("person", "unit").get(pk=membership.pk)
    position = " ".join(position.split())
    if m.valid_to is not None and m.valid_to < on_date:
        msg = ERR_MEMBERSHIP_ENDED.format(day=m.valid_to)
        raise ValidationFailed(msg, fields={"on_date": msg})
    if on_date <= m.valid_from:
        msg = ERR_MEMBERSHIP_CHANGE_DATE.format(day=m.valid_from)
        raise ValidationFailed(msg, fields={"on_date": msg})
    if role == m.role and position == m.position:
        raise ValidationFailed(ERR_MEMBERSHIP_UNCHANGED, fields={"role": ERR_MEMBERSHIP_UNCHANGED})
    if m.unit.valid_to is not None:
        raise ValidationFailed(ERR_UNIT_INACTIVE.format(name=m.unit.name))
    _refuse_duplicate(person=m.person, unit=m.unit, role=role, valid_from=on_date, valid_to=m.valid_to, exclude_id=m.pk)
    before = _membership_snapshot(m)
    old_role = Role(m.role)
    kept_to = m.valid_to
    m.valid_to = on_date - datetime.timedelta(days=1)
    m.save(update_fields=["valid_to"])
    new = Membership(
        person=m.person, unit=m.unit, role=Role(role), position=position, valid_from=on_date, valid_to=kept_to
    )
    new.full_clean()
    new.save()
    audit_record(
        acting_user=acting_user,
        action="membership.change",
        obj=new,
        unit_id=m.unit_id,
        summary=f"{m.person.full_name}: {old_role.label} → {Role(role).label} từ ngày {on_date:%d/%m/%Y}",
        before=before,
        after=_membership_snapshot(new),
    )
    # The person still holds a membership in the unit (the new one, once begun): nothing is handed over.
    membership_ended(acting_user=acting_user, membership=m)
    return new
