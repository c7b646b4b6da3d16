"""Places (cupos) are decided by the database: of families enrolling at once for the last
place exactly one gets it, a freed place goes to exactly the family waiting longest, and a
withdrawal racing a freed place never deadlocks. Run on SQLite and PostgreSQL."""

import time
from concurrent.futures import Future, ThreadPoolExecutor
from contextlib import contextmanager

import pytest
from sqlalchemy import text, update

import engine
from engine import unit_of_work
from engine.commands import places
from engine.persistence.models import PlacePool, Territory
from tests.integration.test_concurrency import at_once
from tests.integration.triple_p_driver import Office, add_la_serena, deploy_triple_p
from web.demo_data_triple_p import inscripcion, retiro


@pytest.fixture
def people(session):
    return add_la_serena(session)


def test_of_four_families_enrolling_at_once_for_the_last_place_one_gets_it(
        session, new_session, sql_engine, real_forms, people):
    office = Office(session, real_forms, people, talleres=2)
    holder, *racers = office.refer("Rojas", "Muñoz", "Araya", "Vega", "Soto")
    office.enrol(holder)
    at = office.tick()
    with ThreadPoolExecutor(len(racers)) as pool, pool_held_by_someone_else(new_session):
        enrolments = [pool.submit(office.complete, c, "inscripcion", inscripcion(at.date()),
                                  new_session(), at) for c in racers]
        # all four at the pool's door at once
        wait_for_lock_waiters(sql_engine, len(racers), enrolments)
    assert [e.exception() for e in enrolments] == [None] * len(racers)
    statuses = [office.status(c) for c in racers]
    assert sorted(statuses) == [["occupied"], ["waiting"], ["waiting"], ["waiting"]]
    winner = racers[statuses.index(["occupied"])]
    assert office.tasks(winner) == ["cuestionarios_iniciales"]
    losers = [c for c in racers if c != winner]
    assert all(office.tasks(c) == ["lista_espera"] for c in losers)
    assert sorted(office.waiting()) == sorted(losers)


def test_a_freed_place_goes_to_exactly_the_family_waiting_longest(session, real_forms, people):
    office = Office(session, real_forms, people, talleres=1)
    holder, first, second, third = office.refer("Rojas", "Muñoz", "Araya", "Vega")
    office.enrol(holder, first, second, third)
    assert office.waiting() == [first, second, third]
    office.start_workshop(holder)
    office.abandon(holder)
    assert office.status(holder) == ["released"]
    assert office.status(first) == ["occupied"]
    assert office.tasks(first) == ["cuestionarios_iniciales"]  # its process moved on
    assert office.waiting() == [second, third]
    assert [office.granted(c) for c in (first, second, third)] == [1, 0, 0]


def test_two_places_freed_at_once_go_to_two_different_families(session, new_session,
                                                              real_forms, people):
    office = Office(session, real_forms, people, talleres=2)
    a, b, c, d, e = office.refer("Rojas", "Muñoz", "Araya", "Vega", "Soto")
    office.enrol(a, b, c, d, e)
    office.start_workshop(a)
    office.start_workshop(b)
    at = office.tick()
    outcomes = at_once(lambda: office.abandon(a, new_session(), at),
                       lambda: office.abandon(b, new_session(), at))
    assert not [o for o in outcomes if isinstance(o, Exception)]
    assert [office.status(x) for x in (c, d, e)] == [["occupied"], ["occupied"], ["waiting"]]
    assert [office.granted(x) for x in (c, d, e)] == [1, 1, 0]
    assert office.tasks(c) == office.tasks(d) == ["cuestionarios_iniciales"]
    assert office.waiting() == [e]


def test_a_withdrawal_racing_a_freed_place_never_deadlocks(session, new_session, sql_engine,
                                                          real_forms, people):
    """The dangerous order, staged on PostgreSQL: the freed place is being given to the family
    that is withdrawing at that moment. Without the pool-first lock order the two would
    deadlock (the database would abort one as "the case is busy")."""
    office = Office(session, real_forms, people, talleres=1)
    holder, first, second = office.refer("Rojas", "Muñoz", "Araya")
    office.enrol(holder, first, second)
    office.start_workshop(holder)
    at = office.tick()
    leaving = retiro(at.date())
    with ThreadPoolExecutor(2) as pool, pool_held_by_someone_else(new_session):
        freed = pool.submit(office.abandon, holder, new_session(), at)
        wait_for_lock_waiters(sql_engine, 1, [freed])
        left = pool.submit(attempt, lambda: office.complete(first, "lista_espera", leaving,
                                                            new_session(), at))
        wait_for_lock_waiters(sql_engine, 2, [freed, left])
    freed.result()
    if left.result() is None:  # SQLite may serve the withdrawal first
        assert (office.status(first), office.status(second)) == (["withdrawn"], ["occupied"])
    else:  # the place reached the family first: its waiting task is gone
        assert isinstance(left.result(), engine.NotFound)
        assert (office.status(first), office.status(second)) == (["occupied"], ["waiting"])
        assert office.tasks(first) == ["cuestionarios_iniciales"]


