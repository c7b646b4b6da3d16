"""Turning reminder, escalation and alert events into notifications for the right people.

Reminders go to the person holding the task; escalations go to that person and to every
supervisor of the case's territory; alerts (e.g. a possible rights violation) go to every
supervisor of the territory. The job is idempotent: a cursor remembers the last event
handled, and a unique key stops a second run from notifying anyone twice.
"""

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from engine import policy
from engine.models import Case, Event, HumanTask

from ..auth.models import User
from .models import JobCursor, Notification

CURSOR = "notifications"
KINDS = ("reminder", "escalation", "alert")
TO_SUPERVISORS = ("escalation", "alert")


def deliver(session: Session, now: datetime, batch: int = 1000) -> int:
    """Create notifications for new reminder/escalation/alert events; return how many."""
    cursor = session.get(JobCursor, CURSOR, with_for_update=True) or JobCursor(name=CURSOR)
    session.add(cursor)
    events = session.scalars(select(Event).where(Event.id > (cursor.last_id or 0))
                             .order_by(Event.id).limit(batch)).all()
    created = 0
    for event in events:
        if event.kind in KINDS:
            created += _notify(session, event, now)
        cursor.last_id = event.id
    session.commit()
    return created


def _notify(session: Session, event: Event, now: datetime) -> int:
    case = session.get(Case, event.case_id)
    task = session.get(HumanTask, event.data.get("task")) if event.data.get("task") else None
    people = {task.assignee} if task and task.assignee else set()
    if event.kind in TO_SUPERVISORS:
        people |= supervisors_of(session, case.territory_id)
    title = f"{event.title} · {case.household.family_name}"
    for username in people:
        session.add(Notification(username=username, event_id=event.id, case_id=case.id,
                                 task_id=task.id if task else None, kind=event.kind,
                                 title=title, created_at=now))
    return len(people)


def supervisors_of(session: Session, territory_id: int) -> set[str]:
    """Usernames of the active supervisors of a territory."""
    users = session.scalars(select(User).where(User.active.is_(True))).all()
    return {u.username for u in users
            if u.has_role(policy.SUPERVISOR) and territory_id in u.territory_ids}
