"""The scheduler: ``python -m web.scheduler`` enqueues the timer sweep, the daily digest and
the daily retention run (web.jobs.run_retention, with the digest, one job id per day).

It replaces ``rq cron``, which exits on its first Redis connection error. This one outlives
Redis outages: a failed tick is logged once (then at most every five minutes), retried with
back-off (1, 2, 4 … ``ACOMPANA_SCHEDULER_MAX_BACKOFF`` seconds), and the first tick that
reaches Redis again logs the recovery and enqueues a sweep at once, so deadlines that fell
due meanwhile fire within seconds. Enqueueing is idempotent: while one sweep job is still
waiting for a worker no second one is added, so stopped workers never find a backlog; the
digest has one job id per day. Each tick that reached Redis writes the heartbeat
(:mod:`web.heartbeat`) that ``/readyz`` reads.

Sweeps are not a fixed poll: after each one the scheduler reads from the timer index when the
next timer falls due and sweeps then (at most five times a second), and a timer committed
meanwhile that falls due sooner is announced (PostgreSQL ``NOTIFY``, heard by
:mod:`web.timer_listener`); the fixed ``ACOMPANA_SWEEP_SECONDS`` stays as the safety net, and
the only rhythm when the database cannot say.
"""

import logging
import os
import signal
import threading
from collections.abc import Callable
from datetime import datetime, time, timedelta

from redis import Redis
from redis.exceptions import RedisError
from rq import Queue
from rq.exceptions import NoSuchJobError
from rq.job import Job, JobStatus

import engine
from engine.core import clock

from .jobs import QUEUE

SWEEP = "web.jobs.sweep_timers"
DIGEST = "web.jobs.send_daily_digest"
RETENTION = "web.jobs.run_retention"
MIN_GAP = 0.2  # seconds between two sweeps at least, however many timers fall due
REMIND_EVERY = 300.0  # seconds between "still failing" lines during a long outage
log = logging.getLogger("acompana.scheduler")


class Outage:
    """Whether something (Redis, the database) is failing, logged once per episode."""

    def __init__(self, what: str):
        self.what, self.since, self.attempts, self._reminded = what, None, 0, None

    def failed(self, error: Exception, moment: datetime) -> None:
        """Count a failure; log the first one and a reminder every few minutes."""
        self.attempts += 1
        if self.since is None:
            self.since = self._reminded = moment
            log.warning("%s unreachable (%s: %s); retrying with back-off", self.what,
                        type(error).__name__, error)
        elif (moment - self._reminded).total_seconds() >= REMIND_EVERY:
            self._reminded = moment
            log.error("%s still unreachable after %d s (%d attempts)", self.what,
                      (moment - self.since).total_seconds(), self.attempts)

    def recovered(self, moment: datetime) -> bool:
        """Log the recovery once; ``True`` if there was an outage to recover from."""
        if self.since is None:
            return False
        log.warning("%s reachable again after %d s (%d failed attempts)", self.what,
                    (moment - self.since).total_seconds(), self.attempts)
        self.since, self.attempts = None, 0
        return True


def next_daily(moment: datetime, at: time) -> datetime:
    """The first ``at`` (server local time) strictly after ``moment``."""
    local = moment.astimezone()
    candidate = local.replace(hour=at.hour, minute=at.minute, second=0, microsecond=0)
    return candidate if candidate > local else candidate + timedelta(days=1)


