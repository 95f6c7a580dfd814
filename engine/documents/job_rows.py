"""The row a background document job lives in (engine.documents.jobs), apart from the job code so
that the table's definition imports nothing heavy."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, Integer, LargeBinary, String
from sqlalchemy.orm import Mapped, mapped_column

from engine.storage.models import Base
from engine.timekeeping.timeutil import UTCDateTime


class DocumentJobRow(Base):
    __tablename__ = "document_jobs"
    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    campaign_id: Mapped[str] = mapped_column(String(36))
    owner: Mapped[str] = mapped_column(String(100))
    with_pdf: Mapped[bool] = mapped_column(Boolean)
    state: Mapped[str] = mapped_column(String(10))  # running | done | failed
    done: Mapped[int] = mapped_column(Integer)
    total: Mapped[int] = mapped_column(Integer)
    error: Mapped[str] = mapped_column(String(500))
    file_name: Mapped[str] = mapped_column(String(200))
    content: Mapped[bytes | None] = mapped_column(LargeBinary, nullable=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime)
