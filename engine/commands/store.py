"""Loading a case's workflow from the database and saving it back, with its mirrors and trail."""

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import bindparam, event, select, update
from sqlalchemy.orm import Session
from sqlalchemy.orm.attributes import set_committed_value

from ..core import clock
from ..core.actors import SYSTEM
from ..core.errors import Conflict, NotFound, ScriptFailure
from ..definitions import catalog, versions
from ..persistence import audit, mirror, transaction_memo
from ..persistence.models import Case, HumanTask, ProcessDefinition, ProcessInstance, Timer
from ..programmes.calendars import (
    TerritoryCalendar,
    UnknownMunicipality,
    calendar_of,
    municipal_calendar,
)
from ..programmes.settings import ESCALATE_TO, ProgrammeSettings
from ..runtime import limits
from ..runtime import reviews as runtime_reviews
from ..runtime import workflow as runtime
from ..runtime.compaction import compact
from ..runtime.helpers import CaseContext
from ..runtime.serialization import SERIALIZER_VERSION, dump_state, load_state
from ..runtime.workflow import BpmnWorkflow, Task
from . import places, reviews, transfers

# A case is always read as it is in the database now, even by a session that read it before
# (the sweep's keeps what it read across its units of work): never act on a stale state.
AS_IT_IS_NOW = {"populate_existing": True}
PENDING_STATES = "pending_states"  # transaction memo: instance id -> (instance, state, moment)


@dataclass
class Mirrored:
    """An instance's mirror rows as read with it (engine.persistence.mirror), so that saving
    it reads them no more: its timers and its open steps."""

    timers: list[Timer] = field(default_factory=list)
    tasks: list[HumanTask] = field(default_factory=list)


@dataclass
class LoadedCase:
    """A case with its live workflow, and the engine steps run since it was loaded.

    ``mirrored``: its mirror rows, when they were read with it (:func:`load_batch`); such a
    case is saved without a flush of its own, with the rest of its batch."""

    case: Case
    instance: ProcessInstance
    workflow: BpmnWorkflow
    settings: ProgrammeSettings
    steps: list[tuple[Task, datetime]] = field(default_factory=list)
    mirrored: Mirrored | None = None

    def advance(self) -> None:
        """Run the engine steps that can run now."""
        runtime.advance(self.workflow, self._on_step)

    def catch_up(self, until: datetime) -> None:
        """Fire every timer due by ``until``, in order."""
        runtime.catch_up(self.workflow, until, self._on_step)

    def deliver(self, message: str, payload) -> None:
        """Hand the workflow a message it waits for, and run the steps it starts."""
        runtime.deliver_message(self.workflow, message, payload, self._on_step)

    def _on_step(self, task: Task) -> None:
        self.steps.append((task, clock.now()))


def case_context(case: Case, settings: ProgrammeSettings) -> CaseContext:
    """The settings and calendar a case's expressions run with."""
    return CaseContext(settings, case_calendar(case, settings))


def case_calendar(case: Case, settings: ProgrammeSettings | None) -> TerritoryCalendar:
    """The calendar a case's deadlines count in: its municipality's (national holidays and
    the municipality's own day, e.g. a comune's patron saint) when it has one the settings
    list, else its territory's."""
    calendar = calendar_of(case.territory)
    try:
        return municipal_calendar(calendar, settings.values if settings else {},
                                  case.municipality)
    except UnknownMunicipality:  # taken out of the settings since: the territory's calendar
        return calendar


def load(session: Session, instance_id: int, *, lock: bool = True,
         only_if=None) -> LoadedCase | None:
    """Load an instance (row-locked on PostgreSQL); None if another worker holds the lock,
    or if the SQL condition ``only_if`` does not hold for it now (same round trip)."""
    write_batch(session)
    query = _with_case(instance_id)
    if only_if is not None:
        query = query.where(only_if)
    if lock:
        query = query.with_for_update(of=ProcessInstance, skip_locked=True)
    return _loaded(session, session.execute(query).first())


def load_for_update(session: Session, instance_id: int) -> LoadedCase:
    """Load an instance, waiting for its row lock (for a person's action)."""
    write_batch(session)
    query = _with_case(instance_id).with_for_update(of=ProcessInstance)
    loaded = _loaded(session, session.execute(query).first())
    if loaded is None:
        raise NotFound(f"no process instance {instance_id}", code="instance.not_found",
                       instance=instance_id)
    return loaded


