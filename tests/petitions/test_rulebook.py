"""The rule book in the database: the shipped defaults, the working-day calendar's overrides, the model's checks and
the administrators' page, whose every change is journalled."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse

from sauro.audit.actions import action_label
from sauro.audit.models import AuditEntry
from sauro.petitions.models import DeadlineRule
from sauro.petitions.selectors import deadline_rules, letter_deadlines
from sauro.workdays.models import WorkdayOverride
from tests.petitions.rulebook import DEFAULTS

pytestmark = pytest.mark.django_db

D = datetime.date


def test_the_defaults_are_shipped() -> None:
    assert sorted(deadline_rules(), key=repr) == sorted(DEFAULTS, key=repr)
    assert len(DEFAULTS) == 20  # kiến nghị, phản ánh 2; each complaint 2 acceptance + 4 resolution; tố cáo 6
    assert {r.kind for r in deadline_rules(kind="to_cao")} == {"to_cao"}
    assert all(row.basis for row in DeadlineRule.objects.all())


def test_the_deadlines_follow_the_override_table() -> None:
    # Ten working days from Friday 20 November 2026: Friday 4 December (24/11 is a working day).
    assert letter_deadlines(kind="kien_nghi", received=D(2026, 11, 20)).due == {"handling": D(2026, 12, 4)}
    WorkdayOverride.objects.create(date=D(2026, 12, 4), is_working_day=False, name="Nghỉ đột xuất", citing_document="x")
    assert letter_deadlines(kind="kien_nghi", received=D(2026, 11, 20)).due == {"handling": D(2026, 12, 7)}
    WorkdayOverride.objects.filter(date=D(2026, 12, 4)).delete()
    assert letter_deadlines(kind="kien_nghi", received=D(2026, 11, 20)).due == {"handling": D(2026, 12, 4)}


def test_the_deadlines_follow_a_new_rule() -> None:
    DeadlineRule.objects.filter(kind="kien_nghi", key="handling").update(effective_to=D(2026, 12, 31))
    DeadlineRule.objects.create(
        kind="kien_nghi",
        key="handling",
        count=15,
        unit="working",
        counted_from="receipt",
        effective_from=D(2027, 1, 1),
        version="2027.1",
    )
    before = letter_deadlines(kind="kien_nghi", received=D(2026, 12, 31))
    after = letter_deadlines(kind="kien_nghi", received=D(2027, 1, 4))
    assert (before.version, before.rules["handling"].count) == ("2026.1", 10)
    assert (after.version, after.due) == ("2027.1", {"handling": D(2027, 1, 25)})


def _rule(**changes: object) -> DeadlineRule:
    fields: dict[str, object] = {
        "kind": "kien_nghi",
        "key": "handling",
        "count": 15,
        "unit": "working",
        "counted_from": "receipt",
        "effective_from": D(2027, 1, 1),
        "version": "2027.1",
    }
    return DeadlineRule(**{**fields, **changes})


def test_two_rules_in_force_on_one_day_are_refused() -> None:
    with pytest.raises(ValidationError, match="hiệu lực trùng thời gian") as refused:
        _rule().full_clean()
    assert "2026.1" in str(refused.value) and "01/07/2012" in str(refused.value)
    DeadlineRule.objects.filter(kind="kien_nghi", key="handling").update(effective_to=D(2026, 12, 31))
    _rule().full_clean()  # follows the old rule
    with pytest.raises(ValidationError, match="hiệu lực trùng thời gian"):
        _rule(effective_from=D(2026, 12, 31)).full_clean()
    # Another complexity, area or kind is another line of the book.
    _rule(effective_from=D(2020, 1, 1), complexity="complex").full_clean()
    _rule(effective_from=D(2020, 1, 1), remote=True).full_clean()
    # An edited rule does not collide with itself.
    shipped = DeadlineRule.objects.get(kind="to_cao", key="transfer")
    shipped.count = 6
    shipped.full_clean()


def test_the_model_checks_its_dates_and_count() -> None:
    with pytest.raises(ValidationError) as refused:
        _rule(effective_to=D(2026, 12, 1)).full_clean()
    assert "effective_to" in refused.value.message_dict
    with pytest.raises(ValidationError) as refused:
        _rule(effective_from=D(1899, 12, 31), effective_to=D(1900, 1, 1), count=0).full_clean()
    assert {"effective_from", "count"} <= set(refused.value.message_dict)


def _form(rule: DeadlineRule | None = None, **changes: str) -> dict[str, str]:
    data = {
        "kind": "kien_nghi",
        "key": "handling",
        "complexity": "normal",
        "count": "15",
        "unit": "working",
        "counted_from": "receipt",
        "effective_from": "01/01/2027",
        "effective_to": "",
        "version": "2027.1",
        "basis": "Văn bản thử nghiệm",
    }
    if rule is not None:
        data.update(
            kind=rule.kind,
            key=rule.key,
            complexity=rule.complexity,
            count=str(rule.count),
            unit=rule.unit,
            counted_from=rule.counted_from,
            effective_from=f"{rule.effective_from:%d/%m/%Y}",
            effective_to=f"{rule.effective_to:%d/%m/%Y}" if rule.effective_to else "",
            version=rule.version,
            basis=rule.basis,
        )
        if rule.remote:
            data["remote"] = "on"
    data.update(changes)
    return data


def test_the_admin_page_edits_the_book_and_journals_it(admin_client: Client) -> None:
    response = admin_client.get(reverse("admin:petitions_deadlinerule_changelist"))
    assert response.status_code == 200
    assert "Kiến nghị" in response.content.decode()

    # A new rule overlapping the shipped one is refused on the form, and nothing is journalled.
    entries = AuditEntry.objects.count()
    response = admin_client.post(reverse("admin:petitions_deadlinerule_add"), _form())
    assert response.status_code == 200
    assert "hiệu lực trùng thời gian" in response.content.decode()
    assert AuditEntry.objects.count() == entries

    # End the shipped rule on 31/12/2026 (day/month/year, as written in Vietnam) …
    shipped = DeadlineRule.objects.get(kind="kien_nghi", key="handling")
    response = admin_client.post(
        reverse("admin:petitions_deadlinerule_change", args=[shipped.pk]),
        _form(shipped, effective_to="31/12/2026", version="2026.2"),
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    update = AuditEntry.objects.get(action="deadlinerule.update")
    assert update.before is not None and update.after is not None
    assert update.before["effective_to"] is None and update.after["effective_to"] == "2026-12-31"
    assert update.after["version"] == "2026.2"

    # … and add the one that follows it.
    response = admin_client.post(reverse("admin:petitions_deadlinerule_add"), _form())
    assert response.status_code == 302, response.content.decode()[:2000]
    create = AuditEntry.objects.get(action="deadlinerule.create")
    assert create.after is not None
    assert create.after["count"] == 15 and create.after["effective_from"] == "2027-01-01"
    assert "quy tắc thời hạn" in str(action_label("deadlinerule.create"))

    assert letter_deadlines(kind="kien_nghi", received=D(2026, 12, 31)).version == "2026.2"
    assert letter_deadlines(kind="kien_nghi", received=D(2027, 1, 4)).due == {"handling": D(2027, 1, 25)}


def test_deleting_a_rule_in_the_admin_is_journalled(admin_client: Client) -> None:
    rule = DeadlineRule.objects.get(kind="to_cao", key="transfer")
    response = admin_client.post(reverse("admin:petitions_deadlinerule_delete", args=[rule.pk]), {"post": "yes"})
    assert response.status_code == 302
    assert not DeadlineRule.objects.filter(pk=rule.pk).exists()
    entry = AuditEntry.objects.get(action="deadlinerule.delete")
    assert entry.before is not None and entry.before["count"] == 5
    assert "transfer" not in letter_deadlines(kind="to_cao", received=D(2026, 7, 1)).due
