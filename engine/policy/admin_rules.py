"""Who runs the installation: the administration pages, a territory and the people there.

- ``administer`` (a country code, or None: the pages at all), ``administer_territory``
  (Territory) and ``manage_person`` (:class:`Account`): administrators of the country, i.e.
  holding ``admin`` in one of its territories (``policy.not_admin_of_country``).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from sqlalchemy import select
from sqlalchemy.orm import Session

from ..core.errors import NotAllowed
from ..persistence.models import Territory
from .rules import ADMINISTRATORS, Refusal, _rule, admin_countries, needs_role, not_allowed

if TYPE_CHECKING:
    from ..core.actors import Actor

ADMINISTER, ADMINISTER_TERRITORY, MANAGE_PERSON = (
    "administer", "administer_territory", "manage_person")


@dataclass(frozen=True)
class Account:
    """A person as an administrator changes them: ``territory_ids`` where they work now (or
    would work after the change)."""

    username: str
    territory_ids: frozenset[int]


def _not_admin_of(actor: Actor, action: str, country: str) -> NotAllowed:
    return not_allowed(actor, action, f"administers no territory of {country}",
                       code="policy.not_admin_of_country", country=country)


@_rule(ADMINISTER)
def _administer(session: Session, actor: Actor, country: str | None) -> Refusal:
    """The administration pages at all (``country`` None), or those of one country."""
    refusal = needs_role(actor, ADMINISTER, ADMINISTRATORS)
    if refusal is not None:
        return refusal
    reached = admin_countries(session, actor)
    if reached is not None and (not reached or (country is not None and country not in reached)):
        return _not_admin_of(actor, ADMINISTER, country or "-")
    return None


@_rule(ADMINISTER_TERRITORY)
def _administer_territory(session: Session, actor: Actor, territory: Territory) -> Refusal:
    """Editing a territory, its programmes, holidays and the roles people hold there: an
    administrator of its country."""
    return _administer(session, actor, territory.country)


@_rule(MANAGE_PERSON)
def _manage_person(session: Session, actor: Actor, person: Account) -> Refusal:
    """Editing, inviting or deactivating a person: an administrator of every country the
    person works in (a new person, working nowhere yet: any administrator)."""
    refusal = _administer(session, actor, None)
    if refusal is not None or not person.territory_ids:
        return refusal
    reached = admin_countries(session, actor)
    if reached is None:
        return None
    theirs = set(session.scalars(select(Territory.country).where(
        Territory.id.in_(sorted(person.territory_ids)))))
    outside = sorted(theirs - reached)
    return _not_admin_of(actor, MANAGE_PERSON, outside[0]) if outside else None


def manageable(session: Session, actor: Actor, accounts: list[Account]) -> list[Account]:
    """Of ``accounts``, those ``actor`` may manage (the rule of ``manage_person``), asked in
    one go for a list of people: two queries, not two per person."""
    if _administer(session, actor, None) is not None:
        return []
    reached = admin_countries(session, actor)
    if reached is None:
        return list(accounts)
    country_of = dict(session.execute(select(Territory.id, Territory.country)).all())
    return [a for a in accounts if {country_of.get(t) for t in a.territory_ids} <= reached]
