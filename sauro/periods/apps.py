from django.apps import AppConfig


class PeriodsConfig(AppConfig):
    """The reporting regime's periods (no models): ``periods.regime`` and ``periods.choices.ReportKind``."""

    name = "sauro.periods"
    label = "periods"
