"""Changing a household after its case was opened: family name, address and members, each
change kept in the case's trail (``household_changed``: who, when, what from what).

The members are checked against the household schema of the version the case runs on, like
when the case was opened (engine.commands.household_registry). The household's key (its
reference person's RUT or codice fiscale) is not changed here: it is the household's identity
in the territory. A household followed by several cases is one household: the change shows
in every one of them, and is recorded in the case it was made from.
"""

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from .. import policy
from ..core import clock, inputs
from ..core.actors import Actor
from ..definitions import households, versions
from ..persistence import audit
from ..persistence.models import Case, Event, Household, ProcessInstance
from ..persistence.uow import command
from .cases import visible_case

CHANGED = "household_changed"
COMMAND = "update_household"
PARTS = ("family_name", "address", "members")


@command
def update_household(session: Session, case_id: int, actor: Actor, *, family_name: str,
                     address: str | None, members: list,
                     now: datetime | None = None) -> Event | None:
    """Set the case's household's family name, address and members; record what changed
    (None, nothing recorded, when nothing did).

    :class:`NotFound` unless the actor sees the case; :class:`NotAllowed`
    (``policy.household_not_allowed``) unless they hold the case or supervise its territory;
    :class:`InvalidInput` naming each field (nothing written) for a blank or overlong name
    or address, or members the household schema refuses.
    """
    with clock.frozen_at(now) as moment:
        case = visible_case(session, case_id, actor)
        policy.require(session, actor, policy.EDIT_HOUSEHOLD, case)
        household = session.scalars(select(Household).where(Household.id == case.household_id)
                                    .with_for_update()).one()
        country = case.territory.country
        name, address = (family_name or "").strip(), (address or "").strip() or None
        errors = (inputs.text_errors("family_name", name, inputs.MAX_FAMILY_NAME, required=True)
                  + inputs.text_errors("address", address, inputs.MAX_ADDRESS)
                  + households.member_errors(_schema(session, case), country, members))
        inputs.refuse_if(COMMAND, errors)
        stored = households.stored_members(country, members)
        before = {"family_name": household.family_name, "address": household.address,
                  "members": list(household.members or [])}
        after = {"family_name": name, "address": address, "members": stored}
        changed = {part: {"from": before[part], "to": after[part]} for part in PARTS
                   if before[part] != after[part]}
        if not changed:
            return None
        household.family_name, household.address, household.members = name, address, stored
        household.search_text = households.search_text(name, stored, household.national_key)
        return audit.record(session, case.id, CHANGED, actor.id, moment,
                            title="Datos del hogar modificados",
                            data={"household": household.id, "changed": changed},
                            params={"parts": list(changed)})


def _schema(session: Session, case) -> dict | None:
    definition_id = session.scalar(select(ProcessInstance.definition_id)
                                   .where(ProcessInstance.case_id == case.id))
    if definition_id is None:
        return None
    return versions.household_schema_of(session, definition_id, case.programme_key)


def household_history(session: Session, case_id: int, actor: Actor) -> list[Event]:
    """The changes to the case's household, the latest first (made from any of its cases
    the actor may see)."""
    case = visible_case(session, case_id, actor)
    query = (select(Event).join(Case, Case.id == Event.case_id)
             .where(Event.kind == CHANGED, Case.household_id == case.household_id)
             .order_by(Event.at.desc(), Event.id.desc()))
    return list(session.scalars(policy.visible(actor, query)))
