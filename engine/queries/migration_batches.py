"""What the migration pages read: a programme's batches, one batch's cases (family,
territory, caseworker, what became of each), and the choices of a new migration (versions
with running cases, their territories, steps and caseworkers, the steps a mapping must place).

Every function checks that the actor may migrate the programme's cases (engine.policy
MIGRATE_CASES) and only shows cases of the actor's territories.
"""

from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from ..core.actors import Actor
from ..core.errors import NotFound
from ..definitions import catalog, versions
from ..persistence.models import (
    BATCH_PLANNED,
    BATCH_ROLLING_BACK,
    BATCH_RUNNING,
    Case,
    CaseMigration,
    Household,
    HumanTask,
    MigrationBatch,
    ProcessDefinition,
    ProcessInstance,
    Territory,
    Timer,
)
from ..policy import MIGRATE_CASES, require
from ..runtime import migration_elements
from ..runtime.migration_elements import Mappable, Step

RUNNING = "running"


@dataclass(frozen=True)
class Batch:
    """A migration batch as its pages show it."""

    id: int
    programme: str
    from_version: int
    to_version: int
    selection: dict
    mapping: dict
    deadlines: str
    status: str
    created_by: str
    created_at: datetime
    finished_at: datetime | None
    counts: dict


@dataclass(frozen=True)
class BatchCase:
    """One case of a batch: who it is, and what became of it."""

    case_id: int
    family: str
    territory: str
    caseworker: str
    status: str
    outcome: str | None
    reason: str | None
    params: dict
    migrated_at: datetime | None
    rolled_back_at: datetime | None
    rolled_back_by: str | None


@dataclass(frozen=True)
class Source:
    """A version with running cases (in the actor's territories)."""

    version: int
    running: int


@dataclass
class Choices:
    """What a new migration of the programme may choose."""

    sources: list[Source]
    targets: list[int]
    territories: list[tuple[str, str]] = field(default_factory=list)  # (code, name)
    steps: list[tuple[Step, int]] = field(default_factory=list)  # where cases sit, how many
    caseworkers: list[str] = field(default_factory=list)
    mappable: list[Mappable] = field(default_factory=list)
    all_steps: list[Step] = field(default_factory=list)  # every step of the source version
    names: dict[str, str] = field(default_factory=dict)  # every named element of the source


def _programme(session: Session, actor: Actor, key: str):
    programme = catalog.programme(session, key)
    require(session, actor, MIGRATE_CASES, programme)
    return programme


UNDER_WAY = (BATCH_PLANNED, BATCH_RUNNING, BATCH_ROLLING_BACK)


def _batch_of(row: MigrationBatch, numbers: dict[int, int], counts: dict | None = None) -> Batch:
    """A batch as pages show it (``counts`` counted now for one under way)."""
    counts = row.counts if counts is None else counts
    return Batch(row.id, row.programme_key, numbers.get(row.from_definition_id),
                 numbers.get(row.to_definition_id), dict(row.selection or {}),
                 dict(row.mapping or {}), row.deadlines, row.status, row.created_by,
                 row.created_at, row.finished_at, dict(counts or {}))


def _numbers(session: Session, key: str) -> dict[int, int]:
    return dict(session.execute(select(ProcessDefinition.id, ProcessDefinition.version)
                                .where(ProcessDefinition.programme_key == key)).all())


def batches(session: Session, actor: Actor, key: str, limit: int = 200) -> list[Batch]:
    """The programme's batches, newest first."""
    _programme(session, actor, key)
    numbers = _numbers(session, key)
    rows = list(session.scalars(select(MigrationBatch)
                                .where(MigrationBatch.programme_key == key)
                                .order_by(MigrationBatch.id.desc()).limit(limit)))
    live = _live_counts(session, [r.id for r in rows if r.status in UNDER_WAY])
    return [_batch_of(row, numbers, live.get(row.id)) for row in rows]


def _live_counts(session: Session, batch_ids: list[int]) -> dict[int, dict[str, int]]:
    """How many cases of each batch under way are in each state now (a finished batch's
    counts were kept when it ended)."""
    found: dict[int, dict[str, int]] = {i: {} for i in batch_ids}
    if batch_ids:
        rows = session.execute(select(CaseMigration.batch_id, CaseMigration.status, func.count())
                               .where(CaseMigration.batch_id.in_(batch_ids))
                               .group_by(CaseMigration.batch_id, CaseMigration.status))
        for batch_id, status, n in rows:
            found[batch_id][status] = n
    return found


def batch(session: Session, actor: Actor, key: str, batch_id: int) -> Batch:
    """Batch ``batch_id`` of the programme (NotFound if it is another programme's)."""
    _programme(session, actor, key)
    row = session.get(MigrationBatch, batch_id, populate_existing=True)
    if row is None or row.programme_key != key:
        raise NotFound(f"no migration batch {batch_id} in {key}",
                       code="migration.batch_not_found", batch=batch_id)
    return _batch_of(row, _numbers(session, key))


