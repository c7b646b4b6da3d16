"""Moving running cases to another version in bulk, one case per transaction, and back.

:func:`start_batch` keeps the request and one ``pending`` row per selected case;
:func:`migrate_next` / :func:`run_batch` take the rows one at a time, each in its own session
and unit of work, the row locked (``skip_locked``: two runners never take the same case) and
marked ``migrated`` in the same transaction as the case's new state, so a runner killed
mid-batch is simply started again. A case that cannot move is ``skipped`` with its reason; one
whose migration fails is ``failed`` with the error, and the batch goes on.
:func:`advance_batch` does whatever a batch needs next, migrating or, once a rollback was
asked (engine.commands.migration_rollback), giving its cases their state before back.
"""

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import or_, select
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session

from ..core import clock
from ..core.actors import Actor
from ..core.errors import EngineError, NotFound
from ..definitions import versions
from ..persistence import audit, transaction_memo
from ..persistence.models import (
    BATCH_DONE,
    BATCH_PLANNED,
    BATCH_ROLLING_BACK,
    BATCH_RUNNING,
    CASE_FAILED,
    CASE_MIGRATED,
    CASE_PENDING,
    CASE_ROLLED_BACK,
    CASE_SKIPPED,
    Case,
    CaseMigration,
    MigrationBatch,
    ProcessDefinition,
    ProcessInstance,
)
from ..persistence.uow import command, unit_of_work
from ..runtime import migration as runtime_migration
from ..runtime import workflow as runtime
from . import migration_rollback, store
from .migration_plan import (  # noqa: F401 - the public names of case migration
    CasePlan,
    MigrationPlan,
    MigrationRequest,
    Target,
    checked_request,
    classify_case,
    definition_target,
    open_incident_element,
    plan_migration,
    selected,
    steps_opened,
)
from .migration_rows import MIGRATED, batch_row, counts, take_cases, version_of


@dataclass(frozen=True)
class Progress:
    """How far a batch is: its status and how many cases are in each state."""

    batch_id: int
    status: str
    total: int
    migrated: int
    skipped: int
    failed: int
    pending: int
    rolled_back: int
    to_roll_back: int = 0  # migrated cases the rollback asked has not tried yet

    @property
    def done(self) -> int:
        """Cases dealt with (migrated, skipped or failed, or rolled back since)."""
        return self.total - self.pending - self.to_roll_back

    @property
    def finished(self) -> bool:
        """Nothing is left for a runner: no case pending, no rollback under way."""
        return self.pending == 0 and self.status not in (BATCH_PLANNED, BATCH_RUNNING,
                                                         BATCH_ROLLING_BACK)


@command
def start_batch(session: Session, actor: Actor, request: MigrationRequest) -> int:
    """A new batch for ``request`` with one pending row per selected case; its id."""
    source, target = checked_request(session, actor, request)
    now = clock.now()
    batch = MigrationBatch(programme_key=request.programme, from_definition_id=source.id,
                           to_definition_id=target.id, selection=request.selection(),
                           mapping=dict(request.mapping), deadlines=request.deadlines,
                           status=BATCH_PLANNED, created_by=actor.id, created_at=now, counts={})
    session.add(batch)
    session.flush()
    instances = selected(session, actor, request, source)
    session.add_all(CaseMigration(batch_id=batch.id, case_id=i.case_id, instance_id=i.id,
                                  status=CASE_PENDING) for i in instances)
    session.flush()
    batch.counts = counts(session, batch.id)
    return batch.id


def run_batch(sql_engine: Engine, batch_id: int, *,
              on_case: Callable[[object], None] | None = None) -> "Progress":
    """Migrate every pending case of the batch (or roll back its migrated ones while a
    rollback was asked), one per transaction; its progress after."""
    while advance_batch(sql_engine, batch_id, limit=50, on_case=on_case):
        pass
    with Session(sql_engine, expire_on_commit=False) as session:
        return batch_progress(session, batch_id)


def migrate_next(sql_engine: Engine, batch_id: int, *, limit: int = 50,
                 on_case: Callable[[CaseMigration], None] | None = None) -> int:
    """Migrate up to ``limit`` pending cases of the batch, each in its own transaction;
    how many were taken (0: none is left for this runner)."""
    run = _started(sql_engine, batch_id) if limit > 0 else None
    return take_cases(lambda: _migrate_one(sql_engine, run), lambda: _finish(sql_engine, batch_id),
                      limit, on_case)


@dataclass
class _Run:
    """What every case of one runner's chunk shares, read once per chunk (a batch's request
    never changes, nor do deployed versions): the batch's request, its target, the version
    numbers."""

    batch_id: int
    from_definition_id: int
    to_definition_id: int
    mapping: dict
    deadlines: str
    created_by: str
    target: Target
    versions: dict[int, int | None] = field(default_factory=dict)

    def version(self, session: Session, definition_id: int | None) -> int | None:
        """The version number of a definition id (asked once)."""
        if definition_id not in self.versions:
            self.versions[definition_id] = version_of(session, definition_id)
        return self.versions[definition_id]


