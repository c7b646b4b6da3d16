"""The run of a household import: its pending rows written, each in its own unit of work.

:func:`run_next` takes the next pending rows (locked, ``skip_locked``: two runners never take
the same row) and writes each row's household (engine.commands.household_import_rows) and its
mark in one unit of work of its own: a savepoint, undone alone when the row fails (the row is
then ``failed`` with the error and the others go on), so no row is ever half-imported. The
savepoints of :data:`COMMIT_EVERY` rows are committed together — a commit per row made the
commit itself most of the run (see bench/import_bench.py) — and a chunk in which nothing
fails is written in one go, its inserts and updates batched (see :func:`_write_some`), which
gives each row what its savepoint would. A runner killed mid-import
loses only the rows not committed yet, which stay pending for the next runner; writing a row
again is harmless (its household is found by its natural key). :func:`run_import` runs them
all; :func:`progress` says how far it is.
"""

from collections.abc import Callable
from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.engine import Engine
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from ..core import clock
from ..core.errors import EngineError, InvalidInput, NotFound
from ..persistence.models import (
    IMPORT_DONE,
    IMPORT_RUNNING,
    ROW_FAILED,
    ROW_PENDING,
    ROW_STATUSES,
    HouseholdImport,
    HouseholdImportRow,
    Territory,
)
from ..persistence.uow import unit_of_work
from . import household_import_rows, household_registry
from .household_imports import error_json, refused, schema_of

COMMIT_EVERY = 50  # rows whose savepoints are committed together


@dataclass(frozen=True)
class Progress:
    """How far an import is: its status and how many rows are in each state."""

    import_id: int
    status: str
    counts: dict[str, int]

    @property
    def total(self) -> int:
        """Rows in the file."""
        return sum(self.counts.values())

    @property
    def done(self) -> int:
        """Rows dealt with (written, left as they were, or refused)."""
        return self.total - self.counts[ROW_PENDING]

    @property
    def finished(self) -> bool:
        """Nothing is left for a runner."""
        return self.status == IMPORT_DONE


@dataclass(frozen=True)
class _Run:
    """What every row of a runner's chunk shares, read once per chunk."""

    import_id: int
    territory: Territory
    schema: dict | None
    parts: tuple[str, ...]


def _started(sql_engine: Engine, import_id: int) -> _Run:
    with Session(sql_engine, expire_on_commit=False) as session:
        found = session.get(HouseholdImport, import_id)
        if found is None:
            raise NotFound(f"no household import {import_id}", code="import.not_found",
                           **{"import": import_id})
        territory = session.get(Territory, found.territory_id)
        session.expunge(territory)
        return _Run(found.id, territory, schema_of(session, found.programme_key),
                    household_import_rows.parts_of(found.mapping))


def run_next(sql_engine: Engine, import_id: int, *, limit: int = 100,
             on_row: Callable[[HouseholdImportRow], None] | None = None) -> int:
    """Write up to ``limit`` pending rows of the import, each in its own unit of work; how
    many were taken (fewer than ``limit``: none is left for this runner, the import's
    figures are brought up to date and it is done once no row is pending)."""
    run = _started(sql_engine, import_id)
    taken = 0
    with Session(sql_engine, expire_on_commit=False) as session:
        while taken < limit:
            rows = _write_some(session, run, min(COMMIT_EVERY, limit - taken))
            taken += len(rows)
            for row in rows if on_row is not None else ():
                on_row(row)
            if len(rows) < min(COMMIT_EVERY, limit - taken + len(rows)):
                break
    if taken < limit:
        _finish(sql_engine, import_id)
    return taken


def run_import(sql_engine: Engine, import_id: int) -> Progress:
    """Write every pending row of the import; its progress after."""
    while run_next(sql_engine, import_id, limit=500) == 500:
        pass
    with Session(sql_engine) as session:
        return progress(session, import_id)


