"""The supervisor's dashboard: overdue work in the territories the actor sees, by person,
programme, territory and age; caseloads; the 12-week trend; cases with an open incident."""

from collections import Counter
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import case, func, select
from sqlalchemy.orm import Session

from .. import policy
from ..commands.incidents import OPEN
from ..core.actors import Actor
from ..persistence.mirror import OVERDUE_CLOSED, overdue_since
from ..persistence.models import Case, Event, Household, HumanTask, Incident, Territory

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


def _seen(actor: Actor, query, territory_column=Case.territory_id):
    """What a supervisor of the actor's territories sees (nothing for anyone else)."""
    return policy.visible(actor, query, territory_column, action=policy.SUPERVISE)


def days_late(due: datetime, now: datetime) -> int:
    """Whole days late, counting a started day as one."""
    return max(1, -(-int((now - due).total_seconds()) // 86400))


def _overdue(query, actor: Actor, now: datetime):
    return _seen(actor, query.where(HumanTask.due_at <= now), HumanTask.territory_id)


def overdue_tasks(session: Session, actor: Actor, now: datetime,
                  limit: int | None = None, offset: int = 0) -> list[OverdueTask]:
    """The overdue open steps ``actor`` sees, most late first (``limit`` of them, after
    ``offset``).

    The page is cut on ``human_task`` alone (its due-date index) before names are joined.
    """
    page = (_overdue(select(HumanTask.id), actor, now)
            .order_by(HumanTask.due_at, HumanTask.id).offset(offset).limit(limit).subquery())
    query = (select(HumanTask, Household.family_name, Territory.name)
             .join(page, page.c.id == HumanTask.id)
             .join(Case, Case.id == HumanTask.case_id)
             .join(Household, Household.id == Case.household_id)
             .join(Territory, Territory.id == HumanTask.territory_id)
             .order_by(HumanTask.due_at, HumanTask.id))
    return [OverdueTask(task, family, territory, days_late(task.due_at, now))
            for task, family, territory in session.execute(query)]


def overdue_count(session: Session, actor: Actor, now: datetime) -> int:
    """How many overdue open steps ``actor`` sees (what :func:`overdue_tasks` pages)."""
    query = _overdue(select(func.count(HumanTask.id)), actor, now)
    return int(session.scalar(query) or 0)


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


def summary(session: Session, actor: Actor, now: datetime) -> Summary:
    """Counts by person, programme, territory and age; caseload; the 12-week trend."""
    by_person, by_programme, by_territory, by_age = Counter(), Counter(), Counter(), Counter()
    names = dict(session.execute(select(Territory.id, Territory.name)).all())
    for person, programme, territory, age, count in _overdue_groups(session, actor, now):
        by_person[person or UNASSIGNED] += count
        by_programme[programme] += count
        by_territory[names.get(territory, territory)] += count
        by_age[age] += count
    return Summary(
        total=sum(by_person.values()), by_person=by_person, by_programme=by_programme,
        by_territory=by_territory, by_age=Counter({b: by_age[b] for b, _, _ in BUCKETS}),
        caseload=caseload(session, actor),
        weekly=weekly_overdue(session, actor, now),
    )


def _overdue_groups(session: Session, actor: Actor, now: datetime):
    """One pass over the overdue steps, counted by person, programme, territory and age."""
    age = case(*[(HumanTask.due_at >= now - timedelta(days=high), name)
                 for name, _, high in BUCKETS if high is not None], else_=BUCKETS[-1][0])
    columns = (HumanTask.assignee, HumanTask.programme_key, HumanTask.territory_id, age)
    # count(*), not count(id): the index holds every column read, so nothing else is
    query = _overdue(select(*columns, func.count()), actor, now)
    return session.execute(query.group_by(*columns)).all()


def caseload(session: Session, actor: Actor) -> Counter:
    """Open cases per caseworker."""
    query = _seen(actor, select(Case.caseworker, func.count())  # from ix_case_caseload alone
                           .where(Case.status == "open"))
    return Counter(dict(session.execute(query.group_by(Case.caseworker)).all()))


def weekly_overdue(session: Session, actor: Actor, now: datetime) -> list[tuple[datetime, int]]:
    """How many steps were overdue at the end of each of the last 12 weeks.

    A step is overdue from its escalation until it is done or ends. Steps still open are
    counted from ``human_task.escalated_at``; steps closed within the period from their
    ``overdue_closed`` events, which say since when they were overdue. Both are counted in
    SQL, one statement each, however many steps there are.
    """
    moments = [now - timedelta(weeks=back) for back in range(WEEKS - 1, -1, -1)]
    still_open = [func.count().filter(HumanTask.escalated_at <= m) for m in moments]
    query = _seen(actor, select(*still_open).where(HumanTask.escalated_at.is_not(None)),
                           HumanTask.territory_id)
    counts = list(session.execute(query).one())
    closed = list(session.execute(_closed_since(actor, moments)).one())
    return [(moment, (opened or 0) + (ended or 0))
            for moment, opened, ended in zip(moments, counts, closed, strict=True)]


def _closed_since(actor: Actor, moments: list[datetime]):
    """Per moment, the overdue steps closed after the first moment that were overdue then:
    overdue since (the event's ``since``, UTC ISO text) at or before it, closed after it."""
    since = Event.data["since"].as_string()
    columns = [func.count(Event.id).filter(since <= overdue_since(m), Event.at > m)
               for m in moments]
    return _seen(actor, select(*columns).join(Case, Case.id == Event.case_id)
                 .where(Event.kind == OVERDUE_CLOSED, Event.at > moments[0]))


def cases_with_open_incident(session: Session, actor: Actor) -> int:
    """How many cases ``actor`` sees have an open incident."""
    query = (select(func.count(func.distinct(Incident.case_id)))
             .join(Case, Case.id == Incident.case_id).where(Incident.status == OPEN))
    return session.scalar(_seen(actor, query)) or 0
