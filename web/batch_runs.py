"""Long work done in the background as chains of short jobs: on rq workers with
``REDIS_URL``, else in a thread of the web process (the same two drivers as the timer sweep,
web.jobs / web.background). Migration batches (web.migration_runs) and household imports
(web.import_runs) are its two kinds.

A :class:`Kind` says how its work is done: ``advance(engine, id, limit, on_item)`` does up to
``limit`` items (each committed by the engine: one case, one row per unit of work) and says
how many it took; ``run_all(engine, id)`` does all of it (the thread); ``unfinished(session)``
lists what a runner must go on with; ``job`` is the dotted rq job (``web.jobs``) that calls
:func:`run_chunk`. Each job does up to ``chunk`` items and enqueues the next, so the timer
sweep never waits behind it, and ``runners`` chains may share one piece of work (the engine
takes each item with ``skip_locked``). While a chain works it renews a lease in Redis; a
worker killed mid-job loses only the items not committed yet (they stay pending) and its
lease runs out, and :func:`resume` — called by every timer sweep — starts a new chain for each
unfinished piece nobody holds. Without Redis the lease is the thread itself.
"""

import logging
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass

from flask import Flask
from redis import Redis
from rq import Queue
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session

from .extensions import db

LEASE_SECONDS = 60  # a chain silent this long is taken as gone
log = logging.getLogger("acompana.batches")


@dataclass(frozen=True)
class Kind:
    """One kind of background work (see the module)."""

    name: str
    job: str
    advance: Callable[..., int]
    run_all: Callable[[Engine, int], object]
    unfinished: Callable[[Session], list[int]]
    chunk: int = 100
    runners: int = 2
    timeout: int = 1800


_threads: dict[tuple[str, int], threading.Thread] = {}
_threads_lock = threading.Lock()


def start(app: Flask, kind: Kind, work_id: int, runners: int | None = None) -> None:
    """Have ``work_id`` done in the background by ``runners`` chains of jobs."""
    if app.config.get("REDIS_URL"):
        redis = Redis.from_url(app.config["REDIS_URL"])
        hold(redis, kind, work_id)
        for _ in range(kind.runners if runners is None else runners):
            enqueue(redis, queue_name(app), kind, work_id)
    else:
        _start_thread(app, kind, work_id)


def resume(app: Flask, kind: Kind) -> list[int]:
    """Start again every unfinished piece of ``kind`` whose runners are gone; those started.

    Never raises (it runs inside every timer sweep): a failure is logged and the next sweep
    tries again."""
    started = []
    try:
        for work_id in kind.unfinished(db.session):
            if _held(app, kind, work_id):
                continue
            log.warning("%s %d has work left and no runner: resuming it", kind.name, work_id)
            start(app, kind, work_id)
            started.append(work_id)
    except Exception:  # noqa: BLE001 - a sweep must not fail because of background work
        log.exception("could not resume the unfinished %s", kind.name)
    return started


def run_chunk(app: Flask, kind: Kind, work_id: int) -> int:
    """Do the next chunk (rq job body); enqueue the next chunk if more are left. How many
    items this chunk took."""
    redis = Redis.from_url(app.config["REDIS_URL"])
    hold(redis, kind, work_id)
    renewed = [time.monotonic()]

    def renew(_item) -> None:  # a few times a lease, not once an item (a round trip)
        if time.monotonic() - renewed[0] > LEASE_SECONDS / 6:
            hold(redis, kind, work_id)
            renewed[0] = time.monotonic()

    taken = kind.advance(db.engine, work_id, limit=kind.chunk, on_item=renew)
    if taken == kind.chunk:
        enqueue(redis, queue_name(app), kind, work_id)
    else:
        redis.delete(_lease(kind, work_id))
    return taken


def queue_name(app: Flask) -> str:
    """The rq queue background jobs go to."""
    from .jobs import QUEUE

    return app.config.get("ACOMPANA_QUEUE") or QUEUE


def enqueue(redis: Redis, queue: str, kind: Kind, work_id: int) -> None:
    """One chunk job."""
    Queue(queue, connection=redis).enqueue(kind.job, work_id, job_timeout=kind.timeout,
                                           result_ttl=3600, failure_ttl=86400,
                                           description=f"{kind.name} {work_id}")


def hold(redis: Redis, kind: Kind, work_id: int) -> None:
    """Renew the lease: someone is working on it."""
    redis.set(_lease(kind, work_id), "1", ex=LEASE_SECONDS)


def _lease(kind: Kind, work_id: int) -> str:
    return f"acompana:{kind.name}:{work_id}:lease"


def _held(app: Flask, kind: Kind, work_id: int) -> bool:
    if app.config.get("REDIS_URL"):
        return bool(Redis.from_url(app.config["REDIS_URL"]).exists(_lease(kind, work_id)))
    with _threads_lock:
        thread = _threads.get((kind.name, work_id))
        return thread is not None and thread.is_alive()


def wait(kind: Kind, work_id: int, seconds: float) -> bool:
    """Wait (at most ``seconds``) for the thread doing ``work_id`` in this process to end;
    whether none is running now (with Redis there is none: rq workers do the work)."""
    with _threads_lock:
        thread = _threads.get((kind.name, work_id))
    if thread is not None:
        thread.join(seconds)
    return thread is None or not thread.is_alive()


def _start_thread(app: Flask, kind: Kind, work_id: int) -> None:
    with _threads_lock:
        running = _threads.get((kind.name, work_id))
        if running is not None and running.is_alive():
            return
        thread = threading.Thread(target=_run_in_thread, args=(app, kind, work_id),
                                  name=f"acompana-{kind.name}-{work_id}", daemon=True)
        _threads[(kind.name, work_id)] = thread
        thread.start()


def _run_in_thread(app: Flask, kind: Kind, work_id: int) -> None:
    """All of it; a failure is logged (what was committed stays, the rest stays pending for
    :func:`resume`)."""
    with app.app_context():
        try:
            result = kind.run_all(db.engine, work_id)
            log.info("%s %d: %s", kind.name, work_id, result)
        except Exception:  # noqa: BLE001 - the thread must report, not die silently
            log.exception("%s %d stopped; it resumes with the next sweep", kind.name, work_id)
        finally:
            db.session.remove()
