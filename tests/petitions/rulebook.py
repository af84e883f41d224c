"""The rule book shipped by migration ``petitions 0002`` as the pure engine's values, for tests without a database."""

from __future__ import annotations

import importlib

from sauro.petitions.deadlines import Rule

SHIPPED = importlib.import_module("sauro.petitions.migrations.0002_default_rules")
DEFAULTS: tuple[Rule, ...] = tuple(
    Rule(**{name: value for name, value in row.items() if name != "basis"}) for row in SHIPPED.DEFAULT_RULES
)
