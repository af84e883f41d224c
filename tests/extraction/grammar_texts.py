"""Texts and a hand-built unit matcher shared by the segmenter, sentence and pipeline tests (no database).

The sentences are those of the demo's texts (``sauro/demo/data/*.txt``: the Huế conclusion of January 2026, the
Congress resolution, the action programme) and sentences written the way the Thành ủy's conclusions write them.
"""

from __future__ import annotations

import datetime
from pathlib import Path

from sauro.extraction.types import UnitRef
from sauro.extraction.units import UnitEntry, UnitMatcher

DATA = Path(__file__).resolve().parents[2] / "sauro" / "demo" / "data"
REF = datetime.date(2026, 1, 15)

_UNITS = (
    # id, code, name, short names, kind
    (1, "TU", "Thành ủy Huế", ("Thành ủy",), "committee"),
    (2, "TTTU", "Thường trực Thành ủy", (), "standing"),
    (3, "BTVTU", "Ban Thường vụ Thành ủy", (), "standing"),
    (4, "VPTU", "Văn phòng Thành ủy", (), "agency"),
    (5, "BTCTU", "Ban Tổ chức Thành ủy", (), "agency"),
    (6, "UBKTTU", "Ủy ban Kiểm tra Thành ủy", (), "agency"),
    (7, "BTGDVTU", "Ban Tuyên giáo và Dân vận Thành ủy", (), "agency"),
    (8, "BNCTU", "Ban Nội chính Thành ủy", (), "agency"),
    (9, "TCT", "Trường Chính trị Nguyễn Chí Thanh", (), "agency"),
    (10, "DUUBND", "Đảng ủy Ủy ban nhân dân thành phố", (), "party_committee"),
    (11, "P-ANCUU", "Đảng ủy phường An Cựu", (), "ward"),
    (12, "P-PHUXUAN", "Đảng ủy phường Phú Xuân", (), "ward"),
)


def unit(code: str) -> UnitRef:
    for id_, c, name, _, _ in _UNITS:
        if c == code:
            return UnitRef(id_, c, name)
    raise KeyError(code)


def matcher() -> UnitMatcher:
    return UnitMatcher(
        UnitEntry(UnitRef(id_, code, name), (name, *short), kind, None if code == "TU" else "TU")
        for id_, code, name, short, kind in _UNITS
    )


# A conclusion as the Thành ủy writes one: header, preamble, evaluation, numbered tasks, signature, recipients.
CONCLUSION = (Path(__file__).parent / "data" / "ket-luan-quy-1-2026.txt").read_text(encoding="utf-8")
