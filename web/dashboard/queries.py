"""Overdue work in a supervisor's territories: by person, programme, territory and age."""

from collections import Counter
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import and_, exists, func, select
from sqlalchemy.orm import Session, aliased

from engine.models import Case, Event, Household, HumanTask, Territory

BUCKETS = (("1–7", 1, 7), ("8–30", 8, 30), (">30", 31, None))
WEEKS = 12


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
    """The overdue open steps in the territories, most late first (``limit`` of them)."""
    query = _overdue(select(HumanTask, Household.family_name, Territory.name)
                     .join(Case, Case.id == HumanTask.case_id)
                     .join(Household, Household.id == Case.household_id)
                     .join(Territory, Territory.id == HumanTask.territory_id),
                     territories, now).order_by(HumanTask.due_at, HumanTask.id).limit(limit)
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
    by_person = _grouped(session, func.coalesce(HumanTask.assignee, "(sin asignar)"),
                         territories, now)
    return Summary(
        total=sum(by_person.values()),
        by_person=by_person,
        by_programme=_grouped(session, HumanTask.programme_key, territories, now),
        by_territory=_grouped(session, Territory.name, territories, now, join_territory=True),
        by_age=_ages(session, territories, now),
        caseload=caseload(session, territories),
        weekly=weekly_overdue(session, territories, now),
    )


def _grouped(session: Session, column, territories, now, join_territory=False) -> Counter:
    query = select(column, func.count(HumanTask.id))
    if join_territory:
        query = query.join(Territory, Territory.id == HumanTask.territory_id)
    query = _overdue(query, territories, now).group_by(column)
    return Counter(dict(session.execute(query).all()))


def _ages(session: Session, territories, now: datetime) -> Counter:
    """Overdue steps per aging bucket (a started day late counts as a day)."""
    ages = Counter()
    for name, low, high in BUCKETS:
        query = _overdue(select(func.count(HumanTask.id)), territories, now)
        if low > 1:  # more than low-1 whole days late
            query = query.where(HumanTask.due_at < now - timedelta(days=low - 1))
        if high is not None:  # at most high days late
            query = query.where(HumanTask.due_at >= now - timedelta(days=high))
        ages[name] = session.scalar(query) or 0
    return ages


def caseload(session: Session, territories: frozenset[int] | None) -> Counter:
    """Open cases per caseworker."""
    query = select(Case.caseworker, func.count(Case.id)).where(Case.status == "open")
    if territories is not None:
        query = query.where(Case.territory_id.in_(territories))
    return Counter(dict(session.execute(query.group_by(Case.caseworker)).all()))


def weekly_overdue(session: Session, territories: frozenset[int] | None,
                   now: datetime) -> list[tuple[datetime, int]]:
    """How many steps were overdue at the end of each of the last 12 weeks.

    A step is overdue at a moment when its escalation had fired and it was not yet done.
    """
    done = aliased(Event)
    weeks = []
    for back in range(WEEKS - 1, -1, -1):
        moment = now - timedelta(weeks=back)
        completed = exists().where(and_(done.kind == "task_completed", done.at <= moment,
                                        done.task_id == Event.data["task"].as_string()))
        query = (select(func.count(Event.id)).join(Case, Case.id == Event.case_id)
                 .where(Event.kind == "escalation", Event.at <= moment, ~completed))
        if territories is not None:
            query = query.where(Case.territory_id.in_(territories))
        weeks.append((moment, session.scalar(query) or 0))
    return weeks
