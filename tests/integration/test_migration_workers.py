"""200 running Familias cases migrated by real rq worker processes on PostgreSQL, one worker
killed midway, the batch resumed by a timer sweep, then rolled back.

The world is tests/integration/migration_crowd.py (its hand-computed figures are there). The
batch is started as the page starts it (web.migration_runs.start: two chains of 100-case jobs);
the first worker is SIGKILLed while it migrates, so no runner is left; once its lease is gone (the
key deleted: the 60 seconds it would take to run out) the second worker runs a timer sweep,
which resumes the batch. Every case is migrated exactly once, then the batch is rolled back and
every case is back on version 1 with the state it had.
"""

import contextlib
import os
import signal
import subprocess
import sys
import time
from datetime import UTC, datetime

import pytest
from rq import Queue
from sqlalchemy import func, select

from engine import unit_of_work
from engine.commands import migrations
from engine.core import clock
from engine.persistence.models import (
    CASE_MIGRATED,
    CASE_ROLLED_BACK,
    CaseMigration,
    Event,
    HumanTask,
    ProcessDefinition,
    ProcessInstance,
)
from tests.conftest import ROOT
from tests.integration.case_driver import local_time
from tests.integration.familias_driver import SANTIAGO
from tests.integration.migration_crowd import EXPECTED, EXPECTED_MAPPED, MIGRATION_CROWD
from tests.integration.migration_world import LEFT_ON
from tests.workers import redis_test_url
from web import create_app, migration_runs
from web.jobs import WORKER_CLASS

# real rq workers share the database with the test: PostgreSQL (row locks, skip_locked)
pytestmark = pytest.mark.postgresql_only
REDIS_URL = redis_test_url()
QUEUE = f"acompana-migration-test-{os.getpid()}"
MAPPED = migrations.MigrationRequest("familias", 1, 2, mapping={"plan": "diagnostico"})
MOVING = EXPECTED_MAPPED["moves"] + EXPECTED_MAPPED["moves_mapped"]
NOON = local_time(LEFT_ON, SANTIAGO, 12)  # the world's day; the workers live it too


@pytest.fixture
def database_seed():
    return MIGRATION_CROWD


class Workers:
    """Real ``rq worker`` processes on the test's queue, their clock on the world's day
    (bench/shifted.py: it ticks from noon on 6 March 2026); each killed at the end."""

    def __init__(self, database_url: str, logs):
        self.logs = logs
        self.env = {**os.environ, "DATABASE_URL": database_url, "REDIS_URL": REDIS_URL,
                    "ACOMPANA_QUEUE": QUEUE, "PYTHONPATH": str(ROOT)}
        self.running: list[subprocess.Popen] = []

    def start(self) -> subprocess.Popen:
        offset = (NOON - datetime.now(UTC)).total_seconds()
        command = [sys.executable, str(ROOT / "bench" / "shifted.py"), str(offset), "rq.cli",
                   "worker", "--url", REDIS_URL, "--worker-class", WORKER_CLASS, QUEUE]
        log = open(self.logs / f"worker-{len(self.running)}.log", "w")  # noqa: SIM115
        process = subprocess.Popen(command, env=self.env, cwd=ROOT, start_new_session=True,
                                   stdout=log, stderr=subprocess.STDOUT)
        self.running.append(process)
        return process

    @staticmethod
    def kill(process: subprocess.Popen) -> None:
        """SIGKILL, as the machine's OOM killer or a crash would."""
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=10)

    def stop(self) -> None:
        for process in self.running:
            self.kill(process)


@pytest.fixture
def workers(database_url, redis, tmp_path):
    started = Workers(database_url, tmp_path)
    yield started
    started.stop()


@pytest.fixture
def web_app(database_url):
    return create_app({"SQLALCHEMY_DATABASE_URI": database_url, "TESTING": True,
                       "REDIS_URL": REDIS_URL, "ACOMPANA_QUEUE": QUEUE})


def count(session, batch_id: int, status: str = CASE_MIGRATED) -> int:
    session.expire_all()
    return session.scalar(select(func.count()).select_from(CaseMigration).where(
        CaseMigration.batch_id == batch_id, CaseMigration.status == status))


