"""Login, logout and the lockout page, in Vietnamese."""

from __future__ import annotations

from collections.abc import Callable, Iterator

import pytest
from axes.utils import reset
from django.conf import settings
from django.test import Client
from django.urls import reverse

from sauro.accounts.forms import ERR_INVALID_LOGIN
from sauro.accounts.models import User
from tests.conftest import PASSWORD, Org

ClientFor = Callable[[User], Client]


@pytest.fixture(autouse=True)
def _clean_axes(db: None) -> Iterator[None]:
    reset()
    yield
    reset()


def test_urls() -> None:
    assert reverse("login") == "/dang-nhap/"
    assert reverse("logout") == "/dang-xuat/"
    assert reverse("home") == "/"


def test_login_page_in_vietnamese(db: None) -> None:
    response = Client().get(reverse("login"))
    assert response.status_code == 200
    html = response.content.decode()
    assert '<label for="id_username">Tên đăng nhập</label>' in html
    assert '<label for="id_password">Mật khẩu</label>' in html
    assert ">Đăng nhập</button>" in html
    assert 'autocomplete="current-password"' in html
    assert "<title>Đăng nhập · Sáu Rõ</title>" in html


def test_wrong_password_gives_a_vietnamese_error(org: Org) -> None:
    client = Client()
    response = client.post(reverse("login"), {"username": "phuxuan", "password": "sai-mat-khau"})
    assert response.status_code == 200
    html = response.content.decode()
    assert str(ERR_INVALID_LOGIN) in html
    assert "Tên đăng nhập hoặc mật khẩu không đúng." in html
    assert 'role="alert"' in html
    assert "_auth_user_id" not in client.session


def test_empty_form_gives_vietnamese_field_errors(db: None) -> None:
    html = Client().post(reverse("login"), {}).content.decode()
    assert "Trường này là bắt buộc." in html


def test_login_goes_home_or_to_next(org: Org) -> None:
    client = Client()
    response = client.post(reverse("login"), {"username": "phuxuan", "password": PASSWORD})
    assert response.status_code == 302
    assert response["Location"] == reverse("home")
    # Already logged in: the login page sends the user on.
    assert client.get(reverse("login"))["Location"] == reverse("home")

    other = Client()
    tree = reverse("org:unit_tree")
    response = other.post(reverse("login"), {"username": "phuxuan", "password": PASSWORD, "next": tree})
    assert response["Location"] == tree


def test_logout_is_a_post(org: Org, client_for: ClientFor) -> None:
    client = client_for(org.phuxuan_head)
    assert client.get(reverse("logout")).status_code == 405
    assert "_auth_user_id" in client.session
    response = client.post(reverse("logout"))
    assert response.status_code == 302
    assert response["Location"] == reverse("login")
    assert "_auth_user_id" not in client.session
    assert "Bạn đã đăng xuất khỏi hệ thống." in client.get(reverse("login")).content.decode()


def test_lockout_page_in_vietnamese(org: Org) -> None:
    client = Client()
    response = None
    for _ in range(settings.AXES_FAILURE_LIMIT):
        response = client.post(reverse("login"), {"username": "phuxuan", "password": "sai"}, REMOTE_ADDR="203.0.113.7")
    assert response is not None
    assert response.status_code == 429
    html = response.content.decode()
    assert "Đăng nhập tạm thời bị khóa" in html
    assert f"{settings.AXES_FAILURE_LIMIT} lần liên tiếp" in html
    minutes = round(settings.AXES_COOLOFF_TIME * 60)
    assert f"Vui lòng thử lại sau khoảng {minutes} phút." in html
    assert reverse("login") in html
