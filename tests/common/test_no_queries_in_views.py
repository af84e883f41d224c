"""Pages check, call one selector or service and render (docs/architecture.md): no ``Model.objects`` query in a
view or a form. Their reads go through the selectors (``<app>/selectors.py``, ``org.pickers`` for the pickers),
which apply the visibility gates, so a page never reads rows its user may not see."""

from __future__ import annotations

import ast
from pathlib import Path

import sauro

SOURCE = Path(sauro.__file__).parent

# ``Model.objects.none()`` runs no query: a form field declared empty, whose rows ``__init__`` sets from a selector.
NO_QUERY_CALLS = {"none"}
# (file, line text) allowed with a reason. Keep it empty: move the query into a selector instead.
ALLOWED: set[tuple[str, str]] = set()


def page_modules() -> list[Path]:
    """Every ``views.py``, module of a ``views/`` package and ``forms.py`` under sauro/."""
    found = [*SOURCE.rglob("views.py"), *SOURCE.rglob("forms.py")]
    found += [p for p in SOURCE.rglob("*.py") if p.parent.name == "views"]
    return sorted(set(found))


def manager_uses(source: str) -> list[tuple[int, str]]:
    """(line, expression) of every use of a model's ``objects`` manager but ``.objects.none()``."""
    tree = ast.parse(source)
    parents = {child: node for node in ast.walk(tree) for child in ast.iter_child_nodes(node)}
    found = []
    for node in ast.walk(tree):
        if not (isinstance(node, ast.Attribute) and node.attr == "objects"):
            continue
        method = parents.get(node)
        call = parents.get(method) if method is not None else None
        if (
            isinstance(method, ast.Attribute)
            and method.attr in NO_QUERY_CALLS
            and isinstance(call, ast.Call)
            and call.func is method
        ):
            continue
        found.append((node.lineno, ast.unparse(method if isinstance(method, ast.Attribute) else node)))
    return sorted(found)


def test_the_scanner_finds_manager_queries_and_lets_empty_querysets_pass() -> None:
    sample = (
        "a = Unit.objects.filter(pk=1)\n"
        "b = Unit.objects.none()\n"
        "c = Membership.objects.active_on(day)\n"
        "d = models.Unit.objects\n"
        "e = forms.ModelChoiceField(queryset=User.objects.all())\n"
    )
    assert manager_uses(sample) == [
        (1, "Unit.objects.filter"),
        (3, "Membership.objects.active_on"),
        (4, "models.Unit.objects"),
        (5, "User.objects.all"),
    ]


def test_the_scan_covers_every_page_module() -> None:
    names = {p.relative_to(SOURCE).as_posix() for p in page_modules()}
    assert {"tasks/views/lists.py", "tasks/views/detail.py", "tasks/forms.py", "monitoring/views.py"} <= names


def test_no_view_or_form_queries_a_model_manager() -> None:
    offenders = []
    for path in page_modules():
        relative = path.relative_to(SOURCE).as_posix()
        lines = path.read_text(encoding="utf-8").splitlines()
        for line, expression in manager_uses(path.read_text(encoding="utf-8")):
            if (relative, lines[line - 1].strip()) not in ALLOWED:
                offenders.append(f"{relative}:{line}: {expression}")
    assert offenders == [], "Read through a selector instead of: " + "; ".join(offenders)
