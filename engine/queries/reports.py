"""Outcome reports a reader may read: which programmes, over which of their territories."""

from collections.abc import Iterable

from sqlalchemy import or_, select
from sqlalchemy.orm import Session, undefer

from .. import policy
from ..core.actors import Actor
from ..core.errors import NotFound
from ..persistence.models import Case, Programme, ProgrammeTerritory, Territory
from ..reports import BUILDERS, Report, build_report


def reportable_programmes(session: Session, actor: Actor) -> list[Programme]:
    """Programmes with an outcome report that run where the reader works (enabled in, or with
    a case in, a territory they see), by name; none for someone who may not read reports."""
    if not policy.may(session, actor, policy.READ_REPORTS):
        return []
    enabled = policy.visible(actor, select(ProgrammeTerritory.programme_key),
                             ProgrammeTerritory.territory_id)
    with_cases = policy.visible(actor, select(Case.programme_key).distinct())
    query = (select(Programme).options(undefer(Programme.settings))
             .where(Programme.key.in_(list(BUILDERS)),
                    or_(Programme.key.in_(enabled), Programme.key.in_(with_cases)))
             .order_by(Programme.name))
    return list(session.scalars(query))


def reader_territories(session: Session, actor: Actor) -> list[Territory]:
    """The territories ``actor`` sees, by name."""
    query = policy.visible(actor, select(Territory), Territory.id).order_by(Territory.name)
    return list(session.scalars(query))


def chosen_territories(territories: Iterable[Territory], code: str | None) -> list[Territory]:
    """The reader's territories, or only the one called ``code`` (empty when it is not
    theirs)."""
    territories = sorted(territories, key=lambda t: t.name)
    if not code:
        return territories
    return [t for t in territories if t.code == code]


def outcome_report(session: Session, actor: Actor, programme: str,
                   territory_code: str | None = None) -> tuple[Report, list[Territory]]:
    """The outcome report of ``programme`` over the reader's territories (or only
    ``territory_code``), and those territories. :class:`NotAllowed` for someone who may not
    read reports; :class:`NotFound` for a programme without a report where they work, or a
    territory that is not theirs."""
    policy.require(session, actor, policy.READ_REPORTS)
    if programme not in {p.key for p in reportable_programmes(session, actor)}:
        raise NotFound(f"no outcome report of '{programme}' for {actor.id}",
                       code="report.not_found", programme=programme)
    territories = chosen_territories(reader_territories(session, actor), territory_code)
    if not territories:
        raise NotFound(f"territory '{territory_code}' is not one of {actor.id}'s",
                       code="territory.not_found", territory=territory_code)
    return build_report(session, programme, [t.id for t in territories]), territories