class Scheduler:
    """Enqueues the sweep when the next timer falls due (``next_due``, read from the timer
    index after each sweep; at most every ``min_gap`` seconds), or announced sooner
    (:meth:`wake`), and at least every ``sweep_seconds`` (the safety net); the digest daily.
    See the module doc."""

    def __init__(self, redis: Redis, queue_name: str = QUEUE, sweep_seconds: float = 5.0,
                 digest_at: time = time(7, 0), max_backoff: float = 10.0,
                 heartbeat: Callable[[datetime], None] | None = None,
                 next_due: Callable[[datetime], datetime | None] | None = None,
                 min_gap: float = MIN_GAP):
        self.redis, self.queue = redis, Queue(queue_name, connection=redis)
        self.sweep_seconds, self.digest_at, self.max_backoff = sweep_seconds, digest_at, max_backoff
        self.heartbeat, self.next_due, self.min_gap = heartbeat, next_due, min_gap
        self.redis_outage, self.db_outage = Outage("Redis"), Outage("Database")
        self.next_sweep: datetime | None = None
        self.last_sweep: datetime | None = None
        self.next_digest: datetime | None = None
        self.backoff = 0.0
        self._pending_key = f"acompana:scheduler:{queue_name}:sweep"
        self._stopping = threading.Event()
        self._woken = threading.Event()
        self._lock = threading.Lock()

    def wake(self, due: datetime) -> None:
        """A timer falls due at ``due``: sweep then if that is before the planned sweep (never
        sooner than ``min_gap`` after the last one). Safe to call from any thread."""
        with self._lock:
            if self.last_sweep is not None:
                due = max(due, self.last_sweep + timedelta(seconds=self.min_gap))
            if self.next_sweep is None or due < self.next_sweep:
                self.next_sweep = due
                self._woken.set()

    def tick(self, moment: datetime) -> float:
        """Enqueue what is due at ``moment``; return the seconds to wait before the next tick."""
        if self.next_digest is None:
            self.next_digest = next_daily(moment, self.digest_at)
        try:
            self._enqueue_due(moment)
        except RedisError as error:
            self.redis_outage.failed(error, moment)
            self.backoff = min(self.max_backoff, self.backoff * 2 if self.backoff else 1.0)
            return self.backoff
        self.backoff = 0.0
        self._beat(moment)
        return max(0.0, (min(self.next_sweep, self.next_digest) - moment).total_seconds())

    def _enqueue_due(self, moment: datetime) -> None:
        caught_up = self.redis_outage.since is not None
        if caught_up or self.next_sweep is None or moment >= self.next_sweep:
            self.enqueue_sweep()
            planned = self._after_sweep(moment)
            with self._lock:
                self.last_sweep = moment
                announced = self.next_sweep if self.next_sweep and self.next_sweep > moment \
                    else None
                self.next_sweep = min(planned, announced) if announced else planned
            if self.redis_outage.recovered(moment):
                log.info("sweep enqueued to catch up on deadlines missed during the outage")
        if moment >= self.next_digest:
            self.enqueue_digest(self.next_digest)
            self.enqueue_retention(self.next_digest)
            self.next_digest = next_daily(moment, self.digest_at)

    def _after_sweep(self, moment: datetime) -> datetime:
        """The next sweep after one at ``moment``: when the next timer falls due, but not
        sooner than ``min_gap`` and not later than the fixed ``sweep_seconds``."""
        fixed = moment + timedelta(seconds=self.sweep_seconds)
        if self.next_due is None:
            return fixed
        try:
            due = self.next_due(moment)
        except Exception as error:  # noqa: BLE001 - the database away: the fixed sweep goes on
            self.db_outage.failed(error, moment)
            return fixed
        if due is None:
            return fixed
        return min(fixed, max(due, moment + timedelta(seconds=self.min_gap)))

    def enqueue_sweep(self) -> Job | None:
        """A new sweep job, unless one is still waiting for a worker (then ``None``)."""
        waiting = self.redis.get(self._pending_key)
        if waiting and _status(waiting.decode(), self.redis) == JobStatus.QUEUED:
            return None
        job = self.queue.enqueue(SWEEP, job_timeout=600, result_ttl=600, failure_ttl=86400,
                                 description="timer sweep")
        self.redis.set(self._pending_key, job.id, ex=86400)
        return job

    def enqueue_digest(self, due: datetime) -> Job | None:
        """The digest of day ``due`` (one job id per day: never sent twice)."""
        job_id = f"acompana-digest-{due.date().isoformat()}"
        if Job.exists(job_id, connection=self.redis):
            return None
        return self.queue.enqueue(DIGEST, job_id=job_id, job_timeout=3600, result_ttl=86400,
                                  failure_ttl=86400, description="daily digest")

    def enqueue_retention(self, due: datetime) -> Job | None:
        """The retention run of day ``due``, with the digest (one job id per day)."""
        job_id = f"acompana-retention-{due.date().isoformat()}"
        if Job.exists(job_id, connection=self.redis):
            return None
        return self.queue.enqueue(RETENTION, job_id=job_id, job_timeout=3600,
                                  result_ttl=86400, failure_ttl=86400,
                                  description="daily retention run")

    def _beat(self, moment: datetime) -> None:
        if self.heartbeat is None:
            return
        try:
            self.heartbeat(moment)
        except Exception as error:  # noqa: BLE001 - the database may be down; keep enqueueing
            self.db_outage.failed(error, moment)
        else:
            self.db_outage.recovered(moment)

    def run(self) -> None:
        """Tick until :meth:`stop` is called."""
        log.info("scheduler started: sweep every %g s on queue %r, digest daily at %s",
                 self.sweep_seconds, self.queue.name, self.digest_at.strftime("%H:%M"))
        while not self._stopping.is_set():
            self._woken.wait(self.tick(clock.now()))
            self._woken.clear()
        log.info("scheduler stopped")

    def stop(self) -> None:
        """Ask :meth:`run` to return."""
        self._stopping.set()
        self._woken.set()


