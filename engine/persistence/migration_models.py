"""The tables of bulk migrations of running cases: a batch and what became of each of its cases
(engine.commands.migrations, migration_rollback)."""

from datetime import datetime
from typing import Any

from sqlalchemy import ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from .models import Base, JsonData

BATCH_PLANNED, BATCH_RUNNING, BATCH_DONE, BATCH_ROLLED_BACK = (
    "planned", "running", "done", "rolled_back")
BATCH_ROLLING_BACK = "rolling_back"
CASE_PENDING, CASE_MIGRATED, CASE_SKIPPED, CASE_FAILED, CASE_ROLLED_BACK = (
    "pending", "migrated", "skipped", "failed", "rolled_back")


class MigrationBatch(Base):
    """Running cases of one version moved in bulk to another (engine.commands.migrations):
    which cases (``selection``: territory, step, caseworker), the manual mapping
    ``{old bpmn id: new bpmn id}``, whether running deadlines ``keep`` their date or are
    ``recompute``d, and how far it went (``counts`` by case status). A rollback asked of the
    whole batch (``rollback_round`` counts them) runs in the background like the migration."""

    __tablename__ = "migration_batch"
    __table_args__ = (Index("ix_migration_batch_programme", "programme_key", "id"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    programme_key: Mapped[str] = mapped_column(ForeignKey("programme.key"))
    from_definition_id: Mapped[int] = mapped_column(ForeignKey("process_definition.id"))
    to_definition_id: Mapped[int] = mapped_column(ForeignKey("process_definition.id"))
    selection: Mapped[dict[str, Any]] = mapped_column(default=dict)
    mapping: Mapped[dict[str, Any]] = mapped_column(default=dict)
    deadlines: Mapped[str] = mapped_column(String(16), default="keep")
    status: Mapped[str] = mapped_column(String(16), default=BATCH_PLANNED)
    created_by: Mapped[str] = mapped_column(String(128))
    created_at: Mapped[datetime]
    finished_at: Mapped[datetime | None]
    counts: Mapped[dict[str, Any]] = mapped_column(default=dict)
    rollback_round: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    rollback_by: Mapped[str | None] = mapped_column(String(128))
    rollback_requested_at: Mapped[datetime | None]


class CaseMigration(Base):
    """One case of a migration batch: what became of it (``pending``, ``migrated``,
    ``skipped`` with its outcome and reason, ``failed``, ``rolled_back``), and the state it
    had before (kept for a rollback while the case has not moved on: its instance's
    ``lock_version`` is still ``lock_version_after``)."""

    __tablename__ = "case_migration"
    __table_args__ = (UniqueConstraint("batch_id", "case_id"),
                      Index("ix_case_migration_next", "batch_id", "status", "id"))
    id: Mapped[int] = mapped_column(primary_key=True)
    batch_id: Mapped[int] = mapped_column(ForeignKey("migration_batch.id"))
    case_id: Mapped[int] = mapped_column(ForeignKey("case_file.id"), index=True)
    instance_id: Mapped[int] = mapped_column(ForeignKey("process_instance.id"))
    status: Mapped[str] = mapped_column(String(16), default=CASE_PENDING)
    outcome: Mapped[str | None] = mapped_column(String(16))
    reason: Mapped[str | None] = mapped_column(String(64))
    params: Mapped[dict[str, Any] | None] = mapped_column(JsonData)
    state_before: Mapped[str | None] = mapped_column(Text, deferred=True)
    definition_before: Mapped[int | None]
    lock_version_before: Mapped[int | None]
    lock_version_after: Mapped[int | None]
    migrated_at: Mapped[datetime | None]
    rolled_back_at: Mapped[datetime | None]
    rolled_back_by: Mapped[str | None] = mapped_column(String(128))
    # the batch rollback round that refused to restore the case, and why ({reason, params})
    rollback_round: Mapped[int | None]
    rollback_refusal: Mapped[dict[str, Any] | None] = mapped_column(JsonData)
