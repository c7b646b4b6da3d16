"""Incidents: a timer, step or message whose processing failed, kept until it works again.

A person's completion that fails opens a ``step`` incident; the sweep resolves it once a
step of that case has been completed since. The sweep turns a case whose timers fail (an
error, a limit, anything a script raised) into an open incident and moves on. The
incident's ``next_retry_at`` keeps the case out of :func:`engine.commands.sweep.due_instances` until
then, doubling the wait after each failed attempt, so a poisoned timer never stays first in
line. A run that works resolves the incident; a
person can retry it now or cancel it with a reason (the case's timers then stay stopped until
someone retries it).
"""

from datetime import datetime, timedelta

from sqlalchemy import and_, or_, select, update
from sqlalchemy.orm import Session

from ..core.actors import Actor
from ..core.errors import EngineError, FieldError, InvalidTaskData, NotFound, ScriptFailure
from ..persistence import audit
from ..persistence.models import Case, Event, Incident, ProcessInstance
from ..persistence.uow import command

UNEXPECTED = "incident.unexpected"  # a failure that is no engine error (a bug, an outage)
FIRST_RETRY = timedelta(minutes=1)
LONGEST_WAIT = timedelta(hours=6)
OPEN, RESOLVED, CANCELLED = "open", "resolved", "cancelled"
KINDS = ("timer", "step", "message")
ERROR_CHARS = 4000


def backoff(attempts: int) -> timedelta:
    """How long to wait after ``attempts`` failed attempts: 1, 2, 4… minutes, at most 6 h."""
    return min(FIRST_RETRY * 2 ** min(attempts - 1, 20), LONGEST_WAIT)


def held_instances(now: datetime):
    """A subquery of the instances whose timers wait for their incident: an open timer
    incident not yet due for a retry, or a cancelled one nobody retried."""
    waiting = and_(Incident.status == OPEN, Incident.next_retry_at > now)
    return select(Incident.instance_id).where(
        Incident.kind == "timer", or_(waiting, Incident.status == CANCELLED))


def describe(error: BaseException) -> tuple[str, str | None, str]:
    """``(element id, element name, error text)`` of a failure."""
    if isinstance(error, ScriptFailure):
        return error.element, error.details.get("name"), str(error.message)[:ERROR_CHARS]
    return "(process)", None, f"{type(error).__name__}: {error}"[:ERROR_CHARS]


def message_of(error: BaseException) -> tuple[str, dict]:
    """The code and params an incident words its failure with (engine.core.messages): an
    engine error's own, else ``incident.unexpected`` (something the engine did not foresee)."""
    if isinstance(error, EngineError):
        return error.code, _plain(error.params)
    return UNEXPECTED, {"kind": type(error).__name__}


def _plain(params: dict) -> dict:
    """Params as JSON can store them (anything else as its text)."""
    return {key: value if isinstance(value, str | int | float | bool | type(None)) else str(value)
            for key, value in params.items()}


@command
def record_failure(session: Session, instance_id: int, kind: str, error: BaseException,
                   now: datetime) -> Incident:
    """Open an incident for ``instance_id`` (or count one more attempt); the next attempt
    waits by :func:`backoff`. The caller runs it after the failed work was undone (the
    sweep), or keeps it with the failing unit of work (engine.persistence.uow)."""
    element, name, text = describe(error)
    incident = _open_incident(session, instance_id, kind, now)
    incident.element_id, incident.element_name, incident.error = element, name, text
    incident.code, incident.params = message_of(error)
    incident.last_seen_at = now
    incident.next_retry_at = now + backoff(incident.attempts)
    return incident


def _open_incident(session: Session, instance_id: int, kind: str, now: datetime) -> Incident:
    query = select(Incident).where(Incident.instance_id == instance_id, Incident.kind == kind,
                                   Incident.status.in_((OPEN, CANCELLED)))
    incident = session.scalars(query.with_for_update()).first()
    if incident is None:
        case_id = session.scalar(select(ProcessInstance.case_id)
                                 .where(ProcessInstance.id == instance_id))
        incident = Incident(case_id=case_id, instance_id=instance_id, kind=kind, attempts=0,
                            first_seen_at=now, status=OPEN)
        session.add(incident)
    incident.status, incident.closed_at = OPEN, None
    incident.attempts += 1
    return incident


