"""Open incidents a reader may see: of the programmes they manage, in the territories they see.

The incidents page (web/incidents) lists a manager's programmes country-wide; a client of the
API sees only the cases of its own territories, like every other list of the API.
"""

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from .. import policy
from ..commands.incidents import OPEN
from ..commands.programme_settings import managed_programmes
from ..core.actors import Actor
from ..persistence.models import Case, Incident


def incident_page(session: Session, actor: Actor, *, offset: int,
                  limit: int) -> tuple[list[tuple[Incident, Case]], int]:
    """One page of the open incidents ``actor`` may see (newest failure first) with their
    cases, and how many there are in all. :class:`NotAllowed` for someone who manages no
    programme (``manage_programme``)."""
    policy.require(session, actor, policy.MANAGE_PROGRAMME)
    programmes = [p.key for p in managed_programmes(session, actor)]
    query = policy.visible(actor, select(Incident, Case).join(Case, Case.id == Incident.case_id)
                           .where(Incident.status == OPEN,
                                  Case.programme_key.in_(programmes)))
    total = session.scalar(select(func.count()).select_from(query.subquery()))
    rows = session.execute(query.order_by(Incident.last_seen_at.desc(), Incident.id.desc())
                           .offset(offset).limit(limit))
    return [(incident, case) for incident, case in rows], int(total or 0)
