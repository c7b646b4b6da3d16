"""Handing a person's work to a colleague before they leave: every open case they hold as its
caseworker is transferred (its open steps follow it), and every other open step they hold is
reassigned. An administrator of the person's countries does it (``manage_person``); the
colleague must be one the policy lets take each case and step (``take_post``, ``take_task``),
or nothing is handed over."""

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from .. import policy
from ..core import clock
from ..core.actors import Actor
from ..core.errors import Conflict
from ..core.roles import SYSTEM_ROLE
from ..persistence.audit import record_admin
from ..persistence.models import Case, HumanTask
from ..persistence.uow import command
from .routing import Staff, transfer_case
from .tasks import reassign


@dataclass(frozen=True)
class Workload:
    """What a person holds: the open cases they are caseworker of and their open steps."""

    cases: list[Case]
    steps: list[HumanTask]

    @property
    def empty(self) -> bool:
        """Whether the person holds nothing open."""
        return not self.cases and not self.steps


def workload(session: Session, username: str) -> Workload:
    """The open cases ``username`` is the caseworker of and the open steps they hold."""
    cases = session.scalars(select(Case).where(Case.caseworker == username,
                                               Case.status == "open").order_by(Case.id)).all()
    steps = session.scalars(select(HumanTask).where(HumanTask.assignee == username)
                            .order_by(HumanTask.due_at.is_(None), HumanTask.due_at,
                                      HumanTask.id)).all()
    return Workload(list(cases), list(steps))


@command
def hand_over(session: Session, person: policy.Account, to_user: str, actor: Actor, *,
              staff: Staff, now: datetime | None = None) -> tuple[int, int]:
    """Give everything ``person`` holds to ``to_user``; ``(cases transferred, steps
    reassigned)``. Handing over to oneself is refused (``routing.already_holds``)."""
    policy.require(session, actor, policy.MANAGE_PERSON, person)
    if to_user.strip() == person.username:
        raise Conflict(f"{to_user} already holds it", code="routing.already_holds",
                       person=to_user, case="-")
    moment = now or clock.now()
    acting = Actor(actor.id, frozenset({SYSTEM_ROLE}), None)  # checked above, as the admin
    held = workload(session, person.username)
    for case in held.cases:
        transfer_case(session, case.id, to_user, acting, staff=staff, now=moment)
        _recorded(session, person, to_user, actor, moment, case, "case")
    steps = 0
    for task in workload(session, person.username).steps:
        reassign(session, task.id, to_user, acting, moment, staff=staff)
        _recorded(session, person, to_user, actor, moment, task.case_id, "step", task.title)
        steps += 1
    return len(held.cases), steps


def _recorded(session: Session, person: policy.Account, to_user: str, actor: Actor,
              moment: datetime, case, what: str, title: str | None = None) -> None:
    row = case if isinstance(case, Case) else session.get(Case, case)
    record_admin(session, "steps_handed_over", actor.id, moment, person=person.username,
                 territory=row.territory, programme_key=row.programme_key, case_id=row.id,
                 data={"to": to_user.strip(), "what": what, **({"step": title} if title else {})})
