"""A person's data on request: everything the cases of their household hold, per section.

The export names the member (as the household keeps them, national id as people write it),
then lists each registered section's rows for the household's cases: the household, the
cases, the history with what each step recorded, the open steps and drafts, attachments (not
their content), transfers… and whatever else is registered (consents, who viewed the case).
It is kept as a request (who asked, when), without the data itself.
"""

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.orm import Session

from ... import policy
from ...core import clock, national_ids
from ...core.actors import Actor
from ...persistence.models import PrivacyRequest
from ...persistence.privacy_models import DONE, EXPORT
from ...persistence.uow import command
from .erasure import case_ids, find_household, member_of, territory_of
from .sections import Scope, collect_all


@dataclass(frozen=True)
class MemberExport:
    """What is held about one household member, ready to write as JSON or HTML."""

    request_id: int
    generated_at: datetime
    household_id: int
    family_name: str
    member: dict
    sections: dict[str, list[dict]]

    def as_json(self) -> dict:
        """The export as one JSON document."""
        return {"request": self.request_id, "generated_at": self.generated_at.isoformat(),
                "household": self.household_id, "family_name": self.family_name,
                "member": self.member, "sections": self.sections}


@command
def export_member(session: Session, actor: Actor, household_id: int, member: int,
                  at: datetime | None = None) -> MemberExport:
    """Everything held about member ``member`` (from 0) of a household."""
    household = find_household(session, household_id)
    territory = territory_of(session, household)
    policy.require(session, actor, policy.EXPORT_PERSONAL_DATA, territory)
    person, moment = dict(member_of(household, member)), at or clock.now()
    if person.get("national_id"):
        person["national_id"] = national_ids.shown(territory.country, person["national_id"])
    request = PrivacyRequest(kind=EXPORT, status=DONE, household_id=household.id, member=member,
                             territory_id=household.territory_id, requested_by=actor.id,
                             at=moment, counts={})
    session.add(request)
    session.flush()
    sections = collect_all(session, Scope(household.id, case_ids(session, household.id), member))
    request.counts = {name: len(rows) for name, rows in sections.items()}
    return MemberExport(request.id, moment, household.id, household.family_name, person,
                        sections)
