"""Writing the log of who looked at what: a case file, a step, a report, an export line.

Each view is one ``access_log`` row (engine.persistence.access_log_models), written inside
the caller's unit of work; the database refuses to change or delete one. A page logs what it
shows after the policy let the person see it, so a refused request leaves no line.
"""

from collections.abc import Iterable
from datetime import datetime

from sqlalchemy import insert, select
from sqlalchemy.orm import Session

from ..core import clock
from ..core.actors import Actor
from ..persistence.access_log_models import CASE_FILE, EXPORT, REPORT, STEP, AccessLog
from ..persistence.models import Case
from ..persistence.uow import command
from . import privacy

MAX_WHAT, MAX_REASON = 200, 300
CHUNK = 1000  # case ids per query of an export

__all__ = ["CASE_FILE", "EXPORT", "REPORT", "STEP", "log_view", "log_export"]


def _row(actor: Actor, kind: str, what: str, case, reason: str | None,
         moment: datetime) -> AccessLog:
    """``case``: a :class:`Case` or a row with its ``id``, ``household_id``, ``territory_id``."""
    reason = (reason or "").strip()[:MAX_REASON] or None
    return AccessLog(at=moment, actor=actor.id, kind=kind, what=str(what)[:MAX_WHAT],
                     case_id=case.id if case else None,
                     household_id=case.household_id if case else None,
                     territory_id=case.territory_id if case else None, reason=reason)


@command
def log_view(session: Session, actor: Actor, kind: str, what: str, case: Case | None = None,
             *, reason: str | None = None, now: datetime | None = None) -> AccessLog:
    """Log that ``actor`` looked at ``what`` (of ``kind``: a case file, a step, a report)
    about ``case``'s household; ``reason`` when they said why."""
    with clock.frozen_at(now) as moment:
        row = _row(actor, kind, what, case, reason, moment)
        session.add(row)
        return row


@command
def log_export(session: Session, actor: Actor, export: str, case_ids: Iterable[int], *,
               now: datetime | None = None) -> int:
    """Log one line per case of an export (``export``: its name, e.g. ``resultados-pippi``):
    each household whose line went into the file. Returns how many were logged."""
    wanted = sorted({c for c in case_ids if isinstance(c, int) and not isinstance(c, bool)})
    with clock.frozen_at(now) as moment:
        found = []
        for start in range(0, len(wanted), CHUNK):
            found += session.execute(select(Case.id, Case.household_id, Case.territory_id)
                                     .where(Case.id.in_(wanted[start:start + CHUNK]))).all()
        if found:  # one multi-row INSERT, not one ORM object per line
            session.execute(insert(AccessLog), [
                {"at": moment, "actor": actor.id, "kind": EXPORT, "what": export[:MAX_WHAT],
                 "case_id": case.id, "household_id": case.household_id,
                 "territory_id": case.territory_id} for case in found])
        return len(found)


# A person's export lists who looked at their family's data (engine.commands.privacy); an
# erasure rewrites only the reason (the staff's own words, which may name the person),
# through the controlled unlock: who looked at what and when stays as it was, and the
# database refuses any other change (migration 0042_access_log_erasure).
privacy.register(privacy.AppendOnlySection(
    "access_log", AccessLog.__table__, ("reason",),
    shown=("id", "case_id", "at", "actor", "kind", "what", "reason")))
