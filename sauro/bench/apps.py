from django.apps import AppConfig


class BenchConfig(AppConfig):
    name = "sauro.bench"
    label = "bench"
    verbose_name = "Đo hiệu năng"
