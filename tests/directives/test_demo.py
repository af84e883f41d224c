"""The demo directives: the term, the tree from the Congress resolution down, the January 2026 conclusion."""

from __future__ import annotations

from typing import Any

import pytest

from sauro.audit.verify import audit_verify
from sauro.demo.directives import CONCLUSION_FILE, conclusion_text, load_demo_directives
from sauro.demo.loader import load_demo
from sauro.demo.meetings import notice_summaries
from sauro.directives.models import Directive, Term
from tests.conftest import Org


@pytest.fixture
def demo(db: None, settings: Any) -> None:
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    load_demo()


EXPECTED = {
    "Số 01-NQ/TU",
    "Số 01-CTr/TU",
    "Số 01-KH/BTCTU",
    "Số 01-KH/BTGDVTU",
    "Số 01-KH/VPTU",
    "Số 01-TB/TU",
    "Số 35-CV/TU",
}


def test_demo_directives_are_a_tree_and_load_once(demo: None) -> None:
    # Whether or not the demo loader already called it, after a call the whole tree is there.
    load_demo_directives()
    term = Term.objects.get()
    assert (term.name, term.committee.code, term.starts_on.isoformat()) == ("Nhiệm kỳ 2025 – 2030", "TU", "2025-10-01")

    # The meetings demo registers its own notices of conclusions (sauro/demo/meetings.py): not part of this tree.
    tree = Directive.objects.exclude(summary__in=notice_summaries())
    symbols = {d.number_symbol: d for d in tree.select_related("parent", "issuing_unit")}
    assert set(symbols) == EXPECTED
    program = symbols["Số 01-CTr/TU"]
    assert program.parent == symbols["Số 01-NQ/TU"]
    assert {d.parent for k, d in symbols.items() if "KH" in k} == {program}
    assert symbols["Số 01-KH/BTCTU"].issuing_unit.code == "BTCTU"
    assert all(d.created_by is not None and d.created_by.username == "vanphong" for d in symbols.values())

    conclusion = symbols["Số 01-TB/TU"]
    assert conclusion.parent == program
    assert conclusion.summary.startswith("Thông báo kết luận")
    assert "rõ người, rõ việc, rõ thời gian, rõ trách nhiệm, rõ sản phẩm và rõ thẩm quyền" in conclusion.full_text
    assert not conclusion.full_text.startswith("date")
    assert "phát biểu kết luận hội nghị\n" not in conclusion.full_text

    # The one urgent directive: the flood-response letter, Hỏa tốc; the seed conclusion stays Thường.
    assert {k: d.urgency for k, d in symbols.items() if d.urgency != "normal"} == {"Số 35-CV/TU": "flash"}
    flood = symbols["Số 35-CV/TU"]
    assert (flood.parent, flood.get_urgency_display()) == (None, "Hỏa tốc")
    assert flood.summary.startswith("Về việc tập trung lãnh đạo, chỉ đạo ứng phó")

    again = load_demo_directives()
    assert (again.created, again.term_created) == (0, False)
    assert tree.count() == 7
    assert audit_verify().ok


def test_demo_directives_on_a_smaller_organisation(org: Org) -> None:
    # The test organisation has no Ban Tuyên giáo và Dân vận: its plan is left out, the rest is there.
    result = load_demo_directives()
    assert result.term_created
    assert result.created == 6
    assert "plan-btgdv" not in result.keys
    assert set(Directive.objects.values_list("issuer_code", flat=True)) == {"TU", "BTCTU", "VPTU"}
    assert load_demo_directives().created == 0


def test_demo_needs_the_demo_organisation(db: None) -> None:
    result = load_demo_directives()
    assert result.created == 0
    assert "Chưa có tổ chức mẫu" in result.skipped_reason
    assert not Term.objects.exists()


def test_the_conclusion_is_kept_in_the_repository() -> None:
    assert CONCLUSION_FILE.is_file()
    text = conclusion_text()
    assert text.startswith("Trong quý IV/2025")
    assert text.endswith("đề xuất hướng xử lý.")
