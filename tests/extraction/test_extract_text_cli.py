"""``sauro extract text FILE_OR_- --ref YYYY-MM-DD [--json]``: the proposals for a text, with the organisation's units
from the database."""

from __future__ import annotations

import io
import json
import sys
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from sauro.org.choices import UnitKind
from sauro.org.services import unit_create
from tests.conftest import START, Org
from tests.extraction.grammar_texts import DATA

TEXT = """II. NHIỆM VỤ TRỌNG TÂM
1. Ban Tổ chức Thành ủy chủ trì, phối hợp với Văn phòng Thành ủy xây dựng Kế hoạch triển khai Nghị quyết số \
57-NQ/TW, báo cáo Ban Thường vụ Thành ủy trước ngày 15/3/2026.
2. Đảng ủy phường An Cựu, Đảng ủy phường Phú Xuân theo chức năng, nhiệm vụ báo cáo số liệu kết nạp đảng viên.
3. Trong năm 2025, Ủy ban Kiểm tra Thành ủy đã kiểm tra 12 tổ chức đảng.
"""


@pytest.fixture
def units(org: Org) -> Org:
    unit_create(
        acting_user=None, code="BTVTU", name="Ban Thường vụ Thành ủy", kind=UnitKind.STANDING, parent=org.city,
        valid_from=START,
    )  # fmt: skip
    return org


def run(*args: str) -> str:
    out = io.StringIO()
    call_command("extract", "text", *args, stdout=out)
    return out.getvalue()


def run_json(*args: str) -> dict[str, Any]:
    data: dict[str, Any] = json.loads(run(*args, "--json"))
    return data


@pytest.mark.django_db
def test_json_from_a_file(units: Org, tmp_path: Path) -> None:
    source = tmp_path / "ket-luan.txt"
    source.write_text(TEXT, encoding="utf-8")
    data = run_json(str(source), "--ref", "2026-01-15")
    items = data["items"]
    assert [i["point"] for i in items] == ["II.1", "II.2"]  # the narrative of point 3 proposes nothing
    first = items[0]
    assert TEXT[first["start"] : first["end"]] == first["sentence"]
    [task] = first["tasks"]
    assert task["lead"] == {"id": units.btc.pk, "code": "BTCTU", "name": "Ban Tổ chức Thành ủy"}
    assert [u["code"] for u in task["coordinating"]] == ["VPTU"]
    assert task["authority"]["code"] == "BTVTU"
    assert task["product_kind"] == "plan"
    assert task["product"] == "Kế hoạch triển khai Nghị quyết số 57-NQ/TW"
    assert task["title"] == "Xây dựng Kế hoạch triển khai Nghị quyết số 57-NQ/TW"
    assert set(task) == {
        "title", "lead", "lead_text", "coordinating", "product_kind", "product", "authority", "authority_text",
        "time", "open_clears",
    }  # fmt: skip
    assert set(task["time"]) == {"kind", "due", "recurrence", "text", "stated"}
    # One task per ward named with "theo chức năng, nhiệm vụ".
    assert [t["lead"]["code"] for t in items[1]["tasks"]] == ["P-ANCUU", "P-PHUXUAN"]
    assert all(t["product_kind"] == "data" for t in items[1]["tasks"])


@pytest.mark.django_db
def test_json_from_standard_input(units: Org, monkeypatch: pytest.MonkeyPatch) -> None:
    seed = (DATA / "seed-hue-conclusion-2026-01.txt").read_text(encoding="utf-8")
    monkeypatch.setattr(sys, "stdin", io.StringIO(seed))
    data = run_json("-", "--ref", "2026-01-07")
    leads = [t["lead_text"] for i in data["items"] for t in i["tasks"]]
    assert leads == ["các cơ quan Đảng thành phố", "", "", "Các cơ quan", "", "", "các cơ quan, đơn vị"]
    assert all(t["lead"] is None and "responsibility" in t["open_clears"] for i in data["items"] for t in i["tasks"])


@pytest.mark.django_db
def test_plain_text_for_a_reader(units: Org, tmp_path: Path) -> None:
    source = tmp_path / "ket-luan.txt"
    source.write_text(TEXT, encoding="utf-8")
    out = run(str(source), "--ref", "2026-01-15")
    assert "[II.1] Ban Tổ chức Thành ủy chủ trì" in out
    assert "  • Xây dựng Kế hoạch triển khai Nghị quyết số 57-NQ/TW" in out
    assert "    Chủ trì: Ban Tổ chức Thành ủy" in out
    assert "    Phối hợp: Văn phòng Thành ủy" in out
    assert "    Thẩm quyền: Ban Thường vụ Thành ủy" in out
    assert "Rõ người" in out


@pytest.mark.django_db
def test_nothing_assigned(units: Org, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(sys, "stdin", io.StringIO("Ban Thường vụ Thành ủy kết luận như sau:"))
    assert run_json("-", "--ref", "2026-01-15") == {"items": []}
    monkeypatch.setattr(sys, "stdin", io.StringIO(""))
    assert run("-", "--ref", "2026-01-15") == "Không có câu nào giao việc.\n"


@pytest.mark.django_db
def test_refusals_in_vietnamese(units: Org, tmp_path: Path) -> None:
    with pytest.raises(CommandError, match="Không tìm thấy tệp"):
        run(str(tmp_path / "khong-co.txt"), "--ref", "2026-01-15")
    latin1 = tmp_path / "latin1.txt"
    latin1.write_bytes("Kết luận".encode("cp1258", errors="replace") + b"\xff\xfe")
    with pytest.raises(CommandError, match="không phải văn bản UTF-8"):
        run(str(latin1), "--ref", "2026-01-15")
    with pytest.raises(CommandError, match="Ngày không hợp lệ"):
        run(str(latin1), "--ref", "15/01/2026")
