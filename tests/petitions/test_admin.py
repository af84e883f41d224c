"""The register in the administration site: letters, visits, reception days and the intake API's requests are shown
for reference only (every change goes through the services), and only what the register's gate lets the user read —
a superuser who keeps no register sees no citizen's letter."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import Permission
from django.test import Client

from sauro.accounts.models import User
from sauro.petitions import intake
from sauro.petitions.models import Letter
from sauro.petitions.services import ReceptionDayInput, letter_create, reception_create, reception_day_create
from tests.conftest import Org
from tests.petitions.conftest import letter_input, reception_input
from tests.tasks.conftest import Clock

pytestmark = pytest.mark.django_db
ROOT = "/quan-tri/petitions"


def staff(user: User) -> Client:
    """``user`` made staff with Django's view permissions on the register."""
    user.is_staff = True
    user.save()
    user.user_permissions.set(
        Permission.objects.filter(content_type__app_label="petitions", codename__startswith="view_")
    )
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def register(org: Org, today: Clock) -> Letter:
    letter = letter_create(acting_user=org.monitor, data=letter_input(org, signer_name="Hồ Thị Riêng Tư"))
    reception_create(acting_user=org.monitor, data=reception_input(org))
    reception_day_create(
        acting_user=org.monitor, data=ReceptionDayInput(unit_id=org.city.pk, leader_id=org.leader.pk, day=today.day)
    )
    account = org.person("app.congdan", "Ứng dụng công dân", org.office, "officer")
    intake.intake_request_create(
        acting_user=account,
        data=intake.IntakeInput(
            service_code="kien_nghi.land", description="Kiến nghị qua ứng dụng.", address_string="Huế"
        ),
        idempotency_key="k1",
    )
    return letter


def test_the_office_reads_its_register_and_changes_nothing(org: Org, register: Letter) -> None:
    client = staff(org.monitor)
    for model in ("letter", "reception", "receptionday", "intakerequest"):
        listed = client.get(f"{ROOT}/{model}/")
        assert listed.status_code == 200, model
        assert client.get(f"{ROOT}/{model}/add/").status_code == 403, model
    assert "Hồ Thị Riêng Tư" in client.get(f"{ROOT}/letter/").content.decode()
    page = client.get(f"{ROOT}/letter/{register.pk}/change/")
    assert page.status_code == 200 and 'type="submit"' not in page.content.decode().split("<form")[-1]
    before = Letter.objects.get(pk=register.pk).summary
    client.post(f"{ROOT}/letter/{register.pk}/change/", {"summary": "Sửa qua trang quản trị"})
    assert Letter.objects.get(pk=register.pk).summary == before
    assert client.post(f"{ROOT}/letter/{register.pk}/delete/", {"post": "yes"}).status_code == 403
    assert Letter.objects.filter(pk=register.pk).exists()


def test_a_superuser_without_a_register_sees_no_letter(org: Org, register: Letter) -> None:
    root = User.objects.create_superuser("quantri", "quantri@example.vn", "mat-khau-dai-1234")
    client = Client()
    client.force_login(root)
    text = client.get(f"{ROOT}/letter/").content.decode()
    assert "Hồ Thị Riêng Tư" not in text and "0 đơn thư" in text
    assert client.get(f"{ROOT}/letter/{register.pk}/change/").status_code == 302  # "not found", back to the list
    assert "Ứng dụng công dân" not in client.get(f"{ROOT}/intakerequest/").content.decode()


def test_another_ward_sees_nothing_of_the_citys_register(org: Org, register: Letter) -> None:
    client = staff(org.phuxuan_head)
    assert "Hồ Thị Riêng Tư" not in client.get(f"{ROOT}/letter/").content.decode()
    assert client.get(f"{ROOT}/letter/{register.pk}/change/").status_code == 302
