"""Places (cupos): which cases hold one of a programme's limited places, and who waits for one.

A *pool* is one modality of one programme in one territory. How many places it has is the
programme setting ``cupos.<territory code>.<modality>``, so a manager changes it without
redrawing the process. In the diagram:

- a user task with the property ``places`` (its value names the field holding the modality,
  e.g. ``places="modalidad"``) enrols the case when it is completed: the case gets a place or
  joins the end of the waiting list, and ``cupo`` becomes ``"asignado"`` or ``"espera"`` in the
  task's data for the next gateway;
- a step with the property ``placeRelease="true"`` gives the case's place back, or takes a
  waiting case off the list (it withdrew); closing the case does the same;
- a place given back goes to the oldest waiting case of its pool (first come, first served):
  a :class:`~engine.persistence.events.PlaceGranted` event, whose handler moves that case's process
  on with the message ``cupo_asignado`` in the same unit of work (engine.commands.event_handlers).

The database decides. Every change to a pool first locks the pool's row (an UPDATE: a row
lock on PostgreSQL, the write lock on SQLite) and only then counts, so two enrolments racing
for the last place are served one after the other and a freed place goes to exactly one
waiting case. Lock order, the same in every command: place_pool → human_task →
process_instance. A waiting case is the only case whose workflow another transaction locks
while holding a pool (to move it on), so a command on a waiting case takes the pool first
(:func:`lock_before_task`).
"""

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from ..core.actors import SYSTEM
from ..core.errors import Conflict, ScriptFailure
from ..definitions import catalog
from ..persistence import audit, uow
from ..persistence.events import PlaceGranted
from ..persistence.models import (
    Case,
    Enrolment,
    Household,
    HumanTask,
    PlacePool,
    Programme,
    Territory,
)
from ..runtime import workflow as runtime
from ..runtime.workflow import Task

OCCUPIED, WAITING, RELEASED, WITHDRAWN = "occupied", "waiting", "released", "withdrawn"
ENROL_PROPERTY = "places"
RELEASE_PROPERTY = "placeRelease"
RESULT_VARIABLE = "cupo"
ASSIGNED, ON_WAITING_LIST = "asignado", "espera"
GRANTED_MESSAGE = "cupo_asignado"


@dataclass(frozen=True)
class Waiting:
    """A case on a waiting list, at its position (1 is the next to get a place)."""

    position: int
    case_id: int
    family_name: str
    requested_at: datetime


@dataclass(frozen=True)
class Occupancy:
    """How the places of one modality stand: how many there are, held, and cases waiting."""

    modality: str
    capacity: int
    occupied: int
    waiting: int


def enrol_for_task(session: Session, case: Case, task: Task, now: datetime) -> None:
    """Enrol ``case`` if ``task`` has the ``places`` property."""
    field = runtime.properties(task).get(ENROL_PROPERTY)
    modality = task.data.get(field) if field else None
    if modality:
        status = enrol(session, case, modality, now)
        task.data[RESULT_VARIABLE] = ASSIGNED if status == OCCUPIED else ON_WAITING_LIST


def releases_place(task: Task) -> bool:
    """Whether running ``task`` gives the case's place back (property ``placeRelease``)."""
    return str(runtime.properties(task).get(RELEASE_PROPERTY, "")).lower() == "true"


