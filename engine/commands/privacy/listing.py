"""What the privacy page reads: a case's household members (with any legal hold), and the
latest privacy requests of the territories an administrator reaches."""

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from ... import policy
from ...core import national_ids
from ...core.actors import Actor
from ...core.errors import NotFound
from ...definitions import households
from ...persistence.models import Case, PrivacyRequest, Territory
from .erasure import territory_of
from .holds import LegalHold, legal_hold
from .redaction import PLACEHOLDER


@dataclass(frozen=True)
class Person:
    """One household member as the page lists them (``index`` from 0)."""

    index: int
    name: str
    national_id: str
    age: int | None
    erased: bool


@dataclass(frozen=True)
class HouseholdPeople:
    """A case's household: its members and the legal hold on it, if any."""

    household_id: int
    family_name: str
    case_ids: tuple[int, ...]
    people: list[Person]
    hold: LegalHold | None


def people_of_case(session: Session, actor: Actor, case_id: int) -> HouseholdPeople:
    """The members of case ``case_id``'s household (``case.not_found`` when there is none or
    the actor may not handle its personal data)."""
    case = session.get(Case, case_id)
    if case is None or not policy.may(session, actor, policy.ERASE_PERSONAL_DATA,
                                      territory_of(session, case.household)):
        raise NotFound(f"no case {case_id}", code="case.not_found", case=case_id)
    household = case.household
    country = case.territory.country
    people = [Person(i, m.name, national_ids.shown(country, m.national_id), m.age,
                     m.name == PLACEHOLDER)
              for i, m in enumerate(households.members_of(household))]
    cases = tuple(session.scalars(select(Case.id).where(Case.household_id == household.id)))
    return HouseholdPeople(household.id, household.family_name, cases, people,
                           legal_hold(session, household.id))


@dataclass(frozen=True)
class RequestRow:
    """One privacy request as the page lists it."""

    id: int
    kind: str
    status: str
    at: datetime
    requested_by: str
    household_id: int | None
    member: int | None
    territory: str | None
    reason: str | None
    params: dict


def recent_requests(session: Session, actor: Actor, limit: int = 50) -> list[RequestRow]:
    """The latest requests of the territories whose personal data the actor handles."""
    query = (select(PrivacyRequest, Territory).outerjoin(
        Territory, Territory.id == PrivacyRequest.territory_id)
        .order_by(PrivacyRequest.at.desc(), PrivacyRequest.id.desc()).limit(limit * 4))
    rows = []
    for request, territory in session.execute(query):
        if territory is not None and not policy.may(session, actor, policy.ERASE_PERSONAL_DATA,
                                                    territory):
            continue
        rows.append(RequestRow(request.id, request.kind, request.status, request.at,
                               request.requested_by, request.household_id, request.member,
                               territory.name if territory else None, request.reason,
                               request.params or {}))
    return rows[:limit]