def load_batch(session: Session, instance_ids: list[int], *, only_if=None) -> list[LoadedCase]:
    """Load several instances, each row-locked (PostgreSQL; one another worker holds is left
    out, as is one the SQL condition ``only_if`` on ``ProcessInstance`` does not hold for
    now), with their mirror rows: three round trips however many there are, in id order.
    Their states are written together by :func:`write_batch` (their other rows by the
    session's next flush)."""
    write_batch(session)
    query = (select(ProcessInstance, Case).join(Case, Case.id == ProcessInstance.case_id)
             .where(ProcessInstance.id.in_(instance_ids)).order_by(ProcessInstance.id)
             .with_for_update(of=ProcessInstance, skip_locked=True)
             .execution_options(**AS_IT_IS_NOW))
    if only_if is not None:
        query = query.where(only_if)
    rows = session.execute(query).all()
    mirrored = _mirrors_of(session, [instance.id for instance, _ in rows])
    batch = []
    for instance, case in rows:
        loaded = loaded_from(session, instance, case)
        loaded.mirrored = mirrored[instance.id]
        batch.append(loaded)
    return batch


def _mirrors_of(session: Session, instance_ids: list[int]) -> dict[int, Mirrored]:
    """The timer and human_task rows of these instances, as they are now (two round trips)."""
    mirrored: dict[int, Mirrored] = defaultdict(Mirrored)
    if not instance_ids:
        return mirrored
    for table, into in ((Timer, "timers"), (HumanTask, "tasks")):
        query = (select(table).where(table.instance_id.in_(instance_ids))
                 .execution_options(**AS_IT_IS_NOW))
        for row in session.scalars(query):
            getattr(mirrored[row.instance_id], into).append(row)
    return mirrored


def _with_case(instance_id: int):
    """An instance and its case, read in one round trip as they are in the database now."""
    return (select(ProcessInstance, Case).join(Case, Case.id == ProcessInstance.case_id)
            .where(ProcessInstance.id == instance_id).execution_options(**AS_IT_IS_NOW))


def _loaded(session: Session, row) -> LoadedCase | None:
    return None if row is None else loaded_from(session, *row)


def loaded_from(session: Session, instance: ProcessInstance, case: Case) -> LoadedCase:
    """The live case of an instance and case row the caller read (and locked) itself."""
    settings = versions.settings_for(session, case.programme, instance.definition_id)
    spec, subs = catalog.spec_by_id(session, instance.definition_id)
    workflow = load_state(instance.state, spec, subs)
    runtime.attach(workflow, case_context(case, settings))
    return LoadedCase(case, instance, workflow, settings)


def create(session: Session, case: Case, definition: ProcessDefinition,
           settings: ProgrammeSettings, data: dict, now: datetime) -> LoadedCase:
    """A new workflow for ``case`` with ``data`` on its start event (not yet saved)."""
    spec, subs = catalog.spec_of(definition)
    workflow = runtime.start(spec, subs, case_context(case, settings), data)
    instance = ProcessInstance(case_id=case.id, definition_id=definition.id, state="",
                               serializer_version=SERIALIZER_VERSION, updated_at=now)
    return LoadedCase(case, instance, workflow, settings)


def save(session: Session, loaded: LoadedCase, now: datetime) -> None:
    """Write the workflow state, mirror its tasks and timers, and record its engine steps.

    A place the case gives back (engine.commands.places) moves the next waiting case on, through a
    domain event handled by the unit of work.
    """
    instance, case, workflow = loaded.instance, loaded.case, loaded.workflow
    reviews.settle(session, loaded, now)
    runtime_reviews.stamp_own_deadlines(workflow)
    compact(workflow)
    state = _checked_size(dump_state(workflow), loaded)
    mirrored = loaded.mirrored
    if mirrored is not None and instance.id is not None:
        transaction_memo.memo(session, PENDING_STATES)[instance.id] = (instance, state, now)
    else:
        instance.state, instance.updated_at = state, now
        session.add(instance)
        session.flush()
    _record_steps(session, loaded)
    if workflow.is_completed():
        _close(session, loaded, now)
    else:
        timers = [] if case.deadlines_paused_at else runtime.waiting_timers(workflow)
        mirror.sync_timers(session, instance, timers, mirrored and mirrored.timers)
        ready = runtime.ready_user_tasks(workflow)
        mirror.sync_human_tasks(session, instance, case, ready, loaded.settings, now,
                                mirrored and mirrored.tasks)
    loaded.mirrored = None  # what it read is no longer what it wrote


