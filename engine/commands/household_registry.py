"""The household a new case follows: one already registered, or a new one with its members
checked against the programme's household schema and its national key.

A household's natural key is the national id of its reference person (the RUT in Chile, the
codice fiscale in Italy), normalised, and unique per territory: a family registered in the
comuna cannot be registered there twice. Starting a case with a key already registered is
refused with ``household_exists``, whose ``limit`` names that household (``household_id``,
``family_name``) so the caseworker can open the case on it (``StartCase.household_id``).
"""

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from ..core import inputs, national_ids
from ..core.errors import FieldError, InvalidInput, NotFound
from ..definitions import households
from ..persistence.models import Household, Territory

COMMAND = "start_case"


def household_key(territory: Territory, national_id: str | None) -> str | None:
    """The normalised key for ``national_id`` in the territory's country (None: none given).
    Call :func:`key_errors` first: an invalid number raises ``ValueError`` here."""
    if national_id is None or not national_id.strip():
        return None
    return national_ids.normalised(territory.country, national_id)


def key_errors(territory: Territory, national_id: str | None) -> list[FieldError]:
    """What is wrong with the household's national id, if anything."""
    if national_id is None or not national_id.strip():
        return []
    return national_ids.id_errors("national_id", territory.country, national_id)


def registered(session: Session, territory: Territory, key: str | None) -> Household | None:
    """The household registered in ``territory`` under ``key``."""
    if key is None:
        return None
    query = select(Household).where(Household.territory_id == territory.id,
                                    Household.national_key == key)
    return session.scalars(query).first()


def existing(session: Session, household_id: int, territory: Territory) -> Household:
    """The registered household ``household_id``, which must be in ``territory``."""
    household = session.get(Household, household_id) if inputs.is_database_id(
        household_id) else None
    if household is None or household.territory_id != territory.id:
        raise NotFound(f"no household {household_id} in {territory.code}",
                       code="household.not_found", household=household_id,
                       territory=territory.code)
    return household


def errors(territory: Territory, schema: dict | None, members: object,
           national_id: str | None) -> list[FieldError]:
    """What is wrong with a new household's members (for the household ``schema`` of the
    version the case starts on; None: the default one) and its national id (for the
    territory's country)."""
    return key_errors(territory, national_id) + households.member_errors(
        schema, territory.country, members)


def register(session: Session, territory: Territory, schema: dict | None, family_name: str,
             address: str | None, members: list, national_id: str | None) -> Household:
    """A new household, its members valid for the household ``schema`` and its key unique in
    the territory; otherwise :class:`InvalidInput` naming each field (nothing written)."""
    found = errors(territory, schema, members, national_id)
    if found:
        raise InvalidInput(COMMAND, found)
    key = household_key(territory, national_id)
    already = registered(session, territory, key)
    if already is not None:
        raise InvalidInput(COMMAND, [exists_error(already)])
    stored = households.stored_members(territory.country, members)
    household = Household(territory_id=territory.id, family_name=family_name, address=address,
                          national_key=key, members=stored,
                          search_text=households.search_text(family_name, stored, key))
    session.add(household)
    try:
        session.flush()
    except IntegrityError as err:  # registered a moment ago by someone else
        raise InvalidInput(COMMAND, [exists_error(None)]) from err
    return household


def exists_error(household: Household | None) -> FieldError:
    """``household_exists`` on ``national_id``, naming the registered household if known."""
    limit = ({"household_id": household.id, "family_name": household.family_name}
             if household is not None else None)
    name = f" ({household.family_name})" if household is not None else ""
    return FieldError("national_id", "household_exists",
                      f"Ya hay una familia registrada con este documento en el territorio{name}.",
                      limit)
