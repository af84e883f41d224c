"""Demo directives for the Huế demo: the term 2025 – 2030 of Thành ủy Huế and a small directive tree
(``data/directives.json``).

The tree follows PRODUCT §4: the Resolution of the XVII City Party Congress (2 – 4 October 2025) → the City
Committee's Action Program implementing it → agency plans; and the notice of conclusions of the January 2026
conference of the city's Party agencies, whose text (``data/seed-hue-conclusion-2026-01.txt``) is the origin of the
product; and a flood-response letter marked Hỏa tốc (độ khẩn), the one urgent directive of the demo.

``load_demo_directives`` is idempotent and writes through the services (so the journal records it, attributed to
the office's demo account when it exists). It needs the demo organisation (``sauro.demo.loader.load_demo``).
"""

from __future__ import annotations

import datetime
import functools
import json
from dataclasses import dataclass, field
from typing import Any

from django.db import transaction

from sauro.accounts.models import User
from sauro.demo.paths import DATA_DIR
from sauro.directives.access import can_register_directives
from sauro.directives.choices import Urgency
from sauro.directives.models import Directive, Term
from sauro.directives.services import DirectiveInput, directive_create, term_create
from sauro.org.models import Unit

DIRECTIVES_FILE = DATA_DIR / "directives.json"
CONCLUSION_FILE = DATA_DIR / "seed-hue-conclusion-2026-01.txt"


@dataclass(frozen=True)
class DemoDirective:
    key: str
    kind: str
    number: int
    issuer_code: str
    unit_code: str
    issued_on: datetime.date
    summary: str
    signer: str
    full_text: str = ""
    parent: str = ""
    urgency: str = Urgency.NORMAL


@functools.cache
def _data() -> dict[str, Any]:
    data: dict[str, Any] = json.loads(DIRECTIVES_FILE.read_text(encoding="utf-8"))
    return data


def published_text(path_name: str) -> str:
    """A text as published, without what the copy added around it: the first line (the page's date and the caption
    of its first photo) and the caption of the second photo."""
    lines = (DATA_DIR / path_name).read_text(encoding="utf-8").splitlines()
    if lines and lines[0].strip().startswith("date "):
        lines = lines[1:]
    caption = _data()["photo_caption"]
    return "\n".join(line for line in lines if line.strip() != caption).strip()


def conclusion_text() -> str:
    """The text of the January 2026 conclusion as published."""
    return published_text(CONCLUSION_FILE.name)


def _full_text(raw: dict[str, Any]) -> str:
    name = raw.get("text_file")
    if not name:
        return str(raw.get("text", ""))
    if raw.get("published_copy"):
        return published_text(name)
    return (DATA_DIR / name).read_text(encoding="utf-8").strip()


def demo_directives() -> list[DemoDirective]:
    return [
        DemoDirective(
            key=raw["key"],
            kind=raw["kind"],
            number=int(raw["number"]),
            issuer_code=raw["issuer_code"],
            unit_code=raw["unit_code"],
            issued_on=datetime.date.fromisoformat(raw["issued_on"]),
            summary=raw["summary"],
            signer=raw["signer"],
            full_text=_full_text(raw),
            parent=raw.get("parent", ""),
            urgency=raw.get("urgency", Urgency.NORMAL),
        )
        for raw in _data()["directives"]
    ]


@dataclass
class DemoDirectivesResult:
    created: int = 0
    term_created: bool = False
    skipped_reason: str = ""
    keys: list[str] = field(default_factory=list)


def load_demo_directives() -> DemoDirectivesResult:
    """Create the demo term and directives that are not there yet (by number-symbol); safe to call again."""
    result = DemoDirectivesResult()
    data = _data()
    with transaction.atomic():
        committee = Unit.objects.filter(code=data["committee"]).first()
        if committee is None:
            result.skipped_reason = "Chưa có tổ chức mẫu (Thành ủy Huế, mã TU): hãy nạp dữ liệu mẫu trước."
            return result
        office = User.objects.filter(username=data["office_account"], is_active=True).first()
        if office is not None and not can_register_directives(office):
            office = None
        term_start = datetime.date.fromisoformat(data["term"]["starts_on"])
        term = Term.objects.filter(committee=committee, starts_on=term_start).first()
        if term is None:
            term = term_create(acting_user=None, committee=committee, name=data["term"]["name"], starts_on=term_start)
            result.term_created = True
        specs = demo_directives()
        units = {u.code: u for u in Unit.objects.filter(code__in={s.unit_code for s in specs})}
        made: dict[str, Directive] = {}
        for spec in specs:
            existing = Directive.objects.filter(
                term=term, kind=spec.kind, issuer_code=spec.issuer_code, number=spec.number
            ).first()
            unit = units.get(spec.unit_code)
            if existing is not None or unit is None:
                if existing is not None:
                    made[spec.key] = existing
                continue
            parent = made.get(spec.parent) if spec.parent else None
            made[spec.key] = directive_create(
                acting_user=office,
                data=DirectiveInput(
                    kind=spec.kind,
                    number=spec.number,
                    issuer_code=spec.issuer_code,
                    issuing_unit_id=unit.pk,
                    issued_on=spec.issued_on,
                    summary=spec.summary,
                    signer=spec.signer,
                    full_text=spec.full_text,
                    parent_id=parent.pk if parent is not None else None,
                    urgency=spec.urgency,
                ),
            )
            result.created += 1
            result.keys.append(spec.key)
    return result