def _started(sql_engine: Engine, batch_id: int) -> _Run:
    """The batch's request as a runner needs it; a planned batch is now running."""
    with Session(sql_engine, expire_on_commit=False) as session, unit_of_work(session):
        batch = session.get(MigrationBatch, batch_id)
        if batch is None:
            raise NotFound(f"no migration batch {batch_id}", code="migration.batch_not_found",
                           batch=batch_id)
        if batch.status == BATCH_PLANNED:
            batch = session.get(MigrationBatch, batch_id, with_for_update=True,
                                populate_existing=True)
            if batch.status == BATCH_PLANNED:
                batch.status = BATCH_RUNNING
        target = definition_target(session, session.get(ProcessDefinition,
                                                        batch.to_definition_id))
        return _Run(batch.id, batch.from_definition_id, batch.to_definition_id,
                    dict(batch.mapping or {}), batch.deadlines, batch.created_by, target)


def _migrate_one(sql_engine: Engine, run: _Run) -> CaseMigration | None:
    row = None
    with Session(sql_engine, expire_on_commit=False) as session:
        try:
            with unit_of_work(session):
                found = _next_pending(session, run.batch_id)
                if found is None:
                    return None
                row, instance, case, incident = found
                _migrate_row(session, run, row, store.loaded_from(session, instance, case),
                             incident)
                return row
        except Exception as error:  # noqa: BLE001 - any failure is the case's, the batch goes on
            if row is None:
                raise
            return _mark_failed(sql_engine, row.id, error)


def _next_pending(session: Session, batch_id: int) -> tuple | None:
    """The batch's next pending case whose workflow nobody else holds: its row, instance and
    case, row-locked, and the element of its open incident if it has one, in one round trip
    (a case someone is working on stays pending for a later pass)."""
    query = (select(CaseMigration, ProcessInstance, Case,
                    open_incident_element(CaseMigration.instance_id))
             .join(ProcessInstance, ProcessInstance.id == CaseMigration.instance_id)
             .join(Case, Case.id == ProcessInstance.case_id)
             .where(CaseMigration.batch_id == batch_id, CaseMigration.status == CASE_PENDING)
             .order_by(CaseMigration.id).limit(1)
             .with_for_update(of=[CaseMigration, ProcessInstance], skip_locked=True))
    return session.execute(query.execution_options(populate_existing=True)).first()


def _migrate_row(session: Session, run: _Run, row: CaseMigration, loaded: store.LoadedCase,
                 incident: str | None) -> None:
    """Move one case (its row and workflow are locked), or mark why it is skipped.
    ``incident``: the element of the case's open incident, read with the row."""
    now = clock.now()
    instance = loaded.instance
    if instance.definition_id != run.from_definition_id or instance.status != "running":
        _skip(row, runtime_migration.CANNOT_MOVE, "migration.same_version",
              {"version": run.version(session, instance.definition_id)})
        return
    target = run.target
    incidents = {} if incident is None else {instance.id: incident}
    found = classify_case(session, loaded, target, run.mapping, incidents)
    if found.outcome not in (runtime_migration.MOVES, runtime_migration.MOVES_MAPPED):
        _skip(row, found.outcome, found.reason, found.params)
        return
    # when each step opened matters only to deadlines recomputed
    opened = steps_opened(session, instance.id) if run.deadlines == runtime_migration.RECOMPUTE \
        else {}
    before = instance.state, instance.definition_id, instance.lock_version
    loaded.settings = target.settings
    runtime.attach(loaded.workflow, store.case_context(loaded.case, loaded.settings))
    runtime_migration.migrate(loaded.workflow, target.spec, target.subprocess_specs,
                              run.mapping, run.deadlines, opened, classified=found)
    instance.definition_id = target.definition.id
    transaction_memo.forget(session, versions.PINNED)
    loaded.advance()
    store.save(session, loaded, now)  # flushes the instance: its lock version is the new one
    _migrated(row, before, instance.lock_version, found, now)
    _record_migrated(session, run, loaded.case.id, before[1], found, now)


def _migrated(row: CaseMigration, before: tuple[str, int, int], lock_version_after: int,
              found, now: datetime) -> None:
    """The case's row says it moved and keeps what it was (written once, at commit)."""
    row.state_before, row.definition_before, row.lock_version_before = before
    row.lock_version_after = lock_version_after
    row.status, row.outcome, row.migrated_at = CASE_MIGRATED, found.outcome, now
    row.params = {"mapping": found.mapping}


