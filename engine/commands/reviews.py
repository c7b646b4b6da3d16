"""Overdue reviews that work: one per late step at most, closed by itself when the step is
done, and its outcome actioned by the engine.

An escalation timer (engine.runtime.reviews) opens a review of the late step for the
coordinator. Before every save (engine.commands.store) :func:`settle` closes the reviews whose
step is done and any second review of a step that already has one open, each recorded in the
case's history, and arms the escalation again after a review a person did while its step
is still late: the next review opens one review period later (the review's own deadline,
e.g. 3 días hábiles), and so on until the step is done; never two at once. When a person
completes a review, :func:`check_outcome` refuses (before anything changes) an outcome that
cannot be carried out, and :func:`carry_out` does what it says once the review is saved:

- *remind* (``contactar_*``, ``sollecitare_equipe``): the late step's holder is notified
  (a ``review_reminder`` event);
- *reassign the step* (``reasignar``, ``riassegnare``): the late step goes to ``persona_paso``,
  a person the policy lets take it (``take_task``);
- *transfer the case* (``transferir``, ``trasferire``): the case and its steps go to the
  caseworker ``persona_caso`` (engine.commands.routing);
- *pause the deadlines* (``pausar``, ``sospendere``): with the reason ``motivo_pausa``;
- *convene the Mesa de Análisis de Caso* (``mesa_analisis_caso``): where the case's version
  offers the act ``mesa_analisis`` (Programa Familias), it is recorded as convened for the
  late step (its reason: the step and the review's ``comentario``), so the Mesa is a step of
  the case with its participants and agreements, not a note.
"""

from datetime import datetime
from zoneinfo import ZoneInfo

from sqlalchemy.orm import Session

from .. import policy
from ..core.actors import SYSTEM, Actor
from ..core.errors import FieldError, InvalidTaskData, NotAllowed
from ..persistence import audit
from ..persistence.models import Case, HumanTask
from ..runtime import reviews
from ..runtime import workflow as runtime
from ..runtime.workflow import Task
from . import routing

REMIND, REASSIGN, TRANSFER, PAUSE, CONVENE = "remind", "reassign", "transfer", "pause", "convene"
MESA_ACT = "mesa_analisis"  # the act a review convening the Mesa de Análisis de Caso records
ACTIONS = {
    "contactar_afi": REMIND, "contactar_facilitador": REMIND, "contactar_equipo": REMIND,
    "sollecitare_equipe": REMIND,
    "reasignar": REASSIGN, "riassegnare": REASSIGN,
    "transferir": TRANSFER, "trasferire": TRANSFER,
    "pausar": PAUSE, "sospendere": PAUSE,
    "mesa_analisis_caso": CONVENE,
}
CHOICE_FIELDS = ("accion", "azione")
PERSON_FIELD = {REASSIGN: "persona_paso", TRANSFER: "persona_caso"}
REASON_FIELD = "motivo_pausa"
STEP_DONE, DUPLICATE = "step_done", "duplicate"


def settle(session: Session, loaded, moment: datetime) -> None:
    """Close the open reviews whose late step is done, and every review of a step that
    already has an older one open; record each in the case's history."""
    seen: set[str] = set()
    closed = False
    for review in reviews.open_reviews(loaded.workflow):
        if review.step_done:
            reason = STEP_DONE
        elif review.step_key in seen:
            reason = DUPLICATE
        else:
            seen.add(review.step_key)
            continue
        step = _name(review.late) if review.late is not None else _name(review.task)
        reviews.close_by_itself(review, reason)
        audit.record(session, loaded.case.id, "review_closed", SYSTEM.id, moment,
                     task=review.task, data={"reason": reason, "late_step": step},
                     code=f"event.review_closed_{reason}", params={"late_step": step})
        closed = True
    if closed:
        loaded.advance()
    _rearm_done_reviews(loaded)


def _rearm_done_reviews(loaded) -> None:
    """Each review a person did whose step is still late: its escalation waits again."""
    for escalation, review in reviews.done_by_a_person(loaded.workflow):
        at = reviews.next_review_at(review)
        if at is not None:
            reviews.rearm(escalation, at)


def action_of(data: dict) -> str | None:
    """What a review's submitted outcome asks the engine to do (None: only recorded)."""
    return next((ACTIONS.get(data.get(f)) for f in CHOICE_FIELDS if data.get(f)), None)


