"""With Redis, a household import runs as chains of rq jobs on a real worker process (as the
page starts it: web.import_runs.start), and a timer sweep resumes an import nobody holds."""

import os
import subprocess
import sys
from datetime import UTC, datetime

import pytest
from sqlalchemy import func, select

import engine
from engine import unit_of_work
from engine.commands import household_import_runs as runs
from engine.commands import household_imports as imports
from engine.persistence.models import Household
from tests.conftest import FIXTURES, ROOT
from tests.integration.import_files import registry_csv
from tests.workers import redis_test_url
from web import create_app, import_runs
from web.jobs import WORKER_CLASS

pytestmark = pytest.mark.postgresql_only  # rq workers share the database with the test
REDIS_URL = redis_test_url()
QUEUE = f"acompana-import-test-{os.getpid()}"
MARCH_2 = datetime(2026, 3, 2, 12, tzinfo=UTC)


def run_worker(database_url: str) -> subprocess.CompletedProcess:
    """One rq worker process that drains the queue (chunk after chunk) and exits."""
    env = {**os.environ, "DATABASE_URL": database_url, "PYTHONPATH": str(ROOT),
           "REDIS_URL": REDIS_URL, "ACOMPANA_QUEUE": QUEUE}
    command = [sys.executable, "-m", "rq.cli", "worker", "--burst", "--url", REDIS_URL,
               "--worker-class", WORKER_CLASS, QUEUE]
    return subprocess.run(command, env=env, cwd=ROOT, capture_output=True, text=True,
                          timeout=300, check=False)


def test_an_import_runs_on_rq_workers_and_a_sweep_resumes_one_nobody_holds(
        redis, database_url, session, fixture_forms, territories):
    with unit_of_work(session):
        engine.deploy_folder(session, FIXTURES / "mini", fixture_forms, "tester")
    text, _bad = registry_csv(1200, bad_every=100, first=50_000_000)
    with unit_of_work(session):
        found = imports.upload(session, engine.SYSTEM, "mini", "antofagasta", "rsh.csv",
                               text.encode(), now=MARCH_2)
        imports.start(session, engine.SYSTEM, found, now=MARCH_2)
    web_app = create_app({"SQLALCHEMY_DATABASE_URI": database_url, "TESTING": True,
                          "REDIS_URL": REDIS_URL, "ACOMPANA_QUEUE": QUEUE})
    import_runs.start(web_app, found)  # two chains of 500-row jobs
    finished = run_worker(database_url)
    assert finished.returncode == 0, finished.stderr[-2000:]
    session.expire_all()
    assert runs.progress(session, found).counts == {"pending": 0, "created": 1188,
                                                    "updated": 0, "unchanged": 0, "failed": 12}
    assert session.scalar(select(func.count()).select_from(Household)) == 1188

    with unit_of_work(session):  # a second import whose worker never came
        again = imports.upload(session, engine.SYSTEM, "mini", "antofagasta", "rsh.csv",
                               text.encode(), now=MARCH_2)
        imports.start(session, engine.SYSTEM, again, now=MARCH_2)
    with web_app.app_context():
        assert import_runs.resume(web_app) == [again]
        assert import_runs.resume(web_app) == []  # held now: its lease is fresh
    assert run_worker(database_url).returncode == 0
    session.expire_all()
    assert runs.progress(session, again).counts["unchanged"] == 1188
    assert runs.unfinished(session) == []
