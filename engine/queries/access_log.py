"""Reading the log of who looked at what: the administrators' page (filtered by person,
case, kind and date, 50 a page, limited to the territories of the countries they
administer) and a family's file (who opened it, for its supervisors)."""


from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from .. import policy
from ..core.actors import Actor
from ..persistence.access_log_models import KINDS, AccessLog
from ..persistence.log_pages import LogFilter, LogPage, one_page, within_days
from ..persistence.models import Case, Territory

RECENT = 50  # the views a case file lists


AccessFilter = LogFilter  # the filter and page every administrator's log uses
AccessPage = LogPage


def _query(session: Session, actor: Actor, f: AccessFilter):
    policy.require(session, actor, policy.READ_ACCESS_LOG, None)
    query = select(AccessLog)
    reached = policy.admin_countries(session, actor)
    if reached is not None:  # views in other countries stay unseen
        ids = select(Territory.id).where(Territory.country.in_(sorted(reached)))
        query = query.where(or_(AccessLog.territory_id.in_(ids),
                                AccessLog.territory_id.is_(None)))
    if f.person:
        query = query.where(AccessLog.actor == f.person)
    if f.case_id is not None:
        query = query.where(AccessLog.case_id == f.case_id)
    if f.kind in KINDS:
        query = query.where(AccessLog.kind == f.kind)
    return within_days(query, AccessLog.at, f)


def access_page(session: Session, actor: Actor, f: AccessFilter) -> AccessPage:
    """One page of the log (newest first) for an administrator."""
    return one_page(session, _query(session, actor, f),
                    (AccessLog.at.desc(), AccessLog.id.desc()), f)


def access_rows(session: Session, actor: Actor, f: AccessFilter) -> list[AccessLog]:
    """Every row the filter matches (the CSV), newest first."""
    query = _query(session, actor, f)
    return list(session.scalars(query.order_by(AccessLog.at.desc(), AccessLog.id.desc())))


def case_views(session: Session, actor: Actor, case: Case) -> list[AccessLog] | None:
    """Who looked at the family's file, steps and export lines (the latest first), for
    those who may see it (``see_case_access``); ``None`` for everybody else."""
    if not policy.may(session, actor, policy.SEE_CASE_ACCESS, case):
        return None
    query = (select(AccessLog).where(AccessLog.household_id == case.household_id)
             .order_by(AccessLog.at.desc(), AccessLog.id.desc()).limit(RECENT))
    return list(session.scalars(query))
