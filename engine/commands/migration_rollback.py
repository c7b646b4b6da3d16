"""Giving migrated cases back the state they had before a batch: one case (a person's request,
in its unit of work) or the whole batch in the background, one case per transaction.

A case is restored only while it has not moved on since its migration (its instance's
``lock_version`` is still the one the migration left); otherwise the refusal says when and who
moved it on. :func:`request_rollback` marks the batch ``rolling_back`` and starts a new round;
the runners that migrate batches (web.migration_runs, through
:func:`engine.commands.migrations.advance_batch`) call :func:`rollback_next` until no migrated
case is left to try in this round. A case the round could not restore keeps the round and why
on its row, so it is not tried again until the next request; the batch ends ``rolled_back``
once none of its cases is migrated, else ``done`` with its refusals listed.
"""

from collections.abc import Callable
from dataclasses import dataclass

from sqlalchemy import func, or_, select
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session

from ..core import clock
from ..core.actors import Actor
from ..core.errors import Conflict, EngineError, NotFound
from ..definitions import catalog, versions
from ..persistence import audit, transaction_memo
from ..persistence.models import (
    BATCH_DONE,
    BATCH_PLANNED,
    BATCH_ROLLED_BACK,
    BATCH_ROLLING_BACK,
    BATCH_RUNNING,
    CASE_MIGRATED,
    CASE_PENDING,
    CASE_ROLLED_BACK,
    Case,
    CaseMigration,
    Event,
)
from ..persistence.uow import command, unit_of_work
from ..policy import MIGRATE_CASES, require
from . import store
from .migration_rows import MIGRATED, ROLLED_BACK, batch_row, counts, take_cases, version_of


@dataclass(frozen=True)
class RollbackResult:
    """A case a rollback restored, or refused with a reason code and its params."""

    case_id: int
    restored: bool
    reason: str | None = None
    params: dict | None = None


@command
def rollback_case(session: Session, actor: Actor, batch_id: int, case_id: int) -> RollbackResult:
    """Give case ``case_id`` back the state and version it had before batch ``batch_id``,
    unless it moved on since (then the result says when and who, nothing changes)."""
    batch = batch_row(session, batch_id)
    require(session, actor, MIGRATE_CASES, catalog.programme(session, batch.programme_key))
    row = session.scalars(select(CaseMigration).where(
        CaseMigration.batch_id == batch_id, CaseMigration.case_id == case_id)
        .with_for_update()).first()
    if row is None:
        raise NotFound(f"case {case_id} is not in batch {batch_id}", code="case.not_found",
                       case=case_id)
    require(session, actor, MIGRATE_CASES, session.get(Case, case_id))
    return _rolled_back(session, row, actor.id)


@command
def request_rollback(session: Session, actor: Actor, batch_id: int) -> None:
    """Have every migrated case of the batch rolled back in the background (a new round:
    the cases an earlier round refused are tried again). Refused while the batch still
    migrates, or when ``actor`` does not work in the territory of one of its cases."""
    batch = batch_row(session, batch_id, lock=True)
    require(session, actor, MIGRATE_CASES, catalog.programme(session, batch.programme_key))
    if batch.status in (BATCH_PLANNED, BATCH_RUNNING) and counts(session, batch_id)[CASE_PENDING]:
        raise Conflict(f"batch {batch_id} is still migrating", code="migration.still_running",
                       batch=batch_id)
    for case in _one_case_per_territory(session, batch_id):
        require(session, actor, MIGRATE_CASES, case)
    batch.status, batch.rollback_round = BATCH_ROLLING_BACK, (batch.rollback_round or 0) + 1
    batch.rollback_by, batch.rollback_requested_at = actor.id, clock.now()


def rollback_next(sql_engine: Engine, batch_id: int, *, limit: int = 50,
                  on_case: Callable[[RollbackResult], None] | None = None) -> int:
    """Roll back up to ``limit`` migrated cases of a batch whose rollback was asked, each in
    its own transaction; how many were tried (0: none is left for this runner)."""
    return take_cases(lambda: _roll_back_one(sql_engine, batch_id),
                      lambda: _finish(sql_engine, batch_id), limit, on_case)


def rollback_batch(sql_engine: Engine, actor: Actor, batch_id: int) -> list[RollbackResult]:
    """Roll back every migrated case of the batch now, one per transaction (the command
    line's way); refusals are listed and the others go on."""
    with Session(sql_engine, expire_on_commit=False) as session, unit_of_work(session):
        request_rollback(session, actor, batch_id)
    results: list[RollbackResult] = []
    while rollback_next(sql_engine, batch_id, on_case=results.append):
        pass
    return results


def rollback_refusals(session: Session, batch_id: int) -> list[RollbackResult]:
    """The cases the batch's last rollback round could not restore, and why."""
    batch = batch_row(session, batch_id)
    rows = session.scalars(select(CaseMigration).where(
        CaseMigration.batch_id == batch_id, CaseMigration.status == CASE_MIGRATED,
        CaseMigration.rollback_round == batch.rollback_round).order_by(CaseMigration.id))
    return [RollbackResult(r.case_id, False, (r.rollback_refusal or {}).get("reason"),
                           (r.rollback_refusal or {}).get("params")) for r in rows]


def refused(result: RollbackResult) -> Conflict:
    """A refused rollback as the error a single-case request raises."""
    return Conflict(f"case {result.case_id} cannot be rolled back: {result.reason}",
                    code=result.reason, **(result.params or {}))


