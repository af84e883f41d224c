"""Attachments: what may be attached (checked on the content, not the name or the browser's word), limits, storage,
removal — through the service, the API and the pages."""

from __future__ import annotations

import io
import zipfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from docx import Document

from sauro.accounts.models import User
from sauro.audit.models import AuditEntry
from sauro.common import uploads
from sauro.common.errors import PermissionDeniedError, ValidationFailed
from sauro.common.uploads import MAX_UPLOAD_BYTES as MAX_ATTACHMENT_BYTES
from sauro.common.uploads import clean_name, human_size
from sauro.directives.models import Directive, DirectiveAttachment
from sauro.directives.services import directive_attach_file, directive_remove_attachment
from tests.common import files
from tests.common.files import ole2_bytes
from tests.conftest import Org
from tests.directives.conftest import MakeDirective, api_client

ClientFor = Callable[[User], Client]

PDF = b"%PDF-1.7\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
JPEG = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + b"\x00" * 64
OLE2 = ole2_bytes()
EXE = b"MZ\x90\x00\x03\x00\x00\x00" + b"\x00" * 64


def docx_bytes() -> bytes:
    document = Document()
    document.add_paragraph("Phụ lục kèm theo Kết luận")
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def xlsx_bytes() -> bytes:
    workbook = openpyxl.Workbook()
    workbook.active["A1"] = "Phụ lục"
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def odf_bytes(media_type: str) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr(zipfile.ZipInfo("mimetype"), media_type, compress_type=zipfile.ZIP_STORED)
        archive.writestr("content.xml", "<office:document-content/>")
    return out.getvalue()


def upload(name: str, content: bytes, content_type: str = "application/octet-stream") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type=content_type)


@pytest.mark.parametrize(
    ("name", "content", "expected_type"),
    [
        ("Kết luận 15-KL.pdf", PDF, "application/pdf"),
        ("phu-luc.docx", docx_bytes(), "application/vnd.openxmlformats-officedocument.wordprocessingml.document"),
        ("bang-bieu.XLSX", xlsx_bytes(), "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
        ("cu.doc", OLE2, "application/msword"),
        ("cu.xls", OLE2, "application/vnd.ms-excel"),
        (
            "van-ban.odt",
            odf_bytes("application/vnd.oasis.opendocument.text"),
            "application/vnd.oasis.opendocument.text",
        ),
        (
            "bang.ods",
            odf_bytes("application/vnd.oasis.opendocument.spreadsheet"),
            "application/vnd.oasis.opendocument.spreadsheet",
        ),
        ("anh.jpg", JPEG, "image/jpeg"),
        ("anh.jpeg", JPEG, "image/jpeg"),
        ("anh.png", PNG, "image/png"),
    ],
)
def test_allowed_files_are_stored_with_their_true_type(
    org: Org, make: MakeDirective, media_root: Path, name: str, content: bytes, expected_type: str
) -> None:
    directive = make()
    # The browser's claim is ignored: the stored type is what the content is.
    attachment = directive_attach_file(
        acting_user=org.monitor, directive=directive, upload=upload(name, content, "text/html")
    )
    assert attachment.content_type == expected_type
    assert attachment.original_name == name
    assert attachment.size == len(content)
    stored = Path(attachment.file.path)
    assert stored.is_relative_to(media_root / "directives")
    assert stored.read_bytes() == content
    assert name not in str(attachment.file.name)  # a random stored name
    entry = AuditEntry.objects.order_by("-seq").first()
    assert entry is not None and entry.action == "directiveattachment.create"


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("chuong-trinh.exe", EXE, "Không nhận tệp “chuong-trinh.exe”: chỉ nhận tệp PDF, Word (.doc, .docx)"),
        ("khong-duoi", PDF, "Không nhận tệp “khong-duoi”"),
        ("ket-luan.pdf", EXE, "Nội dung tệp “ket-luan.pdf” không phải là PDF như phần mở rộng .pdf cho biết."),
        ("anh.png", JPEG, "không phải là ảnh PNG như phần mở rộng .png"),
        ("bang.docx", xlsx_bytes(), "không phải là Word (.docx)"),
        ("van-ban.docx", PDF, "không phải là Word (.docx)"),
        ("hong.docx", b"PK\x03\x04 not really a zip", "không phải là Word (.docx)"),
        ("bang.ods", odf_bytes("application/vnd.oasis.opendocument.text"), "không phải là bảng tính OpenDocument"),
        ("cu.doc", PDF, "không phải là Word (.doc)"),
        ("rong.pdf", b"", "Tệp “rong.pdf” rỗng."),
    ],
)
def test_disguised_or_unknown_files_are_refused(
    org: Org, make: MakeDirective, media_root: Path, name: str, content: bytes, message: str
) -> None:
    directive = make()
    with pytest.raises(ValidationFailed) as caught:
        directive_attach_file(
            acting_user=org.monitor, directive=directive, upload=upload(name, content, "application/pdf")
        )
    assert message in caught.value.message
    assert caught.value.fields == {"file": caught.value.message}
    assert not DirectiveAttachment.objects.exists()
    assert not (media_root / "directives").exists() or not any((media_root / "directives").rglob("*.*"))


