"""The third-party apps under Vietnamese names: what the administration site titles their sections with.

``INSTALLED_APPS`` names these configurations instead of the apps' own (whose names are English and, for
django-tasks-db, not translatable). Their models and fields are translated in ``sauro/locale/vi``."""

from __future__ import annotations

from axes.apps import AppConfig as AxesAppConfig
from django.utils.translation import gettext_lazy as _
from django_tasks_db.apps import TasksAppConfig


class AxesConfig(AxesAppConfig):
    verbose_name = _("Chống dò mật khẩu")


class TasksDatabaseConfig(TasksAppConfig):
    verbose_name = _("Tác vụ chạy nền")  # type: ignore[assignment]  # a lazy string, translated on display