def _roll_back_one(sql_engine: Engine, batch_id: int) -> RollbackResult | None:
    row_id = None
    with Session(sql_engine, expire_on_commit=False) as session:
        try:
            with unit_of_work(session):
                batch = batch_row(session, batch_id)
                if batch.status != BATCH_ROLLING_BACK:
                    return None
                row = _next_to_roll_back(session, batch_id, batch.rollback_round)
                if row is None:
                    return None
                row_id = row.id
                result = _rolled_back(session, row, batch.rollback_by)
                if not result.restored:
                    _keep_refusal(row, batch.rollback_round, result)
                return result
        except Exception as error:  # noqa: BLE001 - a case that fails is refused, the rest go on
            if row_id is None:
                raise
            return _failed(sql_engine, row_id, error)


def _next_to_roll_back(session: Session, batch_id: int, round_: int) -> CaseMigration | None:
    """The batch's next migrated case this round has not tried yet, row-locked."""
    query = (select(CaseMigration)
             .where(CaseMigration.batch_id == batch_id, CaseMigration.status == CASE_MIGRATED,
                    or_(CaseMigration.rollback_round.is_(None),
                        CaseMigration.rollback_round < round_))
             .order_by(CaseMigration.id).limit(1).with_for_update(skip_locked=True))
    return session.scalars(query.execution_options(populate_existing=True)).first()


def _rolled_back(session: Session, row: CaseMigration, by: str) -> RollbackResult:
    if row.status != CASE_MIGRATED:
        return RollbackResult(row.case_id, False, "migration.not_migrated",
                              {"case": row.case_id, "status": row.status})
    loaded = store.load_for_update(session, row.instance_id)
    if loaded.instance.lock_version != row.lock_version_after:
        return RollbackResult(row.case_id, False, "migration.moved_on", _moved_on(session, row))
    _restore(session, row, loaded, by)
    return RollbackResult(row.case_id, True)


def _restore(session: Session, row: CaseMigration, loaded: store.LoadedCase, by: str) -> None:
    now = clock.now()
    instance = loaded.instance
    after = instance.definition_id
    instance.state, instance.definition_id = row.state_before, row.definition_before
    transaction_memo.forget(session, versions.PINNED)
    session.flush()
    restored = store.load_for_update(session, instance.id)
    store.save(session, restored, now)
    row.status, row.rolled_back_at, row.rolled_back_by = CASE_ROLLED_BACK, now, by
    versions_ = {"from": version_of(session, row.definition_before),
                 "to": version_of(session, after)}
    audit.record(session, row.case_id, ROLLED_BACK, by, now,
                 data={"batch": row.batch_id, **versions_}, params=versions_)


def _moved_on(session: Session, row: CaseMigration) -> dict:
    """When and by whom the case moved on after its migration (the first event since)."""
    migrated = session.scalar(select(func.max(Event.id)).where(
        Event.case_id == row.case_id, Event.kind == MIGRATED))
    later = session.scalars(select(Event).where(Event.case_id == row.case_id,
                                                Event.id > (migrated or 0))
                            .order_by(Event.id).limit(1)).first()
    if later is None:
        return {"case": row.case_id, "at": None, "by": None}
    return {"case": row.case_id, "at": later.at.isoformat(), "by": later.actor,
            "event": later.code}


def _keep_refusal(row: CaseMigration, round_: int, result: RollbackResult) -> None:
    row.rollback_round = round_
    row.rollback_refusal = {"reason": result.reason, "params": result.params or {}}


def _failed(sql_engine: Engine, row_id: int, error: Exception) -> RollbackResult | None:
    """A case whose rollback failed keeps the error as this round's refusal."""
    with Session(sql_engine, expire_on_commit=False) as session, unit_of_work(session):
        row = session.get(CaseMigration, row_id, with_for_update=True)
        batch = batch_row(session, row.batch_id)
        code = getattr(error, "code", None) if isinstance(error, EngineError) else None
        params = dict(getattr(error, "params", None) or {}) if code else {
            "detail": f"{type(error).__name__}: {error}"[:500]}
        result = RollbackResult(row.case_id, False, code or "migration.failed", params)
        _keep_refusal(row, batch.rollback_round, result)
        return result


def _finish(sql_engine: Engine, batch_id: int) -> None:
    """Once no migrated case is left to try, the batch is ``rolled_back`` (none is still
    migrated) or ``done`` (the refused ones are)."""
    with Session(sql_engine, expire_on_commit=False) as session, unit_of_work(session):
        batch = batch_row(session, batch_id, lock=True)
        if batch.status != BATCH_ROLLING_BACK or untried(session, batch):
            return
        batch.counts = counts(session, batch_id)
        batch.status = BATCH_ROLLED_BACK if batch.counts[CASE_MIGRATED] == 0 else BATCH_DONE


def untried(session: Session, batch) -> int:
    """How many migrated cases the batch's rollback round has not tried (one another runner
    is restoring right now counts: its own runner finishes the round)."""
    return session.scalar(select(func.count()).select_from(CaseMigration).where(
        CaseMigration.batch_id == batch.id, CaseMigration.status == CASE_MIGRATED,
        or_(CaseMigration.rollback_round.is_(None),
            CaseMigration.rollback_round < batch.rollback_round)))


def _one_case_per_territory(session: Session, batch_id: int) -> list[Case]:
    """A migrated case of each territory the batch's migrated cases are in."""
    firsts = (select(func.min(Case.id)).join(CaseMigration, CaseMigration.case_id == Case.id)
              .where(CaseMigration.batch_id == batch_id, CaseMigration.status == CASE_MIGRATED)
              .group_by(Case.territory_id))
    return list(session.scalars(select(Case).where(Case.id.in_(firsts))))
