"""Words of two inline elements must not run together ("…Ban Thường vụ Đảng ủyhạn 13/02/2026", "…sau sắp
xếpĐảng ủy phường Hóa Châu"): a link followed straight by another inline element of text needs a space between
them in the template (copy, screen readers and a layout without CSS read them apart)."""

from __future__ import annotations

import re
from pathlib import Path

import sauro

TEMPLATES = Path(sauro.__file__).parent / "templates"
# A closing link or text element followed, with nothing between, by the opening of another text element; a
# visually hidden or decorative element (its own spacing inside) is not a word of the page.
GLUED = re.compile(r"</(a|span|strong|em|small)><(span|small|strong|em|a)\b(?![^>]*(visually-hidden|aria-hidden))")


def test_no_link_and_note_glued_together() -> None:
    glued = []
    for path in TEMPLATES.rglob("*.html"):
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
            if GLUED.search(line):
                glued.append(f"{path.relative_to(TEMPLATES)}:{number}")
    assert glued == []
