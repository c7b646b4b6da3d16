"""Household imports run in the background (web.batch_runs: rq workers with ``REDIS_URL``,
else a thread of the web process): chains of :data:`CHUNK`-row jobs
(:func:`web.jobs.import_households`), each row in its own unit of work
(engine.commands.household_import_runs), resumed by every timer sweep after a killed worker."""

from flask import Flask

from engine.commands import household_import_runs

from . import batch_runs

CHUNK = 500  # rows per job
RUNNERS = 2


def _advance(sql_engine, import_id: int, *, limit: int, on_item=None) -> int:
    return household_import_runs.run_next(sql_engine, import_id, limit=limit, on_row=on_item)


def _run_all(sql_engine, import_id: int) -> str:
    counts = household_import_runs.run_import(sql_engine, import_id).counts
    return ", ".join(f"{n} {status}" for status, n in counts.items())


KIND = batch_runs.Kind("import", "web.jobs.import_households", _advance, _run_all,
                       household_import_runs.unfinished, chunk=CHUNK, runners=RUNNERS)


def start(app: Flask, import_id: int) -> None:
    """Have the import's rows written in the background."""
    batch_runs.start(app, KIND, import_id)


def resume(app: Flask) -> list[int]:
    """Start again every unfinished import whose runners are gone."""
    return batch_runs.resume(app, KIND)


def run_chunk(app: Flask, import_id: int) -> int:
    """Write the next chunk of rows (rq job body); how many it took."""
    return batch_runs.run_chunk(app, KIND, import_id)


def wait(import_id: int, seconds: float) -> bool:
    """Wait (at most ``seconds``) for the thread importing in this process."""
    return batch_runs.wait(KIND, import_id, seconds)