def enrol(session: Session, case: Case, modality: str, now: datetime) -> str:
    """Give ``case`` a place of ``modality``, or put it at the end of the waiting list.

    Cases already waiting go first when places are free (their number was raised), so a new
    case never overtakes them. Returns the case's status (occupied or waiting).
    """
    if _active(session, case.id) is not None:
        raise Conflict(f"case {case.id} already holds or waits for a place",
                       code="place.already_enrolled", case=case.id)
    capacity = capacity_of(case.programme, case.territory.code, modality)
    if capacity is None:
        raise ScriptFailure("(cupos)", f"no places for '{modality}' in {case.territory.code}: "
                            f"add cupos.{case.territory.code}.{modality} to the settings",
                            code="place.none_configured",
                            params={"modality": modality, "territory": case.territory.code})
    pool = _locked_pool(session, case, modality, now)
    _fill(session, pool, capacity, now)
    occupied = _count(session, pool.id, OCCUPIED)
    row = Enrolment(pool_id=pool.id, case_id=case.id, requested_at=now,
                    status=OCCUPIED if occupied < capacity else WAITING)
    row.pool = pool
    if row.status == OCCUPIED:
        row.assigned_at = now
        _record(session, row, "place_assigned", now, "Cupo asignado", from_waiting_list=False)
    else:
        position = _count(session, pool.id, WAITING) + 1
        _record(session, row, "waiting_listed", now, f"En lista de espera (n.º {position})",
                position=position)
    session.add(row)
    return row.status


def release(session: Session, case: Case, now: datetime) -> None:
    """Give back what ``case`` holds: its place goes to the oldest waiting case; a waiting
    case leaves the list."""
    held = _active(session, case.id)
    if held is None:
        return
    _lock(session, held.pool_id, now)
    session.refresh(held)  # as it stands now that the pool is ours
    if held.status == WAITING:
        held.status, held.ended_at = WITHDRAWN, now
        _record(session, held, "waiting_list_left", now, "Retiro de la lista de espera")
        return
    if held.status != OCCUPIED:
        return
    held.status, held.ended_at = RELEASED, now
    _record(session, held, "place_released", now, "Cupo liberado")
    capacity = capacity_of(case.programme, case.territory.code, held.pool.modality)
    _fill(session, held.pool, capacity or 0, now)


def lock_before_task(session: Session, task_id: str, now: datetime) -> None:
    """Before a task of a waiting case is worked, lock the case's pool (the lock order)."""
    query = (select(Enrolment.pool_id)
             .join(HumanTask, HumanTask.case_id == Enrolment.case_id)
             .where(HumanTask.id == task_id, Enrolment.status == WAITING))
    pool_id = session.scalar(query)
    if pool_id is not None:
        _lock(session, pool_id, now)


def capacity_of(programme: Programme, territory_code: str, modality: str) -> int | None:
    """The number of places of ``modality`` in a territory (None when not configured)."""
    value = _configured(programme).get(territory_code, {}).get(modality)
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def modality_name(programme: Programme, modality: str) -> str:
    """How a modality reads (``[modalidades.<modality>] nombre``, else its code)."""
    table = catalog.settings_of(programme).values.get("modalidades", {}).get(modality, {})
    return table.get("nombre", modality) if isinstance(table, dict) else modality


def waiting_list(session: Session, programme_key: str, territory_id: int,
                 modality: str) -> list[Waiting]:
    """The cases waiting for a place of ``modality``, the next to get one first."""
    query = (select(Enrolment.case_id, Household.family_name, Enrolment.requested_at)
             .join(PlacePool, PlacePool.id == Enrolment.pool_id)
             .join(Case, Case.id == Enrolment.case_id)
             .join(Household, Household.id == Case.household_id)
             .where(PlacePool.programme_key == programme_key,
                    PlacePool.territory_id == territory_id, PlacePool.modality == modality,
                    Enrolment.status == WAITING)
             .order_by(Enrolment.requested_at, Enrolment.id))
    return [Waiting(position, case_id, name, at)
            for position, (case_id, name, at) in enumerate(session.execute(query), start=1)]