def test_too_big_files_are_refused(org: Org, make: MakeDirective) -> None:
    directive = make()
    big = upload("lon.pdf", PDF + b"\x00" * (MAX_ATTACHMENT_BYTES - len(PDF) + 1))
    with pytest.raises(ValidationFailed) as caught:
        directive_attach_file(acting_user=org.monitor, directive=directive, upload=big)
    assert caught.value.message == (
        "Tệp “lon.pdf” có dung lượng 20.971.521 byte, vượt giới hạn 20 MB cho mỗi tệp đính kèm."
    )
    huge = upload("rat-lon.pdf", PDF + b"\x00" * (30 * 1024 * 1024))
    with pytest.raises(ValidationFailed, match="có dung lượng 30 MB, vượt giới hạn 20 MB"):
        directive_attach_file(acting_user=org.monitor, directive=directive, upload=huge)
    just_fits = upload("vua.pdf", PDF + b"\x00" * (MAX_ATTACHMENT_BYTES - len(PDF)))
    assert (
        directive_attach_file(acting_user=org.monitor, directive=directive, upload=just_fits).size
        == MAX_ATTACHMENT_BYTES
    )


def test_number_of_files_is_limited(org: Org, make: MakeDirective, monkeypatch: pytest.MonkeyPatch) -> None:
    from sauro.directives import services

    monkeypatch.setattr(services, "MAX_ATTACHMENTS_PER_DIRECTIVE", 2)
    directive = make()
    for i in range(2):
        directive_attach_file(acting_user=org.monitor, directive=directive, upload=upload(f"{i}.pdf", PDF))
    with pytest.raises(ValidationFailed, match=r"Mỗi văn bản có tối đa 2 tệp đính kèm\."):
        directive_attach_file(acting_user=org.monitor, directive=directive, upload=upload("3.pdf", PDF))


def test_names_lose_paths_and_control_characters() -> None:
    assert clean_name("../../etc/passwd.pdf") == "passwd.pdf"
    assert clean_name("C:\\Users\\vp\\Kết luận.pdf") == "Kết luận.pdf"
    assert clean_name("a\x00b\nc.pdf") == "abc.pdf"
    assert clean_name("") == "tep-dinh-kem"
    long = clean_name("x" * 300 + ".pdf")
    assert len(long) == uploads.MAX_NAME_LENGTH and long.endswith(".pdf")
    assert human_size(850 * 1024) == "850 KB"
    assert human_size(20 * 1024 * 1024) == "20 MB"
    assert human_size(int(20.5 * 1024 * 1024)) == "20,5 MB"


def test_only_the_office_and_leaders_attach_and_remove(org: Org, make: MakeDirective) -> None:
    directive = make()
    with pytest.raises(PermissionDeniedError):
        directive_attach_file(acting_user=org.btc_head, directive=directive, upload=upload("a.pdf", PDF))
    attachment = directive_attach_file(acting_user=org.leader, directive=directive, upload=upload("a.pdf", PDF))
    with pytest.raises(PermissionDeniedError):
        directive_remove_attachment(acting_user=org.inspector, attachment=attachment)


