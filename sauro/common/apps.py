from django.apps import AppConfig


class CommonConfig(AppConfig):
    """Shared code (calendar, access scoping, middleware, helpers) and the data versions caches are keyed by."""

    name = "sauro.common"
    label = "common"