def occupancy(session: Session, programme_key: str, territory_ids) -> dict[str, Occupancy]:
    """Places, places held and cases waiting per modality (by code), over some territories."""
    ids = list(territory_ids)
    programme = catalog.programme(session, programme_key)
    codes = session.scalars(select(Territory.code).where(Territory.id.in_(ids))).all()
    capacity: dict[str, int] = {}
    for code in codes:
        for modality, places in _configured(programme).get(code, {}).items():
            capacity[modality] = capacity.get(modality, 0) + places
    counts = session.execute(
        select(PlacePool.modality, Enrolment.status, func.count())
        .join(PlacePool, PlacePool.id == Enrolment.pool_id)
        .where(PlacePool.programme_key == programme_key, PlacePool.territory_id.in_(ids),
               Enrolment.status.in_((OCCUPIED, WAITING)))
        .group_by(PlacePool.modality, Enrolment.status)).all()
    found = {(modality, status): n for modality, status, n in counts}
    modalities = sorted(set(capacity) | {m for m, _ in found})  # JSONB keeps no key order
    return {m: Occupancy(m, capacity.get(m, 0), found.get((m, OCCUPIED), 0),
                         found.get((m, WAITING), 0)) for m in modalities}


def _configured(programme: Programme) -> dict:
    """The ``[cupos]`` table of the live settings: places per territory and modality."""
    return catalog.settings_of(programme).values.get("cupos", {})


def active_enrolment(session: Session, case_id: int) -> Enrolment | None:
    """The place ``case_id`` holds or waits for now (None: neither)."""
    return _active(session, case_id)


def _active(session: Session, case_id: int) -> Enrolment | None:
    query = select(Enrolment).where(Enrolment.case_id == case_id,
                                    Enrolment.status.in_((OCCUPIED, WAITING)))
    return session.scalars(query).first()


def _locked_pool(session: Session, case: Case, modality: str, now: datetime) -> PlacePool:
    """The case's pool of ``modality`` (made on first use), locked."""
    insert = postgresql.insert if session.get_bind().dialect.name == "postgresql" else sqlite.insert
    session.execute(insert(PlacePool).values(
        programme_key=case.programme_key, territory_id=case.territory_id, modality=modality,
        updated_at=now).on_conflict_do_nothing())
    pool = session.scalars(select(PlacePool).where(
        PlacePool.programme_key == case.programme_key,
        PlacePool.territory_id == case.territory_id, PlacePool.modality == modality)).one()
    _lock(session, pool.id, now)
    return pool


def _lock(session: Session, pool_id: int, now: datetime) -> None:
    """Take the pool's lock until the transaction ends (writing to its row)."""
    statement = update(PlacePool).where(PlacePool.id == pool_id).values(updated_at=now)
    session.execute(statement.execution_options(synchronize_session=False))


def _count(session: Session, pool_id: int, status: str) -> int:
    query = select(func.count()).where(Enrolment.pool_id == pool_id, Enrolment.status == status)
    return session.scalar(query)


def _fill(session: Session, pool: PlacePool, capacity: int, now: datetime) -> None:
    """Give the free places of a (locked) pool to its oldest waiting cases."""
    free = capacity - _count(session, pool.id, OCCUPIED)
    if free <= 0:
        return
    query = (select(Enrolment).where(Enrolment.pool_id == pool.id, Enrolment.status == WAITING)
             .order_by(Enrolment.requested_at, Enrolment.id).limit(free))
    rows = list(session.scalars(query))
    for row in rows:
        row.status, row.assigned_at = OCCUPIED, now
        _record(session, row, "place_assigned", now, "Cupo asignado", from_waiting_list=True)
        uow.publish(session, PlaceGranted(row.case_id, now))


def _record(session: Session, row: Enrolment, kind: str, now: datetime, what: str,
            **details) -> None:
    case = session.get(Case, row.case_id)
    modality = row.pool.modality
    name = modality_name(case.programme, modality)
    code = f"event.{kind}" + ("_from_list" if details.get("from_waiting_list") else "")
    audit.record(session, row.case_id, kind, SYSTEM.id, now, title=f"{what} — {name}",
                 data={"modality": modality, **details}, code=code,
                 params={"modality": name, **details})


def lock_case_pool(session: Session, case_id: int, now: datetime) -> None:
    """Before a command moves the workflow of a case that holds or waits for a place (an act
    from the case file), lock the case's pool first (the lock order)."""
    held = _active(session, case_id)
    if held is not None:
        _lock(session, held.pool_id, now)
