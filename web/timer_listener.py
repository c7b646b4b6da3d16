"""The scheduler's ear for timers written by other processes (PostgreSQL ``LISTEN``).

Every commit that writes a timer due within a couple of minutes notifies channel
``engine.TIMER_CHANNEL`` with the moment (engine.persistence.timer_announcements); this thread
listens on a connection of its own and hands each moment to the scheduler's ``wake``. It
outlives the database going away: the loss is logged once, the connection is retried with
back-off, and a sweep is asked for on reconnection (announcements sent meanwhile are lost;
the timers themselves are not, the scheduler's next read of the timer index finds them).
"""

import logging
import threading
from collections.abc import Callable
from datetime import datetime

import psycopg
from sqlalchemy.engine import make_url

import engine
from engine.core import clock

from .scheduler import Outage

log = logging.getLogger("acompana.scheduler")


def libpq_url(sqlalchemy_url: str) -> str | None:
    """The libpq form of a PostgreSQL SQLAlchemy URL; ``None`` for another database."""
    url = make_url(sqlalchemy_url)
    if url.get_backend_name() != "postgresql":
        return None
    return url.set(drivername="postgresql").render_as_string(hide_password=False)


class TimerListener(threading.Thread):
    """Calls ``on_due(moment)`` for every soon timer another process commits."""

    def __init__(self, conninfo: str, on_due: Callable[[datetime], None],
                 max_backoff: float = 10.0, poll: float = 1.0):
        super().__init__(name="acompana-timer-listener", daemon=True)
        self.conninfo, self.on_due = conninfo, on_due
        self.max_backoff, self.poll = max_backoff, poll
        self.listening = threading.Event()  # set while subscribed (tests wait on it)
        self._stopping = threading.Event()
        self._outage = Outage("Database (timer announcements)")

    def run(self) -> None:
        """Listen until :meth:`stop`, reconnecting with back-off."""
        backoff = 0.0
        while not self._stopping.is_set():
            try:
                self._listen()
                backoff = 0.0
            except psycopg.Error as error:
                self.listening.clear()
                self._outage.failed(error, clock.now())
                backoff = min(self.max_backoff, backoff * 2 if backoff else 1.0)
                self._stopping.wait(backoff)

    def _listen(self) -> None:
        with psycopg.connect(self.conninfo, autocommit=True, connect_timeout=5) as conn:
            conn.execute(f"LISTEN {engine.TIMER_CHANNEL}")
            self.listening.set()
            if self._outage.recovered(clock.now()):
                self.on_due(clock.now())  # what was announced meanwhile is due to a sweep now
            while not self._stopping.is_set():
                for note in conn.notifies(timeout=self.poll):
                    self._heard(note.payload)

    def _heard(self, payload: str) -> None:
        try:
            moment = datetime.fromisoformat(payload)
        except ValueError:
            log.warning("ignored a timer announcement that is not a moment: %.80r", payload)
            return
        self.on_due(moment)

    def stop(self) -> None:
        """Ask the thread to end (within ``poll`` seconds)."""
        self._stopping.set()
