"""``python -m bench.uploads`` (``make bench-uploads``): each hostile upload of issue 16 through the real app.

The issue's target — "a clear Vietnamese 422 within a second, memory flat" — is measured here, not in a timed unit
test. A throw-away SQLite database (in a temporary folder) is migrated and given the tests' miniature Huế; then each
file is posted with Django's test client through the whole middleware stack and view, as a browser would (the Excel
import page, ``POST /chuong-trinh-cong-tac/<id>/nhap-excel/``) or an integration would (``POST
/api/v1/directives/<id>/attachments`` with an API token). For each one the table gives the answer's status, the time
of the request (building the file is not timed), the peak of Python's heap during it (``tracemalloc``: every bytes
and str object, so a parsed shared string or a list of rows shows) and how much the resident high-water mark grew
during it (``ru_maxrss``: memory taken outside Python's heap, by zlib or lxml, shows here). Each file is posted from a
process of its own (after one warm-up request), so that one file's high-water mark does not hide the next one's.
Two ordinary files are posted too, to show what an accepted upload costs. The exit status is 1 when an answer is
not the expected one.

The files are those of the tests (``tests/common/files.py``) at the issue's sizes: 30 million blank rows, a
1.5 GB shared string.
"""

from __future__ import annotations

import logging
import os
import resource
import subprocess
import sys
import tempfile
import time
import tracemalloc
import zlib
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

MIB = 1024 * 1024


@dataclass
class Case:
    title: str
    target: str  # "import" or "api"
    name: str
    build: Callable[[], bytes]
    status: int
    expect: str  # a piece of the answer


def _cases() -> list[Case]:
    from tests.common import files

    pdf_bomb = files.pdf_bytes(
        b"<< /Type /ObjStm /N 1 /First 5 /Filter /FlateDecode /Length 0 >>\nstream\n"
        + zlib.compress(b" " * (256 * MIB), 9)
        + b"\nendstream"
    )
    rows = [
        ["STT/Mã mục", "Nội dung công việc", "Tháng"],
        *([str(i), f"Việc số {i}", 1 + i % 12] for i in range(1, 201)),
    ]
    return [
        Case(
            "30 triệu dòng trống",
            "import",
            "trong.xlsx",
            lambda: files.blank_rows_bomb(numbered=False),
            422,
            "tệp có thể là “bom nén”",
        ),
        Case(
            "300 nghìn dòng trống đánh số",
            "import",
            "trong-so.xlsx",
            lambda: files.blank_rows_bomb(rows=300_000),
            422,
            "dài tới dòng 5.001",
        ),
        Case(
            "chuỗi chia sẻ 1,5 GB",
            "import",
            "chuoi.xlsx",
            lambda: files.giant_shared_string(size=1536 * MIB),
            422,
            "tệp có thể là “bom nén”",
        ),
        Case("một ô ở dòng 30 triệu", "import", "thua.xlsx", files.sparse_rows_xlsx, 422, "dài tới dòng 30.000.000"),
        Case("xlsx có vbaProject.bin", "import", "macro.xlsx", files.xlsx_with_macros, 422, "tệp có macro"),
        Case("nhập 200 dòng hợp lệ", "import", "ctct.xlsx", lambda: files.xlsx_bytes(rows), 302, ""),
        Case("docx: 50 MB số 0 nén 1000 lần", "api", "bom.docx", files.deep_member_docx, 422, "tỉ lệ bất thường"),
        Case("docx: 250 thành phần 1 MB", "api", "nhieu.docx", files.total_bomb_docx, 422, "vượt giới hạn 200 MB"),
        Case("docx: 5.000 thành phần", "api", "vun.docx", files.many_members_docx, 422, "hơn 2.000 thành phần"),
        Case("docx nhúng .exe", "api", "exe.docx", files.docx_with_exe, 422, "nhúng chương trình"),
        Case(
            "PDF: JavaScript trong luồng nén",
            "api",
            "js.pdf",
            lambda: files.pdf_bytes(object_stream=files.JS_ACTION),
            422,
            "mã JavaScript",
        ),
        Case("PDF: luồng đối tượng giải ra 256 MB", "api", "bom.pdf", lambda: pdf_bomb, 422, "bom nén"),
        Case("PDF thường", "api", "thuong.pdf", files.pdf_bytes, 201, ""),
    ]


def _setup() -> None:
    """Migrate the fresh SQLite database and build the tests' org, a program and a directive."""
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    from sauro.directives.services import DirectiveInput, directive_create, term_create
    from sauro.programs.services import program_create
    from tests.conftest import Org

    org = Org()
    program_create(acting_user=org.btc_head, unit_id=org.btc.pk, year=2026)
    term_create(acting_user=None, committee=org.city, name="Nhiệm kỳ 2025 – 2030", starts_on=Org.START_NEXT)
    directive_create(
        acting_user=org.monitor,
        data=DirectiveInput(
            kind="KL", issuer_code="TU", issuing_unit_id=org.city.pk, issued_on=Org.START_NEXT, summary="Kết luận"
        ),
    )


