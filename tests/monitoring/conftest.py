"""Fixtures for monitoring tests: the task fixtures (a controllable clock, complete drafts) shared with tasks."""

from __future__ import annotations

from tests.tasks.conftest import make_draft, today  # noqa: F401  (fixtures re-exported for this package)
