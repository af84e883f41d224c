from django.apps import AppConfig


class CommonConfig(AppConfig):
    """Shared code without models (calendar, access scoping, middleware, helpers)."""

    name = "sauro.common"
    label = "common"
