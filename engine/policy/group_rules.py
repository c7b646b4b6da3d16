"""Who runs a programme's group sessions (a Triple P seminar or workshop session).

- ``run_group_session`` (:class:`~engine.policy.rules.Opening`: the programme in a
  territory): a facilitator (caseworker) or the coordination (supervisor) working in the
  territory, where the programme is enabled; it covers listing the territory's sessions,
  creating one, saving its attendance list and submitting it.
- ``record_group_attendance`` (HumanTask: a listed family's open step): one who has the
  step's role in its territory, or supervises it; unlike ``work_task`` the step may be held by
  another facilitator (the family's own), since the session's facilitator records the group.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from sqlalchemy.orm import Session

from ..core.roles import CASEWORKER, SUPERVISOR, SYSTEM_ROLE
from ..persistence.models import HumanTask
from .rules import (
    RULES,
    Opening,
    Refusal,
    _outside,
    _rule,
    _task_role,
    needs_role,
    not_allowed,
    unseen_task,
)
from .scope import supervises

if TYPE_CHECKING:
    from ..core.actors import Actor

RUN_GROUP_SESSION, RECORD_GROUP_ATTENDANCE = "run_group_session", "record_group_attendance"
FACILITATORS = frozenset({CASEWORKER, SUPERVISOR, SYSTEM_ROLE})


@_rule(RUN_GROUP_SESSION)
def _run_group_session(session: Session, actor: Actor, where: Opening | None) -> Refusal:
    """``where`` None: whether the actor runs group sessions anywhere (the page's link)."""
    refusal = needs_role(actor, RUN_GROUP_SESSION, FACILITATORS)
    if where is None or refusal is not None:
        return refusal
    refusal = _outside(actor, RUN_GROUP_SESSION, where)
    if refusal is None and not where.enabled:
        refusal = not_allowed(
            actor, RUN_GROUP_SESSION,
            f"{where.programme.key} is not enabled in {where.territory.code}",
            code="policy.programme_not_enabled", programme=where.programme.key,
            territory=where.territory.code)
    return refusal


@_rule(RECORD_GROUP_ATTENDANCE)
def _record_group_attendance(session: Session, actor: Actor, task: HumanTask) -> Refusal:
    refusal = unseen_task(actor, task)
    if refusal is None and not (actor.may_work(task.role, task.territory_id)
                                or supervises(actor, task.territory_id)):
        refusal = _task_role(actor, RECORD_GROUP_ATTENDANCE, task)
    return refusal


assert RULES[RUN_GROUP_SESSION] is _run_group_session
