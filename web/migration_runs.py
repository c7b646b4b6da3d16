"""Migration batches run in the background (web.batch_runs: rq workers with ``REDIS_URL``,
else a thread of the web process).

A batch is many short jobs, never one long one. Each job (:func:`web.jobs.migrate_batch`)
migrates (or, once a rollback was asked, rolls back) up to :data:`CHUNK` cases, one per
transaction (engine ``advance_batch``), then enqueues the next chunk; :data:`RUNNERS` chains
share a batch (every case row is taken with ``skip_locked``: no case is migrated twice), and
:func:`resume` — called by every timer sweep — starts a new chain for each unfinished batch
nobody holds.
"""

from flask import Flask

from engine.commands import migrations

from . import batch_runs

CHUNK = 100  # cases per job
RUNNERS = 2  # chains started per batch (two workers share it)
LEASE_SECONDS = batch_runs.LEASE_SECONDS


def _advance(sql_engine, batch_id: int, *, limit: int, on_item=None) -> int:
    return migrations.advance_batch(sql_engine, batch_id, limit=limit, on_case=on_item)


def _run_all(sql_engine, batch_id: int) -> str:
    progress = migrations.run_batch(sql_engine, batch_id)
    return (f"{progress.migrated} migrated, {progress.skipped} skipped, "
            f"{progress.failed} failed")


KIND = batch_runs.Kind("migration", "web.jobs.migrate_batch", _advance, _run_all,
                       migrations.unfinished_batches, chunk=CHUNK, runners=RUNNERS)


def start(app: Flask, batch_id: int, runners: int = RUNNERS) -> None:
    """Have batch ``batch_id`` migrated in the background by ``runners`` chains of jobs."""
    batch_runs.start(app, KIND, batch_id, runners)


def resume(app: Flask) -> list[int]:
    """Start again every unfinished batch whose runners are gone; the batches started."""
    return batch_runs.resume(app, KIND)


def run_chunk(app: Flask, batch_id: int) -> int:
    """Do the next chunk of the batch (rq job body); how many cases it took."""
    return batch_runs.run_chunk(app, KIND, batch_id)


def wait(batch_id: int, seconds: float) -> bool:
    """Wait (at most ``seconds``) for the thread migrating the batch in this process."""
    return batch_runs.wait(KIND, batch_id, seconds)
