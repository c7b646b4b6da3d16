"""Correcting a step already submitted: a new event in the trail, never an overwrite.

A correction is a ``step_corrected`` event that names the completion it corrects (``corrects``:
the ``task_completed`` event's id), the full corrected answers (``values``), what changed
(``changed``: field → ``{"from", "to"}``) and the ``reason``. The original event is never
touched; the answers a step *now* has are its submission with every correction applied in
order (:func:`current_answers`).

What a correction changes, and what it does not: the outcome reports read the trail
(engine.reports.base), and read it corrected (:func:`corrected`), so a corrected Matriz state
or session count is what they count. The running workflow is left as it is: its gateways and
timers already acted on what was known at the time, and rewriting a process's stored data
after the fact would make its history disagree with its own path. A correction that should
change the path is a new step (or a case action), not a correction.
"""

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from .. import policy
from ..core import clock, inputs
from ..core.actors import Actor
from ..core.errors import FieldError, InvalidTaskData, NotFound
from ..definitions import versions
from ..definitions.forms import FormLibrary
from ..persistence import audit
from ..persistence.models import Case, Event
from ..persistence.uow import command

COMPLETED, CORRECTED = "task_completed", "step_corrected"
MAX_REASON = 500


@dataclass(frozen=True)
class Change:
    """One field a correction changed, from what to what."""

    field: str
    before: object
    after: object


@dataclass(frozen=True)
class Correction:
    """One correction of a step: who, when, why, and what changed."""

    event_id: int
    by: str
    at: datetime
    reason: str
    changes: tuple[Change, ...]


def completion_event(session: Session, task_id: str) -> Event | None:
    """The ``task_completed`` event of ``task_id`` (the first, should there be more)."""
    if not isinstance(task_id, str) or len(task_id) > 36:
        return None
    query = (select(Event).where(Event.task_id == task_id, Event.kind == COMPLETED)
             .order_by(Event.id).limit(1))
    return session.scalars(query).first()


def corrections_of(session: Session, completion: Event) -> list[Event]:
    """The ``step_corrected`` events of one completion, in the order they were made."""
    query = (select(Event).where(Event.case_id == completion.case_id,
                                 Event.task_id == completion.task_id,
                                 Event.kind == CORRECTED)
             .order_by(Event.id))
    return [e for e in session.scalars(query) if (e.data or {}).get("corrects") == completion.id]


def current_answers(completion: Event, corrections: list[Event]) -> dict:
    """What the step says now: the latest correction's values, else what was submitted."""
    for event in reversed(corrections):
        values = (event.data or {}).get("values")
        if isinstance(values, dict):
            return values
    return dict((completion.data or {}).get("submitted") or {})


def described(corrections: list[Event]) -> list[Correction]:
    """The corrections as their history shows them."""
    return [Correction(e.id, e.actor, e.at, str((e.data or {}).get("reason") or ""),
                       tuple(Change(name, c.get("from"), c.get("to"))
                             for name, c in ((e.data or {}).get("changed") or {}).items()))
            for e in corrections]


def corrected(session: Session, events: list[Event]) -> list[Event]:
    """``events`` with each corrected ``task_completed`` replaced by a detached copy whose
    ``submitted`` is its current answers (never added to the session: nothing is written)."""
    completions = [e for e in events if e.kind == COMPLETED]
    if not completions:
        return events
    case_ids = sorted({e.case_id for e in completions})
    query = (select(Event).where(Event.case_id.in_(case_ids), Event.kind == CORRECTED)
             .order_by(Event.id))
    return apply(events, list(session.scalars(query)))


def apply(events: list[Event], made: list[Event]) -> list[Event]:
    """``events`` with the corrections ``made`` (``step_corrected`` events, in order) applied
    to the completions they correct, as :func:`corrected` does; reads nothing."""
    ids = {e.id for e in events if e.kind == COMPLETED}
    latest: dict[int, dict] = {}
    for event in made:
        data = event.data or {}
        if data.get("corrects") in ids and isinstance(data.get("values"), dict):
            latest[data["corrects"]] = data["values"]
    if not latest:
        return events
    return [_with_answers(e, latest[e.id]) if e.id in latest else e for e in events]


