"""The retention run: which households are past their programmes' retention, and their
anonymisation, one household per savepoint.

A household is due once every case it has is closed and each is past its programme's
``[retencion] anos_tras_cierre`` (engine.programmes.retention); one anonymised before is
never listed again. The daily job (web/jobs.py) calls :func:`run_retention`; the preview and
``--dry-run`` call :func:`due_households`.
"""

from dataclasses import dataclass, field
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from ... import policy
from ...core import clock
from ...core.actors import Actor
from ...persistence.models import Case, PrivacyRequest, Programme, Territory
from ...persistence.privacy_models import DONE, RETENTION
from ...persistence.uow import command, unit_of_work
from ...programmes import retention
from .erasure import anonymise_household


@dataclass(frozen=True)
class DueHousehold:
    """A household past retention: its cases and when the last of them expired."""

    household_id: int
    family_name: str
    territory: str
    case_ids: tuple[int, ...]
    programmes: tuple[str, ...]
    closed_at: datetime
    expired_at: datetime


@dataclass
class RetentionRun:
    """What a run found and did (request ids of the households it anonymised)."""

    due: list[DueHousehold] = field(default_factory=list)
    requests: list[int] = field(default_factory=list)


def due_households(session: Session, actor: Actor, now: datetime | None = None,
                   country: str | None = None) -> list[DueHousehold]:
    """The households past retention at ``now``, in the countries the actor administers."""
    policy.require(session, actor, policy.RUN_RETENTION, country)
    now = clock.as_utc(now or clock.now())
    done = select(PrivacyRequest.household_id).where(PrivacyRequest.kind == RETENTION,
                                                     PrivacyRequest.status == DONE)
    still_open = select(Case.household_id).where(Case.status != "closed")
    old_enough = select(Case.household_id).where(Case.closed_at <= _earliest_cutoff(session, now))
    query = (select(Case).join(Territory, Territory.id == Case.territory_id)
             .where(Case.household_id.in_(old_enough), Case.household_id.not_in(still_open),
                    Case.household_id.not_in(done))
             .order_by(Case.household_id, Case.id))
    by_household: dict[int, list[Case]] = {}
    for case in session.scalars(query):
        if country is None or case.territory.country == country:
            by_household.setdefault(case.household_id, []).append(case)
    found = [_due(cases, now) for cases in by_household.values()]
    return [d for d in found if d is not None and _reaches(session, actor, d)]


def _earliest_cutoff(session: Session, now: datetime) -> datetime:
    """A moment after which no case past retention closed (now less the shortest retention
    of any programme, a day later to be safe), so only those households are read."""
    rules = [retention.rule_of(s) for s in session.scalars(select(Programme.settings))]
    years = min([r.years for r in rules] or [retention.DEFAULT_YEARS])
    day = 28 if (now.month, now.day) == (2, 29) else now.day
    return now.replace(year=now.year - years, day=day) + timedelta(days=1)


def _due(cases: list[Case], now: datetime) -> DueHousehold | None:
    if any(c.status != "closed" or c.closed_at is None for c in cases):
        return None
    expiries = [retention.rule_of(c.programme.settings).expires(clock.as_utc(c.closed_at))
                for c in cases]
    if max(expiries) > now:
        return None
    first = cases[0]
    return DueHousehold(first.household_id, first.household.family_name, first.territory.name,
                        tuple(c.id for c in cases), tuple(sorted({c.programme_key for c in cases})),
                        max(clock.as_utc(c.closed_at) for c in cases), max(expiries))


def _reaches(session: Session, actor: Actor, due: DueHousehold) -> bool:
    case = session.get(Case, due.case_ids[0])
    return policy.may(session, actor, policy.ERASE_PERSONAL_DATA, case.territory)


@command
def run_retention(session: Session, actor: Actor, now: datetime | None = None,
                  country: str | None = None) -> RetentionRun:
    """Anonymise every household past retention (each in its own savepoint)."""
    now = clock.as_utc(now or clock.now())
    run = RetentionRun(due_households(session, actor, now, country))
    for due in run.due:
        with unit_of_work(session):
            run.requests.append(anonymise_household(session, actor, due.household_id, now).id)
    return run
