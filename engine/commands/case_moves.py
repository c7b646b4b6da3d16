"""Moving a running case back to a step it has passed: an administrator's repair.

A case that took a wrong branch (the deciding step was answered wrongly) is moved back to the
deciding step; a case that went past a step by mistake is moved back before it. The main
path's open steps close (their deadlines end), the destination opens again with a new
deadline from now (engine.runtime.repair), and the case's data is given back as it was
before the destination was completed: every answer the undone completions changed gets its
previous value again, and what they added is removed. Those completions stay in the case's
history (their recorded-step pages keep showing them), and the move itself is recorded as
``case_step_moved`` (from which steps, to which step, why, by whom).

:func:`plan_case_move` is the dry run (it changes nothing); :func:`move_case` does it in the
caller's unit of work, refusing when the case changed since the plan was shown. Moving
*forward* past an open step is not offered: the gateways after it would decide on answers
nobody gave; the step is completed instead, or the case moved back to fix the answer.
"""

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from .. import policy
from ..core import clock, inputs
from ..core.actors import SYSTEM, Actor
from ..core.errors import Conflict, FieldError, InvalidInput
from ..persistence import audit
from ..persistence.models import Case, Event, ProcessInstance
from ..persistence.uow import command
from ..runtime import repair
from ..runtime import workflow as runtime
from . import store
from .cases import visible_case
from .corrections import COMPLETED

CASE_STEP_MOVED = "case_step_moved"  # audit kind
MAX_REASON = 500


@dataclass(frozen=True)
class Destination:
    """A step the case may be moved back to, and its last completion (when, by whom)."""

    bpmn_id: str
    name: str
    done_at: datetime
    done_by: str


@dataclass(frozen=True)
class StepRef:
    """An open step (a task of the workflow): its id, BPMN id and name."""

    task_id: str
    bpmn_id: str
    name: str


@dataclass(frozen=True)
class DeadlineRef:
    """A step's reminder or escalation timer: whose step, which kind, which rule, when due."""

    step: str
    kind: str
    deadline: str | None
    due_at: datetime


@dataclass(frozen=True)
class UndoneStep:
    """A completion the move undoes: its data stays only in the case's history."""

    task_id: str | None
    bpmn_id: str | None
    title: str | None
    by: str
    at: datetime


@dataclass(frozen=True)
class MovePlan:
    """What moving ``case`` to ``to`` does (or did): which open steps close, which open,
    which deadlines end and start, which completions are undone, which data keys change."""

    case: Case
    lock_version: int
    to: Destination
    closing: list[StepRef]
    opening: list[StepRef]
    deadlines_ended: list[DeadlineRef]
    deadlines_started: list[DeadlineRef]
    undone: list[UndoneStep]
    cleared: list[str]


def may_move(session: Session, actor: Actor, case: Case) -> bool:
    """Whether ``actor`` may move ``case`` to another step (an administrator of its
    territory), whatever the case's state."""
    return policy.may(session, actor, policy.MOVE_CASE_STEP, case)


def step_destinations(session: Session, actor: Actor, case_id: int) -> list[Destination]:
    """The steps of its main path ``actor`` may move the running case back to, in the order
    the case last passed them; refuses like :func:`plan_case_move`."""
    case = _movable_case(session, actor, case_id)
    loaded = store.load(session, _instance(session, case.id).id, lock=False)
    return _destinations(session, loaded)


def plan_case_move(session: Session, actor: Actor, case_id: int, to_bpmn_id: str,
                   now: datetime | None = None) -> MovePlan:
    """What moving the case back to ``to_bpmn_id`` would do; nothing is changed.

    Refuses: :class:`NotFound` when the actor may not see the case, :class:`NotAllowed`
    (``policy.move_not_allowed``) unless they are one of its territory's administrators,
    :class:`Conflict` when the case is closed (``move.case_closed``) or open on two branches
    of its main path (``move.parallel_branches``), :class:`InvalidInput` when the case has not
    passed such a step.
    """
    with clock.frozen_at(now) as moment:
        case = _movable_case(session, actor, case_id)
        loaded = store.load(session, _instance(session, case.id).id, lock=False)
        return _rehearse(session, loaded, to_bpmn_id, moment)


@command
def move_case(session: Session, actor: Actor, case_id: int, to_task: str, reason: str,
              expected_lock_version: int, now: datetime | None = None) -> MovePlan:
    """Move the case back to the step ``to_task`` (a BPMN id) for ``reason``, as planned at
    ``expected_lock_version``; record ``case_step_moved``; return what was done.

    Refuses like :func:`plan_case_move`, and: :class:`InvalidInput` for a blank reason or
    one over 500 characters, :class:`Conflict` ``move.case_changed`` (who did what, when)
    when the case changed since the plan was made. Nothing is changed when it refuses.
    """
    inputs.refuse_if("move_case", inputs.text_errors("reason", reason, MAX_REASON,
                                                     required=True)
                     + inputs.character_errors({"to": to_task}))
    with clock.frozen_at(now) as moment:
        case = _movable_case(session, actor, case_id)
        loaded = store.load_for_update(session, _instance(session, case.id).id)
        if loaded.instance.lock_version != expected_lock_version:
            raise _changed(session, case)
        plan = _rehearse(session, loaded, to_task, moment)
        audit.record(session, case.id, CASE_STEP_MOVED, actor.id, moment,
                     title=f"{_names(plan.closing)} → {plan.to.name}",
                     data={"from": [s.bpmn_id for s in plan.closing],
                           "from_names": [s.name for s in plan.closing], "to": plan.to.bpmn_id,
                           "reason": reason.strip(), "closed": [s.task_id for s in plan.closing],
                           "undone": [u.task_id for u in plan.undone], "cleared": plan.cleared},
                     params={"from_steps": _names(plan.closing), "to_step": plan.to.name,
                             "reason": reason.strip()})
        store.save(session, loaded, moment)
        return plan


