"""The timer driver's heartbeat: when the scheduler (with Redis) or the sweeper thread
(without) last did its job, so ``/readyz`` can tell a stopped driver from a quiet one.

It is a database row, not a Redis key or a variable: both drivers already reach the
database, every web process (``gunicorn -w 4``) reads the same value, and it survives a
Redis flush or a restart, which are exactly the moments it must tell the truth about.
"""

from datetime import datetime

from sqlalchemy import String, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Mapped, Session, mapped_column

from engine.persistence.models import Base

SCHEDULER = "scheduler"  # python -m web.scheduler: enqueues sweeps on Redis
SWEEPER = "sweeper"  # web.background.Sweeper: sweeps in a thread (no Redis)


class Heartbeat(Base):
    """The last tick of one timer driver."""

    __tablename__ = "scheduler_heartbeat"
    name: Mapped[str] = mapped_column(String(32), primary_key=True)
    beat_at: Mapped[datetime]


def beat(session: Session, name: str, moment: datetime) -> None:
    """Record that driver ``name`` ticked at ``moment`` (and commit)."""
    for _ in range(2):  # a second try if another process inserted the row first
        row = session.get(Heartbeat, name)
        if row is None:
            session.add(Heartbeat(name=name, beat_at=moment))
        else:
            row.beat_at = moment
        try:
            session.commit()
            return
        except IntegrityError:
            session.rollback()


def last_beat(session: Session, name: str) -> datetime | None:
    """When driver ``name`` last ticked (``None``: never)."""
    return session.scalar(select(Heartbeat.beat_at).where(Heartbeat.name == name))
