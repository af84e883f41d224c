"""Where a matter arose: the ward or commune an address names, in force today.

An address may be written with a commune's name from before the 2025 merger ("thôn 3, xã Thủy Bằng, thị xã Hương
Thủy"): the organisation already knows the former names (``org.models.UnitName``, a unit's ``merged_from_note``,
the units merged into another), and the text extractor's matcher resolves them to the unit in force
(``extraction.units.UnitMatcher``). This module only asks it, keeping the wards and communes among what it finds."""

from __future__ import annotations

import datetime

from sauro.extraction.units import LOCAL_KINDS, UnitMatcher
from sauro.org.models import Unit


def commune_of_address(address: str, *, day: datetime.date | None = None) -> Unit | None:
    """The ward or commune in force on ``day`` (today) that ``address`` names — the last one named, as an address
    goes from the house to the commune —, or ``None``."""
    text = " ".join((address or "").split())
    if not text:
        return None
    matcher = UnitMatcher.from_db(day)
    ids = [m.unit.id for m in matcher.mentions(text) if m.unit is not None]
    if not ids:
        return None
    found = {u.pk: u for u in Unit.objects.filter(pk__in=ids, kind__in=sorted(LOCAL_KINDS))}
    for unit_id in reversed(ids):
        if unit_id in found:
            return found[unit_id]
    return None
