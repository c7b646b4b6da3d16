"""Attendance at a programme's group sessions (Triple P's seminars and workshop sessions),
read from the sessions registered (engine.commands.group_sessions): per modality, the
sessions registered, the families on their lists, how many attended, the share that did, the
mean attending per session, and the families whose case had moved on before the session was
registered (their attendance is not in their case). Open sessions do not count."""

from collections.abc import Iterable

from sqlalchemy import case, func, select
from sqlalchemy.orm import Session

from ..commands import group_sessions, places
from ..definitions import catalog
from ..persistence.models import (
    GROUP_SUBMITTED,
    MEMBER_CONFLICT,
    MEMBER_FAILED,
    GroupSession,
    GroupSessionMember,
)
from .base import Breakdown, share

KEY = "sesiones_grupales"


def attendance(session: Session, programme_key: str, territory_ids: Iterable[int]) -> Breakdown:
    """The attendance table of the programme's registered group sessions in the territories."""
    ids = list(territory_ids)
    programme = catalog.programme(session, programme_key)
    found = _per_modality(session, programme_key, ids)
    rows = []
    for modality in group_sessions.modalities(programme_key):
        held, listed, came, moved_on = found.get(modality, (0, 0, 0, 0))
        rows.append((places.modality_name(programme, modality), held, listed, came,
                     share(came, listed), round(came / held, 1) if held else None, moved_on))
    return Breakdown(KEY, "Asistencia a las sesiones grupales",
                     ("Modalidad", "Sesiones registradas", "Familias en lista", "Asistieron",
                      "% asistencia", "Asistentes por sesión", "Casos que ya habían avanzado"),
                     tuple(rows), ("", "", "", "%", "", ""))


def _per_modality(session: Session, programme_key: str,
                  ids: list[int]) -> dict[str, tuple[int, int, int, int]]:
    if not ids:
        return {}
    members = (select(GroupSessionMember.group_session_id.label("gid"),
                      func.count().label("listed"),
                      func.sum(case((GroupSessionMember.attended, 1), else_=0)).label("came"),
                      func.sum(case((GroupSessionMember.status.in_(
                          (MEMBER_CONFLICT, MEMBER_FAILED)), 1), else_=0)).label("moved_on"))
               .group_by(GroupSessionMember.group_session_id).subquery())
    query = (select(GroupSession.modality, func.count(GroupSession.id),
                    func.coalesce(func.sum(members.c.listed), 0),
                    func.coalesce(func.sum(members.c.came), 0),
                    func.coalesce(func.sum(members.c.moved_on), 0))
             .outerjoin(members, members.c.gid == GroupSession.id)
             .where(GroupSession.programme_key == programme_key,
                    GroupSession.territory_id.in_(ids), GroupSession.status == GROUP_SUBMITTED)
             .group_by(GroupSession.modality))
    return {m: (int(h), int(n), int(c), int(x)) for m, h, n, c, x in session.execute(query)}
