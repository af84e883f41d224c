"""Directive attachments in an S3-compatible store (SAURO_STORAGE=s3; issue 16, point 9): uploaded through the page,
downloaded back through the application, removed from the bucket after the commit — nothing on the local disk."""

from __future__ import annotations

from collections.abc import Callable

from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from sauro.accounts.models import User
from sauro.directives.models import DirectiveAttachment
from tests.common.s3 import Bucket, s3_endpoint, s3_storage  # noqa: F401  (fixtures)
from tests.conftest import Org
from tests.directives.conftest import MakeDirective

ClientFor = Callable[[User], Client]
PDF = b"%PDF-1.7\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"


def test_attachment_round_trip_through_the_bucket(
    org: Org,
    make: MakeDirective,
    client_for: ClientFor,
    s3_storage: Bucket,  # noqa: F811
    django_capture_on_commit_callbacks: Callable[..., object],
) -> None:
    directive = make()
    client = client_for(org.monitor)
    upload = SimpleUploadedFile("Kết luận 15-KL.pdf", PDF, content_type="application/pdf")
    response = client.post(reverse("directives:attachment_upload", args=[directive.pk]), {"file": upload}, follow=True)
    assert "Đã đính kèm tệp “Kết luận 15-KL.pdf”." in response.content.decode()

    attachment = DirectiveAttachment.objects.get()
    (key,) = s3_storage.object_keys()
    assert key == f"media/{attachment.file.name}" and key.startswith("media/directives/")
    assert s3_storage.read(key) == PDF
    assert not s3_storage.media_root.exists()

    # Downloaded back through the application (the visibility gate), by someone who sees the directive.
    download = reverse("directives:attachment_download", args=[directive.pk, attachment.pk])
    got = client_for(org.phuxuan_head).get(download)
    assert got.status_code == 200
    assert got["Content-Type"] == "application/pdf"
    assert b"".join(got.streaming_content) == PDF  # type: ignore[attr-defined]

    # Removed: the object leaves the bucket once the removal has committed.
    with django_capture_on_commit_callbacks(execute=True):  # type: ignore[attr-defined]
        client.post(reverse("directives:attachment_delete", args=[directive.pk, attachment.pk]))
    assert s3_storage.object_keys() == []
    assert client.get(download).status_code == 404


def test_an_object_missing_from_the_bucket_is_a_404(
    org: Org,
    make: MakeDirective,
    client_for: ClientFor,
    s3_storage: Bucket,  # noqa: F811
) -> None:
    directive = make()
    client = client_for(org.monitor)
    upload = SimpleUploadedFile("a.pdf", PDF, content_type="application/pdf")
    client.post(reverse("directives:attachment_upload", args=[directive.pk]), {"file": upload})
    attachment = DirectiveAttachment.objects.get()
    for key in s3_storage.object_keys():
        s3_storage.client.delete_object(Bucket=s3_storage.name, Key=key)
    response = client.get(reverse("directives:attachment_download", args=[directive.pk, attachment.pk]))
    assert response.status_code == 404
