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


class EncryptingWriter:
    """A write-only file object that encrypts what is written to it into ``target``; ``close`` seals the last
    chunk (the target itself stays open). The plaintext never reaches a disk."""

    def __init__(self, target: BinaryIO, passphrase: str) -> None:
        self.target = target
        salt, self.prefix = os.urandom(16), os.urandom(8)
        self.header = _HEADER.pack(salt, _SCRYPT_LOG2_N, _SCRYPT_R, _SCRYPT_P, self.prefix)
        self.aead = AESGCM(_key(passphrase, salt, _SCRYPT_LOG2_N, _SCRYPT_R, _SCRYPT_P))
        self.buffer = bytearray()
        self.index = 0
        self.closed = False
        target.write(MAGIC + self.header)

    def _seal(self, chunk: bytes, *, last: bool) -> None:
        sealed = self.aead.encrypt(_nonce(self.prefix, self.index), chunk, _aad(self.header, self.index, last))
        self.target.write(_LENGTH.pack(len(sealed)) + sealed)
        self.index += 1

    def write(self, data: bytes) -> int:
        self.buffer += data
        # A chunk is sealed as "not the last" only once more data is known to follow it.
        while len(self.buffer) > CHUNK:
            self._seal(bytes(self.buffer[:CHUNK]), last=False)
            del self.buffer[:CHUNK]
        return len(data)

    def flush(self) -> None:
        self.target.flush()

    def close(self) -> None:
        if not self.closed:
            self._seal(bytes(self.buffer), last=True)
            self.buffer.clear()
            self.closed = True


def encrypt_stream(source: BinaryIO, target: BinaryIO, passphrase: str) -> None:
    """Write ``source`` encrypted to ``target``."""
    writer = EncryptingWriter(target, passphrase)
    while chunk := source.read(CHUNK):
        writer.write(chunk)
    writer.close()


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
