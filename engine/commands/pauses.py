"""Pausing a case's deadlines while it waits on the family, and resuming them.

While paused the case has no timer rows, so no sweep touches it. Resuming moves every
waiting timer later by the length of the pause, and the due dates people see move with them.
"""

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from .. import policy
from ..core import clock, inputs
from ..core.actors import Actor
from ..core.errors import Conflict
from ..persistence import audit
from ..persistence.models import Case, ProcessInstance
from ..persistence.uow import command
from ..runtime.workflow import postpone_timers
from . import store
from .cases import visible_case

MAX_REASON = inputs.MAX_PAUSE_REASON  # characters, as the case page's field allows


@command
def pause_deadlines(session: Session, case_id: int, actor: Actor, reason: str,
                    now: datetime | None = None) -> None:
    """Stop the case's clocks (e.g. the family is away for a month).

    A reason longer than ``MAX_REASON`` characters (or with a NUL) raises
    :class:`InvalidInput` and changes nothing.
    """
    inputs.refuse_if("pause_deadlines",
                     inputs.text_errors("reason", reason, MAX_REASON))
    with clock.frozen_at(now) as moment:
        loaded = _load(session, case_id, actor)
        if loaded.case.deadlines_paused_at is not None:
            raise Conflict("the deadlines of this case are already paused",
                           code="deadlines.already_paused", case=case_id)
        loaded.catch_up(moment)  # what was due before the pause still fires
        loaded.case.deadlines_paused_at = moment
        audit.record(session, case_id, "deadlines_paused", actor.id, moment,
                     title="Plazos en pausa", data={"reason": reason}, params={"reason": reason})
        store.save(session, loaded, moment)


@command
def resume_deadlines(session: Session, case_id: int, actor: Actor,
                     now: datetime | None = None) -> None:
    """Restart the clocks: every waiting deadline moves later by the pause's length."""
    with clock.frozen_at(now) as moment:
        loaded = _load(session, case_id, actor)
        paused_at = loaded.case.deadlines_paused_at
        if paused_at is None:
            raise Conflict("the deadlines of this case are not paused",
                           code="deadlines.not_paused", case=case_id)
        moved = postpone_timers(loaded.workflow, moment - paused_at)
        loaded.case.deadlines_paused_at = None
        audit.record(session, case_id, "deadlines_resumed", actor.id, moment,
                     title="Plazos reanudados",
                     data={"paused_days": (moment - paused_at).days, "timers": moved},
                     params={"days": (moment - paused_at).days})
        store.save(session, loaded, moment)


def may_pause(case: Case, actor: Actor) -> bool:
    """Whether ``actor`` may pause or resume the case's deadlines: its own caseworker, or a
    supervisor of its territory (a colleague of the territory may not)."""
    return policy.may(Session.object_session(case), actor, policy.PAUSE_DEADLINES, case)


def _load(session: Session, case_id: int, actor: Actor):
    case = visible_case(session, case_id, actor)
    policy.require(session, actor, policy.PAUSE_DEADLINES, case)
    instance_id = session.scalar(select(ProcessInstance.id)
                                 .where(ProcessInstance.case_id == case.id))
    return store.load_for_update(session, instance_id)
