"""What a facilitator reads about group sessions: the territory's sessions, one session with
its list and the families that may still be listed, and the places left per modality."""

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import case, func, select
from sqlalchemy.orm import Session

from .. import policy
from ..commands import group_sessions as commands
from ..commands import places
from ..commands.group_sessions import (
    Eligible,
    Limits,
    eligible,
    form_choices,
    limits_of,
    modalities,
)
from ..core.actors import Actor
from ..core.errors import NotFound
from ..definitions import catalog, versions
from ..persistence.models import (
    Case,
    GroupSession,
    GroupSessionMember,
    Household,
    HumanTask,
    ProgrammeTerritory,
    Territory,
)

__all__ = ["Eligible", "Limits", "modalities", "limits_of", "form_choices", "all_limits",
           "modality_names", "SessionRow", "Listed",
           "SessionDetail", "PlacesLeft", "sessions", "detail", "territories", "places_left",
           "enrolment_places", "case_places"]


@dataclass(frozen=True)
class SessionRow:
    """One session in the list: the session, its territory's name, families listed and
    attending."""

    group: GroupSession
    territory: str
    listed: int
    attended: int


@dataclass(frozen=True)
class Listed:
    """A family on a session's list, with what submitting did to it."""

    member: GroupSessionMember
    family_name: str
    caseworker: str
    still_open: bool  # its listed step is still open (it would move on if submitted now)


@dataclass(frozen=True)
class SessionDetail:
    """A session, its list, the families that may still be listed, and its limits."""

    group: GroupSession
    listed: list[Listed]
    others: list[Eligible]
    limits: Limits


@dataclass(frozen=True)
class PlacesLeft:
    """The places of one modality in a territory: how many, held, left, and waiting."""

    modality: str
    name: str
    capacity: int
    occupied: int
    waiting: int

    @property
    def left(self) -> int:
        """Places still free (never below zero)."""
        return max(self.capacity - self.occupied, 0)

    @property
    def full(self) -> bool:
        """Whether a family enrolled now goes to the waiting list."""
        return self.left == 0 or self.waiting > 0


def programme(session: Session, programme_key: str):
    """The programme (its name and live settings); :class:`NotFound` when not deployed."""
    return catalog.programme(session, programme_key)


def all_limits(session: Session, programme_key: str) -> dict[str, Limits]:
    """The families a session lists at least and at most, per modality."""
    programme = catalog.programme(session, programme_key)
    return {m: limits_of(programme, m) for m in modalities(programme_key)}


def modality_names(session: Session, programme_key: str) -> dict[str, str]:
    """How each group-session modality reads in the settings (``[modalidades.<m>] nombre``)."""
    programme = catalog.programme(session, programme_key)
    return {m: places.modality_name(programme, m) for m in modalities(programme_key)}


def territories(session: Session, actor: Actor, programme_key: str) -> list[Territory]:
    """The territories where ``actor`` may run the programme's group sessions."""
    query = (select(Territory).join(ProgrammeTerritory,
                                    ProgrammeTerritory.territory_id == Territory.id)
             .where(ProgrammeTerritory.programme_key == programme_key).order_by(Territory.name))
    query = policy.visible(actor, query, Territory.id)
    return [t for t in session.scalars(query)
            if policy.may(session, actor, policy.RUN_GROUP_SESSION,
                          commands.opening_of(session, programme_key, t))]


def sessions(session: Session, actor: Actor, programme_key: str,
             limit: int = 200) -> list[SessionRow]:
    """The programme's sessions in the territories where ``actor`` runs them, latest first."""
    ids = [t.id for t in territories(session, actor, programme_key)]
    if not ids:
        return []
    counts = (select(GroupSessionMember.group_session_id.label("gid"),
                     func.count().label("listed"),
                     func.sum(case((GroupSessionMember.attended, 1), else_=0)).label("came"))
              .group_by(GroupSessionMember.group_session_id).subquery())
    query = (select(GroupSession, Territory.name, counts.c.listed, counts.c.came)
             .join(Territory, Territory.id == GroupSession.territory_id)
             .outerjoin(counts, counts.c.gid == GroupSession.id)
             .where(GroupSession.programme_key == programme_key,
                    GroupSession.territory_id.in_(ids))
             .order_by(GroupSession.held_on.desc(), GroupSession.id.desc()).limit(limit))
    return [SessionRow(g, name, listed or 0, int(came or 0))
            for g, name, listed, came in session.execute(query)]


def detail(session: Session, actor: Actor, group_id: int) -> SessionDetail:
    """One session as ``actor`` may see it (:class:`NotFound` otherwise)."""
    group = session.get(GroupSession, group_id)
    if group is None or not policy.sees_territory(actor, group.territory_id):
        raise NotFound(f"no group session {group_id}", code="group.not_found", group=group_id)
    policy.require(session, actor, policy.RUN_GROUP_SESSION,
                   commands.opening_of(session, group.programme_key, group.territory))
    query = (select(GroupSessionMember, Household.family_name, Case.caseworker,
                    HumanTask.id.is_not(None))
             .join(Case, Case.id == GroupSessionMember.case_id)
             .join(Household, Household.id == Case.household_id)
             .outerjoin(HumanTask, HumanTask.id == GroupSessionMember.task_id)
             .where(GroupSessionMember.group_session_id == group_id)
             .order_by(Household.family_name, Case.id))
    listed = [Listed(*row) for row in session.execute(query)]
    taken = {entry.member.case_id for entry in listed}
    others = [e for e in eligible(session, group) if e.case_id not in taken]
    programme = catalog.programme(session, group.programme_key)
    return SessionDetail(group, listed, others, limits_of(programme, group.modality))


def places_left(session: Session, programme_key: str, territory_id: int) -> list[PlacesLeft]:
    """The places of each of the programme's modalities in one territory, as they are now."""
    programme = catalog.programme(session, programme_key)
    return [PlacesLeft(m, places.modality_name(programme, m), o.capacity, o.occupied, o.waiting)
            for m, o in places.occupancy(session, programme_key, [territory_id]).items()]


def enrolment_places(session: Session, row: HumanTask) -> list[PlacesLeft] | None:
    """For a step that enrols the family in a modality (its ``places`` property), the places
    left per modality in the step's territory; None for any other step."""
    spec, subs = catalog.spec_by_id(session, versions.definition_of_instance(
        session, row.instance_id))
    task_spec = next((p.task_specs[row.bpmn_id] for p in (spec, *subs.values())
                      if row.bpmn_id in p.task_specs), None)
    properties = getattr(task_spec, "extensions", {}).get("properties", {}) if task_spec else {}
    if not properties.get(places.ENROL_PROPERTY):
        return None
    return places_left(session, row.programme_key, row.territory_id)


@dataclass(frozen=True)
class CasePlace:
    """Where a family stands for a place: its modality, status, position when waiting, and
    the modality's places in its territory."""

    modality: str
    status: str
    position: int | None
    since: datetime
    places: PlacesLeft | None


def case_places(session: Session, case_row: Case) -> CasePlace | None:
    """The family's current place or waiting-list entry (None when it has neither)."""
    held = places.active_enrolment(session, case_row.id)
    if held is None:
        return None
    modality = held.pool.modality
    position = None
    if held.status == places.WAITING:
        listed = places.waiting_list(session, case_row.programme_key, case_row.territory_id,
                                     modality)
        position = next((w.position for w in listed if w.case_id == case_row.id), None)
    found = {p.modality: p for p in places_left(session, case_row.programme_key,
                                                case_row.territory_id)}
    return CasePlace(modality, held.status, position, held.requested_at, found.get(modality))
