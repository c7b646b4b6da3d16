"""Migration benchmark: running Familias cases moved from version 1 to version 2 in bulk.

    python bench/migration_bench.py [--cases 10000] [--samples 200] [--pg-admin URL]

Builds, in a fresh PostgreSQL database (acompana_migbench), four real Familias cases walked
through the engine (at first contact, at entry, at diagnosis, in the monthly sessions), then
copies their rows (tests/case_copies.py) up to ``--cases`` running cases, and deploys version 2
(tests/integration/familias_versions.familias_v2_migration: a last step added, the plan step
removed, a field added to the session form). Every case moves by itself.

Then, each on a fresh copy of that database, a batch migrates every case on one real rq worker
process and on two (web.migration_runs.start: chains of 100-case jobs, one case per
transaction). It prints cases per second per run (from the first case migrated to the last, and
wall clock from the start), the ratio two workers / one, and the raw engine's figure: restore the
state, ``diff_workflow`` + ``migrate_workflow`` (engine.runtime.migration.migrate), serialize —
in memory, per case.
"""

import argparse
import contextlib
import os
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

from sqlalchemy import create_engine, func, select, text
from sqlalchemy.orm import Session

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("ACOMPANA_BENCH_REDIS", "redis://127.0.0.1:6379/9")

import engine  # noqa: E402
from bench.databases import copy_database, fresh_database  # noqa: E402
from bench.workers import QUEUE, REDIS_URL, Processes  # noqa: E402
from engine import unit_of_work  # noqa: E402
from engine.commands import migrations, store  # noqa: E402
from engine.definitions import catalog  # noqa: E402
from engine.persistence.models import (  # noqa: E402
    CaseMigration,
    HumanTask,
    ProcessDefinition,
    ProcessInstance,
    Territory,
)
from engine.runtime import migration as runtime_migration  # noqa: E402
from engine.runtime import workflow as runtime  # noqa: E402
from engine.runtime.serialization import dump_state, load_state  # noqa: E402
from tests.case_copies import copy_case  # noqa: E402
from tests.integration.familias_versions import familias_v2_migration  # noqa: E402
from web import create_app  # noqa: E402
from web.demo_data import contacto, diagnostico, ingreso, plan  # noqa: E402
from web.jobs import WORKER_CLASS  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
NOW = datetime.now(UTC).replace(microsecond=0)
ACTOR = engine.Actor("ana", frozenset({"caseworker", "supervisor"}), None)
MANAGER = engine.Actor("bench", frozenset({"manager"}), None)
STEPS = [("primer_contacto", contacto), ("ingreso", ingreso), ("diagnostico", diagnostico),
         ("plan", plan)]
SEEDED, TEMPLATE = "acompana_migbench", "acompana_migbench_seeded"


class Workers(Processes):
    """rq worker processes on the real clock (bench.workers runs them through shifted.py, whose
    time-machine would slow every clock reading of the engine)."""

    def worker(self, burst: bool = False) -> None:
        """One ``rq worker acompana -w web.worker.Worker`` (the production command)."""
        argv = [sys.executable, "-m", "rq.cli", "worker", "--url", REDIS_URL,
                "--worker-class", WORKER_CLASS, QUEUE]
        self.running.append(subprocess.Popen(argv, env=self.env, cwd=ROOT,
                                             start_new_session=True,
                                             stdout=subprocess.DEVNULL,
                                             stderr=subprocess.DEVNULL))


def walked(s: Session, forms, steps: int) -> int:
    """A real case started four days ago and taken through its first ``steps`` steps."""
    day = NOW - timedelta(days=4)
    command = engine.StartCase("familias", "antofagasta", "ana", f"Familia {steps}")
    with unit_of_work(s):
        case = engine.start_case(s, command, ACTOR, day)
    for bpmn_id, data in STEPS[:steps]:
        day += timedelta(hours=20)
        row = s.scalars(select(HumanTask).where(HumanTask.case_id == case.id,
                                                HumanTask.bpmn_id == bpmn_id)).one()
        with unit_of_work(s):
            engine.claim(s, row.id, ACTOR, day)
        with unit_of_work(s):
            engine.complete(s, forms, row.id, data(day.date()), ACTOR, day)
    return case.id


def seed(admin: str, cases: int) -> float:
    """The template database: ``cases`` running cases on version 1, version 2 deployed."""
    url = fresh_database(admin, SEEDED)
    sql = create_engine(url)
    forms = engine.FormLibrary(ROOT / "forms")
    began = time.perf_counter()
    with Session(sql, expire_on_commit=False) as s:
        s.add(Territory(code="antofagasta", name="Antofagasta", country="CL", region="AN",
                        timezone="America/Santiago"))
        s.commit()
        with unit_of_work(s):
            engine.deploy_folder(s, ROOT / "processes" / "familias", forms, "bench")
        originals = [walked(s, forms, steps) for steps in (0, 1, 2, 4)]
    real = time.perf_counter() - began
    with sql.begin() as conn:
        for k, case_id in enumerate(originals):
            share = cases // len(originals) + (1 if k < cases % len(originals) else 0)
            copy_case(conn, case_id, share - 1)
    with Session(sql, expire_on_commit=False) as s, tempfile.TemporaryDirectory() as tmp:
        folder, v2_forms = familias_v2_migration(Path(tmp))
        with unit_of_work(s):
            engine.deploy_folder(s, folder, v2_forms, "bench")
        running = s.scalar(select(func.count()).select_from(ProcessInstance)
                           .where(ProcessInstance.status == "running"))
    sql.dispose()
    seconds = time.perf_counter() - began
    print(f"seeded {running} running cases in {seconds:.1f} s: 4 walked through the engine "
          f"({real:.1f} s), the rest copies of their rows")
    copy_database(admin, SEEDED, TEMPLATE)
    return seconds


