"""Which running cases a migration takes, and what would happen to each (nothing changes).

The plan of one case says where it sits (its open elements), its outcome (engine.runtime.migration:
``moves``, ``moves_mapped``, ``needs_mapping``, ``cannot_move`` with a reason code) and each
running deadline's date now and after the migration, kept and recomputed. The same
:func:`classify_case` decides for the dry run, the batch and the impact preview.
"""

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import exists, func, select
from sqlalchemy.orm import Session

from ..core.actors import Actor
from ..core.errors import Conflict, NotFound
from ..definitions import catalog, versions
from ..persistence.models import (
    Case,
    HumanTask,
    Incident,
    ProcessDefinition,
    ProcessInstance,
    Territory,
    Timer,
)
from ..persistence.uow import command
from ..policy import MIGRATE_CASES, require
from ..runtime import migration as runtime_migration
from ..runtime import workflow as runtime
from ..runtime.serialization import load_state
from . import store

OPEN_INCIDENT = "open"


@dataclass(frozen=True)
class MigrationRequest:
    """Move the running cases of ``programme`` version ``from_version`` to ``to_version``:
    those of territory code ``territory``, sitting at ``step`` (a bpmn id), held by
    ``caseworker`` (each None: all); ``mapping`` {old bpmn id: new bpmn id} says where an open
    step that is gone goes; ``deadlines`` ``keep`` or ``recompute``."""

    programme: str
    from_version: int
    to_version: int
    territory: str | None = None
    step: str | None = None
    caseworker: str | None = None
    mapping: dict[str, str] = field(default_factory=dict)
    deadlines: str = runtime_migration.KEEP

    def selection(self) -> dict:
        """The case selection, as a batch keeps it."""
        return {"territory": self.territory, "step": self.step, "caseworker": self.caseworker}


@dataclass(frozen=True)
class Target:
    """The version cases would move to: its spec, and its definition row (None: a draft)."""

    label: str
    spec: object
    subprocess_specs: dict
    definition: ProcessDefinition | None = None
    settings: object = None  # the target's ProgrammeSettings (None: the case's own)


@dataclass
class CasePlan:
    """What a migration would do to one case."""

    case_id: int
    instance_id: int
    territory: str
    caseworker: str
    outcome: str
    reason: str | None
    params: dict
    open: list[runtime_migration.OpenElement]
    mapping: dict[str, str]
    deadlines: list[runtime_migration.DeadlineChange] = field(default_factory=list)


@dataclass
class MigrationPlan:
    """The plan of every selected case, and how many there are of each outcome."""

    request: MigrationRequest
    source: ProcessDefinition
    target: ProcessDefinition
    cases: list[CasePlan]

    @property
    def totals(self) -> dict[str, int]:
        """``{outcome: number of cases}`` for every outcome, and ``total``."""
        counts = {outcome: 0 for outcome in runtime_migration.OUTCOMES}
        for case in self.cases:
            counts[case.outcome] += 1
        return {**counts, "total": len(self.cases)}


@command
def plan_migration(session: Session, actor: Actor, request: MigrationRequest) -> MigrationPlan:
    """The dry run of ``request``: each selected case's plan (nothing changes)."""
    source, target = checked_request(session, actor, request)
    goal = definition_target(session, target)
    cases = [plan_case(session, instance, goal, request.mapping, with_deadlines=True)
             for instance in selected(session, actor, request, source)]
    return MigrationPlan(request, source, target, cases)


def checked_request(session: Session, actor: Actor,
                    request: MigrationRequest) -> tuple[ProcessDefinition, ProcessDefinition]:
    """The source and target versions of ``request``, once it is known to be sound and the
    actor may migrate the programme's cases."""
    programme = catalog.programme(session, request.programme)
    require(session, actor, MIGRATE_CASES, programme)
    if request.from_version == request.to_version:
        raise Conflict("the source and target versions are the same",
                       code="migration.same_version", version=request.to_version)
    if request.deadlines not in runtime_migration.DEADLINE_CHOICES:
        raise Conflict(f"deadlines must be keep or recompute, not {request.deadlines}",
                       code="migration.bad_deadlines", value=request.deadlines)
    check_mapping(request.mapping)
    source = versions.find_version(session, request.programme, request.from_version)
    target = versions.find_version(session, request.programme, request.to_version)
    if request.territory is not None and session.scalar(
            select(Territory.id).where(Territory.code == request.territory)) is None:
        raise NotFound(f"no territory {request.territory}", code="territory.not_found",
                       territory=request.territory)
    return source, target


def check_mapping(mapping: dict) -> None:
    """Refuse a mapping that is not bpmn id to bpmn id."""
    for old, new in mapping.items():
        if not (isinstance(old, str) and isinstance(new, str) and old.strip() and new.strip()):
            raise Conflict(f"a mapping goes from one bpmn id to another: {old!r}={new!r}",
                           code="migration.bad_mapping", detail=f"{old}={new}")


def definition_target(session: Session, definition: ProcessDefinition) -> Target:
    """A stored version as a migration target."""
    spec, subs = catalog.spec_of(definition)
    programme = catalog.programme(session, definition.programme_key)
    settings = versions.settings_for(session, programme, definition.id)
    return Target(str(definition.version), spec, subs, definition, settings)


