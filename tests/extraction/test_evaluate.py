"""The scoring of ``sauro.extraction.evaluate`` on a tiny hand-made set: what the table of ``make eval-extract`` counts
is what the issue asks (precision and recall per field, the share of proposals needing no edit)."""

from __future__ import annotations

import datetime
import json
from pathlib import Path

import pytest

from sauro.extraction import evaluate as ev
from sauro.extraction.evaluate import Case, Expected, Got
from sauro.extraction.types import TaskProposal, TimeSpec, UnitRef
from sauro.extraction.units import UnitMatcher

REF = datetime.date(2026, 1, 7)
MARCH_END = datetime.date(2026, 3, 31)


def case(id_: str, *tasks: Expected) -> Case:
    return Case(id=id_, source="thử", ref=REF, sentence=f"Câu {id_}.", point=None, tasks=tasks)


EXACT = case(
    "exact",
    Expected(lead="BTCTU", coordinating=("VPTU",), product_kind="plan", time_kind="date", due=MARCH_END),
)
MISSED_LEAD = case("missed-lead", Expected(lead="UBKTTU", product_kind="report", time_kind="date", due=MARCH_END))
NO_TASK = case("no-task")
TWO_LEADS = case(
    "two-leads",
    Expected(lead="BTGDVTU", authority="BTVTU", time_kind="ongoing"),
    Expected(lead="BNCTU", authority="BTVTU", time_kind="ongoing"),
)

PROPOSED: dict[str, list[Got]] = {
    # Everything right.
    "exact": [Got(lead="BTCTU", coordinating=("VPTU",), product_kind="plan", time_kind="date", due=MARCH_END)],
    # The lead is not found; the rest is right.
    "missed-lead": [Got(lead=None, product_kind="report", time_kind="date", due=MARCH_END)],
    # A narrative sentence read as a task: a spurious proposal.
    "no-task": [Got(lead="TU", time_kind="unclear")],
    # Two leads named; the second one's task is missed; the authority is right once, the order differs.
    "two-leads": [Got(lead="BNCTU", authority="BTVTU", time_kind="ongoing")],
}


def run(c: Case, _matcher: UnitMatcher) -> list[Got]:
    return PROPOSED[c.id]


@pytest.fixture
def report() -> ev.Report:
    return ev.evaluate([EXACT, MISSED_LEAD, NO_TASK, TWO_LEADS], UnitMatcher([]), run=run)


def counts(report: ev.Report, name: str) -> tuple[int, int, int]:
    c = report.counts[name]
    return c.hits, c.proposed, c.expected


def test_lead_precision_and_recall_count_misses_and_spurious_proposals(report: ev.Report) -> None:
    # Proposed leads: BTCTU (right), TU (spurious), BNCTU (right); expected: BTCTU, UBKTTU, BTGDVTU, BNCTU.
    assert counts(report, "lead") == (2, 3, 4)
    assert report.counts["lead"].precision == pytest.approx(2 / 3)
    assert report.counts["lead"].recall == pytest.approx(2 / 4)
    assert report.counts["lead"].f1 == pytest.approx(2 * (2 / 3) * (1 / 2) / (2 / 3 + 1 / 2))


def test_tasks_are_paired_by_lead_before_order(report: ev.Report) -> None:
    two = next(r for r in report.results if r.case.id == "two-leads")
    assert [(e.lead, g.lead) for e, g in two.pairs] == [("BNCTU", "BNCTU")]
    assert [e.lead for e in two.missed] == ["BTGDVTU"]
    assert counts(report, "task") == (3, 4, 4)


def test_a_spurious_proposal_costs_precision_on_every_field_it_fills(report: ev.Report) -> None:
    # The spurious "no-task" proposal has a lead and a time kind: both count as proposed, neither as a hit.
    assert counts(report, "time_kind") == (3, 4, 4)
    assert report.counts["time_kind"].precision == pytest.approx(3 / 4)
    no_task = next(r for r in report.results if r.case.id == "no-task")
    assert len(no_task.spurious) == 1
    assert not no_task.exact


def test_due_dates_product_kinds_authority_and_coordinating_units(report: ev.Report) -> None:
    assert counts(report, "due") == (2, 2, 2)
    assert counts(report, "product_kind") == (2, 2, 2)
    assert counts(report, "authority") == (1, 1, 2)
    assert counts(report, "coordinating") == (1, 1, 1)


def test_share_of_proposals_needing_no_edit(report: ev.Report) -> None:
    # "exact" and the BNCTU proposal of "two-leads" need no edit; the missed lead and the spurious one do.
    assert report.proposals == 4
    assert report.no_edit == 2
    assert report.no_edit_share == pytest.approx(0.5)
    assert report.exact_sentences == 1


