"""The tables of what happens to families beside their workflow: group sessions with their
attendance lists (engine.commands.group_sessions) and money transfers
(engine.commands.transfers)."""

from datetime import datetime
from typing import Any

from sqlalchemy import ForeignKey, Index, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from .models import Base, JsonData, Territory

GROUP_OPEN, GROUP_SUBMITTED = "open", "submitted"
MEMBER_PENDING, MEMBER_MOVED, MEMBER_ABSENT, MEMBER_CONFLICT, MEMBER_FAILED = (
    "pending", "moved", "absent", "conflict", "failed")


class GroupSession(Base):
    """One group session of a programme (a Triple P seminar or workshop session) held in a
    territory: when, where, on what, by whom, and its attendance list (``members``). Submitting
    it completes the step of each attending family's case, each in its own transaction
    (engine.commands.group_sessions); ``lock_version`` refuses an attendance list saved over
    one saved meanwhile."""

    __tablename__ = "group_session"
    __table_args__ = (Index("ix_group_session_place", "programme_key", "territory_id",
                            "held_on"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    programme_key: Mapped[str] = mapped_column(ForeignKey("programme.key"))
    territory_id: Mapped[int] = mapped_column(ForeignKey("territory.id"))
    modality: Mapped[str] = mapped_column(String(64))
    step: Mapped[str] = mapped_column(String(128))  # the BPMN id each attending family completes
    held_on: Mapped[str] = mapped_column(String(10))  # ISO date, as the step's form records it
    place: Mapped[str] = mapped_column(String(200))
    topic: Mapped[str] = mapped_column(String(200))
    status: Mapped[str] = mapped_column(String(16), default=GROUP_OPEN)
    created_by: Mapped[str] = mapped_column(String(128))
    created_at: Mapped[datetime]
    saved_by: Mapped[str | None] = mapped_column(String(128))  # the attendance list, last
    saved_at: Mapped[datetime | None]
    submitted_by: Mapped[str | None] = mapped_column(String(128))
    submitted_at: Mapped[datetime | None]
    lock_version: Mapped[int] = mapped_column(Integer, nullable=False)
    territory: Mapped[Territory] = relationship(lazy="select")  # not joined: rows are locked
    __mapper_args__ = {"version_id_col": lock_version}


class GroupSessionMember(Base):
    """A family on a group session's list: its case, the open step it was listed at
    (``task_id``), whether it attended, and what submitting did to it: ``pending``, ``moved``
    (the step was completed), ``absent`` (the case stays where it is), ``conflict`` (the case
    had moved on meanwhile: ``reason`` and ``params`` say how) or ``failed``."""

    __tablename__ = "group_session_member"
    __table_args__ = (UniqueConstraint("group_session_id", "case_id"),
                      Index("ix_group_session_member_next", "group_session_id", "status", "id"))
    id: Mapped[int] = mapped_column(primary_key=True)
    group_session_id: Mapped[int] = mapped_column(ForeignKey("group_session.id"))
    case_id: Mapped[int] = mapped_column(ForeignKey("case_file.id"), index=True)
    task_id: Mapped[str] = mapped_column(String(36))
    attended: Mapped[bool] = mapped_column(default=False)
    status: Mapped[str] = mapped_column(String(16), default=MEMBER_PENDING)
    reason: Mapped[str | None] = mapped_column(String(64))
    params: Mapped[dict[str, Any] | None] = mapped_column(JsonData)
    done_at: Mapped[datetime | None]


TRANSFER_SCHEDULED, TRANSFER_DUE, TRANSFER_PAID, TRANSFER_WITHHELD, TRANSFER_CANCELLED = (
    "scheduled", "due", "paid", "withheld", "cancelled")


class Transfer(Base):
    """One money transfer of a case's family for one period (engine.commands.transfers): a
    Bono de Protección month, a conditional transfer, an achievement bonus. ``scheduled``
    until its period comes (``next_at``: when the sweep looks at it next), then ``due``
    (to be paid), ``paid`` (who marked it, when), ``withheld`` (``reason``: a code) or
    ``cancelled`` (the case closed before its period)."""

    __tablename__ = "transfer"
    __table_args__ = (UniqueConstraint("case_id", "kind", "period", "detail"),
                      Index("ix_transfer_next", "next_at"),
                      Index("ix_transfer_case", "case_id", "period"),
                      Index("ix_transfer_report", "programme_key", "territory_id", "kind"))
    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("case_file.id"))
    household_id: Mapped[int] = mapped_column(ForeignKey("household.id"))
    programme_key: Mapped[str] = mapped_column(String(64))
    territory_id: Mapped[int] = mapped_column(ForeignKey("territory.id"))
    kind: Mapped[str] = mapped_column(String(32))
    period: Mapped[int] = mapped_column(Integer)  # month of the programme, 1 = the Carta's
    detail: Mapped[str] = mapped_column(String(200), default="")  # e.g. an achievement's kind
    step: Mapped[int | None] = mapped_column(Integer)  # the Bono de Protección's tramo
    period_start: Mapped[datetime]
    amount: Mapped[int] = mapped_column(Integer)  # whole pesos
    beneficiaries: Mapped[int] = mapped_column(Integer, default=1)
    status: Mapped[str] = mapped_column(String(16), default=TRANSFER_SCHEDULED)
    reason: Mapped[str | None] = mapped_column(String(64))
    next_at: Mapped[datetime | None]
    proof_due: Mapped[datetime | None]  # a conditional transfer: its proof's due moment
    reminded_at: Mapped[datetime | None]
    proof_at: Mapped[datetime | None]
    proof_by: Mapped[str | None] = mapped_column(String(128))
    due_at: Mapped[datetime | None]
    paid_at: Mapped[datetime | None]
    paid_by: Mapped[str | None] = mapped_column(String(128))
    created_at: Mapped[datetime]
