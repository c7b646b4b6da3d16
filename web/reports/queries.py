"""Which programmes and territories a reader's outcome reports may cover."""

from collections.abc import Iterable

from sqlalchemy import select
from sqlalchemy.orm import Session, undefer

from engine.models import Case, Programme, Territory
from engine.reports import BUILDERS


def reportable_programmes(session: Session, territories: Iterable[Territory]) -> list[Programme]:
    """Programmes with an outcome report that the reader's territories run: they have a case
    there, or the programme is deployed for the territories' country. Sorted by name."""
    territories = list(territories)
    ids = [t.id for t in territories]
    countries = {t.country for t in territories}
    with_cases = set(session.scalars(select(Case.programme_key).distinct()
                                     .where(Case.territory_id.in_(ids))))
    programmes = session.scalars(select(Programme).options(undefer(Programme.settings))
                                 .where(Programme.key.in_(list(BUILDERS)))
                                 .order_by(Programme.name))
    return [p for p in programmes
            if p.key in with_cases or _country(p) in countries]


def _country(programme: Programme) -> str | None:
    return (programme.settings or {}).get("programa", {}).get("pais")


def chosen_territories(territories: Iterable[Territory], code: str | None) -> list[Territory]:
    """The reader's territories, or only the one called ``code`` (empty when it is not
    theirs)."""
    territories = sorted(territories, key=lambda t: t.name)
    if not code:
        return territories
    return [t for t in territories if t.code == code]
