"""Fixtures for work program tests: the task fixtures (a controllable clock, complete drafts), a program, and
an in-memory .xlsx builder."""

from __future__ import annotations

import io
from collections.abc import Callable, Sequence
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import Workbook

from sauro.programs.importer import TEMPLATE_HEADERS
from sauro.programs.models import WorkProgram
from sauro.programs.services import program_create
from tests.tasks.conftest import make_draft, today  # noqa: F401  (fixtures re-exported for this package)

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def xlsx_bytes(rows: Sequence[Sequence[Any]], headers: Sequence[str] = TEMPLATE_HEADERS) -> bytes:
    wb = Workbook()
    ws = wb.worksheets[0]
    ws.append(list(headers))
    for row in rows:
        ws.append(list(row))
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


def xlsx_upload(rows: Sequence[Sequence[Any]], name: str = "chuong-trinh.xlsx", **kw: Any) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, xlsx_bytes(rows, **kw), content_type=XLSX)


@pytest.fixture
def program(org: Any, today: Any) -> WorkProgram:  # noqa: F811
    """The 2026 annual program of Ban Tổ chức, opened by its head."""
    return program_create(acting_user=org.btc_head, unit_id=org.btc.pk, year=2026)


@pytest.fixture
def make_program(org: Any, today: Any) -> Callable[..., WorkProgram]:  # noqa: F811
    def make(unit: Any = None, year: int = 2026, quarter: int | None = None, by: Any = None) -> WorkProgram:
        unit = unit or org.btc
        return program_create(acting_user=by or org.monitor, unit_id=unit.pk, year=year, quarter=quarter)

    return make