def attempt(call):
    """Run ``call``; return None, or the engine error it raised."""
    try:
        call()
    except engine.EngineError as error:
        return error
    return None


@contextmanager
def pool_held_by_someone_else(new_session):
    """Hold the (only) place pool's lock until the block ends (on SQLite: the write lock)."""
    blocker = new_session()
    blocker.execute(update(PlacePool).values(modality=PlacePool.modality))
    try:
        yield
    finally:
        blocker.commit()


def wait_for_lock_waiters(sql_engine, count: int, workers: list[Future]) -> None:
    """On PostgreSQL, wait until ``count`` transactions wait for a lock (no-op on SQLite,
    where a waiting writer cannot be observed). However loaded the machine, the workers get
    there unless one ends first (it then never will: fail at once, with its error) or none
    arrives within two minutes."""
    if sql_engine.dialect.name != "postgresql":
        return
    query = text("SELECT count(*) FROM pg_stat_activity "
                 "WHERE datname = current_database() AND wait_event_type = 'Lock'")
    deadline = time.monotonic() + 120
    with sql_engine.connect() as conn:
        while conn.execute(query).scalar() < count:
            ended = [w for w in workers if w.done()]
            assert not ended, f"a worker ended instead of waiting: {ended[0].exception()!r}"
            assert time.monotonic() < deadline, f"fewer than {count} transactions waited"
            conn.rollback()  # a new transaction sees the activity anew (not a cached snapshot)
            time.sleep(0.01)  # real threads reaching a lock, not the clock: poll briefly


def test_places_added_go_to_waiting_families_before_a_newcomer(session, real_forms, people):
    office = Office(session, real_forms, people, talleres=1)
    holder, waiter, newcomer = office.refer("Rojas", "Muñoz", "Araya")
    office.enrol(holder, waiter)
    deploy_triple_p(session, real_forms, talleres=2)  # the coordination gets one more place
    office.enrol(newcomer)
    assert [office.status(c) for c in (holder, waiter, newcomer)] == [
        ["occupied"], ["occupied"], ["waiting"]]
    assert office.tasks(waiter) == ["cuestionarios_iniciales"]
    assert office.waiting() == [newcomer]


def test_a_territory_without_places_cannot_enrol(session, real_forms, people):
    office = Office(session, real_forms, people)
    session.add(Territory(code="coquimbo", name="Coquimbo", country="CL", region="CO",
                          timezone="America/Santiago"))
    session.commit()
    with unit_of_work(session):
        # added after deploy
        engine.enable_programme(session, "triple_p", "coquimbo", engine.SYSTEM)
    office.coordinator = engine.Actor("carmen", frozenset({"supervisor"}), None)
    office.facilitator = engine.Actor("lucia", frozenset({"caseworker"}), None)
    (case_id,) = office.refer("Rojas", territory="coquimbo")
    with pytest.raises(engine.ScriptFailure, match="cupos.coquimbo.charlas"):
        office.enrol(case_id, modality="charlas")
    assert office.tasks(case_id) == ["inscripcion"] and office.status(case_id) == []


def test_occupancy_counts_places_held_and_families_waiting(session, real_forms, people):
    office = Office(session, real_forms, people, talleres=1)
    a, b, c = office.refer("Rojas", "Muñoz", "Araya")
    office.enrol(a, b)
    office.enrol(c, modality="charlas")
    found = places.occupancy(session, "triple_p", office.facilitator.territories)
    assert found == {
        "charlas": places.Occupancy("charlas", 1200, 1, 0),
        "individuales": places.Occupancy("individuales", 293, 0, 0),
        "talleres": places.Occupancy("talleres", 1, 1, 1),
    }