def open_instance_ids(session: Session, kind: str) -> set[int]:
    """The instances with an open incident of ``kind``."""
    query = select(Incident.instance_id).where(Incident.kind == kind, Incident.status == OPEN)
    return set(session.scalars(query))


def resolve(session: Session, instance_id: int, kind: str, now: datetime) -> int:
    """Mark the open incidents of ``kind`` on ``instance_id`` resolved (in the caller's
    transaction); return how many."""
    statement = (update(Incident).where(Incident.instance_id == instance_id,
                                        Incident.kind == kind, Incident.status == OPEN)
                 .values(status=RESOLVED, closed_at=now, next_retry_at=None))
    return session.execute(statement).rowcount or 0


@command
def resolve_completed_steps(session: Session, now: datetime) -> int:
    """Resolve the open ``step`` incidents of cases where a step was completed after the
    failure (checked by each sweep, so completing a step costs nothing extra)."""
    later = (select(Event.id).where(Event.case_id == Incident.case_id,
                                    Event.kind == "task_completed",
                                    Event.at >= Incident.last_seen_at).exists())
    statement = (update(Incident).where(Incident.kind == "step", Incident.status == OPEN, later)
                 .values(status=RESOLVED, closed_at=now, next_retry_at=None)
                 .execution_options(synchronize_session=False))
    return session.execute(statement).rowcount or 0


@command
def retry_now(session: Session, incident_id: int, actor: Actor, now: datetime) -> Incident:
    """Make an incident's case due for the next sweep (recorded in the case's trail)."""
    incident = _locked(session, incident_id)
    incident.status, incident.closed_at, incident.next_retry_at = OPEN, None, now
    audit.record(session, incident.case_id, "incident_retried", actor.id, now,
                 title=f"Incidente reintentado: {_where(incident)}"[:300],
                 params={"step": _where(incident)},
                 data={"incident": incident.id, "element": incident.element_id})
    return incident


@command
def cancel(session: Session, incident_id: int, reason: str, actor: Actor,
           now: datetime) -> Incident:
    """Stop retrying an incident; ``reason`` is required and goes to the case's trail."""
    reason = (reason or "").strip()
    if not reason:
        raise InvalidTaskData("incident/cancel", [FieldError(
            "reason", "required", "hay que decir por qué se cancela el incidente")])
    incident = _locked(session, incident_id)
    incident.status, incident.closed_at, incident.next_retry_at = CANCELLED, now, None
    incident.cancel_reason, incident.cancelled_by = reason, actor.id
    audit.record(session, incident.case_id, "incident_cancelled", actor.id, now,
                 title=f"Incidente cancelado: {reason}"[:300],
                 params={"step": _where(incident), "reason": reason},
                 data={"incident": incident.id, "element": incident.element_id,
                       "reason": reason})
    return incident


def _where(incident: Incident) -> str:
    return incident.element_name or incident.element_id


def _locked(session: Session, incident_id: int) -> Incident:
    query = select(Incident).where(Incident.id == incident_id).with_for_update()
    incident = session.scalars(query).first()
    if incident is None or incident.status == RESOLVED:
        raise NotFound(f"no open incident {incident_id}", code="incident.not_found",
                       incident=incident_id)
    return incident


def open_incidents(session: Session, programmes: list[str] | None) -> list[tuple[Incident, Case]]:
    """Open incidents with their cases, newest failure first; ``programmes=None``: all."""
    query = (select(Incident, Case).join(Case, Case.id == Incident.case_id)
             .where(Incident.status == OPEN).order_by(Incident.last_seen_at.desc()))
    if programmes is not None:
        query = query.where(Case.programme_key.in_(programmes))
    return [(incident, case) for incident, case in session.execute(query)]


def get(session: Session, incident_id: int) -> Incident:
    """One incident (:class:`NotFound` if there is none)."""
    incident = session.get(Incident, incident_id)
    if incident is None:
        raise NotFound(f"no incident {incident_id}", code="incident.not_found",
                       incident=incident_id)
    return incident
