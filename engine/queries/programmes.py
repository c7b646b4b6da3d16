"""Where an actor may open cases: their territories and the programmes enabled there."""

from sqlalchemy import select
from sqlalchemy.orm import Session

from .. import policy
from ..actors import Actor
from ..models import Programme, ProgrammeTerritory, Territory


def start_territories(session: Session, actor: Actor) -> list[Territory]:
    """The territories ``actor`` may open cases in (by name); none without the role."""
    if not actor.roles & policy.STARTERS:
        return []
    return list(session.scalars(policy.visible(actor, select(Territory), Territory.id)
                                .order_by(Territory.name)))


def startable_programmes(session: Session, actor: Actor) -> list[tuple[str, str]]:
    """``(key, name)`` of the programmes enabled in a territory ``actor`` may open cases in."""
    ids = [t.id for t in start_territories(session, actor)]
    enabled = select(ProgrammeTerritory.programme_key).where(
        ProgrammeTerritory.territory_id.in_(ids))
    query = (select(Programme.key, Programme.name).where(Programme.key.in_(enabled))
             .order_by(Programme.name))
    return [tuple(row) for row in session.execute(query)]


def programmes_in_reach(session: Session, actor: Actor) -> list[tuple[str, str]]:
    """``(key, name)`` of the programmes enabled in a territory ``actor`` sees."""
    enabled = policy.visible(actor, select(ProgrammeTerritory.programme_key),
                             ProgrammeTerritory.territory_id)
    query = (select(Programme.key, Programme.name).where(Programme.key.in_(enabled))
             .order_by(Programme.name))
    return [tuple(row) for row in session.execute(query)]
