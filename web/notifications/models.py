"""A person's notifications."""

from datetime import datetime

from sqlalchemy import ForeignKey, Index, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from engine.persistence.models import Base, Event


class Notification(Base):
    """One thing a person should know about (a reminder, an escalation)."""

    __tablename__ = "notification"
    __table_args__ = (UniqueConstraint("event_id", "username"),
                      Index("ix_notification_inbox", "username", "read_at", "id"))
    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(String(64))
    event_id: Mapped[int] = mapped_column(ForeignKey("event.id"))
    event: Mapped[Event] = relationship()  # set with the event: no flush needed for its id
    case_id: Mapped[int] = mapped_column(ForeignKey("case_file.id"))
    task_id: Mapped[str | None] = mapped_column(String(36))
    kind: Mapped[str] = mapped_column(String(16))
    title: Mapped[str] = mapped_column(String(300))
    created_at: Mapped[datetime]
    read_at: Mapped[datetime | None]
    emailed_at: Mapped[datetime | None]

