"""Who records a household member's consent, and withdraws it (engine.commands.consents).

- ``record_consent`` (Case): the case's caseworker or a supervisor of its territory
  (``policy.consent_not_allowed``); the same rule withdraws a consent.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from sqlalchemy.orm import Session

from ..persistence.models import Case
from .rules import Refusal, _rule, not_allowed, unseen_case
from .scope import supervises

if TYPE_CHECKING:
    from ..core.actors import Actor

RECORD_CONSENT = "record_consent"


@_rule(RECORD_CONSENT)
def _record_consent(session: Session, actor: Actor, case: Case) -> Refusal:
    """Recording or withdrawing a consent: the case's caseworker or a supervisor of its
    territory."""
    refusal = unseen_case(actor, case)
    if refusal is None and actor.id != case.caseworker and not supervises(actor,
                                                                          case.territory_id):
        refusal = not_allowed(actor, RECORD_CONSENT, "only the case's caseworker or a "
                              "supervisor of its territory may record a consent",
                              code="policy.consent_not_allowed", case=case.id)
    return refusal
