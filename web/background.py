"""The single-machine timer driver: a thread that runs the engine's sweep every few seconds.

With ``REDIS_URL`` set, rq workers run the same sweep instead (issue 4); without Redis this
thread keeps deadlines firing, so one machine needs no other service.
"""

import logging
import threading

from flask import Flask

import engine
from engine.core import clock

from . import heartbeat, import_runs, migration_runs
from .extensions import db
from .notifications import outbox

log = logging.getLogger("acompana.background")
DEFAULT_PERIOD = 5.0


class Sweeper(threading.Thread):
    """Fires due timers every ``period`` seconds until :meth:`stop` is called."""

    def __init__(self, app: Flask, period: float = DEFAULT_PERIOD):
        super().__init__(name="acompana-sweeper", daemon=True)
        self.app, self.period = app, period
        self._stopping = threading.Event()

    def run_once(self) -> engine.SweepResult:
        """One sweep in its own application context and database session."""
        with self.app.app_context():
            try:
                result = engine.fire_due_timers(db.engine)
                outbox.send_pending_now(db.session)  # urgent mails an outage held back
                migration_runs.resume(self.app)  # a batch stopped part-way goes on
                import_runs.resume(self.app)  # so does an import
                heartbeat.beat(db.session, heartbeat.SWEEPER, clock.now())
                return result
            finally:
                db.session.remove()

    def run(self) -> None:
        """Sweep until stopped; whatever goes wrong is logged and the next sweep still runs.

        A failing case is already an incident (engine.commands.sweep); this catches the rest (the
        database away…). Signals are delivered to the main thread only, so catching
        ``BaseException`` here cannot swallow a Ctrl-C or a SIGTERM meant for the process.
        """
        while not self._stopping.is_set():
            try:
                self._report(self.run_once())
            except BaseException:  # noqa: BLE001 - a broken sweep must not stop the next one
                log.exception("timer sweep failed")
            self._stopping.wait(self.period)

    @staticmethod
    def _report(result: engine.SweepResult) -> None:
        if result.fired:
            log.info("fired %d timer(s) on %d case(s)", result.fired, result.instances)
        if result.failed:
            log.warning("timers of %d case(s) failed and are incidents", result.failed)

    def stop(self) -> None:
        """Ask the thread to finish after the current sweep."""
        self._stopping.set()