def _with_answers(event: Event, values: dict) -> Event:
    copy = Event(id=event.id, case_id=event.case_id, kind=event.kind, actor=event.actor,
                 at=event.at, bpmn_id=event.bpmn_id, task_id=event.task_id, title=event.title,
                 code=event.code, params=event.params,
                 data={**(event.data or {}), "submitted": values})
    return copy


def author_of(session: Session, completion: Event) -> policy.Authored:
    """The completed step as the policy sees it: its case and its author."""
    return policy.Authored(session.get(Case, completion.case_id), completion.actor)


@command
def correct_step(session: Session, forms: FormLibrary, task_id: str, values: dict,
                 reason: str, actor: Actor, now: datetime | None = None) -> Event:
    """Record a correction of completed step ``task_id``: ``values`` are its full corrected
    answers, checked against the step's form (of the case's version) like a submission.

    :class:`NotFound` unless the actor sees the case (or the step was never completed);
    :class:`NotAllowed` (``policy.correct_not_allowed``) unless the actor wrote the step or
    supervises the case's territory; :class:`InvalidTaskData` (nothing written) for answers
    the form refuses, and :class:`InvalidInput` for a blank or overlong reason or answers
    that change nothing.
    """
    with clock.frozen_at(now) as moment:
        completion = completion_event(session, task_id)
        if completion is None:
            raise NotFound(f"no completed task {task_id}", code="task.not_found", task=task_id)
        policy.require(session, actor, policy.CORRECT_STEP, author_of(session, completion))
        form_key = (completion.data or {}).get("form")
        case = session.get(Case, completion.case_id)
        values = _valid(session, forms, case, form_key, values)
        before = current_answers(completion, corrections_of(session, completion))
        changed = _changes(before, values)
        reason = (reason or "").strip()
        errors = inputs.text_errors("reason", reason, MAX_REASON, required=True)
        if not changed:
            errors.append(FieldError("(formulario)", "no_change",
                                     "La corrección no cambia ninguna respuesta."))
        inputs.refuse_if("correct_step", errors)
        title = completion.title or completion.bpmn_id
        event = audit.record(
            session, completion.case_id, CORRECTED, actor.id, moment, title=title,
            data={"corrects": completion.id, "task": task_id, "form": form_key,
                  "values": values, "changed": changed, "reason": reason},
            params={"step": title, "reason": reason})
        event.task_id, event.bpmn_id = completion.task_id, completion.bpmn_id
        return event


def _valid(session: Session, forms: FormLibrary, case: Case, form_key: str | None,
           values: dict) -> dict:
    if not isinstance(values, dict):
        raise InvalidTaskData(form_key or "", [FieldError("(formulario)", "type",
                                                          "Datos inválidos.")])
    library = versions.forms_for_case(session, case.id, forms)
    errors = (library.validate(form_key, values) if form_key and library.exists(form_key)
              else inputs.character_errors(values))
    if errors:
        raise InvalidTaskData(form_key or "", errors)
    return values


def _changes(before, after, path: str = "") -> dict:
    """Every leaf that differs, by its field path (``matriz.i33``, ``metas[0].meta``)."""
    if isinstance(before, dict) and isinstance(after, dict):
        found: dict = {}
        for name in dict.fromkeys([*before, *after]):
            found.update(_changes(before.get(name), after.get(name),
                                  f"{path}.{name}" if path else str(name)))
        return found
    if (isinstance(before, list) and isinstance(after, list) and len(before) == len(after)
            and all(isinstance(v, dict) for v in [*before, *after])):
        found = {}
        for index, (old, new) in enumerate(zip(before, after, strict=True)):
            found.update(_changes(old, new, f"{path}[{index}]"))
        return found
    return {} if before == after else {path: {"from": before, "to": after}}
