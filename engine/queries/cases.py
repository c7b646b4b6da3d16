"""Finding cases: by family name, programme and status, among those the actor may see."""

from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from .. import policy
from ..core.actors import Actor
from ..persistence.models import Case, Household

MAX_FOUND = 200


@dataclass(frozen=True)
class CaseSearch:
    """What to look for; every part is optional."""

    family: str | None = None
    programme: str | None = None
    status: str | None = None
    limit: int = 50


def search_cases(session: Session, actor: Actor, search: CaseSearch | None = None) -> list[Case]:
    """The cases ``actor`` may see that match ``search`` (family name contains the text, in
    any case), the newest first."""
    search = search or CaseSearch()
    query = policy.visible(actor, select(Case).join(Household, Household.id == Case.household_id))
    if search.family:
        query = query.where(func.lower(Household.family_name).contains(search.family.lower(),
                                                                       autoescape=True))
    if search.programme:
        query = query.where(Case.programme_key == search.programme)
    if search.status:
        query = query.where(Case.status == search.status)
    limit = max(1, min(search.limit, MAX_FOUND))
    return list(session.scalars(query.order_by(Case.opened_at.desc(), Case.id.desc())
                                .limit(limit)))
