"""Who handles a family's money transfers (engine.commands.transfers).

- ``pay_transfer`` (Case): a supervisor of its territory (``policy.pay_not_allowed``);
- ``record_transfer`` (Case: a Control Niño Sano proof, an achievement): the case's caseworker
  or a supervisor of its territory (``policy.record_transfer_not_allowed``).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from sqlalchemy.orm import Session

from ..persistence.models import Case
from .rules import Refusal, _rule, not_allowed, unseen_case
from .scope import supervises

if TYPE_CHECKING:
    from ..core.actors import Actor


PAY_TRANSFER, RECORD_TRANSFER = "pay_transfer", "record_transfer"


@_rule(PAY_TRANSFER)
def _pay_transfer(session: Session, actor: Actor, case: Case) -> Refusal:
    """Marking a family's transfer paid: a supervisor (Jefe/a de Unidad) of its territory."""
    refusal = unseen_case(actor, case)
    if refusal is None and not supervises(actor, case.territory_id):
        refusal = not_allowed(actor, PAY_TRANSFER, "only a supervisor of its territory may "
                              "mark a transfer paid", code="policy.pay_not_allowed",
                              case=case.id)
    return refusal


@_rule(RECORD_TRANSFER)
def _record_transfer(session: Session, actor: Actor, case: Case) -> Refusal:
    """Recording a check-up proof or an achievement: the case's caseworker or a supervisor
    of its territory."""
    refusal = unseen_case(actor, case)
    if refusal is None and actor.id != case.caseworker and not supervises(actor,
                                                                          case.territory_id):
        refusal = not_allowed(actor, RECORD_TRANSFER, "only the case's caseworker or a "
                              "supervisor of its territory may",
                              code="policy.record_transfer_not_allowed", case=case.id)
    return refusal
