"""Legal holds: an open protection case keeps a household's data from being erased.

A case holds its household while it is open and an act its programme lists in
``[retencion] actos_proteccion`` (a protection alert, a rights alert, a safety concern) was
recorded in it (engine.programmes.retention).
"""

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from ...persistence.models import Case, Event
from ...programmes import retention
from ..acts import ACT_RECORDED


@dataclass(frozen=True)
class LegalHold:
    """Why a household's data may not be erased now: the open case and the act."""

    case_id: int
    act: str


def legal_hold(session: Session, household_id: int) -> LegalHold | None:
    """The first open protection case of the household (None: no hold)."""
    cases = session.scalars(select(Case).where(Case.household_id == household_id,
                                               Case.status == "open").order_by(Case.id))
    for case in cases:
        acts = retention.rule_of(case.programme.settings).protection_acts
        if not acts:
            continue
        recorded = session.scalars(select(Event.data).where(
            Event.case_id == case.id, Event.kind == ACT_RECORDED))
        for data in recorded:
            if (data or {}).get("act") in acts:
                return LegalHold(case.id, data["act"])
    return None
