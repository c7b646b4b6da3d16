"""Who holds a case and its steps: transferring a whole case, naming the people of a case
(its tutor, its home educator, its referent), and checking the person a step is given to.

The people are looked up by the caller (``staff``: a username to the active person as an
:class:`Actor`, or ``None``); whether they may take a step or a post is the policy's
(``take_task``, ``take_post``), so the pickers offer exactly whom these commands accept.
"""

from collections.abc import Callable
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from .. import policy
from ..core import clock, inputs
from ..core.actors import Actor
from ..core.errors import Conflict, NotAllowed
from ..persistence import audit
from ..persistence.models import Case, HumanTask
from ..persistence.uow import command
from .cases import visible_case

Staff = Callable[[str], Actor | None]
"""Looks a person up by username: the active person as an actor, or ``None``."""


def receiver(session: Session, staff: Staff, username: str, action: str,
             thing: object) -> Actor:
    """The active person called ``username`` if the policy lets them take ``thing``;
    otherwise :class:`NotAllowed` saying why (unknown, lacking the role, another territory)."""
    inputs.refuse_if(action, inputs.character_errors({"person": username}))
    person = staff(username.strip()) if username and username.strip() else None
    if person is None:
        raise NotAllowed(f"no active person called {username!r}", code="routing.unknown_person",
                         person=username)
    policy.require(session, person, action, thing)
    return person


@command
def transfer_case(session: Session, case_id: int, to_user: str, actor: Actor, *,
                  staff: Staff, now: datetime | None = None) -> Case:
    """Give the whole case to another caseworker: the case's open steps held by the former
    caseworker follow it; the history records who, from whom, to whom and how many steps.

    Only a supervisor of the case's territory may (``transfer_case``); the new caseworker
    must be an active caseworker of the territory (``take_post``).
    """
    with clock.frozen_at(now) as moment:
        case = _locked_case(session, case_id, actor)
        policy.require(session, actor, policy.TRANSFER_CASE, case)
        person = receiver(session, staff, to_user, policy.TAKE_POST,
                          policy.Post(case, policy.CASEWORKER))
        if person.id == case.caseworker:
            raise Conflict(f"{person.id} already holds case {case.id}",
                           code="routing.already_holds", person=person.id, case=case.id)
        previous = case.caseworker
        moved = move_open_steps(session, case, previous, person.id, moment)
        case.caseworker = person.id
        audit.record(session, case.id, "case_transferred", actor.id, moment,
                     title="Caso transferido",
                     data={"from": previous, "to": person.id, "tasks": moved},
                     params={"from": previous, "to": person.id, "moved": len(moved)})
        return case


def move_open_steps(session: Session, case: Case, from_user: str | None, to_user: str,
                    moment: datetime, bpmn_ids: set[str] | None = None) -> list[str]:
    """Give the case's open steps held by ``from_user`` (of ``bpmn_ids`` when given) to
    ``to_user``; return their ids."""
    query = select(HumanTask).where(HumanTask.case_id == case.id,
                                    HumanTask.assignee == from_user).with_for_update()
    moved = []
    for row in session.scalars(query):
        if bpmn_ids is None or row.bpmn_id in bpmn_ids:
            row.assignee, row.claimed_at = to_user, moment
            moved.append(row.id)
    return moved


def _locked_case(session: Session, case_id: int, actor: Actor) -> Case:
    case = visible_case(session, case_id, actor)
    session.execute(select(Case.id).where(Case.id == case.id).with_for_update())
    return case
