"""The single-machine timer driver: a thread that runs the engine's sweep when the next timer
falls due, and at least every few seconds.

With ``REDIS_URL`` set, rq workers run the same sweep instead (issue 4); without Redis this
thread keeps deadlines firing, so one machine needs no other service. After each sweep it
reads from the timer index when the next timer falls due and rests until then (at least
``MIN_GAP``, at most ``period`` seconds, measured on the monotonic clock); a timer committed in
this process meanwhile that falls due sooner wakes it (engine.when_a_timer_falls_due_soon).
"""

import logging
import threading
import time
from datetime import datetime

from flask import Flask

import engine
from engine.core import clock

from . import heartbeat, import_runs, migration_runs
from .extensions import db
from .notifications import outbox

log = logging.getLogger("acompana.background")
DEFAULT_PERIOD = 5.0
MIN_GAP = 0.2  # seconds between two sweeps at least


class Sweeper(threading.Thread):
    """Fires due timers every ``period`` seconds until :meth:`stop` is called."""

    def __init__(self, app: Flask, period: float = DEFAULT_PERIOD, min_gap: float = MIN_GAP):
        super().__init__(name="acompana-sweeper", daemon=True)
        self.app, self.period, self.min_gap = app, period, min(min_gap, period)
        self._stopping = threading.Event()
        self._woken = threading.Event()
        self._announced: datetime | None = None
        self._lock = threading.Lock()
        self.next_due: datetime | None = None  # read after the last sweep

    def wake(self, due: datetime) -> None:
        """A timer committed in this process falls due at ``due`` (any thread may call)."""
        with self._lock:
            if self._announced is None or due < self._announced:
                self._announced = due
        self._woken.set()

    def rest_seconds(self, moment: datetime, due: datetime | None) -> float:
        """How long to rest after a sweep at ``moment`` when the next timer is ``due``."""
        if due is None:
            return self.period
        return min(self.period, max(self.min_gap, (due - moment).total_seconds()))

    def run_once(self) -> engine.SweepResult:
        """One sweep in its own application context and database session."""
        with self.app.app_context():
            try:
                result = engine.fire_due_timers(db.engine)
                outbox.send_pending_now(db.session)  # urgent mails an outage held back
                migration_runs.resume(self.app)  # a batch stopped part-way goes on
                import_runs.resume(self.app)  # so does an import
                heartbeat.beat(db.session, heartbeat.SWEEPER, clock.now())
                self.next_due = engine.next_due_after(db.session, clock.now())
                return result
            finally:
                db.session.remove()

    def run(self) -> None:
        """Sweep until stopped; whatever goes wrong is logged and the next sweep still runs.

        A failing case is already an incident (engine.commands.sweep); this catches the rest (the
        database away…). Signals are delivered to the main thread only, so catching
        ``BaseException`` here cannot swallow a Ctrl-C or a SIGTERM meant for the process.
        """
        stop_listening = engine.when_a_timer_falls_due_soon(self.wake)
        try:
            while not self._stopping.is_set():
                self.next_due = None
                try:
                    self._report(self.run_once())
                except BaseException:  # noqa: BLE001 - a broken sweep must not stop the next one
                    log.exception("timer sweep failed")
                self._rest(self.rest_seconds(clock.now(), self.next_due))
        finally:
            stop_listening()

    def _rest(self, seconds: float) -> None:
        """Rest ``seconds`` (monotonic), shortened by announcements of sooner timers."""
        until = time.monotonic() + seconds
        earliest = time.monotonic() + self.min_gap
        while not self._stopping.is_set():
            remaining = until - time.monotonic()
            if remaining <= 0 or not self._woken.wait(remaining):
                return
            self._woken.clear()
            with self._lock:
                announced, self._announced = self._announced, None
            if announced is not None:
                wait = (announced - clock.now()).total_seconds()
                until = min(until, max(earliest, time.monotonic() + wait))

    @staticmethod
    def _report(result: engine.SweepResult) -> None:
        if result.fired:
            log.info("fired %d timer(s) on %d case(s)", result.fired, result.instances)
        if result.failed:
            log.warning("timers of %d case(s) failed and are incidents", result.failed)

    def stop(self) -> None:
        """Ask the thread to finish after the current sweep."""
        self._stopping.set()
        self._woken.set()