def _write_some(session: Session, run: _Run, count: int) -> list[HouseholdImportRow]:
    """The next ``count`` pending rows (locked; those another runner holds are skipped),
    each written and marked in its own unit of work — a savepoint, undone alone when the row
    fails, which is then marked ``failed`` — and committed together.

    The chunk is first written in one go (its inserts and updates batched: a few round
    trips instead of four per row); only when something in it fails is it undone and written
    again with the savepoints, which then give each row what it alone does. Either way the
    outcome of every row is the one its own unit of work gives."""
    try:
        with unit_of_work(session):
            rows = _taken(session, run, count)
            registered = household_import_rows.locked(session, run.territory,
                                                      [row.data or {} for row in rows])
            written = [(row, _write_row(session, run, row, registered)) for row in rows]
            session.flush()
            for row, outcome in written:
                if outcome.household is not None:
                    row.household_id = outcome.household.id
    except Exception:  # noqa: BLE001 - undone: the chunk again, one savepoint per row
        session.expunge_all()
        with unit_of_work(session):
            rows = _taken(session, run, count)
            registered = household_import_rows.locked(session, run.territory,
                                                      [row.data or {} for row in rows])
            for row in rows:
                try:
                    with unit_of_work(session):
                        outcome = _write_row(session, run, row, registered)
                        session.flush()
                        if outcome.household is not None:
                            row.household_id = outcome.household.id
                except Exception as error:  # noqa: BLE001 - the row fails, the others go on
                    _mark_failed(row, error)
    session.expunge_all()  # a run's rows are not kept in memory
    return rows


def _taken(session: Session, run: _Run, count: int) -> list[HouseholdImportRow]:
    return list(session.scalars(
        select(HouseholdImportRow)
        .where(HouseholdImportRow.import_id == run.import_id,
               HouseholdImportRow.status == ROW_PENDING)
        .order_by(HouseholdImportRow.id).limit(count)
        .with_for_update(skip_locked=True)))


def _write_row(session: Session, run: _Run, row: HouseholdImportRow,
               registered: dict) -> household_import_rows.RowOutcome:
    outcome = household_import_rows.write(session, run.territory, run.schema,
                                          row.data or {}, run.parts, registered)
    row.status, row.household_id = outcome.status, outcome.household_id
    row.errors = [error_json(e) for e in outcome.errors] or None
    row.changed = outcome.changed or None
    row.done_at = clock.now()
    return outcome


def _mark_failed(row: HouseholdImportRow, error: Exception) -> None:
    if isinstance(error, IntegrityError):  # the key was registered meanwhile
        errors = [error_json(household_registry.exists_error(None))]
    elif isinstance(error, InvalidInput):
        errors = refused(error)
    else:
        code = error.code if isinstance(error, EngineError) else "import.row_failed"
        errors = [{"field": "(row)", "code": code, "limit": None,
                   "message": f"{type(error).__name__}: {error}"[:500]}]
    row.status, row.errors, row.done_at = ROW_FAILED, errors, clock.now()
    row.household_id, row.changed = None, None


def counts(session: Session, import_id: int) -> dict[str, int]:
    """How many of the import's rows are in each state (every state named)."""
    query = (select(HouseholdImportRow.status, func.count())
             .where(HouseholdImportRow.import_id == import_id)
             .group_by(HouseholdImportRow.status))
    found = dict.fromkeys(ROW_STATUSES, 0)
    found.update({status: n for status, n in session.execute(query)})
    return found


def _finish(sql_engine: Engine, import_id: int) -> None:
    with Session(sql_engine) as session, unit_of_work(session):
        found = session.get(HouseholdImport, import_id, with_for_update=True)
        figures = counts(session, import_id)
        found.counts = figures
        if figures[ROW_PENDING] == 0 and found.status == IMPORT_RUNNING:
            found.status, found.finished_at = IMPORT_DONE, clock.now()


def progress(session: Session, import_id: int) -> Progress:
    """How far import ``import_id`` is (for a progress bar)."""
    found = session.get(HouseholdImport, import_id, populate_existing=True)
    if found is None:
        raise NotFound(f"no household import {import_id}", code="import.not_found",
                       **{"import": import_id})
    return Progress(found.id, found.status, counts(session, import_id))


def unfinished(session: Session) -> list[int]:
    """Imports a runner must go on with (started, not finished), oldest first."""
    query = (select(HouseholdImport.id).where(HouseholdImport.status == IMPORT_RUNNING)
             .order_by(HouseholdImport.id))
    return list(session.scalars(query))


def report(session: Session, import_id: int) -> list[HouseholdImportRow]:
    """The import's rows in the file's order, each with what became of it."""
    return list(session.scalars(select(HouseholdImportRow)
                                .where(HouseholdImportRow.import_id == import_id)
                                .order_by(HouseholdImportRow.row_number)))