def _names(steps: list[StepRef]) -> str:
    return ", ".join(dict.fromkeys(s.name for s in steps)) or "—"


def _movable_case(session: Session, actor: Actor, case_id: int) -> Case:
    case = visible_case(session, case_id, actor)
    policy.require(session, actor, policy.MOVE_CASE_STEP, case)
    if case.status != "open" or _instance(session, case.id).status != "running":
        raise Conflict(f"case {case.id} is closed: it cannot be moved to another step",
                       code="move.case_closed", case=case.id)
    return case


def _instance(session: Session, case_id: int) -> ProcessInstance:
    return session.scalars(select(ProcessInstance)
                           .where(ProcessInstance.case_id == case_id)).one()


def _completions(session: Session, case_id: int) -> list[Event]:
    query = (select(Event).where(Event.case_id == case_id, Event.kind == COMPLETED)
             .order_by(Event.id))
    return list(session.scalars(query))


def _destinations(session: Session, loaded: store.LoadedCase) -> list[Destination]:
    steps = repair.path_steps(loaded.workflow)
    open_now = {t.task_spec.bpmn_id for t in runtime.ready_user_tasks(loaded.workflow)}
    last: dict[str, Event] = {}
    for event in _completions(session, loaded.case.id):
        if event.bpmn_id in steps and event.bpmn_id not in open_now:
            last.pop(event.bpmn_id, None)
            last[event.bpmn_id] = event
    return [Destination(b, steps[b].name, e.at, e.actor) for b, e in last.items()]


def _rehearse(session: Session, loaded: store.LoadedCase, to_bpmn_id: str,
              moment: datetime) -> MovePlan:
    """Move the loaded workflow (in memory) and tell what changed."""
    if loaded.case.deadlines_paused_at is None:
        loaded.catch_up(moment)  # what fell due before the move happens first
    if loaded.workflow.is_completed():
        raise Conflict(f"case {loaded.case.id} is closed", code="move.case_closed",
                       case=loaded.case.id)
    destination = next((d for d in _destinations(session, loaded)
                        if d.bpmn_id == to_bpmn_id), None)
    if destination is None:
        raise InvalidInput("move_case", [FieldError(
            "to", "unknown", "El caso no ha pasado por ese paso, o está abierto ahora.")])
    before_steps, before_timers = _open_steps(loaded), _deadlines(loaded)
    undone = _undone(session, loaded.case.id, to_bpmn_id)
    data, cleared = _given_back(repair.open_data(loaded.workflow), undone)
    repair.move_back(loaded.workflow, to_bpmn_id, data,
                     lambda task: loaded.steps.append((task, clock.now())))
    after_steps, after_timers = _open_steps(loaded), _deadlines(loaded)
    return MovePlan(
        loaded.case, loaded.instance.lock_version, destination,
        [s for k, s in before_steps.items() if k not in after_steps],
        [s for k, s in after_steps.items() if k not in before_steps],
        [t for k, t in before_timers.items() if k not in after_timers],
        [t for k, t in after_timers.items() if k not in before_timers],
        [UndoneStep(e.task_id, e.bpmn_id, e.title, e.actor, e.at) for e in undone], cleared)


def _open_steps(loaded: store.LoadedCase) -> dict[str, StepRef]:
    return {str(t.id): StepRef(str(t.id), t.task_spec.bpmn_id,
                               t.task_spec.bpmn_name or t.task_spec.bpmn_id)
            for t in runtime.ready_user_tasks(loaded.workflow)}


def _deadlines(loaded: store.LoadedCase) -> dict[str, DeadlineRef]:
    found = {}
    for timer in runtime.waiting_timers(loaded.workflow):
        task = runtime.find_task(loaded.workflow, timer.task_id)
        host = runtime.boundary_host(task) if task is not None else None
        if task is None or host is None or not repair.is_deadline(task):
            continue
        found[timer.task_id] = DeadlineRef(host.task_spec.bpmn_name or host.task_spec.bpmn_id,
                                           timer.kind, timer.deadline_key, timer.due_at)
    return found


def _undone(session: Session, case_id: int, to_bpmn_id: str) -> list[Event]:
    """The completions from the destination's last one on: the move undoes them."""
    events = _completions(session, case_id)
    start = max(i for i, e in enumerate(events) if e.bpmn_id == to_bpmn_id)
    return events[start:]


def _given_back(data: dict, undone: list[Event]) -> tuple[dict, list[str]]:
    """``data`` with each undone completion's answers given back, latest first: a changed
    answer gets its previous value, a new one is removed. Returns the keys that changed."""
    cleared = []
    for event in reversed(undone):
        for key, previous in ((event.data or {}).get("previous") or {}).items():
            if previous is None:
                data.pop(key, None)
            else:
                data[key] = previous
            cleared.append(key)
    return data, sorted(set(cleared))


def _changed(session: Session, case: Case) -> Conflict:
    """The refusal of a move planned before the case changed: who did what, and when."""
    query = select(Event).where(Event.case_id == case.id).order_by(Event.id.desc()).limit(1)
    last = (session.scalars(query.where(Event.actor != SYSTEM.id)).first()
            or session.scalars(query).first())
    params = {"case": case.id, "by": last.actor if last else "?",
              "step": (last.title or last.kind) if last else "?",
              "at": last.at.isoformat() if last else ""}
    return Conflict(f"case {case.id} changed while the move was being planned "
                    f"({params['by']}: {params['step']} at {params['at']}); nothing was moved",
                    code="move.case_changed", **params)
