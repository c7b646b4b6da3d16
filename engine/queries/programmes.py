"""Where an actor may open cases: their territories and the programmes enabled there."""

from sqlalchemy import select
from sqlalchemy.orm import Session

from .. import policy
from ..core.actors import Actor
from ..definitions import catalog
from ..persistence.models import Programme, ProgrammeTerritory, Territory
from ..programmes import calendars


def start_territories(session: Session, actor: Actor) -> list[Territory]:
    """The territories ``actor`` may open cases in (by name); none without the role."""
    query = policy.visible(actor, select(Territory), Territory.id, action=policy.START_CASE)
    return list(session.scalars(query.order_by(Territory.name)))


def startable_programmes(session: Session, actor: Actor) -> list[tuple[str, str]]:
    """``(key, name)`` of the programmes enabled in a territory ``actor`` may open cases in."""
    return _enabled(session, actor, policy.START_CASE)


def start_municipalities(session: Session, actor: Actor) -> list[tuple[str, str]]:
    """``(code, name)`` of the municipalities a case may be opened in (the ``[municipios]``
    of the programmes ``actor`` may open cases of, in the territories ``actor`` works in),
    e.g. ``("ferno", "Ferno")`` for a P.I.P.P.I. comune."""
    codes = {t.code for t in start_territories(session, actor)}
    found: dict[str, str] = {}
    for key, _name in startable_programmes(session, actor):
        values = catalog.settings_of(catalog.programme(session, key)).values
        for code, entry in calendars.municipalities(values).items():
            if entry.get("territorio") in codes or entry.get("territorio") is None:
                found[code] = str(entry.get("nombre") or code)
    return sorted(found.items(), key=lambda item: item[1])


def programmes_in_reach(session: Session, actor: Actor) -> list[tuple[str, str]]:
    """``(key, name)`` of the programmes enabled in a territory ``actor`` sees."""
    return _enabled(session, actor, None)


def _enabled(session: Session, actor: Actor, action: str | None) -> list[tuple[str, str]]:
    enabled = policy.visible(actor, select(ProgrammeTerritory.programme_key),
                             ProgrammeTerritory.territory_id, action=action)
    query = (select(Programme.key, Programme.name).where(Programme.key.in_(enabled))
             .order_by(Programme.name))
    return [tuple(row) for row in session.execute(query)]
