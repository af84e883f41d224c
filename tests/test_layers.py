"""The floors of the house (ARCHITECTURE rule 11): each app imports only the apps below it.

``FLOORS`` is the one place the order is written (docs/architecture.md, "Floors", shows the same line, and a test
below keeps the two equal). Every import counts: at module level, inside functions, under ``TYPE_CHECKING``, in
management commands and admin modules; only migrations are skipped (they name apps by label, as Django wants).
A lower app that must react to a higher one gets a hook the higher one registers in its ``AppConfig.ready``.
"""

from __future__ import annotations

import ast
import re
from collections.abc import Iterator
from pathlib import Path

SAURO = Path(__file__).resolve().parent.parent / "sauro"
ARCHITECTURE_DOC = SAURO.parent / "docs" / "architecture.md"

# Lowest first. An app may import itself and the apps before it in this list, never one after it.
FLOORS = (
    "common",
    "formats",  # Django's FORMAT_MODULE_PATH (Vietnamese date and number formats), no imports
    "audit",
    "accounts",
    "org",
    "workdays",
    "periods",
    "notifications",
    "directives",
    "tasks",
    "identity",  # how people come in: the agency directory (LDAP), single sign-on, two factors
    "extraction",  # a directive's text → proposed draft tasks
    "meetings",  # the register of meetings; a conclusion becomes a directive and its proposals
    "petitions",  # citizens' receptions and letters; the rule book of statutory deadlines
    "monitoring",
    "discussions",
    "programs",
    "dashboard",
    "reports",
    "demo",
    "bench",
    "backup",
    "daily",
    "web",
)


def sauro_packages(root: Path = SAURO) -> set[str]:
    """Every package directly under ``sauro/`` (an app or a package that may grow into one)."""
    return {p.name for p in root.iterdir() if p.is_dir() and (p / "__init__.py").exists()}


def imported_modules(path: Path, root: Path = SAURO) -> Iterator[tuple[int, str]]:
    """``(line, dotted name)`` of every module ``path`` imports, wherever the import statement stands; for
    ``from a import b`` both ``a`` and ``a.b`` (``b`` may be a submodule: ``from sauro import tasks``)."""
    package = ["sauro", *path.relative_to(root).parts[:-1]]
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), filename=str(path))):
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield node.lineno, alias.name
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = ".".join(package[: len(package) - node.level + 1])
                module = f"{base}.{node.module}" if node.module else base
            else:
                module = node.module or ""
            yield node.lineno, module
            for alias in node.names:
                yield node.lineno, f"{module}.{alias.name}"


def app_imports(root: Path = SAURO) -> Iterator[tuple[str, str, str]]:
    """``(importing app, imported app, "file:line")`` for every import from one sauro package into another."""
    packages = sauro_packages(root)
    for path in sorted(root.rglob("*.py")):
        parts = path.relative_to(root).parts
        if len(parts) < 2 or parts[0] not in packages or "migrations" in parts:
            continue
        seen: set[tuple[str, int]] = set()
        for line, name in imported_modules(path, root):
            dotted = name.split(".")
            if len(dotted) < 2 or dotted[0] != "sauro" or dotted[1] not in packages or dotted[1] == parts[0]:
                continue
            if (dotted[1], line) not in seen:
                seen.add((dotted[1], line))
                yield parts[0], dotted[1], f"sauro/{path.relative_to(root).as_posix()}:{line}"


def test_every_package_has_a_floor() -> None:
    assert len(set(FLOORS)) == len(FLOORS), "an app is listed twice"
    assert sorted(sauro_packages()) == sorted(FLOORS), (
        "every package under sauro/ takes a place in FLOORS (a new app: put it above what it imports)"
    )


def test_no_app_imports_an_app_above_it() -> None:
    floor = {app: i for i, app in enumerate(FLOORS)}
    upward = sorted(
        f"{where}: {low} imports {high}" for low, high, where in app_imports() if floor[high] > floor.get(low, -1)
    )
    assert upward == [], "imports from a lower floor to a higher one:\n" + "\n".join(upward)


