"""Announcing a timer that falls due soon, once the transaction that wrote it commits.

The timer drivers sleep until the next due time they read from the timer index (or the fixed
sweep, whichever comes first). A timer written meanwhile that falls due before that wake-up
would wait for it; so every transaction that writes a timer due within :data:`HORIZON`
announces it, and only if it commits:

* on PostgreSQL, ``pg_notify`` on channel :data:`CHANNEL` inside the transaction — PostgreSQL
  delivers it to every listener at commit and drops it on rollback (the scheduler, another
  process, listens: web.scheduler);
* in this process, the listeners given to :func:`listen` are called after the commit (the
  single-machine sweeper thread, web.background), never after a rollback.

An announcement lost (no listener yet, a listener reconnecting) costs lateness, never a
timer: the driver's next read of the index finds it.
"""

import logging
from collections.abc import Callable
from datetime import datetime, timedelta

from sqlalchemy import event, func, select
from sqlalchemy.orm import Session

from ..core import clock

CHANNEL = "acompana_timers"
HORIZON = timedelta(minutes=2)  # farther timers are found by a driver's next index read
_KEY = "acompana.soonest_timer"
_listeners: list[Callable[[datetime], None]] = []
log = logging.getLogger("acompana.timers")


def listen(listener: Callable[[datetime], None]) -> None:
    """Call ``listener(due_at)`` after each commit in this process that wrote a timer due
    within :data:`HORIZON`."""
    if listener not in _listeners:
        _listeners.append(listener)


def forget(listener: Callable[[datetime], None]) -> None:
    """Stop calling ``listener``."""
    if listener in _listeners:
        _listeners.remove(listener)


def timers_written(session: Session, due_ats: list[datetime]) -> None:
    """Note timers the session is writing; the soonest is announced if it commits."""
    soon = [due for due in due_ats if due - clock.real_now() <= HORIZON]
    if not soon:
        return
    soonest = min(soon)
    noted = session.info.get(_KEY)
    if noted is not None and noted <= soonest:
        return
    session.info[_KEY] = soonest
    if session.get_bind().dialect.name == "postgresql":
        session.execute(select(func.pg_notify(CHANNEL, soonest.isoformat())))


@event.listens_for(Session, "after_commit")
def _announce(session: Session) -> None:
    soonest = session.info.pop(_KEY, None)
    if soonest is None:
        return
    for listener in list(_listeners):
        try:
            listener(soonest)
        except Exception:  # noqa: BLE001 - a listener's failure is not the commit's
            log.exception("a timer listener failed")


@event.listens_for(Session, "after_soft_rollback")
def _drop(session: Session, _previous_transaction) -> None:
    session.info.pop(_KEY, None)