def selected(session: Session, actor: Actor, request: MigrationRequest,
             source: ProcessDefinition) -> list[ProcessInstance]:
    """The running instances of ``source`` the request selects, in the actor's territories."""
    query = (select(ProcessInstance).join(Case, Case.id == ProcessInstance.case_id)
             .where(ProcessInstance.definition_id == source.id,
                    ProcessInstance.status == "running", Case.status == "open")
             .order_by(ProcessInstance.id))
    if actor.territories is not None:
        query = query.where(Case.territory_id.in_(sorted(actor.territories)))
    if request.territory is not None:
        query = query.join(Territory, Territory.id == Case.territory_id).where(
            Territory.code == request.territory)
    if request.caseworker is not None:
        query = query.where(Case.caseworker == request.caseworker)
    if request.step is not None:
        at_task = exists().where(HumanTask.instance_id == ProcessInstance.id,
                                 HumanTask.bpmn_id == request.step)
        at_timer = exists().where(Timer.instance_id == ProcessInstance.id,
                                  Timer.bpmn_id == request.step, Timer.kind == "wait")
        query = query.where(at_task | at_timer)
    return list(session.scalars(query))


def blocked(session: Session, instance: ProcessInstance, case: Case,
            incidents: Mapping[int, str] | None = None) -> tuple[str, dict] | None:
    """Why a case cannot move whatever the versions say: an open incident (its failing step
    must be dealt with first), or its deadlines paused (a pause postpones the timers it holds
    when it ends; moving them meanwhile would mix two rules). ``incidents``: the open
    incidents' elements by instance id (:func:`open_incidents`) when the caller read them."""
    if incidents is None:
        incidents = open_incidents(session, [instance.id])
    if instance.id in incidents:
        return "migration.open_incident", {"element": incidents[instance.id] or None}
    if case.deadlines_paused_at is not None:
        return "migration.paused", {}
    return None


def open_incidents(session: Session, instance_ids: list[int]) -> dict[int, str]:
    """The element of an open incident of each of these instances that has one ('' for an
    incident of no element), read a thousand instances at a time."""
    found: dict[int, str] = {}
    for start in range(0, len(instance_ids), 1000):
        rows = session.execute(select(Incident.instance_id, Incident.element_id)
                               .where(Incident.instance_id.in_(instance_ids[start:start + 1000]),
                                      Incident.status == OPEN_INCIDENT).order_by(Incident.id))
        for instance_id, element in rows:
            found.setdefault(instance_id, element or "")
    return found


def open_incident_element(instance_id_column):
    """A correlated subquery: the element of the instance's first open incident, '' for an
    incident of no element, NULL without one (read with the row it belongs to)."""
    return (select(func.coalesce(Incident.element_id, ""))
            .where(Incident.instance_id == instance_id_column, Incident.status == OPEN_INCIDENT)
            .order_by(Incident.id).limit(1).scalar_subquery())


def plan_case(session: Session, instance: ProcessInstance, target: Target,
              mapping: dict[str, str], *, with_deadlines: bool = False) -> CasePlan:
    """One case's plan against ``target`` (its deadlines too when ``with_deadlines``)."""
    loaded = store.load(session, instance.id, lock=False)
    case = loaded.case
    found = classify_case(session, loaded, target, mapping)
    plan = CasePlan(case.id, instance.id, case.territory.code, case.caseworker, found.outcome,
                    found.reason, found.params, found.open, found.mapping)
    if with_deadlines and found.outcome in (runtime_migration.MOVES,
                                            runtime_migration.MOVES_MAPPED):
        copies = [_migrated_copy(session, loaded, target, mapping, choice)
                  for choice in runtime_migration.DEADLINE_CHOICES]
        plan.deadlines = runtime_migration.deadline_changes(
            loaded.workflow, *copies, lambda w: runtime.advance(w, lambda _: None))
    return plan


def classify_case(session: Session, loaded: store.LoadedCase, target: Target,
                  mapping: dict[str, str], incidents: Mapping[int, str] | None = None
                  ) -> runtime_migration.Classification:
    """The outcome of moving a loaded case to ``target`` (the classifier of every caller);
    ``incidents`` as :func:`blocked` takes them."""
    reason = blocked(session, loaded.instance, loaded.case, incidents)
    if reason is not None:
        where = runtime_migration.open_elements(loaded.workflow)
        return runtime_migration.Classification(runtime_migration.CANNOT_MOVE, where,
                                                reason[0], reason[1])
    return runtime_migration.classify(loaded.workflow, target.spec, target.subprocess_specs,
                                      mapping)


def _migrated_copy(session: Session, loaded: store.LoadedCase, target: Target,
                   mapping: dict[str, str], deadlines: str):
    copy = load_state(loaded.instance.state, loaded.workflow.spec,
                      loaded.workflow.subprocess_specs)
    runtime.attach(copy, store.case_context(loaded.case, target.settings or loaded.settings))
    runtime_migration.migrate(copy, target.spec, target.subprocess_specs, mapping, deadlines,
                              steps_opened(session, loaded.instance.id))
    return copy


def steps_opened(session: Session, instance_id: int) -> dict:
    """When each open step of the case opened (its human_task row's ``created_at``)."""
    rows = session.execute(select(HumanTask.id, HumanTask.created_at)
                           .where(HumanTask.instance_id == instance_id))
    return dict(rows.all())


def now_label(moment: datetime | None) -> str | None:
    """A moment as the plan shows it (ISO, UTC)."""
    return moment.isoformat() if moment else None