def test_common_imports_no_other_app() -> None:
    found = sorted(f"{where}: common imports {app}" for low, app, where in app_imports() if low == "common")
    assert found == [], "\n".join(found)


def test_the_scanner_sees_every_kind_of_import(tmp_path: Path) -> None:
    """The checks above would pass on an empty scan: the scanner sees imports in functions, under TYPE_CHECKING,
    relative ones and ``from sauro import app``, and skips only migrations."""
    for package in ("common", "common/management/commands", "common/migrations", "accounts", "org", "tasks"):
        (tmp_path / package).mkdir(parents=True, exist_ok=True)
        (tmp_path / package / "__init__.py").write_text("", encoding="utf-8")
    (tmp_path / "reports").mkdir()
    (tmp_path / "reports" / "__init__.py").write_text("", encoding="utf-8")
    (tmp_path / "common" / "probe.py").write_text(
        "from typing import TYPE_CHECKING\n"
        "if TYPE_CHECKING:\n"
        "    from sauro.accounts.models import User\n"
        "def f():\n"
        "    import sauro.tasks.models\n"
        "    from ..org import access\n"
        "from sauro import reports\n"
        "from sauro.common import clock\n",
        encoding="utf-8",
    )
    (tmp_path / "common" / "management" / "commands" / "run.py").write_text("from sauro.tasks import jobs\n")
    (tmp_path / "common" / "migrations" / "0001_initial.py").write_text("from sauro.org import models\n")
    assert sorted(app_imports(tmp_path)) == [
        ("common", "accounts", "sauro/common/probe.py:3"),
        ("common", "org", "sauro/common/probe.py:6"),
        ("common", "reports", "sauro/common/probe.py:7"),
        ("common", "tasks", "sauro/common/management/commands/run.py:1"),
        ("common", "tasks", "sauro/common/probe.py:5"),
    ]


def test_the_architecture_doc_shows_the_same_order() -> None:
    """docs/architecture.md mirrors FLOORS in one line: ``Floors, lowest first: `common` < `audit` < …``."""
    match = re.search(r"^Floors, lowest first: (.+)$", ARCHITECTURE_DOC.read_text(encoding="utf-8"), re.MULTILINE)
    assert match is not None, "docs/architecture.md has lost its 'Floors, lowest first:' line"
    assert tuple(name.strip(" `.") for name in match.group(1).split("<")) == FLOORS


TEMPLATES = SAURO / "templates"
_TEMPLATE_REF = re.compile(r"""\{%\s*(?:include|extends)\s+["']([a-z_]+)/""")


def template_references(root: Path = TEMPLATES) -> Iterator[tuple[str, str, str]]:
    """``(template, its app, the app it includes or extends)`` for each template under an app's folder."""
    for path in sorted(root.rglob("*.html")):
        owner = path.relative_to(root).parts[0]
        for match in _TEMPLATE_REF.finditer(path.read_text(encoding="utf-8")):
            yield str(path.relative_to(root)), owner, match.group(1)


def test_no_app_template_includes_one_above_it() -> None:
    """Templates keep the floors too: a task page that included the discussion's template by name would tie tasks to
    an app above it (the discussion joins the page through ``register_task_page_extension`` instead)."""
    wrong = [
        f"{template} includes {used}/"
        for template, owner, used in template_references()
        if owner in FLOORS and used in FLOORS and FLOORS.index(used) > FLOORS.index(owner)
    ]
    assert wrong == []


def test_the_template_scan_sees_includes(tmp_path: Path) -> None:
    (tmp_path / "tasks").mkdir()
    (tmp_path / "tasks" / "page.html").write_text('{% include "discussions/_thread.html" %}', encoding="utf-8")
    assert list(template_references(tmp_path)) == [("tasks/page.html", "tasks", "discussions")]
