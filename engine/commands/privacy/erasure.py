"""Erasing one household member's data, and anonymising a whole household (retention).

Both run every registered section (engine.commands.privacy.sections) over the household's
cases inside the caller's unit of work, keep a :class:`PrivacyRequest` with the rows changed
per section, and append a ``personal_data_erased`` event to each case's trail (its params
say which request, never whose data). An erasure a legal hold forbids is kept as a refused
request with the reason, and changes nothing else.
"""

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from ... import policy
from ...core import clock
from ...core.actors import Actor
from ...core.errors import NotFound
from ...definitions import households
from ...persistence import audit
from ...persistence.models import Case, Household, PrivacyRequest, Territory
from ...persistence.privacy_models import DONE, ERASURE, REFUSED, RETENTION
from ...persistence.uow import command
from .builtin import household_identifiers, member_identifiers
from .holds import legal_hold
from .redaction import PLACEHOLDER, Redactor
from .sections import Scope, scrub_all

ERASED = "personal_data_erased"  # audit kind


def find_household(session: Session, household_id: int) -> Household:
    """The household, or ``household.not_found``."""
    household = session.get(Household, household_id)
    if household is None:
        raise NotFound(f"no household {household_id}", code="household.not_found",
                       household=household_id, territory="-")
    return household


def member_of(household: Household, member: int) -> dict:
    """The stored member at position ``member`` (from 0), or ``privacy.no_such_member``."""
    stored = [m for m in household.members or [] if isinstance(m, dict)]
    if not 0 <= member < len(stored):
        raise NotFound(f"household {household.id} has no member {member + 1}",
                       code="privacy.no_such_member", household=household.id, member=member + 1)
    return households.canonical(stored[member])


def case_ids(session: Session, household_id: int) -> tuple[int, ...]:
    """The ids of every case of the household."""
    return tuple(session.scalars(select(Case.id).where(Case.household_id == household_id)
                                 .order_by(Case.id)))


@command
def erase_member(session: Session, actor: Actor, household_id: int, member: int,
                 at: datetime | None = None) -> PrivacyRequest:
    """Erase member ``member`` (position from 0) of a household everywhere the cases keep
    data; returns the request, ``refused`` (with ``reason``) under a legal hold or when the
    member was erased before."""
    household = find_household(session, household_id)
    policy.require(session, actor, policy.ERASE_PERSONAL_DATA, territory_of(session, household))
    person, moment = member_of(household, member), at or clock.now()
    request = PrivacyRequest(kind=ERASURE, household_id=household.id, member=member,
                             territory_id=household.territory_id, requested_by=actor.id,
                             at=moment, counts={})
    refusal = _refusal(session, household, person)
    if refusal is not None:
        request.status, (request.reason, request.params) = REFUSED, refusal
        session.add(request)
        session.flush()
        return request
    country = territory_of(session, household).country
    redactor = Redactor.of(member_identifiers(person, household.family_name, country))
    return _run(session, request, Scope(household.id, case_ids(session, household.id), member),
                redactor, moment)


def _refusal(session: Session, household: Household, person: dict) -> tuple | None:
    if person.get("name") == PLACEHOLDER:
        return "privacy.already_erased", {"household": household.id}
    hold = legal_hold(session, household.id)
    if hold is not None:
        return "privacy.legal_hold", {"case": hold.case_id, "act": hold.act}
    return None


@command
def anonymise_household(session: Session, actor: Actor, household_id: int,
                        at: datetime | None = None) -> PrivacyRequest:
    """Anonymise a whole household and its cases (the retention run): every name, id,
    address, free text and attachment goes; codes, numbers and dates the reports count stay."""
    household = find_household(session, household_id)
    country = territory_of(session, household).country
    redactor = Redactor.of(household_identifiers(household, country), free_text=True)
    moment = at or clock.now()
    request = PrivacyRequest(kind=RETENTION, household_id=household.id,
                             territory_id=household.territory_id, requested_by=actor.id,
                             at=moment, counts={})
    return _run(session, request, Scope(household.id, case_ids(session, household.id)),
                redactor, moment)


def _run(session: Session, request: PrivacyRequest, scope: Scope, redactor: Redactor,
         moment: datetime) -> PrivacyRequest:
    request.status = DONE
    session.add(request)
    session.flush()
    scope = Scope(scope.household_id, scope.case_ids, scope.member, request.id)
    request.counts = scrub_all(session, scope, redactor)
    for case_id in scope.case_ids:
        audit.record(session, case_id, ERASED, request.requested_by, moment,
                     data={"request": request.id, "kind": request.kind},
                     code="event.personal_data_erased",
                     params={"request": request.id, "kind": request.kind})
    session.flush()
    return request


def territory_of(session: Session, household: Household) -> Territory:
    """The household's territory row."""
    return session.get(Territory, household.territory_id)
