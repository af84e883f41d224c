"""Every write to the organisation: units, restructuring, memberships."""

from __future__ import annotations

import datetime

from django.db import transaction
from django.db.models import F

from sauro.accounts.models import User
from sauro.audit.services import audit_record
from sauro.common.errors import ValidationFailed
from sauro.org.choices import Role
from sauro.org.models import Membership, Unit, UnitName
from sauro.org.restructuring import Succession, succession_handlers

ERR_UNIT_CODE_TAKEN = "Mã đơn vị “{code}” đã được dùng."
ERR_UNIT_INACTIVE = "Đơn vị “{name}” không còn hoạt động."
ERR_MERGE_NEEDS_TWO = "Cần ít nhất một đơn vị để sáp nhập vào đơn vị kế thừa."
ERR_MERGE_INTO_SELF = "Đơn vị kế thừa không được là một trong các đơn vị bị sáp nhập."
ERR_MERGE_DATE = "Ngày sáp nhập phải sau ngày thành lập của các đơn vị."
ERR_NAME_EMPTY = "Tên đơn vị không được để trống."
ERR_NAME_UNCHANGED = "Tên mới trùng tên hiện tại."
ERR_MEMBERSHIP_DATES = "Ngày kết thúc phải sau hoặc bằng ngày bắt đầu."
ERR_PARENT_IS_DESCENDANT = "Không thể đặt đơn vị dưới chính nó hoặc đơn vị cấp dưới của nó."


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
def unit_rename(*, acting_user: User | None, unit: Unit, new_name: str, on_date: datetime.date) -> Unit:
    """Rename a unit from ``on_date``; the old name is kept for the period it was used."""
    unit = Unit.objects.select_for_update().get(pk=unit.pk)
    new_name = new_name.strip()
    if not new_name:
        raise ValidationFailed(ERR_NAME_EMPTY, fields={"name": ERR_NAME_EMPTY})
    if new_name == unit.name:
        raise ValidationFailed(ERR_NAME_UNCHANGED, fields={"name": ERR_NAME_UNCHANGED})
    if unit.valid_to is not None:
        msg = ERR_UNIT_INACTIVE.format(name=unit.name)
        raise ValidationFailed(msg)
    before = _unit_snapshot(unit)
    last_change = unit.former_names.order_by("-valid_to").values_list("valid_to", flat=True).first()
    name_from = (last_change + datetime.timedelta(days=1)) if last_change else unit.valid_from
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
    if not predecessors:
        raise ValidationFailed(ERR_MERGE_NEEDS_TWO)
    olds = list(Unit.objects.select_for_update().filter(pk__in=[u.pk for u in predecessors]).order_by("pk"))
    for old in olds:
        if old.valid_to is not None:
            raise ValidationFailed(ERR_UNIT_INACTIVE.format(name=old.name))
        if old.valid_from >= on_date:
            raise ValidationFailed(ERR_MERGE_DATE)
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
    elif successor.pk in {o.pk for o in olds}:
        raise ValidationFailed(ERR_MERGE_INTO_SELF)
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


@transaction.atomic
def unit_move(*, acting_user: User | None, unit: Unit, new_parent: Unit) -> Unit:
    """Put ``unit`` (and its whole subtree) under ``new_parent``."""
    unit = Unit.objects.select_for_update().get(pk=unit.pk)
    if new_parent.path.startswith(unit.path):
        raise ValidationFailed(ERR_PARENT_IS_DESCENDANT)
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
    if valid_to is not None and valid_to < valid_from:
        raise ValidationFailed(ERR_MEMBERSHIP_DATES, fields={"valid_to": ERR_MEMBERSHIP_DATES})
    if unit.valid_to is not None:
        raise ValidationFailed(ERR_UNIT_INACTIVE.format(name=unit.name), fields={"unit": unit.name})
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
    m = Membership.objects.select_for_update().get(pk=membership.pk)
    if valid_to < m.valid_from:
        raise ValidationFailed(ERR_MEMBERSHIP_DATES, fields={"valid_to": ERR_MEMBERSHIP_DATES})
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
    return m
