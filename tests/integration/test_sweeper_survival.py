"""One poisoned script cannot stop the deadlines: with the sweeper thread and with real rq
worker processes, whatever the script does (an error, SystemExit, KeyboardInterrupt, an
endless loop, a memory bomb, endless recursion), every other case's deadline fires on time,
also after a restart, and the failure is an open incident on the Incidents page."""

import os
import subprocess
import sys
import time
from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from rq import Queue

from tests.conftest import ROOT
from tests.integration import poisoned_world as world
from tests.integration.test_rq_sweep import QUEUE, REDIS_URL
from web.background import Sweeper
from web.jobs import WORKER_CLASS

MARCH_6 = datetime(2026, 3, 6, 12, tzinfo=UTC)  # the mini cases' reminders are due
MARCH_10 = datetime(2026, 3, 10, 12, tzinfo=UTC)  # and their escalations


@pytest.fixture
def app(database_url):
    """The app with a short CPU limit (restored afterwards)."""
    yield from world.short_limit_app(database_url)


def listed_on_incidents_page(app, session, territories, case_id: int) -> str:
    """The Incidents page as an administrator of the poisoned case's country sees it."""
    world.add_person(session, "admin1", "admin", territories["antofagasta"])
    status, page = world.Browser(app, "admin1").page("/incidents")
    assert status == 200
    assert f"/cases/{case_id}" in page and "Calcular puntaje" in page
    return page


def wait_for(condition, seconds: float = 60) -> None:
    """Wait for the sweeper thread to have done something (not for time to pass)."""
    deadline = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < deadline, "the sweeper thread did not get there"
        time.sleep(0.05)


@pytest.mark.parametrize("poison", sorted(world.POISONS))
def test_the_sweeper_thread_survives_a_poisoned_timer(poison, app, session, fixture_forms,
                                                      caseworker, territories):
    cases = world.build(session, fixture_forms, caseworker, poison)
    with time_machine.travel(MARCH_6, tick=False):
        result = Sweeper(app).run_once()
    assert (result.failed, result.fired) == (1, 3)
    assert world.fired(session, cases.healthy, "reminder") == dict.fromkeys(cases.healthy, 1)
    incident = world.incident_of(session, cases.poisoned)
    assert (incident.status, incident.kind, incident.element_id) == ("open", "timer", "calcular")
    assert incident.attempts == 1 and incident.next_retry_at == MARCH_6 + timedelta(minutes=1)

    restarted = Sweeper(app, period=0.01)  # a restart: a new thread, four days later
    with time_machine.travel(MARCH_10, tick=False):
        restarted.start()
        wait_for(lambda: world.fired(session, cases.healthy, "escalation")
                 == dict.fromkeys(cases.healthy, 1))
        wait_for(lambda: world.incident_of(session, cases.poisoned).attempts >= 2)
        assert restarted.is_alive()
        restarted.stop()
        restarted.join(timeout=30)
    assert world.fired(session, cases.healthy, "reminder") == dict.fromkeys(cases.healthy, 1)
    assert world.incident_of(session, cases.poisoned).status == "open"
    listed_on_incidents_page(app, session, territories, cases.poisoned)


def run_worker(database_url: str) -> subprocess.CompletedProcess:
    """A real rq worker process that drains the queue and exits (--burst)."""
    env = {**os.environ, "DATABASE_URL": database_url, "PYTHONPATH": str(ROOT),
           "ACOMPANA_SCRIPT_SECONDS": str(world.SCRIPT_SECONDS)}
    command = [sys.executable, "-m", "rq.cli", "worker", "--burst", "--url", REDIS_URL,
               "--worker-class", WORKER_CLASS, QUEUE]
    return subprocess.run(command, env=env, cwd=ROOT, capture_output=True, text=True,
                          timeout=180, check=False)


def sweep_with_a_worker(redis, database_url: str) -> dict:
    """Enqueue one sweep, run a fresh worker process, and return the job's result."""
    job = Queue(QUEUE, connection=redis).enqueue("web.jobs.sweep_timers")
    finished = run_worker(database_url)
    assert finished.returncode == 0, finished.stderr[-3000:]
    job.refresh()
    assert job.get_status() == "finished", finished.stderr[-3000:]
    return job.return_value()


@pytest.mark.parametrize("poison", sorted(world.POISONS))
def test_rq_workers_survive_a_poisoned_timer(poison, redis, app, database_url, session,
                                             fixture_forms, caseworker, territories):
    cases = world.build(session, fixture_forms, caseworker, poison)
    result = sweep_with_a_worker(redis, database_url)  # real time: everything is long due
    assert (result["failed"], result["fired"]) == (1, 6)
    every = dict.fromkeys(cases.healthy, 1)
    assert world.fired(session, cases.healthy, "reminder") == every
    assert world.fired(session, cases.healthy, "escalation") == every
    assert world.incident_of(session, cases.poisoned).attempts == 1

    later = world.start_healthy(session, caseworker, 2)  # then a restart: a new worker
    result = sweep_with_a_worker(redis, database_url)
    assert (result["failed"], result["fired"]) == (0, 4)  # the poisoned case waits its turn
    assert world.fired(session, later, "escalation") == dict.fromkeys(later, 1)
    incident = world.incident_of(session, cases.poisoned)
    assert incident.attempts == 1 and incident.status == "open"
    listed_on_incidents_page(app, session, territories, cases.poisoned)