def wait_for(condition, seconds: float, what: str) -> None:
    """Poll ``condition`` until it holds, for at most ``seconds``."""
    deadline = time.perf_counter() + seconds
    while time.perf_counter() < deadline:
        if condition():
            return
        time.sleep(0.05)
    raise AssertionError(f"not within {seconds} s: {what}")


def snapshot(session) -> dict[int, tuple]:
    """Each case's instance: version, state, open steps."""
    session.expire_all()
    rows = session.execute(select(ProcessInstance.case_id, ProcessInstance.definition_id,
                                  ProcessInstance.state)).all()
    steps: dict[int, list[str]] = {}
    for case_id, bpmn_id in session.execute(select(HumanTask.case_id, HumanTask.bpmn_id)
                                            .order_by(HumanTask.bpmn_id)):
        steps.setdefault(case_id, []).append(bpmn_id)
    return {case_id: (definition, state, steps.get(case_id, []))
            for case_id, definition, state in rows}


def test_the_dry_run_of_200_cases_gives_the_hand_computed_figures(session, manager):
    with clock.frozen_at(NOON), unit_of_work(session, dry_run=True):
        by_themselves = migrations.plan_migration(
            session, manager, migrations.MigrationRequest("familias", 1, 2))
    assert by_themselves.totals == EXPECTED
    with clock.frozen_at(NOON), unit_of_work(session, dry_run=True):
        assert migrations.plan_migration(session, manager, MAPPED).totals == EXPECTED_MAPPED


def test_a_batch_on_two_workers_survives_one_killed_migrates_each_case_once_and_rolls_back(
        session, sql_engine, manager, seed_data, workers, web_app, redis):
    before = snapshot(session)
    version = dict(session.execute(select(ProcessDefinition.version, ProcessDefinition.id)).all())
    with clock.frozen_at(NOON), unit_of_work(session):
        batch_id = migrations.start_batch(session, manager, MAPPED)

    first = workers.start()
    migration_runs.start(web_app, batch_id)  # two chains; only the first worker is up
    wait_for(lambda: count(session, batch_id) >= 40, 120, "the first worker migrating")
    workers.kill(first)
    stopped_at = count(session, batch_id)
    assert 40 <= stopped_at < MOVING
    redis.delete(f"acompana:migration:{batch_id}:lease")  # as if its 60 s had run out
    Queue(QUEUE, connection=redis).enqueue("web.jobs.sweep_timers", at_front=True)
    workers.start()
    wait_for(lambda: migrations.batch_progress(session, batch_id).finished, 120,
             "the batch resumed and finished")

    progress = migrations.batch_progress(session, batch_id)
    assert (progress.status, progress.migrated, progress.skipped) == ("done", MOVING, 10)
    per_case = session.execute(select(Event.case_id, func.count()).where(
        Event.kind == "case_migrated").group_by(Event.case_id)).all()
    assert len(per_case) == MOVING and {n for _, n in per_case} == {1}
    rows = session.execute(select(CaseMigration.case_id, func.count()).where(
        CaseMigration.status == CASE_MIGRATED).group_by(CaseMigration.case_id)).all()
    assert len(rows) == MOVING and {n for _, n in rows} == {1}
    after = snapshot(session)
    paused = set(seed_data["paused"])
    assert {case for case, (d, _, _) in after.items() if d == version[2]} == set(after) - paused
    assert all(steps == ["diagnostico"] for case, (_, _, steps) in after.items()
               if case in set(seed_data["plan"]))  # the mapped ones
    for case_id, row in session.execute(select(CaseMigration.case_id, CaseMigration)
                                        .where(CaseMigration.status == CASE_MIGRATED)).all():
        instance = session.scalars(select(ProcessInstance)
                                   .where(ProcessInstance.case_id == case_id)).one()
        assert instance.lock_version == row.lock_version_after
        assert row.state_before == before[case_id][1]

    with clock.frozen_at(NOON), unit_of_work(session):  # rolled back by the workers too
        migrations.request_rollback(session, manager, batch_id)
    migration_runs.start(web_app, batch_id)
    wait_for(lambda: migrations.batch_progress(session, batch_id).finished, 120,
             "the workers rolling the batch back")
    assert migrations.rollback_refusals(session, batch_id) == []
    assert migrations.batch_progress(session, batch_id).status == "rolled_back"
    assert count(session, batch_id, CASE_ROLLED_BACK) == MOVING
    assert snapshot(session) == before
