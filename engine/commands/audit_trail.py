"""The installation's audit trail, written and read: every change to people, roles,
territories, the programmes they run and their holidays (``admin_event``), read back by an
administrator filtered by person, case, kind and date, limited to the countries they
administer (engine.policy)."""

from datetime import datetime

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from .. import policy
from ..core.actors import Actor
from ..persistence.audit import ADMIN_KINDS, record_admin
from ..persistence.log_pages import LogFilter, LogPage, one_page, within_days
from ..persistence.models import AdminEvent

KINDS = ADMIN_KINDS


def record_change(session: Session, kind: str, actor: str, at: datetime, **fields) -> AdminEvent:
    """Append one change (of ``KINDS``) to the trail: ``person``, ``territory`` (a row),
    ``programme_key``, ``case_id``, ``data`` (what the web's account changes record)."""
    return record_admin(session, kind, actor, at, **fields)


TrailFilter = LogFilter  # the filter and page every administrator's log uses
TrailPage = LogPage


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
    return within_days(query, AdminEvent.at, f)


def trail_page(session: Session, actor: Actor, f: TrailFilter) -> TrailPage:
    """The page ``f`` asks for of the changes ``actor`` may read."""
    return one_page(session, _query(session, actor, f),
                    (AdminEvent.at.desc(), AdminEvent.id.desc()), f)


def trail_rows(session: Session, actor: Actor, f: TrailFilter, limit: int = 100_000):
    """Every change ``f`` selects (for the CSV), newest first."""
    query = _query(session, actor, f).order_by(AdminEvent.at.desc(), AdminEvent.id.desc())
    return session.scalars(query.limit(limit)).all()
