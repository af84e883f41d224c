"""Report files in an S3-compatible store (SAURO_STORAGE=s3; issue 16, point 9): every unit's file is stored as
"bao-cao.pdf", and none may overwrite another's in the bucket; each downloads back through the application."""

from __future__ import annotations

import datetime
from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from sauro.reports.choices import ReportKind
from sauro.reports.models import ReportDuty, ReportRegime
from sauro.reports.services import report_submit, reports_generate
from tests.common.s3 import Bucket, s3_endpoint, s3_storage  # noqa: F401  (fixtures)


def test_files_of_two_units_keep_apart_in_the_bucket(
    org: Any,
    client_for: Any,
    today: Any,
    s3_storage: Bucket,  # noqa: F811
) -> None:
    ReportRegime.objects.exclude(kind=ReportKind.QUARTERLY).update(active=False)
    reports_generate(as_of=datetime.date(2026, 3, 2))
    today.set(datetime.date(2026, 3, 18))
    duties = {d.unit.code: d for d in ReportDuty.objects.select_related("unit")}

    contents = {"P-ANCUU": b"%PDF-1.4\n% An Cuu\n", "P-PHUXUAN": b"%PDF-1.4\n% Phu Xuan\n"}
    heads = {"P-ANCUU": org.ancuu_head, "P-PHUXUAN": org.phuxuan_head}
    submissions = {}
    for code, content in contents.items():
        upload = SimpleUploadedFile("Báo cáo.pdf", content, content_type="application/pdf")
        submissions[code] = report_submit(acting_user=heads[code], duty=duties[code], upload=upload)

    assert len(s3_storage.object_keys()) == 2
    assert not s3_storage.media_root.exists()
    for code, submission in submissions.items():
        response = client_for(heads[code]).get(reverse("reports:submission_file", args=[submission.pk]))
        assert response.status_code == 200
        assert b"".join(response.streaming_content) == contents[code]
