"""Encrypting an archive with a passphrase, streamed in chunks (AES-256-GCM, the key derived with scrypt).

Layout: ``MAGIC``, a header (scrypt's salt and cost, a random nonce prefix), then chunks, each a 4-byte length and
its ciphertext with the GCM tag. Each chunk is authenticated together with the header, its index and whether it is
the last one, so a changed, reordered, removed or truncated chunk — or data after the last one — is refused.
"""

from __future__ import annotations

import os
import struct
from typing import BinaryIO

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.scrypt import Scrypt

MAGIC = b"SAUROENC1\n"
CHUNK = 1 << 20  # plaintext bytes per chunk
_HEADER = struct.Struct(">16sBBB8s")  # salt, log2(n), r, p, nonce prefix
_LENGTH = struct.Struct(">I")
_SCRYPT_LOG2_N, _SCRYPT_R, _SCRYPT_P = 15, 8, 1

ERR_NO_PASSPHRASE = (
    "Tệp sao lưu đã được mã hóa: hãy đặt mật khẩu vào biến môi trường SAURO_BACKUP_PASSPHRASE rồi chạy lại."  # noqa: S105
)
ERR_DECRYPT = (
    "Không giải mã được tệp sao lưu: sai mật khẩu (SAURO_BACKUP_PASSPHRASE) hoặc tệp đã bị hỏng, cắt cụt. "
    "Không khôi phục gì."
)


class DecryptionError(Exception):
    pass


def is_encrypted(path: os.PathLike[str] | str) -> bool:
    with open(path, "rb") as f:
        return f.read(len(MAGIC)) == MAGIC


def _key(passphrase: str, salt: bytes, log2_n: int, r: int, p: int) -> bytes:
    if not 10 <= log2_n <= 20 or not 1 <= r <= 16 or not 1 <= p <= 4:
        raise DecryptionError(ERR_DECRYPT)
    return Scrypt(salt=salt, length=32, n=1 << log2_n, r=r, p=p).derive(passphrase.encode("utf-8"))


def _aad(header: bytes, index: int, last: bool) -> bytes:
    return header + struct.pack(">QB", index, 1 if last else 0)


def _nonce(prefix: bytes, index: int) -> bytes:
    return prefix + struct.pack(">I", index)


def encrypt_stream(source: BinaryIO, target: BinaryIO, passphrase: str) -> None:
    """Write ``source`` encrypted to ``target``."""
    salt, prefix = os.urandom(16), os.urandom(8)
    header = _HEADER.pack(salt, _SCRYPT_LOG2_N, _SCRYPT_R, _SCRYPT_P, prefix)
    aead = AESGCM(_key(passphrase, salt, _SCRYPT_LOG2_N, _SCRYPT_R, _SCRYPT_P))
    target.write(MAGIC + header)
    index = 0
    chunk = source.read(CHUNK)
    while True:
        following = source.read(CHUNK)
        last = not following
        sealed = aead.encrypt(_nonce(prefix, index), chunk, _aad(header, index, last))
        target.write(_LENGTH.pack(len(sealed)) + sealed)
        if last:
            return
        chunk, index = following, index + 1


def decrypt_stream(source: BinaryIO, target: BinaryIO, passphrase: str) -> None:
    """Write the plaintext of ``source`` to ``target``; ``DecryptionError`` on a wrong passphrase or any damage."""
    if source.read(len(MAGIC)) != MAGIC:
        raise DecryptionError(ERR_DECRYPT)
    header = source.read(_HEADER.size)
    if len(header) != _HEADER.size:
        raise DecryptionError(ERR_DECRYPT)
    salt, log2_n, r, p, prefix = _HEADER.unpack(header)
    aead = AESGCM(_key(passphrase, salt, log2_n, r, p))
    index = 0
    while True:
        length_bytes = source.read(_LENGTH.size)
        if len(length_bytes) != _LENGTH.size:
            raise DecryptionError(ERR_DECRYPT)  # truncated before the last chunk
        (length,) = _LENGTH.unpack(length_bytes)
        if length > CHUNK + 16:
            raise DecryptionError(ERR_DECRYPT)
        sealed = source.read(length)
        if len(sealed) != length:
            raise DecryptionError(ERR_DECRYPT)
        last = _at_end(source)
        try:
            plain = aead.decrypt(_nonce(prefix, index), sealed, _aad(header, index, last))
        except InvalidTag:
            raise DecryptionError(ERR_DECRYPT) from None
        target.write(plain)
        if last:
            return
        index += 1


def _at_end(source: BinaryIO) -> bool:
    position = source.tell()
    at_end = source.read(1) == b""
    source.seek(position)
    return at_end
