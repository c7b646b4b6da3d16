"""Messages from outside delivered to the case that waits for them (e.g. documents another
service sends): routed by case id, refused clearly when nothing in the case waits.

The command runs in the caller's unit of work and never commits. It locks the case's
workflow as completing a step does (engine.commands.tasks), so two deliveries of one message
never both land: the second finds nothing waiting any more and is refused.
"""

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from .. import policy
from ..core import clock, inputs
from ..core.actors import Actor
from ..core.errors import Conflict, FieldError, InvalidInput, InvalidTaskData
from ..definitions import versions
from ..definitions.forms import FormLibrary
from ..definitions.runnable import ENGINE_MESSAGES
from ..persistence import audit
from ..persistence.models import Case, ProcessInstance
from ..persistence.uow import command
from ..runtime import messages as runtime_messages
from ..runtime.messages import WaitingMessage
from . import places, store
from .cases import visible_case

MESSAGE_RECEIVED = "message_received"  # audit kind: event.message_received
FORM_KEY = "formKey"  # property of a catch event: the form its payload must satisfy
MAX_NAME = 200
# messages only the engine itself sends (a place granted from the waiting list): delivering
# one from outside would bypass what the engine keeps with it
RESERVED = ENGINE_MESSAGES


def awaited_messages(session: Session, case_id: int, actor: Actor) -> list[WaitingMessage]:
    """The messages the case waits for now, as ``actor`` may see it (none on a closed case)."""
    case = visible_case(session, case_id, actor)
    instance = _instance(session, case.id)
    if case.status != "open" or instance is None or instance.status != "running":
        return []
    loaded = store.loaded_from(session, instance, case)
    return [w for w in runtime_messages.awaiting(loaded.workflow) if w.message not in RESERVED]


@command
def deliver_message(session: Session, forms: FormLibrary, case_id: int, name: str,
                    payload: dict, actor: Actor, now: datetime | None = None) -> WaitingMessage:
    """Deliver the message ``name`` with ``payload`` (it becomes case data) to the case, run
    the steps it starts, and record it in the case's history; return the event that caught it.

    Refuses, changing nothing: :class:`NotFound` when the actor may not see the case,
    :class:`NotAllowed` unless they are its caseworker or a supervisor of its territory
    (``act_on_case``), :class:`InvalidInput` for a name or payload that is not one,
    :class:`Conflict` ``message.not_awaited`` when nothing in the case waits for ``name``
    (closed, already delivered, never modelled; ``awaited`` lists what it does wait for), and
    :class:`InvalidTaskData` when the catch event's form (``formKey``) refuses the payload.
    """
    _check_input(name, payload)
    with clock.frozen_at(now) as moment:
        case = visible_case(session, case_id, actor)
        policy.require(session, actor, policy.ACT_ON_CASE, case)
        places.lock_case_pool(session, case.id, moment)  # the lock order of engine.commands.places
        instance = _instance(session, case.id)
        if instance is None:
            raise _not_awaited(case, name, [])
        loaded = store.load_for_update(session, instance.id)
        if loaded.case.deadlines_paused_at is None and instance.status == "running":
            loaded.catch_up(moment)  # what fell due before the message happens first
        waiting = _waiting_for(loaded, name)
        _check_form(session, loaded, forms, waiting, payload)
        event = audit.record(session, case.id, MESSAGE_RECEIVED, actor.id, moment,
                             title=waiting.name, params={"step": waiting.name, "message": name},
                             data={"message": name, "payload": payload})
        event.bpmn_id = waiting.bpmn_id  # the diagram shows the catch event as passed
        runtime_messages.deliver(loaded.workflow, name, dict(payload),
                                 lambda task: loaded.steps.append((task, clock.now())))
        store.save(session, loaded, moment)
        return waiting


def _check_input(name: object, payload: object) -> None:
    errors = []
    if not isinstance(name, str) or not name.strip() or len(name) > MAX_NAME:
        errors.append(FieldError("message", "unknown", "El nombre del mensaje no es válido."))
    if not isinstance(payload, dict):
        errors.append(FieldError("payload", "type", "Se esperaba un objeto JSON."))
    if errors:
        raise InvalidInput("deliver_message", errors)
    inputs.refuse_if("deliver_message", inputs.character_errors({"message": name,
                                                                 "payload": payload}))


def _instance(session: Session, case_id: int) -> ProcessInstance | None:
    return session.scalars(select(ProcessInstance)
                           .where(ProcessInstance.case_id == case_id)).first()


def _waiting_for(loaded: store.LoadedCase, name: str) -> WaitingMessage:
    running = loaded.case.status == "open" and loaded.instance.status == "running"
    waiting = runtime_messages.awaiting(loaded.workflow) if running else []
    waiting = [w for w in waiting if w.message not in RESERVED]
    match = next((w for w in waiting if w.message == name), None)
    if match is None:
        raise _not_awaited(loaded.case, name, sorted({w.message for w in waiting}))
    return match


def _not_awaited(case: Case, name: str, awaited: list[str]) -> Conflict:
    shown = ", ".join(awaited) or "-"
    refusal = Conflict(f"case {case.id} does not wait for the message '{name}' (it waits for: "
                       f"{shown})", code="message.not_awaited")
    # ``message`` is also EngineError's own first argument: the params are set after it
    refusal.params = {"case": case.id, "message": str(name)[:MAX_NAME], "awaited": shown}
    return refusal


def _check_form(session: Session, loaded: store.LoadedCase, forms: FormLibrary,
                waiting: WaitingMessage, payload: dict) -> None:
    form_key = waiting.properties.get(FORM_KEY)
    if not form_key:
        return
    library = versions.forms_of(session, loaded.instance.definition_id, forms)
    errors = library.validate(form_key, payload)
    if errors:
        raise InvalidTaskData(form_key, errors)