def test_removal_deletes_the_file_after_commit(
    org: Org, make: MakeDirective, django_capture_on_commit_callbacks: Callable[..., object]
) -> None:
    directive = make()
    attachment = directive_attach_file(acting_user=org.monitor, directive=directive, upload=upload("a.pdf", PDF))
    path = Path(attachment.file.path)
    with django_capture_on_commit_callbacks(execute=False) as callbacks:  # type: ignore[attr-defined]
        directive_remove_attachment(acting_user=org.monitor, attachment=attachment)
    assert path.exists()  # not before the commit
    for callback in callbacks:
        callback()
    assert not path.exists()
    assert not DirectiveAttachment.objects.exists()
    entry = AuditEntry.objects.order_by("-seq").first()
    assert entry is not None and entry.action == "directiveattachment.delete" and entry.object_repr == "a.pdf"


# --- API --------------------------------------------------------------------------------------------------------


def test_api_upload_and_detail(org: Org, make: MakeDirective) -> None:
    directive = make()
    client = api_client(org.monitor)
    url = f"/api/v1/directives/{directive.pk}/attachments"
    response = client.post(url, {"file": upload("Phụ lục.pdf", PDF, "image/png")})
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["original_name"] == "Phụ lục.pdf"
    assert body["content_type"] == "application/pdf"
    assert body["download_url"] == reverse("directives:attachment_download", args=[directive.pk, body["id"]])
    detail = client.get(f"/api/v1/directives/{directive.pk}").json()
    assert [a["id"] for a in detail["attachments"]] == [body["id"]]

    refused = client.post(url, {"file": upload("virus.pdf", EXE)})
    assert refused.status_code == 422
    assert refused.json()["code"] == "validation_error"
    assert "Nội dung tệp “virus.pdf” không phải là PDF" in refused.json()["fields"]["file"]
    missing = client.post(url, {})
    assert missing.status_code == 422 and set(missing.json()["fields"]) == {"file"}

    assert api_client(org.btc_head).post(url, {"file": upload("a.pdf", PDF)}).status_code == 403
    assert (
        api_client(org.phuxuan_head)
        .post(
            f"/api/v1/directives/{make(issuing_unit_id=org.btc.pk, issuer_code='BTCTU').pk}/attachments",
            {"file": upload("a.pdf", PDF)},
        )
        .status_code
        == 404
    )

    deleted = client.delete(f"/api/v1/directives/{directive.pk}/attachments/{body['id']}")
    assert deleted.status_code == 204
    assert client.delete(f"/api/v1/directives/{directive.pk}/attachments/{body['id']}").status_code == 404


# --- pages ------------------------------------------------------------------------------------------------------


def test_page_upload_download_and_removal(org: Org, make: MakeDirective, client_for: ClientFor) -> None:
    directive = make()
    client = client_for(org.monitor)
    detail = reverse("directives:detail", args=[directive.pk])
    response = client.post(
        reverse("directives:attachment_upload", args=[directive.pk]), {"file": upload("Kết luận.pdf", PDF)}, follow=True
    )
    assert response.redirect_chain[-1][0] == detail + "#tep-dinh-kem"
    page = response.content.decode()
    assert "Đã đính kèm tệp “Kết luận.pdf”." in page
    attachment = DirectiveAttachment.objects.get()
    download = reverse("directives:attachment_download", args=[directive.pk, attachment.pk])
    assert download in page

    # Anyone who sees the directive downloads it, always as an attachment with the original name.
    got = client_for(org.phuxuan_head).get(download)
    assert got.status_code == 200
    assert got["Content-Type"] == "application/pdf"
    assert got["Content-Disposition"].startswith("attachment;")
    assert "filename*=utf-8''K%E1%BA%BFt%20lu%E1%BA%ADn.pdf" in got["Content-Disposition"]
    assert got["X-Content-Type-Options"] == "nosniff"
    assert b"".join(got.streaming_content) == PDF  # type: ignore[attr-defined]

    refused = client.post(
        reverse("directives:attachment_upload", args=[directive.pk]), {"file": upload("x.exe", EXE)}, follow=True
    )
    assert "Không nhận tệp “x.exe”" in refused.content.decode()

    removed = client.post(reverse("directives:attachment_delete", args=[directive.pk, attachment.pk]), follow=True)
    assert "Đã gỡ tệp “Kết luận.pdf”." in removed.content.decode()
    assert client.get(download).status_code == 404

    assert (
        client_for(org.btc_head)
        .post(reverse("directives:attachment_upload", args=[directive.pk]), {"file": upload("a.pdf", PDF)})
        .status_code
        == 403
    )
    assert client.get(reverse("directives:attachment_upload", args=[directive.pk])).status_code == 405


