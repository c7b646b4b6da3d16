"""The tables of bulk household imports (engine.commands.household_imports): a file uploaded
for a programme in a territory, its mapping, and what became of each of its rows."""

from datetime import datetime
from typing import Any

from sqlalchemy import ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from .models import Base, JsonData

IMPORT_UPLOADED, IMPORT_RUNNING, IMPORT_DONE = "uploaded", "running", "done"
ROW_PENDING, ROW_CREATED, ROW_UPDATED, ROW_UNCHANGED, ROW_FAILED = (
    "pending", "created", "updated", "unchanged", "failed")
ROW_STATUSES = (ROW_PENDING, ROW_CREATED, ROW_UPDATED, ROW_UNCHANGED, ROW_FAILED)


class HouseholdImport(Base):
    """A registry export uploaded to register households of ``territory_id`` for
    ``programme_key`` (whose household schema checks the members): the file's text as read
    (``encoding``, ``separator``), its ``columns``, the ``mapping`` {target: column} chosen,
    and how far its run went (``counts`` by row status)."""

    __tablename__ = "household_import"
    __table_args__ = (Index("ix_household_import_territory", "territory_id", "id"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    programme_key: Mapped[str] = mapped_column(ForeignKey("programme.key"))
    territory_id: Mapped[int] = mapped_column(ForeignKey("territory.id"))
    filename: Mapped[str] = mapped_column(String(200))
    kind: Mapped[str] = mapped_column(String(8))
    encoding: Mapped[str] = mapped_column(String(32))
    separator: Mapped[str | None] = mapped_column(String(4))
    columns: Mapped[list[Any]] = mapped_column(default=list)
    mapping: Mapped[dict[str, Any]] = mapped_column(default=dict)
    content: Mapped[str] = mapped_column(Text, deferred=True)
    row_count: Mapped[int] = mapped_column(Integer, default=0)
    status: Mapped[str] = mapped_column(String(16), default=IMPORT_UPLOADED)
    created_by: Mapped[str] = mapped_column(String(128))
    created_at: Mapped[datetime]
    started_at: Mapped[datetime | None]
    finished_at: Mapped[datetime | None]
    counts: Mapped[dict[str, Any]] = mapped_column(default=dict)


class HouseholdImportRow(Base):
    """One row of an import: its number in the file, the household it makes (``data``), what
    became of it (``pending``, ``created``, ``updated`` with the parts ``changed``,
    ``unchanged``, ``failed`` with its ``errors``: field, code, limit), and the household."""

    __tablename__ = "household_import_row"
    __table_args__ = (UniqueConstraint("import_id", "row_number"),
                      Index("ix_household_import_row_next", "import_id", "status", "id"))
    id: Mapped[int] = mapped_column(primary_key=True)
    import_id: Mapped[int] = mapped_column(ForeignKey("household_import.id"))
    row_number: Mapped[int] = mapped_column(Integer)
    status: Mapped[str] = mapped_column(String(16), default=ROW_PENDING)
    national_id: Mapped[str | None] = mapped_column(String(64))
    family_name: Mapped[str | None] = mapped_column(String(200))
    data: Mapped[dict[str, Any] | None] = mapped_column(JsonData)
    errors: Mapped[list[Any] | None] = mapped_column(JsonData)
    changed: Mapped[list[Any] | None] = mapped_column(JsonData)
    household_id: Mapped[int | None] = mapped_column(ForeignKey("household.id"))
    done_at: Mapped[datetime | None]
