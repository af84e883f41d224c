from django.apps import AppConfig


class DailyConfig(AppConfig):
    """The daily jobs run by the background worker and their commands (``sauro tasks``, ``sauro remind``); above
    every domain app, whose daily functions they call in order."""

    name = "sauro.daily"
    label = "daily"
