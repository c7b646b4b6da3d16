"""With Redis, real rq worker processes run the timer sweep (real Redis on 127.0.0.1:6379)."""

import os
import subprocess
import sys
from datetime import UTC, datetime

from rq import Queue

import engine
from engine import unit_of_work
from engine.persistence.models import Event
from tests.conftest import FIXTURES, ROOT
from tests.workers import redis_test_url
from web.jobs import WORKER_CLASS

REDIS_URL = redis_test_url()  # ACOMPANA_TEST_REDIS, one database per xdist worker
QUEUE = f"acompana-test-{os.getpid()}"  # so two test runs on one machine never share work


def run_worker(database_url: str) -> subprocess.CompletedProcess:
    """One rq worker process that drains the queue and exits (--burst)."""
    env = {**os.environ, "DATABASE_URL": database_url, "PYTHONPATH": str(ROOT)}
    command = [sys.executable, "-m", "rq.cli", "worker", "--burst", "--url", REDIS_URL,
               "--worker-class", WORKER_CLASS, QUEUE]
    return subprocess.run(command, env=env, cwd=ROOT, capture_output=True, text=True,
                          timeout=120, check=False)


def test_a_worker_process_fires_the_due_timers(redis, database_url, session, fixture_forms,
                                               caseworker):
    with unit_of_work(session):
        engine.deploy_folder(session, FIXTURES / "mini", fixture_forms, "tester")
    command = engine.StartCase("mini", "antofagasta", "ana", "Pérez")
    for _ in range(3):
        with unit_of_work(session):
            engine.start_case(session, command, caseworker, datetime(2026, 3, 2, tzinfo=UTC))
    Queue(QUEUE, connection=redis).enqueue("web.jobs.sweep_timers")
    finished = run_worker(database_url)
    assert finished.returncode == 0, finished.stderr[-2000:]
    session.expire_all()
    assert session.query(Event).filter_by(kind="reminder").count() == 3
    assert session.query(Event).filter_by(kind="escalation").count() == 3


def test_the_scheduler_sweeps_every_five_seconds_by_default(app, monkeypatch):
    from web.scheduler import from_environment

    monkeypatch.delenv("ACOMPANA_SWEEP_SECONDS", raising=False)
    app.config["REDIS_URL"] = REDIS_URL
    assert from_environment(app).sweep_seconds == 5
