"""The mirror tables: what a case's workflow waits on, copied into indexed rows so inboxes,
overdue views and the timer sweep never read workflow JSON (kept equal to the workflow by
engine.persistence.mirror)."""

from datetime import datetime
from typing import Any

from sqlalchemy import ForeignKey, Index, String, UniqueConstraint, text
from sqlalchemy.orm import Mapped, mapped_column

from .models import Base, JsonData


class HumanTask(Base):
    """A ready user task, mirrored from the workflow so inboxes are indexed queries."""

    __tablename__ = "human_task"
    __table_args__ = (
        Index("ix_human_task_inbox", "assignee", "due_at"),
        Index("ix_human_task_pool", "territory_id", "role", "assignee", "due_at"),
        Index("ix_human_task_due", "due_at", "id"),
        # a territory's overdue steps counted by person and programme from the index alone
        Index("ix_human_task_overdue", "territory_id", "due_at",
              postgresql_include=["assignee", "programme_key"]),
        Index("ix_human_task_escalated", "territory_id", "escalated_at",
              postgresql_where=text("escalated_at IS NOT NULL"),
              sqlite_where=text("escalated_at IS NOT NULL")),
    )
    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    instance_id: Mapped[int] = mapped_column(ForeignKey("process_instance.id"), index=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("case_file.id"), index=True)
    programme_key: Mapped[str] = mapped_column(String(64))
    territory_id: Mapped[int] = mapped_column(ForeignKey("territory.id"))
    bpmn_id: Mapped[str] = mapped_column(String(128))
    title: Mapped[str] = mapped_column(String(300))
    lane: Mapped[str | None] = mapped_column(String(128))
    role: Mapped[str | None] = mapped_column(String(32))
    form_key: Mapped[str | None] = mapped_column(String(128))
    deadline_key: Mapped[str | None] = mapped_column(String(64))
    assignee: Mapped[str | None] = mapped_column(String(128))
    created_at: Mapped[datetime]
    claimed_at: Mapped[datetime | None]
    remind_at: Mapped[datetime | None]
    due_at: Mapped[datetime | None]
    escalated_at: Mapped[datetime | None]
    draft: Mapped[dict[str, Any] | None] = mapped_column(JsonData)


class Timer(Base):
    """A timer the workflow is waiting on; the sweep selects these by ``due_at``."""

    __tablename__ = "timer"
    __table_args__ = (UniqueConstraint("instance_id", "task_id"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    instance_id: Mapped[int] = mapped_column(ForeignKey("process_instance.id"), index=True)
    task_id: Mapped[str] = mapped_column(String(36))
    bpmn_id: Mapped[str] = mapped_column(String(128))
    kind: Mapped[str] = mapped_column(String(16))
    deadline_key: Mapped[str | None] = mapped_column(String(64))
    due_at: Mapped[datetime] = mapped_column(index=True)