def _record_migrated(session: Session, run: _Run, case_id: int, definition_before: int,
                     found, now: datetime) -> None:
    """The case's history event: from and to version, mapping, deadlines, who."""
    mapping = ", ".join(f"{k} → {v}" for k, v in found.mapping.items()) or "-"
    versions_ = {"from": run.version(session, definition_before),
                 "to": run.version(session, run.target.definition.id)}
    audit.record(session, case_id, MIGRATED, run.created_by, now,
                 data={"batch": run.batch_id, **versions_, "mapping": found.mapping,
                       "deadlines": run.deadlines},
                 params={**versions_, "mapping": mapping, "deadlines": run.deadlines})


def _skip(row: CaseMigration, outcome: str, reason: str | None, params: dict) -> None:
    row.status, row.outcome, row.reason, row.params = CASE_SKIPPED, outcome, reason, params


def _mark_failed(sql_engine: Engine, row_id: int, error: Exception) -> CaseMigration | None:
    with Session(sql_engine, expire_on_commit=False) as session, unit_of_work(session):
        row = session.get(CaseMigration, row_id, with_for_update=True)
        if row is None or row.status != CASE_PENDING:
            return row
        code = getattr(error, "code", None) if isinstance(error, EngineError) else None
        if isinstance(error, runtime_migration.MigrationRefused):
            code = error.reason
        row.status, row.outcome = CASE_FAILED, runtime_migration.CANNOT_MOVE
        row.reason = code or "migration.failed"
        row.params = dict(getattr(error, "params", None) or {}) if code else {
            "detail": f"{type(error).__name__}: {error}"[:500]}
        return row


def _finish(sql_engine: Engine, batch_id: int) -> None:
    with Session(sql_engine, expire_on_commit=False) as session, unit_of_work(session):
        batch = batch_row(session, batch_id, lock=True)
        found = counts(session, batch_id)
        batch.counts = found
        if found[CASE_PENDING] == 0 and batch.status in (BATCH_PLANNED, BATCH_RUNNING):
            batch.status, batch.finished_at = BATCH_DONE, clock.now()


def advance_batch(sql_engine: Engine, batch_id: int, *, limit: int = 50,
                  on_case: Callable[[object], None] | None = None) -> int:
    """Do the next ``limit`` cases of whatever the batch needs: migrate its pending cases,
    or roll back its migrated ones while a rollback was asked; how many were taken."""
    with Session(sql_engine) as session:
        status = batch_row(session, batch_id).status
    if status == BATCH_ROLLING_BACK:
        return migration_rollback.rollback_next(sql_engine, batch_id, limit=limit,
                                                on_case=on_case)
    return migrate_next(sql_engine, batch_id, limit=limit, on_case=on_case)


def unfinished_batches(session: Session) -> list[int]:
    """Batches a runner must go on with, oldest first: those with pending cases (started,
    or stopped part-way) and those whose rollback was asked."""
    pending = select(CaseMigration.batch_id).where(CaseMigration.status == CASE_PENDING)
    query = (select(MigrationBatch.id)
             .where(or_(MigrationBatch.status.in_((BATCH_PLANNED, BATCH_RUNNING))
                        & MigrationBatch.id.in_(pending),
                        MigrationBatch.status == BATCH_ROLLING_BACK))
             .order_by(MigrationBatch.id))
    return list(session.scalars(query))


def batch_progress(session: Session, batch_id: int) -> Progress:
    """How far batch ``batch_id`` is (for a progress bar)."""
    batch = batch_row(session, batch_id)
    found = counts(session, batch_id)
    untried = migration_rollback.untried(session, batch) \
        if batch.status == BATCH_ROLLING_BACK else 0
    return Progress(batch_id, batch.status, sum(found.values()), found[CASE_MIGRATED],
                    found[CASE_SKIPPED], found[CASE_FAILED], found[CASE_PENDING],
                    found[CASE_ROLLED_BACK], untried)


def batch_cases(session: Session, batch_id: int) -> list[CaseMigration]:
    """The rows of a batch, in the order they were taken."""
    return list(session.scalars(select(CaseMigration).where(CaseMigration.batch_id == batch_id)
                                .order_by(CaseMigration.id)))


rollback_case = migration_rollback.rollback_case
rollback_batch = migration_rollback.rollback_batch
request_rollback = migration_rollback.request_rollback
rollback_refusals = migration_rollback.rollback_refusals
refused = migration_rollback.refused
RollbackResult = migration_rollback.RollbackResult

__all__ = [
    "CasePlan", "MigrationPlan", "MigrationRequest", "Progress", "RollbackResult", "Target",
    "advance_batch", "batch_cases", "batch_progress", "migrate_next", "plan_migration",
    "refused", "request_rollback", "rollback_batch", "rollback_case", "rollback_refusals",
    "run_batch", "start_batch",
]
