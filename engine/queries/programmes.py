"""Where an actor may open cases: their territories and the programmes enabled there."""

from sqlalchemy import select
from sqlalchemy.orm import Session

from .. import policy
from ..core.actors import Actor
from ..persistence.models import Programme, ProgrammeTerritory, Territory


def start_territories(session: Session, actor: Actor) -> list[Territory]:
    """The territories ``actor`` may open cases in (by name); none without the role."""
    query = policy.visible(actor, select(Territory), Territory.id, action=policy.START_CASE)
    return list(session.scalars(query.order_by(Territory.name)))


def startable_programmes(session: Session, actor: Actor) -> list[tuple[str, str]]:
    """``(key, name)`` of the programmes enabled in a territory ``actor`` may open cases in."""
    return _enabled(session, actor, policy.START_CASE)


def programmes_in_reach(session: Session, actor: Actor) -> list[tuple[str, str]]:
    """``(key, name)`` of the programmes enabled in a territory ``actor`` sees."""
    return _enabled(session, actor, None)


def _enabled(session: Session, actor: Actor, action: str | None) -> list[tuple[str, str]]:
    enabled = policy.visible(actor, select(ProgrammeTerritory.programme_key),
                             ProgrammeTerritory.territory_id, action=action)
    query = (select(Programme.key, Programme.name).where(Programme.key.in_(enabled))
             .order_by(Programme.name))
    return [tuple(row) for row in session.execute(query)]
