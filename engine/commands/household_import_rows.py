"""One row of a household import checked and written: a new household, a registered one
updated, or one left as it is — found by its natural key, the reference person's national id
normalised for the territory's country (engine.commands.household_registry).

Only the parts the mapping names are compared and written: a file without a members column
leaves the registered members alone. The same row written twice changes nothing the second
time (``unchanged``), which is what makes a re-run of the same file harmless.
"""

from dataclasses import dataclass, field

from sqlalchemy import select
from sqlalchemy.orm import Session

from ..core.errors import FieldError
from ..definitions import households
from ..persistence.models import (
    ROW_CREATED,
    ROW_FAILED,
    ROW_UNCHANGED,
    ROW_UPDATED,
    Household,
    Territory,
)
from . import household_registry

PARTS = ("family_name", "address", "members")


@dataclass
class RowOutcome:
    """What a row does (or, in a dry run, would do): ``created``, ``updated`` (with the parts
    ``changed``), ``unchanged`` or ``failed`` (with its ``errors``)."""

    status: str
    errors: list[FieldError] = field(default_factory=list)
    changed: list[str] = field(default_factory=list)
    household_id: int | None = None
    household: Household | None = field(default=None, repr=False)  # the one written


def parts_of(mapping: dict) -> tuple[str, ...]:
    """The household parts a mapping writes: the family name always, the address and the
    members only when a column holds them."""
    wanted = {"family_name"}
    if "address" in mapping:
        wanted.add("address")
    if "members" in mapping or "head_name" in mapping:
        wanted.add("members")
    return tuple(p for p in PARTS if p in wanted)


def row_errors(territory: Territory, schema: dict | None, data: dict) -> list[FieldError]:
    """What the household schema and the national id check refuse in a candidate (a member
    holding the household's own national id, the reference person, is not told twice)."""
    members = data.get("members") or []
    errors = household_registry.errors(territory, schema, members, data.get("national_id"))
    same = {f"members[{n}].national_id" for n, m in enumerate(members)
            if isinstance(m, dict) and m.get("national_id") == data.get("national_id")}
    if any(e.field == "national_id" for e in errors):
        errors = [e for e in errors if e.field not in same]
    return errors


def stored(territory: Territory, data: dict) -> dict:
    """A valid candidate as a household row holds it (key normalised, members stored)."""
    return {"national_key": household_registry.household_key(territory, data["national_id"]),
            "family_name": data["family_name"], "address": data.get("address"),
            "members": households.stored_members(territory.country, data.get("members") or [])}


def compared(household: Household | None, wanted: dict, parts: tuple[str, ...]) -> RowOutcome:
    """What writing ``wanted`` does to ``household`` (None: not registered)."""
    if household is None:
        return RowOutcome(ROW_CREATED)
    changed = [p for p in parts if _current(household, p) != wanted[p]]
    status = ROW_UPDATED if changed else ROW_UNCHANGED
    return RowOutcome(status, changed=changed, household_id=household.id)


def _current(household: Household, part: str):
    value = getattr(household, part)
    return list(value or []) if part == "members" else value


def locked(session: Session, territory: Territory, rows: list[dict]) -> dict[str, Household]:
    """The registered households the candidates ``rows`` name, row-locked, by key (one query
    for a runner's chunk instead of one per row)."""
    keys = []
    for data in rows:
        number = data.get("national_id")
        try:
            keys.append(household_registry.household_key(territory, number)
                        if isinstance(number, str) else None)
        except ValueError:  # refused when its row is written
            continue
    keys = [k for k in keys if k]
    if not keys:
        return {}
    query = select(Household).where(Household.territory_id == territory.id,
                                    Household.national_key.in_(keys)).with_for_update()
    return {h.national_key: h for h in session.scalars(query)}


def write(session: Session, territory: Territory, schema: dict | None, data: dict,
          parts: tuple[str, ...], registered: dict[str, Household] | None = None) -> RowOutcome:
    """Register or update the candidate's household (its row locked), inside the caller's
    unit of work; ``failed`` with the errors when the candidate is refused (nothing
    written). ``registered``: the households :func:`locked` already holds (else the row's
    is looked up and locked here). A new household is added to the session, its id known
    once it is flushed (``outcome.household``); a key registered meanwhile by another
    transaction raises the database's ``IntegrityError`` then."""
    errors = row_errors(territory, schema, data)
    if errors:
        return RowOutcome(ROW_FAILED, errors)
    wanted = stored(territory, data)
    if registered is not None:
        household = registered.get(wanted["national_key"])
    else:
        household = session.scalars(select(Household).where(
            Household.territory_id == territory.id,
            Household.national_key == wanted["national_key"]).with_for_update()).first()
    outcome = compared(household, wanted, parts)
    if outcome.status == ROW_CREATED:
        household = Household(territory_id=territory.id, **wanted, search_text=households
                              .search_text(wanted["family_name"], wanted["members"],
                                           wanted["national_key"]))
        session.add(household)
        outcome.household = household
    elif outcome.status == ROW_UPDATED:
        for part in outcome.changed:
            setattr(household, part, wanted[part])
        household.search_text = households.search_text(
            household.family_name, household.members, household.national_key)
    return outcome