_table = ProcessInstance.__table__
_WRITE_STATE = (update(_table)
                .where(_table.c.id == bindparam("b_id"),
                       _table.c.lock_version == bindparam("b_version"))
                .values(state=bindparam("b_state"), updated_at=bindparam("b_at"),
                        lock_version=bindparam("b_version") + 1))


def write_batch(session: Session) -> int:
    """Write the states of the batch's cases saved since the last call (:func:`load_batch`):
    one version-checked UPDATE for all of them (psycopg sends them in one round trip).
    A case changed meanwhile by someone else raises :class:`Conflict` (undo the batch).
    Loading any case, and the commit, call it first. Returns how many were written."""
    pending = transaction_memo.peek(session, PENDING_STATES)
    if not pending:
        return 0
    rows = list(pending.values())
    pending.clear()
    params = [{"b_id": instance.id, "b_version": instance.lock_version, "b_state": state,
               "b_at": at} for instance, state, at in rows]
    written = session.connection().execute(_WRITE_STATE, params).rowcount
    if written != len(params):
        raise Conflict("the case was changed by someone else at the same time",
                       code="case.changed_concurrently")
    for instance, state, at in rows:
        set_committed_value(instance, "state", state)
        set_committed_value(instance, "updated_at", at)
        set_committed_value(instance, "lock_version", instance.lock_version + 1)
    return len(rows)


@event.listens_for(Session, "before_commit")
def _write_before_commit(session: Session) -> None:
    write_batch(session)


def _checked_size(state: str, loaded: LoadedCase) -> str:
    """Refuse to store a case whose data is over the limit (nothing of it is saved)."""
    allowed = limits.current().case_data_bytes
    if len(state) <= allowed:
        return state
    last = _likely_writer(loaded)
    element = getattr(last, "bpmn_id", None) or "(case data)"
    raise ScriptFailure(element, f"the case's data would take {len(state) / 2**20:.1f} MB, "
                                 f"over the limit of {allowed / 2**20:g} MB per case "
                                 "(ACOMPANA_CASE_DATA_MB); nothing was saved",
                        {"name": getattr(last, "bpmn_name", None), "limit": "case_data"},
                        code="case.data_too_large",
                        params={"megabytes": round(len(state) / 2**20, 1),
                                "limit_mb": round(allowed / 2**20, 1)})


def _likely_writer(loaded: LoadedCase):
    """The element that most likely wrote the data: the last script run, else the last step."""
    specs = [task.task_spec for task, _ in loaded.steps if task.task_spec.bpmn_id]
    scripts = [spec for spec in specs if getattr(spec, "script", None)]
    return (scripts or specs or [None])[-1]


def _record_steps(session: Session, loaded: LoadedCase) -> None:
    for task, at in loaded.steps:
        if places.releases_place(task):
            places.release(session, loaded.case, at)
        if transfers.starts_schedule(task):
            transfers.schedule(session, loaded.case, loaded.settings, task.data, at)
        described = audit.describe_step(task)
        if described is None:
            continue
        kind, data = described
        if kind == "escalation":  # whom it goes to, as the case's settings say now
            rule = loaded.settings.deadlines.get(data.get("deadline"))
            data["escalate_to"] = rule.escalate_to if rule else ESCALATE_TO[0]
        if kind == "case_closed":
            loaded.case.outcome = data["outcome"]
        code, params = audit.step_message(task, kind, data)
        audit.record(session, loaded.case.id, kind, SYSTEM.id, at, task=task,
                     title=audit.step_title(task), data=data, code=code, params=params)
    loaded.steps.clear()


def _close(session: Session, loaded: LoadedCase, now: datetime) -> None:
    loaded.instance.status = "completed"
    loaded.case.status = "closed"
    loaded.case.closed_at = now
    mirror.forget_instance(session, loaded.instance.id, now)
    places.release(session, loaded.case, now)
    transfers.cancel_pending(session, loaded.case, now)
