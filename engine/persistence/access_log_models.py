"""Who looked at what (engine.commands.access_log): one row per view of a case file, a
step, a report or an export line about a household. Append-only: the database itself
refuses to change or delete a row (triggers, migration 0036_consent_access_log)."""

from datetime import datetime

from sqlalchemy import Index, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from .models import Base

CASE_FILE, STEP, REPORT, EXPORT = "case_file", "step", "report", "export"
KINDS = (CASE_FILE, STEP, REPORT, EXPORT)


class AccessLog(Base):
    """One view: ``actor`` looked at ``what`` (a case, a task id, a report, an export's
    name) of ``kind`` about the household of ``case_id`` (none for a report's page), and
    ``reason`` when they were asked why."""

    __tablename__ = "access_log"
    __table_args__ = (Index("ix_access_log_case", "case_id", "at"),
                      Index("ix_access_log_household", "household_id", "at"),
                      Index("ix_access_log_actor", "actor", "at"),
                      Index("ix_access_log_territory", "territory_id", "at"))
    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime]
    actor: Mapped[str] = mapped_column(String(128))
    kind: Mapped[str] = mapped_column(String(16))
    what: Mapped[str] = mapped_column(String(200))
    case_id: Mapped[int | None] = mapped_column(Integer)
    household_id: Mapped[int | None] = mapped_column(Integer)
    territory_id: Mapped[int | None] = mapped_column(Integer)
    reason: Mapped[str | None] = mapped_column(String(300))
