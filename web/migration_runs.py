"""Migration batches run in the background: on rq workers with ``REDIS_URL``, else in a
thread of the web process (the same two drivers as the timer sweep, web.jobs / web.background).

A batch is many short jobs, never one long one. Each job (:func:`web.jobs.migrate_batch`)
migrates (or, once a rollback was asked, rolls back) up to :data:`CHUNK` cases, one per
transaction (engine ``advance_batch``), then
enqueues the next chunk, so the timer sweep never waits behind a migration, and
:data:`RUNNERS` chains share a batch (every case row is taken with ``skip_locked``: no case is
migrated twice). While a chain works it renews a lease in Redis; a worker killed mid-job loses
only the transaction of the case it was on (that case stays pending) and its lease runs out,
and :func:`resume` — called by every timer sweep — starts a new chain for each unfinished batch
nobody holds. Without Redis the lease is the thread itself.
"""

import logging
import threading
import time

from flask import Flask
from redis import Redis
from rq import Queue

from engine.commands import migrations

from .extensions import db

CHUNK = 100  # cases per job
RUNNERS = 2  # chains started per batch (two workers share it)
LEASE_SECONDS = 60  # a chain silent this long is taken as gone
MIGRATE = "web.jobs.migrate_batch"
log = logging.getLogger("acompana.migrations")
_threads: dict[int, threading.Thread] = {}
_threads_lock = threading.Lock()


def start(app: Flask, batch_id: int, runners: int = RUNNERS) -> None:
    """Have batch ``batch_id`` migrated in the background by ``runners`` chains of jobs."""
    if app.config.get("REDIS_URL"):
        redis = Redis.from_url(app.config["REDIS_URL"])
        hold(redis, batch_id)
        for _ in range(runners):
            enqueue(redis, queue_name(app), batch_id)
    else:
        _start_thread(app, batch_id)


def resume(app: Flask) -> list[int]:
    """Start again every unfinished batch whose runners are gone; the batches started.

    Never raises (it runs inside every timer sweep): a failure is logged and the next sweep
    tries again."""
    started = []
    try:
        for batch_id in migrations.unfinished_batches(db.session):
            if _held(app, batch_id):
                continue
            log.warning("migration batch %d has pending cases and no runner: resuming it",
                        batch_id)
            start(app, batch_id)
            started.append(batch_id)
    except Exception:  # noqa: BLE001 - a sweep must not fail because of a migration
        log.exception("could not resume the unfinished migration batches")
    return started


def run_chunk(app: Flask, batch_id: int) -> int:
    """Do the next chunk of the batch (rq job body); enqueue the next chunk if more are
    left. How many cases this chunk took."""
    redis = Redis.from_url(app.config["REDIS_URL"])
    hold(redis, batch_id)
    renewed = [time.monotonic()]

    def renew(_row) -> None:  # a few times a lease, not once a case (a round trip to Redis)
        if time.monotonic() - renewed[0] > LEASE_SECONDS / 6:
            hold(redis, batch_id)
            renewed[0] = time.monotonic()

    taken = migrations.advance_batch(db.engine, batch_id, limit=CHUNK, on_case=renew)
    if taken == CHUNK:
        enqueue(redis, queue_name(app), batch_id)
    else:
        redis.delete(_lease(batch_id))
    return taken


def queue_name(app: Flask) -> str:
    """The rq queue background jobs go to."""
    from .jobs import QUEUE

    return app.config.get("ACOMPANA_QUEUE") or QUEUE


def enqueue(redis: Redis, queue: str, batch_id: int) -> None:
    """One chunk job of the batch."""
    Queue(queue, connection=redis).enqueue(MIGRATE, batch_id, job_timeout=1800,
                                           result_ttl=3600, failure_ttl=86400,
                                           description=f"migration batch {batch_id}")


def hold(redis: Redis, batch_id: int) -> None:
    """Renew the batch's lease: someone is working on it."""
    redis.set(_lease(batch_id), "1", ex=LEASE_SECONDS)


def _lease(batch_id: int) -> str:
    return f"acompana:migration:{batch_id}:lease"


def _held(app: Flask, batch_id: int) -> bool:
    if app.config.get("REDIS_URL"):
        return bool(Redis.from_url(app.config["REDIS_URL"]).exists(_lease(batch_id)))
    with _threads_lock:
        thread = _threads.get(batch_id)
        return thread is not None and thread.is_alive()


def wait(batch_id: int, seconds: float) -> bool:
    """Wait (at most ``seconds``) for the thread migrating batch ``batch_id`` in this process
    to end; whether none is running now (with Redis there is none: rq workers run batches)."""
    with _threads_lock:
        thread = _threads.get(batch_id)
    if thread is not None:
        thread.join(seconds)
    return thread is None or not thread.is_alive()


def _start_thread(app: Flask, batch_id: int) -> None:
    with _threads_lock:
        running = _threads.get(batch_id)
        if running is not None and running.is_alive():
            return
        thread = threading.Thread(target=_run_in_thread, args=(app, batch_id),
                                  name=f"acompana-migration-{batch_id}", daemon=True)
        _threads[batch_id] = thread
        thread.start()


def _run_in_thread(app: Flask, batch_id: int) -> None:
    """The whole batch, one case per transaction; a failure is logged (the cases done stay
    done, the rest stay pending for :func:`resume`)."""
    with app.app_context():
        try:
            progress = migrations.run_batch(db.engine, batch_id)
            log.info("migration batch %d: %d migrated, %d skipped, %d failed", batch_id,
                     progress.migrated, progress.skipped, progress.failed)
        except Exception:  # noqa: BLE001 - the thread must report, not die silently
            log.exception("migration batch %d stopped; it resumes with the next sweep", batch_id)
        finally:
            db.session.remove()
