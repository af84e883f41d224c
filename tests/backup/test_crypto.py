"""The archive's encryption (``backup.crypto``): streamed in chunks, each authenticated with its place, so a wrong
passphrase, a changed byte, a truncated file (even at a chunk's end) or data appended after the last chunk is
refused."""

from __future__ import annotations

import io
import os
from collections.abc import Callable

import pytest

from sauro.backup import crypto

PLAIN = os.urandom(10_000)
PASSPHRASE = "mật khẩu"


@pytest.fixture(autouse=True)
def small_chunks(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(crypto, "CHUNK", 1000)  # ten chunks


def sealed(passphrase: str = PASSPHRASE) -> bytes:
    out = io.BytesIO()
    crypto.encrypt_stream(io.BytesIO(PLAIN), out, passphrase)
    return out.getvalue()


def opened(data: bytes, passphrase: str = PASSPHRASE) -> bytes:
    out = io.BytesIO()
    crypto.decrypt_stream(io.BytesIO(data), out, passphrase)
    return out.getvalue()


def test_what_is_sealed_opens_with_its_passphrase_and_shows_nothing_in_between() -> None:
    data = sealed()
    assert data.startswith(crypto.MAGIC) and PLAIN[:64] not in data
    assert opened(data) == PLAIN


def test_an_empty_stream_round_trips() -> None:
    out = io.BytesIO()
    crypto.encrypt_stream(io.BytesIO(b""), out, "x")
    assert opened(out.getvalue(), "x") == b""


def test_a_wrong_passphrase_is_refused() -> None:
    with pytest.raises(crypto.DecryptionError):
        opened(sealed(), "mật khẩu khác")


HEADER = len(crypto.MAGIC) + crypto._HEADER.size
SEALED_CHUNK = 4 + 1000 + 16


@pytest.mark.parametrize(
    "spoil",
    [
        pytest.param(lambda d: d[:-1], id="truncated"),
        pytest.param(lambda d: d[: HEADER + 3 * SEALED_CHUNK], id="cut at a chunk's end"),
        pytest.param(lambda d: d + d[HEADER : HEADER + SEALED_CHUNK], id="a chunk appended"),
        pytest.param(lambda d: d[:5000] + bytes([d[5000] ^ 1]) + d[5001:], id="a flipped byte"),
        pytest.param(
            lambda d: d[:HEADER]
            + d[HEADER + SEALED_CHUNK : HEADER + 2 * SEALED_CHUNK]
            + d[HEADER : HEADER + SEALED_CHUNK]
            + d[HEADER + 2 * SEALED_CHUNK :],
            id="chunks reordered",
        ),
    ],
)
def test_a_damaged_stream_is_refused(spoil: Callable[[bytes], bytes]) -> None:
    with pytest.raises(crypto.DecryptionError):
        opened(spoil(sealed()))
