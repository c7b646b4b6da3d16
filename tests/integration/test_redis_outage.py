"""Deadlines survive a Redis crash: with the production processes (``python -m web.scheduler``
and ``rq worker``) running against a redis-server of the test's own, a SIGKILL of Redis and a
restart on the same port, a timer that fell due meanwhile fires soon after — neither process
restarted. Waiting here is a bounded poll on real processes reconnecting; the deadlines
themselves are placed with the engine's clock argument (cases started in March 2026)."""

import json
import os
import signal
import subprocess
import sys
import time
from datetime import UTC, datetime, timedelta

import pytest
from redis import Redis
from rq import Queue

import engine
from engine import unit_of_work
from engine.persistence.models import Event
from tests.conftest import FIXTURES, ROOT
from tests.integration.redis_server import RedisServer
from web import create_app
from web.extensions import db
from web.health import readiness
from web.jobs import WORKER_CLASS

QUEUE = f"acompana-outage-{os.getpid()}"
START = datetime(2026, 3, 2, 12, tzinfo=UTC)


@pytest.fixture
def server():
    redis = RedisServer().start()
    yield redis
    redis.kill()


@pytest.fixture
def processes(server, database_url):
    """The scheduler and one worker, as the README runs them (JSON logs on stdout)."""
    env = {**os.environ, "DATABASE_URL": database_url, "REDIS_URL": server.url,
           "PYTHONPATH": str(ROOT), "ACOMPANA_QUEUE": QUEUE, "ACOMPANA_SWEEP_SECONDS": "1",
           "ACOMPANA_SCHEDULER_MAX_BACKOFF": "2", "ACOMPANA_LOG_FORMAT": "json"}
    commands = {
        "scheduler": [sys.executable, "-m", "web.scheduler"],
        "worker": [sys.executable, "-m", "rq.cli", "worker", "--url", server.url,
                   "--worker-class", WORKER_CLASS, QUEUE],
    }
    running = {name: subprocess.Popen(argv, env=env, cwd=ROOT, stdout=subprocess.PIPE,
                                      stderr=subprocess.STDOUT, text=True)
               for name, argv in commands.items()}
    yield running
    for process in running.values():
        if process.poll() is None:
            process.send_signal(signal.SIGTERM)
    for process in running.values():
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()


def fired(session, case_id: int) -> list[str]:
    session.expire_all()
    events = session.query(Event).filter(Event.case_id == case_id,
                                         Event.kind.in_(["reminder", "escalation"]))
    return sorted(e.kind for e in events)


def poll(condition, seconds: float) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.2)
    return condition()


def outputs(processes: dict) -> str:
    """What the processes said (they are stopped first), for a failure message."""
    said = []
    for name, process in processes.items():
        process.send_signal(signal.SIGTERM)
        said.append(f"--- {name} (exit {process.wait(timeout=15)}):\n"
                    + process.communicate(timeout=15)[0][-4000:])
    return "\n".join(said)


def json_lines(output: str, logger: str) -> list[dict]:
    lines = [json.loads(line) for line in output.splitlines() if line.startswith("{")]
    return [line for line in lines if line["logger"] == logger]


@pytest.mark.parametrize("migrated_database", ["postgresql"], indirect=True)
def test_a_timer_due_during_a_redis_crash_fires_when_redis_returns(
        server, processes, database_url, session, fixture_forms, caseworker):
    with unit_of_work(session):
        engine.deploy_folder(session, FIXTURES / "mini", fixture_forms, "tester")
    command = engine.StartCase("mini", "antofagasta", "ana", "Pérez")
    with unit_of_work(session):
        before = engine.start_case(session, command, caseworker, START).id
    assert poll(lambda: fired(session, before) == ["escalation", "reminder"], 25), \
        "the processes never swept before the outage"

    server.kill()
    with unit_of_work(session):
        during = engine.start_case(session, command, caseworker, START).id  # due at once
    app = create_app({"SQLALCHEMY_DATABASE_URI": database_url, "REDIS_URL": server.url})
    time.sleep(2)  # an outage of a few seconds (nothing can sweep: no queue)
    assert fired(session, during) == []
    with app.app_context():
        down = readiness(engine.core.clock.now())
        db.session.remove()
    assert not down["redis"]["ok"] and not down["timers"]["ok"]

    restarted_at = datetime.now(UTC)
    server.start()  # same port, empty
    assert poll(lambda: fired(session, during) == ["escalation", "reminder"], 15), \
        "the timer never fired after Redis came back:\n" + outputs(processes)
    caught_up_in = (datetime.now(UTC) - restarted_at).total_seconds()
    assert all(p.poll() is None for p in processes.values()), "a process gave up"
    with app.app_context():
        assert poll(lambda: all(c["ok"] for c in readiness(engine.core.clock.now()).values()), 5)
        db.session.remove()

    for process in processes.values():
        process.send_signal(signal.SIGTERM)
    scheduler_log = json_lines(processes["scheduler"].communicate(timeout=15)[0],
                               "acompana.scheduler")
    worker_log = json_lines(processes["worker"].communicate(timeout=15)[0], "acompana.jobs")
    messages = [line["message"] for line in scheduler_log]
    assert sum(m.startswith("Redis unreachable") for m in messages) == 1, messages
    assert sum(m.startswith("Redis reachable again") for m in messages) == 1, messages
    assert any(m.startswith("sweep: fired 2 timer(s) on 1 case(s)") for m in
               (line["message"] for line in worker_log))
    assert caught_up_in < timedelta(seconds=15).total_seconds()
    print(f"timer fired {caught_up_in:.1f} s after redis-server restarted; scheduler said:",
          *messages, sep="\n  ")


@pytest.mark.parametrize("migrated_database", ["postgresql"], indirect=True)
def test_a_worker_busy_when_redis_dies_waits_for_it_and_keeps_working(server, database_url,
                                                                      session, fixture_forms,
                                                                      caseworker):
    """Plain rq 3.0 exits here (the job's end cannot be recorded); web.worker.Worker waits."""
    env = {**os.environ, "DATABASE_URL": database_url, "PYTHONPATH": str(ROOT),
           "ACOMPANA_LOG_FORMAT": "json"}
    worker = subprocess.Popen(
        [sys.executable, "-m", "rq.cli", "worker", "--url", server.url, "--worker-class",
         WORKER_CLASS, QUEUE], env=env, cwd=ROOT, stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT, text=True)
    try:
        queue = Queue(QUEUE, connection=Redis.from_url(server.url))
        busy = queue.enqueue("time.sleep", 3)
        assert poll(lambda: busy.get_status() == "started", 20), "the worker never started"
        server.kill()  # while the job runs
        time.sleep(4)  # the job ends during the outage
        assert worker.poll() is None, "the worker exited:\n" + worker.communicate()[0][-3000:]
        server.start()
        with unit_of_work(session):
            engine.deploy_folder(session, FIXTURES / "mini", fixture_forms, "tester")
        with unit_of_work(session):
            case = engine.start_case(session, engine.StartCase("mini", "antofagasta", "ana",
                                                               "Pérez"), caseworker, START).id
        Queue(QUEUE, connection=Redis.from_url(server.url)).enqueue("web.jobs.sweep_timers")
        assert poll(lambda: fired(session, case) == ["escalation", "reminder"], 20)
    finally:
        worker.send_signal(signal.SIGTERM)
        said = worker.communicate(timeout=15)[0]
    messages = [line["message"] for line in json_lines(said, "acompana.worker")]
    assert [m.split(" (")[0] for m in messages][:1] == [f"Redis lost while finishing job {busy.id}"]
    assert messages[-1].startswith("Redis reachable again")