def batch_cases(session: Session, actor: Actor, key: str, batch_id: int) -> list[BatchCase]:
    """The cases of the batch the actor may see, in the order they were taken."""
    batch(session, actor, key, batch_id)
    query = (select(CaseMigration, Household.family_name, Territory.name, Case.caseworker)
             .join(Case, Case.id == CaseMigration.case_id)
             .join(Household, Household.id == Case.household_id)
             .join(Territory, Territory.id == Case.territory_id)
             .where(CaseMigration.batch_id == batch_id).order_by(CaseMigration.id)
             .execution_options(populate_existing=True))
    if actor.territories is not None:
        query = query.where(Case.territory_id.in_(sorted(actor.territories)))
    return [BatchCase(row.case_id, family, territory, caseworker, row.status, row.outcome,
                      row.reason, dict(row.params or {}), row.migrated_at, row.rolled_back_at,
                      row.rolled_back_by)
            for row, family, territory, caseworker in session.execute(query)]


def case_labels(session: Session, actor: Actor, case_ids: list[int]) -> dict[int, tuple]:
    """``{case id: (family name, territory name)}`` of the cases the actor may see."""
    if not case_ids:
        return {}
    query = (select(Case.id, Household.family_name, Territory.name)
             .join(Household, Household.id == Case.household_id)
             .join(Territory, Territory.id == Case.territory_id)
             .where(Case.id.in_(case_ids)))
    if actor.territories is not None:
        query = query.where(Case.territory_id.in_(sorted(actor.territories)))
    return {case_id: (family, territory) for case_id, family, territory in session.execute(query)}


def migration_choices(session: Session, actor: Actor, key: str, from_version: int | None = None,
                      to_version: int | None = None) -> Choices:
    """The versions a migration may go from (those with running cases the actor sees) and to
    (any other); with ``from_version`` its territories, steps where cases sit and
    caseworkers; with both, the steps of the source gone in the target and where they may go."""
    _programme(session, actor, key)
    running = _running_by_version(session, actor, key)
    every = [d.version for d in session.scalars(select(ProcessDefinition).where(
        ProcessDefinition.programme_key == key).order_by(ProcessDefinition.version.desc()))]
    choices = Choices([Source(v, n) for v, n in sorted(running.items(), reverse=True)], every)
    if from_version is None:
        return choices
    source = versions.find_version(session, key, from_version)
    _fill_source(session, actor, source, choices)
    if to_version is not None and to_version != from_version:
        target = versions.find_version(session, key, to_version)
        old, new = catalog.spec_of(source), catalog.spec_of(target)
        choices.mappable = migration_elements.mappable(old[0], old[1], new[0], new[1])
    return choices


def _running_by_version(session: Session, actor: Actor, key: str) -> dict[int, int]:
    query = (select(ProcessDefinition.version, func.count(ProcessInstance.id))
             .join(ProcessInstance, ProcessInstance.definition_id == ProcessDefinition.id)
             .join(Case, Case.id == ProcessInstance.case_id)
             .where(ProcessDefinition.programme_key == key, ProcessInstance.status == RUNNING,
                    Case.status == "open")
             .group_by(ProcessDefinition.version))
    if actor.territories is not None:
        query = query.where(Case.territory_id.in_(sorted(actor.territories)))
    return dict(session.execute(query).all())


def _fill_source(session: Session, actor: Actor, source: ProcessDefinition,
                 choices: Choices) -> None:
    spec, subs = catalog.spec_of(source)
    choices.all_steps = migration_elements.waiting_steps(spec, subs)
    choices.names = migration_elements.element_names(spec, subs)
    cases = (select(Case.id).join(ProcessInstance, ProcessInstance.case_id == Case.id)
             .where(ProcessInstance.definition_id == source.id,
                    ProcessInstance.status == RUNNING, Case.status == "open"))
    if actor.territories is not None:
        cases = cases.where(Case.territory_id.in_(sorted(actor.territories)))
    ids = cases.scalar_subquery()
    choices.territories = list(session.execute(
        select(Territory.code, Territory.name).join(Case, Case.territory_id == Territory.id)
        .where(Case.id.in_(ids)).distinct().order_by(Territory.name)).all())
    choices.caseworkers = list(session.scalars(
        select(Case.caseworker).where(Case.id.in_(ids)).distinct().order_by(Case.caseworker)))
    at = dict(session.execute(select(HumanTask.bpmn_id, func.count(func.distinct(
        HumanTask.case_id))).where(HumanTask.case_id.in_(ids)).group_by(HumanTask.bpmn_id)).all())
    waits = select(Timer.bpmn_id, func.count(func.distinct(Timer.instance_id))).where(
        Timer.kind == "wait", Timer.instance_id.in_(
            select(ProcessInstance.id).where(ProcessInstance.case_id.in_(ids),
                                             ProcessInstance.definition_id == source.id))
    ).group_by(Timer.bpmn_id)
    for bpmn_id, n in session.execute(waits):
        at[bpmn_id] = at.get(bpmn_id, 0) + n
    choices.steps = [(step, at[step.bpmn_id]) for step in choices.all_steps
                     if at.get(step.bpmn_id)]


def waiting_step_ids(session: Session, key: str, version_numbers: list[int]) -> set[str]:
    """The bpmn ids of the steps a case may wait at in any of the given versions (their
    timers, gateways and events left out)."""
    found: set[str] = set()
    for number in version_numbers:
        spec, subs = catalog.spec_of(versions.find_version(session, key, number))
        found.update(step.bpmn_id for step in migration_elements.waiting_steps(spec, subs))
    return found


__all__ = ["Batch", "BatchCase", "Choices", "Mappable", "Source", "Step", "batch",
           "batch_cases", "batches", "case_labels", "migration_choices", "waiting_step_ids"]