def late_row(session: Session, review: Task) -> HumanTask | None:
    """The open row of the step ``review`` is about (None when it is no review, or done)."""
    late = reviews.reviewed_step(review)
    if not late:
        return None
    return session.get(HumanTask, str(late.id))


def check_outcome(session: Session, review: Task, form_key: str, data: dict,
                  staff: routing.Staff | None) -> None:
    """Refuse (:class:`InvalidTaskData`, beside the field) an outcome that cannot be carried
    out: no person chosen, or one the policy would not let take the step or the case."""
    action = action_of(data)
    field = PERSON_FIELD.get(action)
    if field is None:
        if action == PAUSE and not str(data.get(REASON_FIELD) or "").strip():
            raise InvalidTaskData(form_key, [FieldError(REASON_FIELD, "required",
                                                        "Indique el motivo de la pausa.")])
        return
    username = str(data.get(field) or "")
    if not username.strip():
        raise InvalidTaskData(form_key, [FieldError(field, "required", "Elija a una persona.")])
    thing = _target(session, review, action)
    if thing is None:
        return
    try:
        routing.receiver(session, staff or _nobody, username,
                         policy.TAKE_TASK if action == REASSIGN else policy.TAKE_POST, thing)
    except NotAllowed as refused:
        raise InvalidTaskData(form_key, [FieldError(field, "unknown_person", str(refused))],
                              code=refused.code, **refused.params) from refused


def carry_out(session: Session, review_row: HumanTask, late: HumanTask | None, data: dict,
              actor: Actor, moment: datetime, staff: routing.Staff | None,
              forms=None) -> None:
    """Do what the completed review's outcome says (see the module's docstring)."""
    action = action_of(data)
    if action == CONVENE and forms is not None:
        _convene(session, review_row, late, data, actor, moment, forms)
    if action == REMIND and late is not None:
        audit.record(session, review_row.case_id, "review_reminder", actor.id, moment,
                     title=late.title, data={"task": late.id, "review": review_row.id},
                     params={"step": late.title})
    elif action == REASSIGN and late is not None:
        from .tasks import assign  # the task commands import this module
        assign(session, late, data[PERSON_FIELD[REASSIGN]].strip(), actor, moment,
               "task_reassigned")
    elif action == TRANSFER:
        routing.transfer_case(session, review_row.case_id, data[PERSON_FIELD[TRANSFER]],
                              actor, staff=staff or _nobody, now=moment)
    elif action == PAUSE:
        from .pauses import pause_deadlines
        pause_deadlines(session, review_row.case_id, actor, str(data[REASON_FIELD]).strip(),
                        now=moment)


def _convene(session: Session, review_row: HumanTask, late: HumanTask | None, data: dict,
             actor: Actor, moment: datetime, forms) -> None:
    """Record the Mesa de Análisis de Caso convened for the late step, where the case's
    version offers it."""
    from .acts import case_acts, perform_act  # the act commands import the task commands
    if not any(a.key == MESA_ACT for a in case_acts(session, review_row.case_id, actor)):
        return
    case = session.get(Case, review_row.case_id)
    reason = f"Revisión de atraso: {late.title if late is not None else review_row.title}"
    comment = str(data.get("comentario") or "").strip()
    day = moment.astimezone(ZoneInfo(case.territory.timezone)).date()
    perform_act(session, forms, case.id, MESA_ACT,
                {"fecha": day.isoformat(), "motivo": f"{reason}. {comment}" if comment
                 else reason}, actor, moment)


def _target(session: Session, review: Task, action: str):
    """What the chosen person would take: the late step's row, or the case's caseworker post."""
    if action == REASSIGN:
        return late_row(session, review)
    row = session.get(HumanTask, str(review.id))
    return policy.Post(session.get(Case, row.case_id), policy.CASEWORKER) if row else None


def _name(task: Task) -> str:
    return task.task_spec.bpmn_name or task.task_spec.bpmn_id


def _nobody(username: str) -> None:
    """Without a people directory nobody can be chosen."""
    return None


def reviewed_row(session: Session, row: HumanTask) -> HumanTask | None:
    """The open step the review ``row`` is about (None: no review, or the step is done)."""
    from . import store  # store saves through this module
    loaded = store.load(session, row.instance_id, lock=False)
    task = runtime.find_task(loaded.workflow, row.id) if loaded else None
    return late_row(session, task) if task is not None and reviews.is_review(task) else None
