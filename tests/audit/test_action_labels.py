"""Every action code a service writes to the journal has a Vietnamese name (``audit.actions.ACTION_LABELS``).

The codes are found by reading the source: every ``action="…"`` given to ``audit_record`` (or a helper passing it
on), every ``ACTION = "…"`` constant of the journal's own commands, every ``"a" if … else "b"`` choice, and the
task events, journalled as ``task.<event kind>``. A new code without a label fails here."""

from __future__ import annotations

import ast
from pathlib import Path

import sauro
from sauro.audit.actions import ACTION_LABELS, action_label
from sauro.tasks.choices import EventKind

ROOT = Path(sauro.__file__).parent
CODE_SHAPE = r"^[a-z_]+\.[a-z_]+$"


def _strings(node: ast.AST) -> list[str]:
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return [node.value]
    if isinstance(node, ast.IfExp):
        return _strings(node.body) + _strings(node.orelse)
    return []


def written_codes() -> set[str]:
    """The literal action codes in the calls to the journal across ``sauro/`` (migrations and tests aside)."""
    codes: set[str] = set()
    for path in ROOT.rglob("*.py"):
        if "migrations" in path.parts:
            continue
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.Call):
                called = node.func.attr if isinstance(node.func, ast.Attribute) else getattr(node.func, "id", "")
                if called in {"audit_record", "AuditEntry"} or called.endswith("_journal"):
                    for kw in node.keywords:
                        if kw.arg == "action":
                            codes.update(_strings(kw.value))
                    # A journalling helper that takes the code first: ``_journal("discussion.comment_post", …)``.
                    if node.args:
                        codes.update(s for s in _strings(node.args[0]) if "." in s and " " not in s)
                # Rows written straight into the journal (the bench's seed) name their action too.
                for kw in node.keywords:
                    if kw.arg == "action":
                        codes.update(s for s in _strings(kw.value) if "." in s and " " not in s)
            if isinstance(node, ast.Assign) and any(isinstance(t, ast.Name) and t.id == "ACTION" for t in node.targets):
                codes.update(_strings(node.value))
    return codes


def test_the_scan_finds_the_services_codes() -> None:
    codes = written_codes()
    # A few from different apps: the scan really reads the services.
    assert {"unit.merge", "workprogram.import", "report.submit", "audit.key_rotated", "task.issued"} <= codes
    assert "workprogramitem.unlink_task" in codes  # one branch of a conditional code
    assert "discussion.comment_edit" in codes  # the code as a helper's first argument


def test_every_written_code_has_a_label() -> None:
    missing = sorted(written_codes() - set(ACTION_LABELS))
    assert missing == [], f"action codes without a Vietnamese label in sauro/audit/actions.py: {missing}"


def test_every_task_event_has_a_label() -> None:
    missing = sorted(f"task.{kind}" for kind in EventKind.values if f"task.{kind}" not in ACTION_LABELS)
    assert missing == []


def test_labels_are_vietnamese_not_codes() -> None:
    for code, label in ACTION_LABELS.items():
        text = str(label)
        assert text and text != code and "." not in text and "_" not in text, code


def test_an_unknown_code_reads_as_words() -> None:
    assert action_label("something.strange") == "Thao tác khác"
    assert action_label("task.teleported") == "Thao tác khác (nhiệm vụ)"
    assert action_label("unit.delete") == "Xóa đơn vị"
    assert action_label("task.obstacle_raised") == "Báo cáo khó khăn, vướng mắc"
