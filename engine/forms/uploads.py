"""Uploaded files (the candidate's photo): checked by content, stored content-addressed.

The notices ask for a 2-inch colour photo, JPG, 50–500 KB. The check reads the bytes: a JPEG
starts with the SOI marker and a frame header, whatever the file is called."""
from __future__ import annotations

import hashlib
import uuid
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING

from sqlalchemy import Integer, LargeBinary, String
from sqlalchemy.orm import Mapped, mapped_column

from engine.errors import NotFound, ValidationFailed
from engine.people.access import READ_ALL, Forbidden, Principal
from engine.storage.db import is_uuid
from engine.storage.models import Base
from engine.timekeeping.timeutil import UTCDateTime

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

    from engine.storage.db import Database

PHOTO_MIN = 50 * 1024
PHOTO_MAX = 500 * 1024
_SOF = {0xC0, 0xC1, 0xC2, 0xC3, 0xC5, 0xC6, 0xC7, 0xC9, 0xCA, 0xCB, 0xCD, 0xCE, 0xCF}


class Upload(Base):
    __tablename__ = "uploads"
    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    kind: Mapped[str] = mapped_column(String(20))  # photo
    file_name: Mapped[str] = mapped_column(String(200))
    content_type: Mapped[str] = mapped_column(String(100))
    size: Mapped[int] = mapped_column(Integer)
    sha256: Mapped[str] = mapped_column(String(64))
    width: Mapped[int | None] = mapped_column(Integer, nullable=True)
    height: Mapped[int | None] = mapped_column(Integer, nullable=True)
    content: Mapped[bytes] = mapped_column(LargeBinary)
    uploaded_by: Mapped[str] = mapped_column(String(100))
    uploader_unit: Mapped[str | None] = mapped_column(String(200), nullable=True)
    uploaded_at: Mapped[datetime] = mapped_column(UTCDateTime)


@dataclass(frozen=True)
class PhotoInfo:
    id: str
    file_name: str
    file_format: str
    size_kb: float
    sha256: str
    width: int | None
    height: int | None


def jpeg_dimensions(content: bytes) -> tuple[int, int]:
    """(width, height) from the first frame header; ValidationFailed if this is not a JPEG."""
    if len(content) < 4 or content[:3] != b"\xff\xd8\xff":
        raise ValidationFailed("照片须为 JPG 格式", field_errors={"file": "文件内容不是 JPG 图片（请勿仅修改扩展名）"})
    i = 2
    while i + 4 <= len(content):
        if content[i] != 0xFF:
            break
        marker = content[i + 1]
        if marker == 0xFF:
            i += 1
            continue
        length = int.from_bytes(content[i + 2:i + 4], "big")
        if marker in _SOF and i + 9 <= len(content):
            return int.from_bytes(content[i + 7:i + 9], "big"), int.from_bytes(content[i + 5:i + 7], "big")
        if length < 2:
            break
        i += 2 + length
    raise ValidationFailed("照片文件已损坏", field_errors={"file": "JPG 文件不完整或已损坏，无法读取图像尺寸"})


def store_photo(db: Database, principal: Principal, file_name: str, content: bytes, now: datetime) -> PhotoInfo:
    size = len(content)
    if size < PHOTO_MIN or size > PHOTO_MAX:
        raise ValidationFailed("照片大小不符合要求", field_errors={
            "file": f"照片大小应在 50—500 KB 之间，当前为 {size / 1024:.1f} KB"})
    width, height = jpeg_dimensions(content)
    name = (file_name or "photo.jpg").replace("\\", "/").rsplit("/", 1)[-1][:200] or "photo.jpg"
    upload = Upload(id=str(uuid.uuid4()), kind="photo", file_name=name, content_type="image/jpeg", size=size,
                    sha256=hashlib.sha256(content).hexdigest(), width=width, height=height, content=content,
                    uploaded_by=principal.name, uploader_unit=principal.unit, uploaded_at=now)
    with db.transaction() as session:
        session.add(upload)
        return _info(upload)


@dataclass(frozen=True)
class UploadContent:
    content: bytes
    content_type: str


def read_upload(db: Database, principal: Principal, upload_id: str) -> UploadContent:
    with db.transaction(write=False) as session:
        upload = session.get(Upload, upload_id) if len(upload_id) <= 36 else None
        if upload is None:
            raise NotFound("文件不存在")
        if not (principal.role in READ_ALL or principal.role in ("office", "leading")
                or upload.uploaded_by == principal.name
                or (upload.uploader_unit is not None and upload.uploader_unit == principal.unit)):
            raise Forbidden("您无权查看该文件")
        return UploadContent(upload.content, upload.content_type)


def missing_uploads(session: Session, refs: list[tuple[str, str, str]]) -> dict[str, str]:
    """{field path: message} for every reference (path, upload id, kind) that names no stored file
    of that kind: a form may only point at a photo that was really uploaded."""
    errors = {}
    for path, upload_id, kind in refs:
        upload = session.get(Upload, upload_id) if is_uuid(upload_id) else None
        if upload is None or upload.kind != kind:
            errors[path] = "未找到该照片文件（编号无效或文件未上传成功），请重新上传照片"
    return errors


def _info(upload: Upload) -> PhotoInfo:
    return PhotoInfo(upload.id, upload.file_name, "JPG", round(upload.size / 1024, 1), upload.sha256,
                     upload.width, upload.height)