def cpu_seconds(pids) -> float:
    """User + system CPU seconds the processes ``pids`` have used (Linux /proc)."""
    total = 0
    for pid in pids:
        with contextlib.suppress(OSError):
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
            total += int(fields[11]) + int(fields[12])
    return total / os.sysconf("SC_CLK_TCK")


def backends(sql, database: str) -> list[int]:
    """The PostgreSQL server processes serving ``database`` (the workers' connections)."""
    with sql.connect() as conn:
        return list(conn.scalars(text("SELECT pid FROM pg_stat_activity WHERE datname = :d "
                                      "AND pid <> pg_backend_pid()"), {"d": database}))


def migrate_with(admin: str, workers: int, cases: int) -> tuple[float, float]:
    """Migrate every case of a fresh copy with ``workers`` rq workers: (steady cases/s from
    the first case migrated to the last, cases/s wall clock from the batch's start)."""
    url = copy_database(admin, TEMPLATE, f"acompana_migbench_{workers}")
    app = create_app({"SQLALCHEMY_DATABASE_URI": url, "REDIS_URL": REDIS_URL})
    processes = Workers(url, 0)
    for _ in range(workers):
        processes.worker()
    sql = create_engine(url)
    try:
        with Session(sql, expire_on_commit=False) as s, unit_of_work(s):
            batch_id = migrations.start_batch(s, MANAGER,
                                              migrations.MigrationRequest("familias", 1, 2))
        began = time.perf_counter()
        from web import migration_runs

        migration_runs.start(app, batch_id, runners=workers)
        deadline = time.monotonic() + 3600
        while time.monotonic() < deadline:
            with Session(sql) as s:
                if migrations.batch_progress(s, batch_id).pending == 0:
                    break
            time.sleep(0.5)
        wall = time.perf_counter() - began
        worker_cpu = cpu_seconds(p.pid for p in processes.running)
        server_cpu = cpu_seconds(backends(sql, f"acompana_migbench_{workers}"))
        with Session(sql) as s:
            progress = migrations.batch_progress(s, batch_id)
            first, last = s.execute(select(func.min(CaseMigration.migrated_at),
                                           func.max(CaseMigration.migrated_at))
                                    .where(CaseMigration.batch_id == batch_id)).one()
    finally:
        processes.stop()
        sql.dispose()
    assert progress.migrated == cases, progress
    steady = cases / max((last - first).total_seconds(), 1e-6)
    print(f"{workers} worker(s): {cases} cases migrated in {wall:.1f} s wall "
          f"({cases / wall:.0f} cases/s), {steady:.0f} cases/s from the first case to the last"
          f" ({steady / workers:.0f} per worker)")
    print(f"   CPU per case: {worker_cpu / cases * 1000:.1f} ms in the worker process(es) "
          f"(start-up included), {server_cpu / cases * 1000:.1f} ms in PostgreSQL = "
          f"{cases / worker_cpu:.0f} cases/s per worker with a core of its own")
    return steady, cases / wall


def raw_engine(admin: str, samples: int) -> float:
    """Milliseconds per case of the engine alone: restore, migrate (diff + migrate), dump."""
    from bench.databases import database_url

    sql = create_engine(database_url(admin, TEMPLATE))
    with Session(sql, expire_on_commit=False) as s:
        target = s.scalars(select(ProcessDefinition).where(ProcessDefinition.version == 2)).one()
        spec, subs = catalog.spec_of(target)
        ids = list(s.scalars(select(ProcessInstance.id).order_by(ProcessInstance.id)
                             .limit(samples)))
        loaded = [store.load(s, i, lock=False) for i in ids]
        inputs = [(x.instance.state, x.workflow.spec, x.workflow.subprocess_specs,
                   store.case_context(x.case, x.settings)) for x in loaded]
    sql.dispose()
    times = []
    for state, old_spec, old_subs, context in inputs:
        began = time.perf_counter()
        workflow = runtime.attach(load_state(state, old_spec, old_subs), context)
        runtime_migration.migrate(workflow, spec, subs, {})
        dump_state(workflow)
        times.append((time.perf_counter() - began) * 1000)
    median = statistics.median(times)
    print(f"raw engine (restore + diff_workflow + migrate_workflow + serialize, in memory): "
          f"median {median:.2f} ms per case = {1000 / median:.0f} cases/s on one core")
    return median


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cases", type=int, default=10_000)
    parser.add_argument("--samples", type=int, default=200)
    parser.add_argument("--pg-admin",
                        default="postgresql+psycopg://postgres@127.0.0.1:5432/postgres")
    parser.add_argument("--reuse", action="store_true", help="keep the seeded template")
    args = parser.parse_args()
    print(f"load average before: {os.getloadavg()[0]:.2f} (2 cores, shared)")
    if not args.reuse:
        seed(args.pg_admin, args.cases)
    raw = raw_engine(args.pg_admin, args.samples)
    one, _ = migrate_with(args.pg_admin, 1, args.cases)
    two, _ = migrate_with(args.pg_admin, 2, args.cases)
    print(f"\n2 workers / 1 worker: {two / one:.2f}x   (target >= 1.8x)")
    print(f"1 worker: {1000 / one:.1f} ms per case = {1000 / one / raw:.1f}x the raw engine "
          f"({raw:.2f} ms)")
    print(f"load average after: {os.getloadavg()[0]:.2f}")


if __name__ == "__main__":
    main()