def test_a_sentence_without_task_and_without_proposal_is_right_and_counts_nothing() -> None:
    report = ev.evaluate([NO_TASK], UnitMatcher([]), run=lambda _c, _m: [])
    assert report.exact_sentences == 1
    assert all(counts(report, name) == (0, 0, 0) for name, _label in ev.FIELDS)
    assert report.no_edit_share is None
    assert report.failures() == []  # nothing to measure is not a failure


def test_targets_need_both_precision_and_recall(report: ev.Report) -> None:
    failing = report.failures()
    assert any(line.startswith("đơn vị chủ trì") for line in failing)
    assert any(line.startswith("loại thời hạn") for line in failing)
    assert not any(line.startswith("hạn (ngày)") for line in failing)  # 2/2 and 2/2
    assert any(line.startswith("cấp có thẩm quyền") for line in failing)  # precision 1/1, recall 1/2
    perfect = ev.evaluate([EXACT], UnitMatcher([]), run=run)
    assert perfect.failures() == []


def test_the_table_names_every_field_with_its_target(report: ev.Report) -> None:
    text = ev.as_text(report)
    markdown = ev.as_markdown(report)
    for _name, label in ev.FIELDS:
        assert label in text
        assert f"| {label} |" in markdown
    assert "66,7 %" in markdown  # lead precision, Vietnamese decimal comma
    assert "≥ 90,0 % (chưa đạt)" in markdown
    assert "Đề xuất không phải sửa: 2/4 = 50,0 %" in markdown
    assert any(line.startswith("missed-lead: lead: UBKTTU ≠ ∅") for line in ev.errors(report))


def test_a_proposal_is_reduced_to_the_scored_fields() -> None:
    unit = UnitRef(1, "BTCTU", "Ban Tổ chức Thành ủy")
    proposal = TaskProposal(
        title="Xây dựng kế hoạch",
        lead=unit,
        coordinating=[UnitRef(2, "VPTU", "Văn phòng Thành ủy")],
        product_kind="plan",
        authority=UnitRef(3, "BTVTU", "Ban Thường vụ Thành ủy"),
        time=TimeSpec(kind="recurring", recurrence="quarterly", due=MARCH_END),
    )
    assert Got.of(proposal) == Got(
        lead="BTCTU",
        coordinating=("VPTU",),
        product_kind="plan",
        authority="BTVTU",
        time_kind="recurring",
        due=MARCH_END,
        recurrence="quarterly",
    )


def line(**fields: object) -> str:
    base: dict[str, object] = {
        "id": "x-1",
        "source": "Kết luận số 1",
        "ref": "2026-01-07",
        "sentence": "Giao Ban Tổ chức Thành ủy chủ trì.",
        "point": None,
        "tasks": [
            {
                "lead": "BTCTU",
                "lead_text": "Ban Tổ chức Thành ủy",
                "coordinating": [],
                "product_kind": None,
                "authority": None,
                "time": {"kind": "unclear", "due": None, "recurrence": None},
            }
        ],
    }
    base.update(fields)
    return json.dumps(base, ensure_ascii=False)


def test_the_loader_reads_a_line_and_refuses_malformed_ones(tmp_path: Path) -> None:
    parsed = ev.parse_case(line())
    assert parsed.tasks[0].lead == "BTCTU" and parsed.ref == REF
    bad_time = {"lead": None, "time": {"kind": "date", "due": None, "recurrence": None}}
    bad_kind = {"lead": None, "product_kind": "memo", "time": {"kind": "unclear"}}
    for bad in (
        "{",
        line(ref="07/01/2026"),
        line(tasks=None),
        line(tasks=[bad_time]),
        line(tasks=[bad_kind]),
        line(sentence=""),
    ):
        with pytest.raises(ev.DevsetError):
            ev.parse_case(bad, "thu.jsonl:1")
    (tmp_path / "a.jsonl").write_text(line() + "\n\n", encoding="utf-8")
    (tmp_path / "b.jsonl").write_text(line() + "\n", encoding="utf-8")
    with pytest.raises(ev.DevsetError, match="bị trùng"):
        ev.load_devset(tmp_path)
    (tmp_path / "b.jsonl").write_text(line(id="x-2") + "\n", encoding="utf-8")
    loaded = ev.load_devset(tmp_path)
    assert [(c.id, c.file) for c in loaded] == [("x-1", "a.jsonl"), ("x-2", "b.jsonl")]


def test_the_time_kinds_have_one_list() -> None:
    """The reader's time kinds (``types.TimeKind``), the stored ones (``models.TimeKind``) and those a label may
    give are the same five, in the same order; so are the recurrences the reader names and a label may give."""
    from typing import get_args

    from sauro.extraction import models, types

    assert get_args(types.TimeKind) == tuple(models.TimeKind.values) == ev.TIME_KINDS
    assert get_args(types.RecurrenceName) == ev.RECURRENCES
