"""The text of a directive's attached file (.docx, .pdf, .txt).

SKELETON: the flow helper fills this in (python-docx, pypdf; a scanned PDF without a text layer is refused
with a clear message).
"""

from __future__ import annotations

from sauro.common.errors import ServiceError


def text_of(data: bytes, filename: str) -> str:
    if filename.lower().endswith(".txt"):
        return data.decode("utf-8")
    raise ServiceError("Chỉ đọc được văn bản từ tệp .docx, .pdf hoặc .txt.", code="unsupported_file")
