"""A generated document: its file name and bytes."""
from __future__ import annotations

import re
from dataclasses import dataclass

MEDIA_TYPES = {
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "pdf": "application/pdf",
    "zip": "application/zip",
}


@dataclass(frozen=True)
class GeneratedFile:
    file_name: str
    content: bytes

    @property
    def extension(self) -> str:
        return self.file_name.rsplit(".", 1)[-1]

    @property
    def media_type(self) -> str:
        return MEDIA_TYPES.get(self.extension, "application/octet-stream")


def safe_name(text: str) -> str:
    """A file name part without path separators or characters Windows refuses."""
    return re.sub(r'[\\/:*?"<>|\s]+', "", text or "")[:80] or "未命名"
