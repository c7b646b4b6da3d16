"""Waking the timer driver when a timer falls due, not at its next fixed tick.

The database stays the source of truth: after each sweep a driver (the scheduler with Redis,
the sweeper thread without) reads from the timer index when the next timer falls due
(:func:`engine.next_due_after`) and sleeps until then, or until its fixed sweep comes round,
which stays as the safety net. A timer committed meanwhile that falls due sooner than that
(a deadline of a few seconds, a step reopened) is *announced*: every session of this process
notes the timers it writes, and after its commit tells the drivers of this process and, with
Redis, publishes the moment on :data:`CHANNEL` for the scheduler of the installation. A lost
announcement (Redis away) costs lateness, never a timer: the next read of the index finds it.
"""

import logging
import threading
from collections.abc import Callable
from datetime import UTC, datetime, timedelta

from redis import Redis
from redis.exceptions import RedisError
from sqlalchemy import event
from sqlalchemy.orm import Session

from engine.core import clock
from engine.persistence.models import Timer

CHANNEL = "acompana:timers"
ANNOUNCE_WITHIN = timedelta(minutes=2)  # timers due later are found by the index in time
_PENDING = "acompana.timer_dues"
log = logging.getLogger("acompana.timers")
_listeners: list[Callable[[datetime], None]] = []
_publisher: dict = {"redis": None, "resting_until": None}
REST_AFTER_FAILURE = timedelta(seconds=30)  # a request never waits on an absent Redis twice


class DueWatch:
    """When a driver must sweep next for a timer: the index's next entry after its last
    sweep, moved earlier by announcements; :meth:`wait` returns early when one arrives."""

    def __init__(self, read_next_due: Callable[[datetime], datetime | None]):
        self._read, self._lock, self.woken = read_next_due, threading.Lock(), threading.Event()
        self.next_due: datetime | None = None

    def swept(self, moment: datetime) -> None:
        """A sweep was started at ``moment``: what fell due by then is its work; the next
        timer is the index's first after it (unknown while the database is away)."""
        try:
            found = self._read(moment)
        except Exception as error:  # noqa: BLE001 - the database away: the fixed sweep goes on
            log.warning("next timer not read (%s: %s); sweeping on the fixed interval",
                        type(error).__name__, error)
            found = None
        with self._lock:
            self.next_due = aware(found) if found is not None else None

    def announce(self, due: datetime) -> None:
        """A timer falls due at ``due``: wake the driver if that is sooner than planned."""
        due = aware(due)
        with self._lock:
            if self.next_due is not None and self.next_due <= due:
                return
            self.next_due = due
        self.woken.set()

    def is_due(self, moment: datetime) -> bool:
        """Whether a timer fell due by ``moment``."""
        with self._lock:
            return self.next_due is not None and moment >= self.next_due

    def until(self, moment: datetime, planned: datetime) -> float:
        """Seconds from ``moment`` to the sooner of ``planned`` and the next timer."""
        with self._lock:
            wake = planned if self.next_due is None else min(planned, self.next_due)
        return max(0.0, (wake - moment).total_seconds())

    def wait(self, seconds: float, stopping: threading.Event) -> None:
        """Sleep ``seconds``, or less when a sooner timer is announced or the driver stops."""
        if not stopping.is_set():
            self.woken.wait(seconds)
        self.woken.clear()


def aware(moment: datetime) -> datetime:
    """``moment`` as an aware datetime (UTC when the database gave it naive)."""
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)


def listen(callback: Callable[[datetime], None]) -> Callable[[], None]:
    """Call ``callback(due)`` for each timer this process commits that falls due soon; the
    function returned stops it."""
    _listeners.append(callback)
    return lambda: _listeners.remove(callback) if callback in _listeners else None


def install(redis_url: str | None) -> None:
    """Announce this process's soon-due timers (once per process; with ``redis_url``, to the
    installation's scheduler too)."""
    _publisher["redis"] = Redis.from_url(redis_url, socket_connect_timeout=0.5,
                                         socket_timeout=0.5) if redis_url else None
    if not event.contains(Session, "after_flush", _noted):
        event.listen(Session, "after_flush", _noted)
        event.listen(Session, "after_commit", _committed)
        event.listen(Session, "after_rollback", _forgotten)


def _noted(session: Session, _flush_context) -> None:
    # soon on the wall clock the drivers sleep by, even inside a command acting "as of" a
    # moment of its own (engine.core.clock.frozen_at)
    horizon = datetime.now(UTC) + ANNOUNCE_WITHIN
    dues = [aware(t.due_at) for t in (*session.new, *session.dirty)
            if isinstance(t, Timer) and t.due_at is not None and aware(t.due_at) <= horizon]
    if dues:
        pending = session.info.setdefault(_PENDING, [])
        pending.append(min(dues))


def _forgotten(session: Session) -> None:
    session.info.pop(_PENDING, None)


def _committed(session: Session) -> None:
    dues = session.info.pop(_PENDING, None)
    if dues:
        announce(min(dues))


def announce(due: datetime) -> None:
    """Tell this process's drivers, and the scheduler through Redis, that a timer falls due
    at ``due``; a failure only costs lateness (logged at debug level), and Redis is left
    alone for a while after one so no request waits on it again."""
    for callback in list(_listeners):
        callback(due)
    redis, resting_until = _publisher["redis"], _publisher["resting_until"]
    if redis is None or (resting_until is not None and clock.now() < resting_until):
        return
    try:
        redis.publish(CHANNEL, aware(due).isoformat())
        _publisher["resting_until"] = None
    except RedisError as error:  # the scheduler's fixed sweep finds the timer meanwhile
        _publisher["resting_until"] = clock.now() + REST_AFTER_FAILURE
        log.debug("timer announcement not published (Redis away for now): %s", error)


def parse(message: bytes | str) -> datetime | None:
    """The moment an announcement carries, or None for anything else."""
    try:
        text = message.decode() if isinstance(message, bytes) else str(message)
        return aware(datetime.fromisoformat(text))
    except (UnicodeDecodeError, ValueError):
        return None
