"""Overdue work in a supervisor's territories: by person, programme, territory and age."""

from collections import Counter
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from sqlalchemy import case, func, select
from sqlalchemy.orm import Session

from engine.mirror import OVERDUE_CLOSED
from engine.models import Case, Event, Household, HumanTask, Territory

BUCKETS = (("1–7", 1, 7), ("8–30", 8, 30), (">30", 31, None))
WEEKS = 12
UNASSIGNED = "(sin asignar)"


@dataclass(frozen=True)
class OverdueTask:
    """One overdue step, as the drill-down lists it."""

    task: HumanTask
    family_name: str
    territory_name: str
    days_late: int


def days_late(due: datetime, now: datetime) -> int:
    """Whole days late, counting a started day as one."""
    return max(1, -(-int((now - due).total_seconds()) // 86400))


def _overdue(query, territories: frozenset[int] | None, now: datetime):
    query = query.where(HumanTask.due_at <= now)
    if territories is not None:
        query = query.where(HumanTask.territory_id.in_(territories))
    return query


def overdue_tasks(session: Session, territories: frozenset[int] | None, now: datetime,
                  limit: int | None = None) -> list[OverdueTask]:
    """The overdue open steps in the territories, most late first (``limit`` of them).

    The page is cut on ``human_task`` alone (its due-date index) before names are joined.
    """
    page = (_overdue(select(HumanTask.id), territories, now)
            .order_by(HumanTask.due_at, HumanTask.id).limit(limit).subquery())
    query = (select(HumanTask, Household.family_name, Territory.name)
             .join(page, page.c.id == HumanTask.id)
             .join(Case, Case.id == HumanTask.case_id)
             .join(Household, Household.id == Case.household_id)
             .join(Territory, Territory.id == HumanTask.territory_id)
             .order_by(HumanTask.due_at, HumanTask.id))
    return [OverdueTask(task, family, territory, days_late(task.due_at, now))
            for task, family, territory in session.execute(query)]


@dataclass(frozen=True)
class Summary:
    """The dashboard's figures."""

    total: int
    by_person: Counter
    by_programme: Counter
    by_territory: Counter
    by_age: Counter
    caseload: Counter
    weekly: list[tuple[datetime, int]]


def summary(session: Session, territories: frozenset[int] | None, now: datetime) -> Summary:
    """Counts by person, programme, territory and age; caseload; the 12-week trend."""
    by_person, by_programme, by_territory, by_age = Counter(), Counter(), Counter(), Counter()
    names = dict(session.execute(select(Territory.id, Territory.name)).all())
    for person, programme, territory, age, count in _overdue_groups(session, territories, now):
        by_person[person or UNASSIGNED] += count
        by_programme[programme] += count
        by_territory[names.get(territory, territory)] += count
        by_age[age] += count
    return Summary(
        total=sum(by_person.values()), by_person=by_person, by_programme=by_programme,
        by_territory=by_territory, by_age=Counter({b: by_age[b] for b, _, _ in BUCKETS}),
        caseload=caseload(session, territories),
        weekly=weekly_overdue(session, territories, now),
    )


def _overdue_groups(session: Session, territories, now: datetime):
    """One pass over the overdue steps, counted by person, programme, territory and age."""
    age = case(*[(HumanTask.due_at >= now - timedelta(days=high), name)
                 for name, _, high in BUCKETS if high is not None], else_=BUCKETS[-1][0])
    columns = (HumanTask.assignee, HumanTask.programme_key, HumanTask.territory_id, age)
    query = _overdue(select(*columns, func.count(HumanTask.id)), territories, now)
    return session.execute(query.group_by(*columns)).all()


def caseload(session: Session, territories: frozenset[int] | None) -> Counter:
    """Open cases per caseworker."""
    query = select(Case.caseworker, func.count(Case.id)).where(Case.status == "open")
    if territories is not None:
        query = query.where(Case.territory_id.in_(territories))
    return Counter(dict(session.execute(query.group_by(Case.caseworker)).all()))


def weekly_overdue(session: Session, territories: frozenset[int] | None,
                   now: datetime) -> list[tuple[datetime, int]]:
    """How many steps were overdue at the end of each of the last 12 weeks.

    A step is overdue from its escalation until it is done or ends. Steps still open are
    counted from ``human_task.escalated_at``; steps closed within the period from their
    ``overdue_closed`` events, which say since when they were overdue.
    """
    moments = [now - timedelta(weeks=back) for back in range(WEEKS - 1, -1, -1)]
    still_open = [func.count(HumanTask.id).filter(HumanTask.escalated_at <= m) for m in moments]
    query = select(*still_open).where(HumanTask.escalated_at.is_not(None))
    if territories is not None:
        query = query.where(HumanTask.territory_id.in_(territories))
    counts = list(session.execute(query).one())
    for since, closed in _closed_since(session, territories, moments[0]):
        for index, moment in enumerate(moments):
            if since <= moment < closed:
                counts[index] += 1
    return list(zip(moments, counts, strict=True))


def _closed_since(session: Session, territories, start: datetime):
    """``(overdue since, closed at)`` of each overdue step closed after ``start``."""
    query = (select(Event.data, Event.at).join(Case, Case.id == Event.case_id)
             .where(Event.kind == OVERDUE_CLOSED, Event.at > start))
    if territories is not None:
        query = query.where(Case.territory_id.in_(territories))
    for data, closed in session.execute(query):
        yield datetime.fromisoformat(data["since"]).replace(tzinfo=UTC), closed
