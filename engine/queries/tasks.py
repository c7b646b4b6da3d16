"""Task lists: a person's own tasks and the unclaimed ones of their roles, where they work."""

from sqlalchemy import Select, func, or_, select
from sqlalchemy.orm import Session

from .. import policy
from ..core.actors import Actor
from ..persistence.models import HumanTask

# the order a person meets their steps in: the soonest due first, those without a deadline last
SOONEST_DUE_FIRST = (HumanTask.due_at.is_(None), HumanTask.due_at, HumanTask.created_at)


def task_list(session: Session, actor: Actor, *, mine: bool = True, pool: bool = True,
              limit: int = 100) -> list[HumanTask]:
    """Tasks assigned to ``actor`` and/or unclaimed tasks of their roles, in the territories
    they see; the soonest due first."""
    query = _tasks(actor, mine, pool)
    if query is None:
        return []
    return list(session.scalars(query.order_by(*SOONEST_DUE_FIRST).limit(limit)).all())


def task_page(session: Session, actor: Actor, *, mine: bool, pool: bool, offset: int,
              limit: int) -> tuple[list[HumanTask], int]:
    """One page of :func:`task_list` (the same tasks in the same order) and how many there
    are in all (the API's paged lists)."""
    query = _tasks(actor, mine, pool)
    if query is None:
        return [], 0
    total = session.scalar(select(func.count()).select_from(query.subquery()))
    rows = session.scalars(query.order_by(*SOONEST_DUE_FIRST, HumanTask.id)
                           .offset(offset).limit(limit))
    return list(rows), int(total or 0)


def _tasks(actor: Actor, mine: bool, pool: bool) -> Select | None:
    conditions = []
    if mine:
        conditions.append(HumanTask.assignee == actor.id)
    if pool:
        conditions.append(HumanTask.assignee.is_(None)
                          & policy.pool(actor, HumanTask.role, HumanTask.territory_id))
    if not conditions:
        return None
    return policy.visible(actor, select(HumanTask).where(or_(*conditions)),
                          HumanTask.territory_id)


def case_tasks(session: Session, actor: Actor, case_id: int) -> list[HumanTask]:
    """The open steps of case ``case_id`` that ``actor`` sees (whoever holds them), the
    soonest due first."""
    query = policy.visible(actor, select(HumanTask).where(HumanTask.case_id == case_id),
                           HumanTask.territory_id)
    return list(session.scalars(query.order_by(*SOONEST_DUE_FIRST, HumanTask.id)))


def next_step_held(session: Session, actor: Actor, case_id: int) -> HumanTask | None:
    """The open step of case ``case_id`` that ``actor`` holds (assigned to them), the soonest
    due first: where a caseworker goes on after completing a step, instead of back to the
    inbox. None when the case's next step is someone else's or waits in a pool."""
    query = (policy.visible(actor, select(HumanTask).where(HumanTask.case_id == case_id,
                                                            HumanTask.assignee == actor.id),
                            HumanTask.territory_id)
             .order_by(*SOONEST_DUE_FIRST)
             .limit(1))
    return session.scalars(query).first()
