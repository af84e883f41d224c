from django.apps import AppConfig


class BackupConfig(AppConfig):
    """``sauro backup`` and ``sauro restore``, and the nightly backup the worker runs (no models)."""

    name = "sauro.backup"
    label = "backup"
