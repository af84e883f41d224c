"""API tokens expire and may be read-only (issue 16). Tokens issued before expire SAURO_API_TOKEN_DAYS after
their issue (already expired if older)."""

import datetime

from django.conf import settings
from django.db import migrations, models


def set_expiry(apps, schema_editor):
    ApiToken = apps.get_model("accounts", "ApiToken")
    days = datetime.timedelta(days=getattr(settings, "SAURO_API_TOKEN_DAYS", 90))
    for token in ApiToken.objects.filter(expires_at__isnull=True).only("pk", "created_at"):
        ApiToken.objects.filter(pk=token.pk).update(expires_at=token.created_at + days)


class Migration(migrations.Migration):

    dependencies = [
        ("accounts", "0001_initial"),
    ]

    operations = [
        migrations.AddField(
            model_name="apitoken",
            name="scope",
            field=models.CharField(
                choices=[("read", "Chỉ đọc"), ("write", "Đọc và ghi")],
                default="write",
                max_length=8,
                verbose_name="quyền",
            ),
        ),
        migrations.AddField(
            model_name="apitoken",
            name="expires_at",
            field=models.DateTimeField(null=True, verbose_name="hết hạn lúc"),
        ),
        migrations.RunPython(set_expiry, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="apitoken",
            name="expires_at",
            field=models.DateTimeField(verbose_name="hết hạn lúc"),
        ),
    ]
