"""Timer drivers wake when the next timer falls due, not at their next fixed tick: the
scheduler and the sweeper read it from the timer index after each sweep, and a timer committed
meanwhile that falls due sooner is announced (in the process, and on Redis to the scheduler).
Every moment is given (no sleeping); the Redis announcement crosses a real redis-server."""

import threading
from datetime import UTC, datetime, time, timedelta

import pytest
import time_machine
from redis import Redis
from rq import Queue
from sqlalchemy import func, select

import engine
from engine import unit_of_work
from engine.persistence.models import Timer
from tests.conftest import FIXTURES
from tests.integration.redis_server import RedisServer
from web import timer_wakeups
from web.background import Sweeper
from web.extensions import db
from web.scheduler import SWEEP, Announcements, Scheduler
from web.timer_wakeups import DueWatch

STARTED = datetime(2026, 3, 2, 9, tzinfo=UTC)


@pytest.fixture
def mini_case(app, session, fixture_forms, caseworker):
    """A mini case started on 2 March 09:00 (its reminder falls due first)."""
    with unit_of_work(session):
        engine.deploy_folder(session, FIXTURES / "mini", fixture_forms, "tester")
    command = engine.StartCase("mini", "antofagasta", "ana", "Pérez")
    with unit_of_work(session):
        case = engine.start_case(session, command, caseworker, STARTED)
    return case.id


@pytest.fixture
def server():
    redis = RedisServer().start()
    yield redis
    redis.kill()


def reminder_due(session) -> datetime:
    return timer_wakeups.aware(session.scalar(select(func.min(Timer.due_at))))


def index_of(app):
    def next_due(after: datetime):
        with app.app_context():
            return engine.next_due_after(db.session, after)
    return next_due


def waiting(server: RedisServer) -> list[str]:
    return [job.func_name for job in Queue("acompana", connection=Redis.from_url(server.url))
            .get_jobs()]


def test_the_scheduler_sleeps_until_the_next_timer_and_sweeps_on_its_second(app, session,
                                                                              mini_case,
                                                                              server):
    due = reminder_due(session)
    redis = Redis.from_url(server.url, socket_connect_timeout=0.5, socket_timeout=1)
    scheduler = Scheduler(redis, "acompana", sweep_seconds=3600, digest_at=time(7, 0),
                          timers=DueWatch(index_of(app)))
    before = due - timedelta(seconds=2.5)
    assert scheduler.tick(before) == pytest.approx(2.5)  # not the hour of the fixed sweep
    Queue("acompana", connection=redis).empty()  # a worker took the first sweep
    assert scheduler.tick(due) == 3600 and waiting(server) == [SWEEP]  # its second, at once
    Queue("acompana", connection=redis).empty()
    assert scheduler.tick(due + timedelta(seconds=1)) == pytest.approx(3599)
    assert waiting(server) == []  # that timer is the sweep's now: no second sweep for it


def test_a_timer_announced_on_redis_wakes_the_scheduler_early(server):
    watch = DueWatch(lambda _after: None)
    stopping = threading.Event()
    listener = Announcements(Redis.from_url(server.url), watch, stopping)
    listener.start()
    soon = datetime(2026, 3, 2, 9, 0, 3, tzinfo=UTC)
    try:
        timer_wakeups.install(server.url)
        for _ in range(50):  # until the listener's subscription is in place
            timer_wakeups.announce(soon)
            if watch.woken.wait(0.1):
                break
        assert watch.next_due == soon
        assert watch.until(soon - timedelta(seconds=3), soon + timedelta(hours=1)) == 3
    finally:
        stopping.set()
        listener.join(timeout=5)
        timer_wakeups.install(None)


def test_a_soon_timer_committed_in_this_process_is_announced_after_the_commit(
        app, session, fixture_forms, caseworker):
    with unit_of_work(session):
        engine.deploy_folder(session, FIXTURES / "mini", fixture_forms, "tester")
    heard: list[datetime] = []
    stop = timer_wakeups.listen(heard.append)
    try:
        command = engine.StartCase("mini", "antofagasta", "ana", "Pérez")
        with time_machine.travel(STARTED, tick=False), unit_of_work(session):
            engine.start_case(session, command, caseworker)  # due in days: the index's
        assert heard == []
        due = reminder_due(session)
        with time_machine.travel(due - timedelta(seconds=30), tick=False):
            with unit_of_work(session):  # a second case whose reminder falls due in 30 s
                engine.start_case(session, command, caseworker, STARTED)
            with pytest.raises(RuntimeError), unit_of_work(session):
                engine.start_case(session, command, caseworker, STARTED)
                raise RuntimeError("undone: nothing to announce")
    finally:
        stop()
    assert heard == [due]


def test_the_sweeper_thread_plans_its_next_sweep_from_the_timer_index(app, session, mini_case):
    due = reminder_due(session)
    sweeper = Sweeper(app, period=5)
    sweeper.timers.swept(STARTED)
    assert sweeper.timers.until(STARTED, STARTED + timedelta(seconds=5)) == 5
    sweeper.timers.swept(due - timedelta(seconds=1))
    assert sweeper.timers.until(due - timedelta(seconds=1), due + timedelta(seconds=4)) == 1
    with time_machine.travel(due, tick=False):
        assert sweeper.timers.is_due(due) and sweeper.run_once(due).fired == 1
    sweeper.timers.swept(due)
    assert sweeper.timers.next_due == reminder_due(session) > due  # the escalation's, next


def test_an_announcement_later_than_the_plan_changes_nothing_and_a_sooner_one_wakes():
    watch = DueWatch(lambda _after: STARTED + timedelta(seconds=10))
    watch.swept(STARTED)
    watch.announce(STARTED + timedelta(seconds=20))
    assert not watch.woken.is_set() and watch.next_due == STARTED + timedelta(seconds=10)
    watch.announce(STARTED + timedelta(seconds=2))
    assert watch.woken.is_set() and watch.until(STARTED, STARTED + timedelta(hours=1)) == 2


def test_with_the_database_away_the_watch_falls_back_to_the_fixed_sweep(caplog):
    def broken(_after):
        raise OSError("database away")

    watch = DueWatch(broken)
    watch.swept(STARTED)
    assert watch.next_due is None
    assert watch.until(STARTED, STARTED + timedelta(seconds=5)) == 5
    assert "sweeping on the fixed interval" in caplog.text
