from django.apps import AppConfig


class CommonConfig(AppConfig):
    """The kernel (calendar, clock, errors, API and page helpers, middleware) and the data versions caches are keyed
    by. It imports no other sauro app (the floors: docs/architecture.md, tests/test_layers.py)."""

    name = "sauro.common"
    label = "common"
