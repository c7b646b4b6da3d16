"""Turning reminder, escalation and alert events into notifications for the right people.

Reminders go to the person holding the task; escalations go to that person and to every
supervisor of the case's territory; alerts (e.g. a possible rights violation) go to every
supervisor of the territory. They are made by a handler of the engine's ``Recorded`` domain
event (engine.persistence.events), in the unit of work that recorded the event: a reminder the sweep
fires is in the person's notifications when the sweep commits, and an undone step notifies
nobody.
"""

from sqlalchemy import select
from sqlalchemy.orm import Session

from engine import handles, policy
from engine.persistence.events import Recorded
from engine.persistence.models import Case, Event, HumanTask

from ..auth.models import User
from .models import Notification

KINDS = ("reminder", "escalation", "alert")
TO_SUPERVISORS = ("escalation", "alert")


@handles(Recorded)
def notify(session: Session, recorded: Recorded) -> int:
    """Notify the right people of a reminder, escalation or alert just recorded, in the same
    unit of work as the event (so nobody is notified of what was undone, nor twice)."""
    event = recorded.event
    if event.kind not in KINDS:
        return 0
    session.flush()  # the event's id
    return _notify(session, event)


def _notify(session: Session, event: Event) -> int:
    case = session.get(Case, event.case_id)
    task = session.get(HumanTask, event.data.get("task")) if event.data.get("task") else None
    people = {task.assignee} if task and task.assignee else set()
    if event.kind in TO_SUPERVISORS:
        people |= supervisors_of(session, case.territory_id)
    title = f"{event.title} · {case.household.family_name}"
    for username in people:
        session.add(Notification(username=username, event_id=event.id, case_id=case.id,
                                 task_id=task.id if task else None, kind=event.kind,
                                 title=title, created_at=event.at))
    return len(people)


def supervisors_of(session: Session, territory_id: int) -> set[str]:
    """Usernames of the active supervisors of a territory."""
    users = session.scalars(select(User).where(User.active.is_(True))).all()
    return {u.username for u in users
            if u.has_role(policy.SUPERVISOR) and territory_id in u.territory_ids}
