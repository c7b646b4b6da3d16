"""Who imports households in bulk from a registry export (engine.commands.household_imports).

- ``import_households`` (:class:`~engine.policy.rules.Opening`: the programme in a
  territory): a supervisor, manager or administrator holding that role in the territory
  itself (a supervisor of another comuna may not), where the programme is enabled
  (``policy.programme_not_enabled``). ``where`` None: whether the actor imports anywhere (the
  menu's link). Caseworkers register families one at a time, with a case.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from sqlalchemy.orm import Session

from ..core.roles import ADMIN, MANAGER, SUPERVISOR, SYSTEM_ROLE
from .rules import RULES, Opening, Refusal, _outside, _rule, needs_role, not_allowed
from .scope import is_system

if TYPE_CHECKING:
    from ..core.actors import Actor

IMPORT_HOUSEHOLDS = "import_households"
IMPORTERS = frozenset({SUPERVISOR, MANAGER, ADMIN, SYSTEM_ROLE})


@_rule(IMPORT_HOUSEHOLDS)
def _import_households(session: Session, actor: Actor, where: Opening | None) -> Refusal:
    refusal = needs_role(actor, IMPORT_HOUSEHOLDS, IMPORTERS)
    if where is None or refusal is not None:
        return refusal
    refusal = _outside(actor, IMPORT_HOUSEHOLDS, where)
    if refusal is None and not is_system(actor) and \
            not actor.roles_in(where.territory.id) & IMPORTERS:
        wanted = sorted(IMPORTERS - {SYSTEM_ROLE})
        refusal = not_allowed(actor, IMPORT_HOUSEHOLDS,
                              f"holds none of {wanted} in {where.territory.code}",
                              code="policy.import_not_allowed", territory=where.territory.code)
    if refusal is None and not where.enabled:
        refusal = not_allowed(
            actor, IMPORT_HOUSEHOLDS,
            f"{where.programme.key} is not enabled in {where.territory.code}",
            code="policy.programme_not_enabled", programme=where.programme.key,
            territory=where.territory.code)
    return refusal


assert RULES[IMPORT_HOUSEHOLDS] is _import_households
