"""A real S3-compatible HTTP server on loopback for the storage tests (moto's server, in a thread), and the
``s3_storage`` fixture: uploaded files go to a fresh bucket on it through the settings ``SAURO_STORAGE=s3`` makes
(``sauro.common.deployment.default_storage``), and nothing is written under ``MEDIA_ROOT``."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import boto3
import pytest

from sauro.common.deployment import default_storage

REGION = "ap-southeast-1"
KEY_ID, SECRET = "sauro-test-key", "sauro-test-secret"


@dataclass
class Bucket:
    name: str
    client: Any
    media_root: Path

    def object_keys(self) -> list[str]:
        listing = self.client.list_objects_v2(Bucket=self.name)
        return sorted(item["Key"] for item in listing.get("Contents", []))

    def read(self, key: str) -> bytes:
        return bytes(self.client.get_object(Bucket=self.name, Key=key)["Body"].read())


@pytest.fixture(scope="module")
def s3_endpoint() -> Iterator[str]:
    from moto.server import ThreadedMotoServer

    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    try:
        yield f"http://{host}:{port}"
    finally:
        server.stop()


@pytest.fixture
def s3_storage(s3_endpoint: str, settings: Any, tmp_path: Path) -> Bucket:
    name = f"sauro-{uuid.uuid4().hex[:12]}"
    environ = {
        "SAURO_STORAGE": "s3",
        "SAURO_S3_BUCKET": name,
        "SAURO_S3_ENDPOINT_URL": s3_endpoint,
        "SAURO_S3_REGION": REGION,
        "SAURO_S3_ACCESS_KEY_ID": KEY_ID,
        "SAURO_S3_SECRET_ACCESS_KEY": SECRET,
        "SAURO_S3_PREFIX": "media",
    }
    client = boto3.client(
        "s3", endpoint_url=s3_endpoint, region_name=REGION, aws_access_key_id=KEY_ID, aws_secret_access_key=SECRET
    )
    client.create_bucket(Bucket=name, CreateBucketConfiguration={"LocationConstraint": REGION})
    media_root = tmp_path / "no-media-here"
    settings.MEDIA_ROOT = media_root
    settings.STORAGES = {**settings.STORAGES, "default": default_storage(environ, media_root)}
    return Bucket(name=name, client=client, media_root=media_root)