def _status(job_id: str, redis: Redis) -> JobStatus | None:
    try:
        return Job.fetch(job_id, connection=redis).get_status()
    except NoSuchJobError:
        return None


def from_environment(app) -> Scheduler:
    """The scheduler the environment describes, reading the next due time from the app's
    database (``REDIS_URL``, ``ACOMPANA_SWEEP_SECONDS``,
    ``ACOMPANA_DIGEST_AT``, ``ACOMPANA_SCHEDULER_MAX_BACKOFF``, ``ACOMPANA_QUEUE``)."""
    from . import heartbeat
    from .extensions import db

    def beat(moment: datetime) -> None:
        with app.app_context():
            try:
                heartbeat.beat(db.session, heartbeat.SCHEDULER, moment)
            finally:
                db.session.remove()

    def next_due(moment: datetime) -> datetime | None:
        with app.app_context():
            try:
                return engine.next_due_after(db.session, moment)
            finally:
                db.session.remove()

    redis = Redis.from_url(app.config["REDIS_URL"], socket_connect_timeout=2, socket_timeout=5)
    return Scheduler(redis, os.environ.get("ACOMPANA_QUEUE", QUEUE),
                     float(os.environ.get("ACOMPANA_SWEEP_SECONDS", "5")),
                     time.fromisoformat(os.environ.get("ACOMPANA_DIGEST_AT", "07:00")),
                     float(os.environ.get("ACOMPANA_SCHEDULER_MAX_BACKOFF", "10")), beat,
                     next_due)


def listener_for(app, scheduler: Scheduler):
    """The thread that wakes ``scheduler`` for timers other processes commit (PostgreSQL
    only; ``None`` on SQLite, where the fixed sweep and the index read remain)."""
    from .timer_listener import TimerListener, libpq_url

    conninfo = libpq_url(app.config["SQLALCHEMY_DATABASE_URI"])
    return None if conninfo is None else TimerListener(conninfo, scheduler.wake)


def main() -> None:
    """Run the scheduler until SIGTERM or SIGINT."""
    from . import create_app

    app = create_app()
    if not app.config.get("REDIS_URL"):
        raise SystemExit("the scheduler needs REDIS_URL (without Redis, `flask serve` sweeps)")
    scheduler = from_environment(app)
    listener = listener_for(app, scheduler)
    if listener is not None:
        listener.start()
    for signum in (signal.SIGTERM, signal.SIGINT):
        signal.signal(signum, lambda *_: scheduler.stop())
    scheduler.run()
    if listener is not None:
        listener.stop()


if __name__ == "__main__":
    main()
