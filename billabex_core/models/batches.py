"""The import queue (issue #15 point 4): one batch per upload of several files or ZIP archives,
one item per file (per ZIP entry) with its outcome.

An item is ``read`` (a new pending draft), ``duplicate`` (the same bytes are already a document or
a draft: ``document_id`` / ``draft_id`` name it) or ``refused`` (``reason`` says why; nothing
else was stored). Review walks the drafts of a batch in ``position`` order.
"""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlmodel import Field, SQLModel

from billabex_core.db.types import UTCDateTime, utcnow


class ImportBatch(SQLModel, table=True):
    __tablename__ = "import_batch"

    id: int | None = Field(default=None, primary_key=True)
    created_by: str | None = Field(default=None, max_length=64)
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime, nullable=False)
    file_count: int = 0


class ImportBatchItem(SQLModel, table=True):
    __tablename__ = "import_batch_item"
    __table_args__ = (sa.UniqueConstraint("batch_id", "position", name="uq_import_batch_item_position"),)

    id: int | None = Field(default=None, primary_key=True)
    batch_id: int = Field(foreign_key="import_batch.id", index=True)
    position: int
    file_name: str = Field(max_length=300)
    outcome: str = Field(max_length=16)  # read | duplicate | refused
    reason: str | None = Field(default=None, sa_type=sa.Text)
    draft_id: int | None = Field(default=None, foreign_key="importdraft.id", index=True)
    document_id: int | None = Field(default=None, foreign_key="document.id")
