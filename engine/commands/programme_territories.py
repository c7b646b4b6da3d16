"""Which territories run which programme: a case of a programme opens only where it is enabled.

A programme runs in the territories of its own country (``programa.pais`` in its settings);
enabling it in a territory of another country is refused (``policy.country_mismatch``).
A programme deployed for the first time is enabled in every territory of its country that
exists then; a territory added later is given its programmes one by one (``flask programme
enable``). Disabling stops new cases; the cases already open go on.
"""

from datetime import date

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from .. import policy
from ..core import clock
from ..core.actors import Actor
from ..persistence.audit import record_admin
from ..persistence.models import ProgrammeTerritory, Territory
from ..persistence.uow import command


@command
def enable_programme(session: Session, programme_key: str, territory_code: str,
                     actor: Actor, starts_on: date | None = None) -> bool:
    """Let cases of ``programme_key`` be opened in ``territory_code``; ``False`` when it
    already could. :class:`NotAllowed` (``policy.country_mismatch``) for a territory of
    another country, :class:`NotFound` for an unknown programme or territory."""
    where = policy.opening(session, programme_key, territory_code)
    policy.require(session, actor, policy.ENABLE_PROGRAMME, where)
    if where.enabled:
        return False
    session.add(ProgrammeTerritory(programme_key=where.programme.key,
                                   territory_id=where.territory.id, starts_on=starts_on))
    record_admin(session, "programme_enabled", actor.id, clock.now(), territory=where.territory,
                 programme_key=where.programme.key,
                 data={"starts_on": starts_on and starts_on.isoformat()})
    return True


@command
def disable_programme(session: Session, programme_key: str, territory_code: str,
                      actor: Actor) -> bool:
    """Stop new cases of ``programme_key`` in ``territory_code`` (open ones go on);
    ``False`` when it was not enabled there."""
    where = policy.opening(session, programme_key, territory_code)
    policy.require(session, actor, policy.ENABLE_PROGRAMME, where)
    if not where.enabled:
        return False
    session.execute(delete(ProgrammeTerritory).where(
        ProgrammeTerritory.programme_key == where.programme.key,
        ProgrammeTerritory.territory_id == where.territory.id))
    record_admin(session, "programme_disabled", actor.id, clock.now(),
                 territory=where.territory, programme_key=where.programme.key)
    return True


@command
def enable_in_country(session: Session, programme_key: str, country: str) -> list[str]:
    """Enable a newly deployed programme in every territory of ``country`` (in the caller's
    transaction); the codes of those territories."""
    territories = session.scalars(select(Territory).where(Territory.country == country)
                                  .order_by(Territory.code)).all()
    session.add_all(ProgrammeTerritory(programme_key=programme_key, territory_id=t.id)
                    for t in territories)
    return [t.code for t in territories]


def territories_of(session: Session, programme_key: str) -> list[str]:
    """The codes of the territories where ``programme_key`` is enabled."""
    query = (select(Territory.code).join(ProgrammeTerritory,
                                         ProgrammeTerritory.territory_id == Territory.id)
             .where(ProgrammeTerritory.programme_key == programme_key).order_by(Territory.code))
    return list(session.scalars(query))


def programmes_of(session: Session, territory_code: str) -> list[tuple[str, object]]:
    """``(programme key, start date or None)`` of each programme ``territory_code`` runs."""
    query = (select(ProgrammeTerritory.programme_key, ProgrammeTerritory.starts_on)
             .join(Territory, ProgrammeTerritory.territory_id == Territory.id)
             .where(Territory.code == territory_code).order_by(ProgrammeTerritory.programme_key))
    return [tuple(row) for row in session.execute(query)]
