"""Turning reminder, escalation and alert events into notifications for the right people.

Reminders (and those an overdue review sends) go to the person holding the task (a family
transfer's missing proof, which no task holds: to the case's caseworker, ``to``; any other
reminder of the case itself, with no step, to its caseworker);
escalations go to that person and to whom the deadline's rule escalates (``escala_a``,
recorded on the event as ``escalate_to``): every supervisor of the case's territory (the
default), every manager of it, or the case's caseworker; alerts (e.g. a possible rights
violation) go to every supervisor of the territory; an urgent step (a safety evaluation, a
rights alert) goes to the person it was given to (every supervisor of the territory when
nobody named holds it) and is e-mailed at once (web.notifications.outbox).
They are made by a handler of the engine's ``Recorded`` domain event
(engine.persistence.events), in the unit of work that recorded the event: a reminder the
sweep fires is in the person's notifications when the sweep commits, and an undone step
notifies nobody.
"""

from sqlalchemy import select
from sqlalchemy.orm import Session
from sqlalchemy.orm.util import identity_key

from engine import handles, policy
from engine.persistence import transaction_memo
from engine.persistence.events import Recorded
from engine.persistence.models import Case, Event, Household, HumanTask

from ..auth.models import User, user_territory
from . import outbox
from .models import Notification

KINDS = ("reminder", "escalation", "alert", "review_reminder", "urgent")
URGENT = "urgent"  # an urgent step opened: to the person it went to, e-mailed at once
PEOPLE = "notification_people"  # transaction memo: (territory id, role) -> usernames


@handles(Recorded)
def notify(session: Session, recorded: Recorded) -> int:
    """Notify the right people of a reminder, escalation or alert just recorded, in the same
    unit of work as the event (so nobody is notified of what was undone, nor twice)."""
    event = recorded.event
    if event.kind not in KINDS:
        return 0
    return _notify(session, event)


def _notify(session: Session, event: Event) -> int:
    # where the case is, whose it is and who holds the task: from the rows the command read
    # (the sweep reads its batch's cases and steps at once), else one query; nothing is
    # flushed meanwhile, so the unit of work writes every notification at once when it commits
    with session.no_autoflush:
        territory_id, caseworker, family_name, task_id, assignee = _whereabouts(session, event)
        if event.kind == URGENT:  # its step opened in this unit of work, not flushed yet
            task_id, assignee = event.data.get("task"), event.data.get("to")
        people = {assignee} if assignee else set()
        if not task_id and event.data.get("transfer") and event.data.get("to"):
            people = {event.data["to"]}  # a transfer's proof: its caseworker (no step holds it)
        elif event.kind == "reminder" and not event.data.get("task"):
            people = {caseworker}  # a reminder about the case itself (no step): its caseworker
        if event.kind == "alert" or (event.kind == URGENT and not people):
            people |= supervisors_of(session, territory_id)
        elif event.kind == "escalation":
            people |= _escalated_to(session, event.data.get("escalate_to"), territory_id,
                                    caseworker)
    title = f"{event.title} · {family_name}"
    for username in people:
        session.add(Notification(username=username, event=event, case_id=event.case_id,
                                 task_id=task_id, kind=event.kind, title=title,
                                 created_at=event.at))
    if event.kind == URGENT and people:
        outbox.send_after_commit(session)
    return len(people)


def _whereabouts(session: Session, event: Event) -> tuple:
    """``(territory id, caseworker, family name, task id, task's assignee)`` of an event."""
    wanted = event.data.get("task")
    case = session.identity_map.get(identity_key(Case, event.case_id))
    task = session.identity_map.get(identity_key(HumanTask, wanted)) if wanted else None
    if case is not None and "household" in case.__dict__ and (task is not None or not wanted):
        return (case.territory_id, case.caseworker, case.household.family_name,
                task.id if task is not None else None, task.assignee if task else None)
    query = (select(Case.territory_id, Case.caseworker, Household.family_name, HumanTask.id,
                    HumanTask.assignee)
             .join(Household, Household.id == Case.household_id)
             .outerjoin(HumanTask, HumanTask.id == wanted)
             .where(Case.id == event.case_id))
    return tuple(session.execute(query).one())


def _escalated_to(session: Session, whom: str | None, territory_id: int,
                  caseworker: str) -> set[str]:
    """Who an escalation goes to besides the holder (events before ``escala_a``: the
    supervisors)."""
    if whom == policy.CASEWORKER:
        return {caseworker}
    if whom == policy.MANAGER:
        return people_of(session, territory_id, policy.MANAGER)
    return supervisors_of(session, territory_id)


def supervisors_of(session: Session, territory_id: int) -> set[str]:
    """Usernames of the active supervisors of a territory."""
    return people_of(session, territory_id, policy.SUPERVISOR)


def people_of(session: Session, territory_id: int, role: str) -> set[str]:
    """Usernames of the active people of a territory who have ``role`` (read once per
    transaction: a sweep's batch escalates many cases of one territory)."""
    known = transaction_memo.memo(session, PEOPLE)
    if (territory_id, role) not in known:
        query = (select(User.username, User.roles)
                 .join(user_territory, user_territory.c.user_id == User.id)
                 .where(user_territory.c.territory_id == territory_id, User.active.is_(True)))
        known[territory_id, role] = frozenset(
            username for username, roles in session.execute(query) if role in roles.split(","))
    return set(known[territory_id, role])