def _clients() -> tuple[dict[str, Any], dict[str, str]]:
    """The import page's client (the Ban's head, logged in) and the API's (Văn phòng, by token), and their URLs."""
    import django

    django.setup()
    from django.conf import settings
    from django.test import Client
    from django.test.utils import setup_test_environment

    from sauro.accounts.models import User
    from sauro.accounts.services import api_token_create
    from sauro.directives.models import Directive
    from sauro.programs.models import WorkProgram

    setup_test_environment()
    settings.ALLOWED_HOSTS = ["*"]
    logging.getLogger("django.request").setLevel(logging.ERROR)  # each refusal is a 422 "warning"
    page = Client()
    page.force_login(User.objects.get(username="bantochuc"))
    monitor = User.objects.get(username="vanphong")
    _, secret = api_token_create(acting_user=monitor, user=monitor)
    api = Client(HTTP_AUTHORIZATION=f"Bearer {secret}")
    program, directive = WorkProgram.objects.get(), Directive.objects.get()
    urls = {
        "import": f"/chuong-trinh-cong-tac/{program.pk}/nhap-excel/",
        "api": f"/api/v1/directives/{directive.pk}/attachments",
    }
    return {"import": page, "api": api}, urls


def _rss_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux


def _run_case(index: int) -> int:
    """One file, in this process: build it, warm the stack up, post it, print its row."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    clients, urls = _clients()
    if index == len(_cases()):
        return _oversized(clients["api"], urls["api"])
    case = _cases()[index]
    content = case.build()
    client = clients[case.target]
    client.post(urls[case.target], {"file": SimpleUploadedFile("a.pdf", b"")})  # warm-up: refused, empty
    upload = SimpleUploadedFile(case.name, content, content_type="application/octet-stream")
    rss_before = _rss_mib()
    tracemalloc.start()
    started = time.perf_counter()
    response = client.post(urls[case.target], {"file": upload})
    elapsed = time.perf_counter() - started
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    grown = _rss_mib() - rss_before
    text = response.content.decode("utf-8", "replace")
    ok = response.status_code == case.status and case.expect in text
    print(
        f"| {case.title} | {case.target} | {len(content) / MIB:.2f} MB | {response.status_code} | "
        f"{elapsed * 1000:.0f} ms | {peak / MIB:.1f} MB | {grown:.1f} MB |" + ("" if ok else " ← SAI"),
        flush=True,
    )
    return 0 if ok else 1


def _oversized(client: Any, url: str) -> int:
    """A body over SAURO_MAX_REQUEST_BYTES, declared by Content-Length: refused before a byte of it is read."""
    from django.conf import settings

    declared = settings.SAURO_MAX_REQUEST_BYTES + MIB
    kind = "multipart/form-data; boundary=x"
    rss_before = _rss_mib()
    started = time.perf_counter()
    response = client.post(url, data=b"--x--", content_type=kind, CONTENT_LENGTH=str(declared))
    elapsed = time.perf_counter() - started
    print(
        f"| thân yêu cầu khai báo {declared // MIB} MB | api | — | {response.status_code} | {elapsed * 1000:.0f} ms "
        f"| — | {_rss_mib() - rss_before:.1f} MB |",
        flush=True,
    )
    return 0 if response.status_code == 413 else 1


def main() -> int:
    if len(sys.argv) == 3 and sys.argv[1] == "--case":
        return _run_case(int(sys.argv[2]))
    workdir = tempfile.mkdtemp(prefix="sauro-bench-uploads-")
    os.environ["SAURO_VAR_DIR"] = workdir
    os.environ["DATABASE_URL"] = f"sqlite:///{workdir}/bench.sqlite3"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "sauro.settings")
    os.environ.setdefault("SAURO_TODAY", "2026-03-02")
    os.environ.setdefault("SAURO_PLAIN_STATIC", "1")
    os.environ.setdefault("PYTHONWARNINGS", "ignore")
    os.environ.setdefault("LOG_LEVEL", "ERROR")
    _setup()
    print("| tệp | đích | cỡ tệp | mã | thời gian | heap Python đỉnh | RSS tăng |")
    print("|---|---|---:|---:|---:|---:|---:|")
    failures = 0
    for index in range(len(_cases()) + 1):
        failures += subprocess.call([sys.executable, "-m", "bench.uploads", "--case", str(index)]) != 0
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
