"""Every label a person sees on the administration site is Vietnamese: Django's own titles, the third-party apps'
sections (django-axes, django-tasks-db: ``common.vendor_apps``), their models and fields (``sauro/locale/vi``)."""

from __future__ import annotations

import re

import pytest
from django.contrib.auth import get_user_model
from django.test import Client

ENGLISH = [
    "Django",
    "Axes",
    "Access attempt",
    "Access failure",
    "Access log",
    "access attempt",
    "Tasks Database Backend",
    "Task Results",
    "Task Result",
    "Skip to main content",
    "Toggle theme",
    "Model name",
    "Add link",
    "Change or view list link",
    "Show counts",
    "Attempt Time",
    "Locked Out",
]


def visible_text(html: str) -> str:
    html = re.sub(r"<(script|style)\b.*?</\1>", " ", html, flags=re.S)
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


@pytest.fixture
def admin_client_vi(db) -> Client:  # type: ignore[no-untyped-def]
    user = get_user_model().objects.create_superuser("quantri", "quantri@example.vn", "mat-khau-dai-1234")
    client = Client()
    client.force_login(user)
    return client


def test_admin_index_names_every_app_in_vietnamese(admin_client_vi: Client) -> None:
    text = visible_text(admin_client_vi.get("/quan-tri/").content.decode())
    assert "Quản trị hệ thống Sáu Rõ" in text
    assert "Chống dò mật khẩu" in text and "Tác vụ chạy nền" in text
    assert "Lần đăng nhập bị theo dõi" in text and "Kết quả tác vụ nền" in text
    found = [word for word in ENGLISH if word in text]
    assert found == []


@pytest.mark.parametrize(
    "url",
    ["/quan-tri/axes/accessattempt/", "/quan-tri/axes/accesslog/", "/quan-tri/django_tasks_database/dbtaskresult/"],
)
def test_third_party_lists_are_vietnamese(admin_client_vi: Client, url: str) -> None:
    response = admin_client_vi.get(url)
    assert response.status_code == 200
    text = visible_text(response.content.decode())
    assert [word for word in ENGLISH if word in text] == []
