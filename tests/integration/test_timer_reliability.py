"""The database decides what is due: flushing Redis, killing a worker, running two at once or
being down for a week never loses nor doubles a timer. Real Redis, real rq worker processes."""

import os
import signal
import subprocess
import sys
import time
from collections import Counter
from datetime import UTC, datetime, timedelta

from rq import Queue

import engine
from engine import unit_of_work
from engine.persistence.models import Event
from tests.conftest import FIXTURES, ROOT
from tests.entry import sweep
from tests.integration.test_rq_sweep import QUEUE, REDIS_URL
from web.jobs import WORKER_CLASS

START = datetime(2026, 3, 2, 12, tzinfo=UTC)


def worker(database_url: str) -> subprocess.Popen:
    env = {**os.environ, "DATABASE_URL": database_url, "PYTHONPATH": str(ROOT)}
    command = [sys.executable, "-m", "rq.cli", "worker", "--burst", "--url", REDIS_URL,
               "--worker-class", WORKER_CLASS, QUEUE]
    return subprocess.Popen(command, env=env, cwd=ROOT, stdout=subprocess.DEVNULL,
                            stderr=subprocess.PIPE, text=True)


def fired_per_timer(session) -> Counter:
    session.expire_all()
    events = session.query(Event).filter(Event.kind.in_(["reminder", "escalation"]))
    return Counter((e.case_id, e.kind) for e in events)


def enqueue_sweeps(redis, count: int = 1) -> None:
    queue = Queue(QUEUE, connection=redis)
    for _ in range(count):
        queue.enqueue("web.jobs.sweep_timers")


def test_flushing_redis_loses_no_deadline(redis, database_url, session, mini_cases):
    mini_cases(5)
    enqueue_sweeps(redis)
    redis.flushdb()  # the queued sweep is gone; the deadlines are not
    enqueue_sweeps(redis)  # the next tick of the scheduler
    assert worker(database_url).wait(timeout=120) == 0
    assert fired_per_timer(session) == Counter(
        {(case, kind): 1 for case in range(1, 6) for kind in ("reminder", "escalation")})


def test_two_workers_at_once_fire_each_timer_exactly_once(redis, database_url, session,
                                                          mini_cases):
    mini_cases(40)
    enqueue_sweeps(redis, 2)
    workers = [worker(database_url), worker(database_url)]
    assert [w.wait(timeout=180) for w in workers] == [0, 0]
    fired = fired_per_timer(session)
    assert len(fired) == 80 and set(fired.values()) == {1}


def test_a_worker_killed_mid_sweep_loses_nothing_and_doubles_nothing(redis, database_url,
                                                                      session,
                                                                      mini_cases):
    mini_cases(150)
    enqueue_sweeps(redis)
    victim = worker(database_url)
    deadline = time.monotonic() + 60
    while sum(fired_per_timer(session).values()) < 20 and time.monotonic() < deadline:
        time.sleep(0.05)  # wait for the sweep to be under way, then kill it
    victim.send_signal(signal.SIGKILL)
    victim.wait(timeout=30)
    partial = sum(fired_per_timer(session).values())
    assert 0 < partial < 300
    enqueue_sweeps(redis)
    assert worker(database_url).wait(timeout=180) == 0
    fired = fired_per_timer(session)
    assert len(fired) == 300 and set(fired.values()) == {1}


def test_a_week_down_catches_up_every_missed_daily_cycle_in_order(session, fixture_forms,
                                                                 caseworker):
    with unit_of_work(session):
        engine.deploy_folder(session, FIXTURES / "daily", fixture_forms, "tester")
    command = engine.StartCase("daily", "antofagasta", "ana", "Pérez")
    with unit_of_work(session):
        case = engine.start_case(session, command, caseworker, START)
    sweep(session, START + timedelta(days=7, hours=1))
    fired = [e for e in engine.case_history(session, case.id, caseworker)
             if e.kind == "timer_fired"]
    assert [e.at for e in fired] == [START + timedelta(days=n) for n in range(1, 8)]
    days = [e.at for e in engine.case_history(session, case.id, caseworker)
            if e.kind == "system_step"]
    assert days == [START + timedelta(days=n) for n in range(1, 8)]
