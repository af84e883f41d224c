"""Fixtures of the organisation tests."""

from tests.tasks.conftest import today  # noqa: F401  (the fixed clock, re-exported for this package)
