"""Tests are entry points: they own the units of work of what they run (engine.persistence.uow).

:func:`run` is one command in a unit of work of its own, as one web request would run it.
The sweep is an entry point with sessions of its own (engine.commands.sweep): what the test's
session holds is committed first, as any other entry point's work would be, and the test's objects
are read again afterwards, so they show what the sweep did.
"""

from collections.abc import Callable
from datetime import datetime

from sqlalchemy.orm import Session

import engine


def sweep(session: Session, now: datetime | None = None, limit: int = 1000) -> engine.SweepResult:
    """Commit ``session``, fire the timers due by ``now`` on its database, return the result."""
    session.commit()
    return engine.fire_due_timers(session.get_bind(), now, limit)


def run(session: Session, command: Callable, *args, **kwargs):
    """Run ``command(session, *args, **kwargs)`` in its own unit of work; return its result."""
    with engine.unit_of_work(session):
        return command(session, *args, **kwargs)
