"""What a person reads of household imports: where they may import (each programme in each
territory the policy's ``import_households`` lets them), their territories' recent imports,
and one import with its progress and its rows."""

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from .. import policy
from ..commands import household_import_runs, household_imports
from ..core.actors import Actor
from ..persistence.models import (
    HouseholdImport,
    HouseholdImportRow,
    Programme,
    ProgrammeTerritory,
    Territory,
)
from ..policy import Opening

RECENT = 20


@dataclass(frozen=True)
class Place:
    """A programme in a territory where the person may import households."""

    programme_key: str
    programme_name: str
    territory_code: str
    territory_name: str


def places(session: Session, actor: Actor) -> list[Place]:
    """Every programme and territory the actor may import households into."""
    query = (select(Programme, Territory, ProgrammeTerritory.starts_on)
             .join(ProgrammeTerritory, ProgrammeTerritory.programme_key == Programme.key)
             .join(Territory, Territory.id == ProgrammeTerritory.territory_id)
             .order_by(Territory.name, Programme.name))
    found = []
    for programme, territory, starts_on in session.execute(policy.visible(
            actor, query, Territory.id)):
        if policy.may(session, actor, policy.IMPORT_HOUSEHOLDS,
                      Opening(programme, territory, True, starts_on)):
            found.append(Place(programme.key, programme.name, territory.code, territory.name))
    return found


def recent(session: Session, actor: Actor) -> list[HouseholdImport]:
    """The latest imports of the places the actor may import into, newest first."""
    allowed = {(p.programme_key, p.territory_code) for p in places(session, actor)}
    if not allowed:
        return []
    query = (select(HouseholdImport, Territory.code)
             .join(Territory, Territory.id == HouseholdImport.territory_id)
             .order_by(HouseholdImport.id.desc()).limit(RECENT * 5))
    rows = [i for i, code in session.execute(policy.visible(actor, query, Territory.id))
            if (i.programme_key, code) in allowed]
    return rows[:RECENT]


def one(session: Session, actor: Actor, import_id: int) -> HouseholdImport:
    """Import ``import_id`` (NotFound unless the actor may import into its place)."""
    return household_imports.visible_import(session, actor, import_id)


def progress(session: Session, actor: Actor, import_id: int) -> household_import_runs.Progress:
    """How far the import is."""
    one(session, actor, import_id)
    return household_import_runs.progress(session, import_id)


def rows(session: Session, actor: Actor, import_id: int, *, failed_only: bool = False,
         limit: int | None = None) -> list[HouseholdImportRow]:
    """The import's rows in the file's order (only the refused ones with ``failed_only``)."""
    one(session, actor, import_id)
    query = select(HouseholdImportRow).where(HouseholdImportRow.import_id == import_id)
    if failed_only:
        query = query.where(HouseholdImportRow.status == "failed")
    query = query.order_by(HouseholdImportRow.row_number)
    if limit is not None:
        query = query.limit(limit)
    return list(session.scalars(query))


def territory_of(session: Session, found: HouseholdImport) -> Territory:
    """The import's territory."""
    return session.get(Territory, found.territory_id)
