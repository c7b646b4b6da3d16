"""Who completed a task, and when: read from the audit trail (the task row is gone by then)."""

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from .. import policy
from ..core.actors import Actor
from ..persistence.models import Case, Event

COMPLETED = "task_completed"


@dataclass(frozen=True)
class Completion:
    """A completed step as its trail records it (``form_key`` is None for older events)."""

    task_id: str
    case_id: int
    title: str | None
    form_key: str | None
    by: str
    at: datetime


def completion_of(session: Session, task_id: str, actor: Actor) -> Completion | None:
    """The completion of ``task_id`` if ``actor`` may see its case; otherwise None."""
    query = (select(Event, Case.territory_id).join(Case, Case.id == Event.case_id)
             .where(Event.task_id == task_id, Event.kind == COMPLETED)
             .order_by(Event.id).limit(1))
    found = session.execute(query).first()
    if found is None or not policy.sees_territory(actor, found.territory_id):
        return None
    event = found.Event
    return Completion(task_id=task_id, case_id=event.case_id, title=event.title,
                      form_key=(event.data or {}).get("form"), by=event.actor, at=event.at)
