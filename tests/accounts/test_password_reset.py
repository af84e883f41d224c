"""Password reset by e-mail (issue 21, point 4): a link that works once, the same answer for any address, no link for
accounts whose password is kept elsewhere, the API tokens revoked and the change journalled."""

from __future__ import annotations

import re

from django.core import mail
from django.test import Client
from django.urls import reverse

from sauro.accounts.models import ApiToken, User
from sauro.accounts.services import api_token_create
from sauro.audit.models import AuditEntry
from tests.conftest import PASSWORD, Org

NEW_PASSWORD = "mat-khau-moi-cua-phuong-2026"


def _link() -> str:
    assert len(mail.outbox) == 1
    found = re.search(r"https?://[^/\s]+(/quen-mat-khau/dat-lai/\S+/)", mail.outbox[0].body)
    assert found, mail.outbox[0].body
    return found.group(1)


def test_the_login_page_offers_the_reset(db: None) -> None:
    assert reverse("password_reset") in Client().get(reverse("login")).content.decode()


def test_a_link_by_mail_sets_a_new_password_once(org: Org) -> None:
    User.objects.filter(pk=org.phuxuan_head.pk).update(email="phuxuan@hue.dcs.vn")
    api_token_create(acting_user=org.phuxuan_head, user=org.phuxuan_head, name="tích hợp")
    client = Client()

    sent = client.post(reverse("password_reset"), {"email": "PHUXUAN@hue.dcs.vn"})
    assert sent.status_code == 302 and sent["Location"] == reverse("password_reset_done")
    assert mail.outbox[0].subject == "Sáu Rõ: đặt lại mật khẩu"
    assert "Kính gửi đồng chí Võ Văn Phú" in mail.outbox[0].body and "Tên đăng nhập: phuxuan" in mail.outbox[0].body
    link = _link()

    form = client.get(link, follow=True)
    assert form.status_code == 200 and "Đặt mật khẩu mới" in form.content.decode()
    weak = client.post(form.redirect_chain[-1][0], {"new_password1": "123", "new_password2": "123"})
    assert weak.status_code == 200 and 'role="alert"' in weak.content.decode()
    done = client.post(form.redirect_chain[-1][0], {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD})
    assert done.status_code == 302 and done["Location"] == reverse("password_reset_complete")

    org.phuxuan_head.refresh_from_db()
    assert org.phuxuan_head.check_password(NEW_PASSWORD) and not org.phuxuan_head.check_password(PASSWORD)
    logged = Client()
    assert logged.post(reverse("login"), {"username": "phuxuan", "password": NEW_PASSWORD}).status_code == 302
    assert not ApiToken.objects.filter(user=org.phuxuan_head, revoked_at__isnull=True).exists()
    assert AuditEntry.objects.filter(action="user.password_reset", object_id=str(org.phuxuan_head.pk)).exists()
    again = Client().get(link, follow=True).content.decode()
    assert "không hợp lệ" in again  # the link worked once


def test_an_unknown_address_gets_the_same_answer_and_no_mail(org: Org) -> None:
    response = Client().post(reverse("password_reset"), {"email": "khong-ai@hue.dcs.vn"})
    assert response.status_code == 302 and response["Location"] == reverse("password_reset_done")
    assert mail.outbox == []


def test_an_account_without_a_password_of_its_own_gets_no_link(org: Org) -> None:
    # A directory or single sign-on account: its password is kept by the agency's system.
    user = org.ancuu_officer
    user.email = "cv.ancuu@hue.dcs.vn"
    user.set_unusable_password()
    user.save()
    Client().post(reverse("password_reset"), {"email": "cv.ancuu@hue.dcs.vn"})
    assert mail.outbox == []
