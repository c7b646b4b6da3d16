"""The installation's audit trail, written and read: every change to people, roles,
territories, the programmes they run and their holidays (``admin_event``), read back by an
administrator filtered by person, case, kind and date, limited to the countries they
administer (engine.policy)."""

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session

from .. import policy
from ..core.actors import Actor
from ..persistence.audit import ADMIN_KINDS, record_admin
from ..persistence.models import AdminEvent

PER_PAGE = 50
KINDS = ADMIN_KINDS


def record_change(session: Session, kind: str, actor: str, at: datetime, **fields) -> AdminEvent:
    """Append one change (of ``KINDS``) to the trail: ``person``, ``territory`` (a row),
    ``programme_key``, ``case_id``, ``data`` (what the web's account changes record)."""
    return record_admin(session, kind, actor, at, **fields)


@dataclass(frozen=True)
class TrailFilter:
    """What the trail is filtered by (each optional) and which page."""

    person: str | None = None
    case_id: int | None = None
    kind: str | None = None
    since: date | None = None
    until: date | None = None
    page: int = 1


@dataclass(frozen=True)
class TrailPage:
    """One page of the trail, newest first."""

    rows: list[AdminEvent]
    total: int
    page: int

    @property
    def pages(self) -> int:
        """How many pages there are (at least one)."""
        return max(1, -(-self.total // PER_PAGE))


def _query(session: Session, actor: Actor, f: TrailFilter):
    policy.require(session, actor, policy.ADMINISTER, None)
    query = select(AdminEvent)
    reached = policy.admin_countries(session, actor)
    if reached is not None:  # changes in other countries stay unseen
        query = query.where(or_(AdminEvent.country.in_(sorted(reached)),
                                AdminEvent.country.is_(None)))
    if f.person:
        query = query.where(or_(AdminEvent.person == f.person, AdminEvent.actor == f.person))
    if f.case_id is not None:
        query = query.where(AdminEvent.case_id == f.case_id)
    if f.kind:
        query = query.where(AdminEvent.kind == f.kind)
    if f.since:
        query = query.where(AdminEvent.at >= datetime.combine(f.since, time()).astimezone())
    if f.until:
        query = query.where(AdminEvent.at < datetime.combine(f.until + timedelta(days=1),
                                                             time()).astimezone())
    return query


def trail_page(session: Session, actor: Actor, f: TrailFilter) -> TrailPage:
    """The page ``f`` asks for of the changes ``actor`` may read."""
    query = _query(session, actor, f)
    total = session.scalar(select(func.count()).select_from(query.subquery()))
    rows = session.scalars(query.order_by(AdminEvent.at.desc(), AdminEvent.id.desc())
                           .offset((max(f.page, 1) - 1) * PER_PAGE).limit(PER_PAGE)).all()
    return TrailPage(list(rows), total, max(f.page, 1))


def trail_rows(session: Session, actor: Actor, f: TrailFilter, limit: int = 100_000):
    """Every change ``f`` selects (for the CSV), newest first."""
    query = _query(session, actor, f).order_by(AdminEvent.at.desc(), AdminEvent.id.desc())
    return session.scalars(query.limit(limit)).all()
