"""What the privacy commands keep: each request (an erasure, an export, a retention run) and
the short-lived unlock of a case's audit trail that an erasure takes to scrub it.

A request never holds the personal data it was about: the household, the member's position
and who asked, what was done (``counts``: rows scrubbed per section) or why it was refused.
"""

from datetime import datetime
from typing import Any

from sqlalchemy import ForeignKey, Index, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from .models import Base, JsonData

ERASURE, EXPORT, RETENTION = "erasure", "export", "retention"
DONE, REFUSED = "done", "refused"


class PrivacyRequest(Base):
    """One privacy request and what became of it (``done`` or ``refused`` with ``reason``)."""

    __tablename__ = "privacy_request"
    __table_args__ = (Index("ix_privacy_request_at", "at", "id"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(16))
    status: Mapped[str] = mapped_column(String(16))
    household_id: Mapped[int | None] = mapped_column(ForeignKey("household.id"), index=True)
    member: Mapped[int | None] = mapped_column(Integer)  # position in the household, from 0
    territory_id: Mapped[int | None] = mapped_column(ForeignKey("territory.id"))
    requested_by: Mapped[str] = mapped_column(String(128))
    at: Mapped[datetime]
    reason: Mapped[str | None] = mapped_column(String(64))  # a message code when refused
    params: Mapped[dict[str, Any] | None] = mapped_column(JsonData)
    counts: Mapped[dict[str, Any]] = mapped_column(default=dict)


class AuditUnlock(Base):
    """While a row is here, the database lets the ``event`` rows of ``case_id`` be updated
    (never deleted, never moved to another case): the erasure inserts it, scrubs and deletes
    it again in the same transaction, so no committed state ever holds an unlock."""

    __tablename__ = "privacy_audit_unlock"
    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("case_file.id"), index=True)
    request_id: Mapped[int] = mapped_column(ForeignKey("privacy_request.id"))