def test_download_of_a_missing_stored_file_is_404(org: Org, make: MakeDirective, client_for: ClientFor) -> None:
    directive = make()
    attachment = directive_attach_file(acting_user=org.monitor, directive=directive, upload=upload("a.pdf", PDF))
    Path(attachment.file.path).unlink()
    response = client_for(org.monitor).get(
        reverse("directives:attachment_download", args=[directive.pk, attachment.pk])
    )
    assert response.status_code == 404


def test_attachments_of_another_directive_are_404(org: Org, make: MakeDirective, client_for: ClientFor) -> None:
    one, other = make(), make()
    attachment = directive_attach_file(acting_user=org.monitor, directive=one, upload=upload("a.pdf", PDF))
    assert (
        client_for(org.monitor)
        .get(reverse("directives:attachment_download", args=[other.pk, attachment.pk]))
        .status_code
        == 404
    )
    assert isinstance(one, Directive)


# --- hostile files (issue 16): refused with their message by the API (422, the JSON error shape) and the page ----

HOSTILE = [
    ("bom.docx", files.deep_member_docx, "thành phần “word/media/image1.png” nén với tỉ lệ bất thường"),
    ("nhieu.docx", files.total_bomb_docx, "khi giải nén, tệp lên tới 250,8 MB, vượt giới hạn 200 MB"),
    ("chuoi.xlsx", lambda: files.giant_shared_string(size=64 * 1024 * 1024), "“xl/sharedStrings.xml” nén với tỉ lệ"),
    ("macro.xlsx", files.xlsx_with_macros, "tệp có macro (“xl/vbaProject.bin”)"),
    ("cai-dat.docx", files.docx_with_exe, "có nhúng chương trình hoặc đối tượng OLE (“word/embeddings/setup.exe”)"),
    ("js.pdf", lambda: files.pdf_bytes(files.JS_ACTION, catalog_extra=b"/OpenAction 4 0 R"), "có mã JavaScript"),
    ("an.pdf", lambda: files.pdf_bytes(object_stream=files.JS_ACTION), "tệp PDF có mã JavaScript"),
]


@pytest.mark.parametrize(("name", "build", "message"), HOSTILE)
def test_hostile_files_are_refused_by_the_api_and_the_page(
    org: Org, make: MakeDirective, client_for: ClientFor, media_root: Path, name: str, build: Any, message: str
) -> None:
    directive = make()
    content = build()
    response = api_client(org.monitor).post(
        f"/api/v1/directives/{directive.pk}/attachments", {"file": upload(name, content)}
    )
    assert response.status_code == 422, response.content
    body = response.json()
    assert body["code"] == "validation_error"
    assert body["message"].startswith(f"Không nhận tệp “{name}”: ") and message in body["message"]
    assert body["fields"] == {"file": body["message"]}
    page = client_for(org.monitor).post(
        reverse("directives:attachment_upload", args=[directive.pk]), {"file": upload(name, content)}, follow=True
    )
    assert body["message"] in page.content.decode()
    assert not DirectiveAttachment.objects.exists()
    assert not (media_root / "directives").exists() or not any((media_root / "directives").rglob("*.*"))


def test_ordinary_office_files_with_a_chart_still_attach(org: Org, make: MakeDirective) -> None:
    directive = make()
    response = api_client(org.monitor).post(
        f"/api/v1/directives/{directive.pk}/attachments",
        {"file": upload("bieu-do.docx", files.docx_with_chart_workbook())},
    )
    assert response.status_code == 201, response.content
