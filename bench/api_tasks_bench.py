"""API benchmark: completing a step over HTTP (gunicorn -w 4, PostgreSQL) against the engine
floor, in one run.

    python bench/api_tasks_bench.py [--cases 800] [--samples 200] [--workers 4] [--reuse]

Seeds ``--cases`` Programa Familias cases through the engine in a PostgreSQL database
(acompana_apibench; kept for ``--reuse``), their first step (*Primer contacto*) handed to one
API client (``api:bench``, a caseworker of the territory, as a reassign would), then prints:

* the engine floor: restore the case's state, complete the step, run the engine steps,
  serialize — in memory, no database, no HTTP;
* the persisted completion in process (``engine.complete`` and its commit: row lock, form
  validation, mirrors, audit), no HTTP;
* ``POST /api/v1/tasks/<id>/complete`` with a bearer token and the form's JSON, one
  request after another, each on a different case, against gunicorn with ``--workers``
  sync workers on the same machine (client time: connection, authentication, rate limit,
  validation, the engine's completion, commit, the answer's open steps);
* the same with 4 clients at once (throughput and latency under load).

A reused database has fewer first steps left each run; ``--cases`` must cover
``--samples`` × 3 of them (in process, then over HTTP one by one and 4 at once).
"""

import argparse
import os
import socket
import statistics
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, timedelta
from pathlib import Path

import requests
from sqlalchemy import select, update

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import engine  # noqa: E402
from bench.databases import database_url, exists, fresh_database, migrate  # noqa: E402
from engine import unit_of_work  # noqa: E402
from engine.commands import store  # noqa: E402
from engine.core import clock  # noqa: E402
from engine.persistence.models import HumanTask, ProcessInstance, Territory  # noqa: E402
from engine.runtime import workflow as runtime  # noqa: E402
from engine.runtime.serialization import dump_state, load_state  # noqa: E402
from web import create_app  # noqa: E402
from web.api import tokens  # noqa: E402
from web.api.models import ApiClient  # noqa: E402
from web.auth.models import User  # noqa: E402
from web.auth.passwords import hash_password  # noqa: E402
from web.extensions import db  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
NAME = "acompana_apibench"
START = datetime(2026, 3, 2, 12, tzinfo=UTC)
CLIENT = "bench"
DATA = {"familia_ubicada": True, "fecha_contacto": "2026-03-05", "intentos": 1}
STEP = "primer_contacto"


def seed(cases: int) -> None:
    """One territory, its caseworker and supervisor, Familias, ``cases`` cases whose first
    step the API client holds."""
    territory = Territory(code="comuna_0", name="Comuna 0", country="CL", region="AN",
                          timezone="America/Santiago")
    db.session.add(territory)
    db.session.add_all(User(username=name, full_name=name.upper(), roles=role,
                            password_hash=hash_password("bench"), territories=[territory])
                       for name, role in (("afi", "caseworker"), ("jefe", "supervisor")))
    db.session.commit()
    forms = engine.FormLibrary(ROOT / "forms")
    with unit_of_work(db.session):
        engine.deploy_folder(db.session, ROOT / "processes" / "familias", forms, "bench")
    actor = engine.Actor("bench", frozenset({"supervisor"}), None)
    for n in range(cases):
        command = engine.StartCase("familias", "comuna_0", "afi", f"Familia {n}",
                                   members=[{"name": f"Persona {n}", "age": 30 + n % 40}])
        with unit_of_work(db.session):
            engine.start_case(db.session, command, actor, START + timedelta(minutes=n))
    db.session.execute(update(HumanTask).where(HumanTask.bpmn_id == STEP)
                       .values(assignee=f"api:{CLIENT}", claimed_at=START))
    db.session.commit()


def new_token() -> str:
    """A fresh token of the benchmark's client (created on first use)."""
    client = db.session.scalars(select(ApiClient).where(ApiClient.name == CLIENT)).first()
    if client is not None:
        db.session.delete(client)
        db.session.commit()
    with unit_of_work(db.session):
        return tokens.create_client(db.session, CLIENT, ["comuna_0"], ["caseworker"], None,
                                    engine.SYSTEM)[1]


def open_steps(limit: int) -> list[str]:
    query = (select(HumanTask.id).where(HumanTask.bpmn_id == STEP)
             .order_by(HumanTask.created_at).limit(limit))
    return list(db.session.scalars(query))


def floor(task_id: str, samples: int) -> list[float]:
    """Restore + complete the step + engine steps + serialize, in memory (milliseconds)."""
    row = db.session.get(HumanTask, task_id)
    instance = db.session.get(ProcessInstance, row.instance_id)
    loaded = store.load(db.session, instance.id, lock=False)
    context = store.case_context(loaded.case, loaded.settings)
    spec, subs, state = loaded.workflow.spec, loaded.workflow.subprocess_specs, instance.state
    db.session.rollback()

    def once() -> float:
        started = time.perf_counter()
        workflow = runtime.attach(load_state(state, spec, subs), context)
        task = runtime.find_task(workflow, task_id)
        task.data.update(DATA)
        task.run()
        workflow.do_engine_steps()
        dump_state(workflow)
        return (time.perf_counter() - started) * 1000

    with clock.frozen_at(START + timedelta(days=3)):
        return [once() for _ in range(samples)]


def persisted(task_id: str) -> float:
    """``engine.complete`` as the API client's actor, committed (milliseconds)."""
    actor = engine.Actor(f"api:{CLIENT}", frozenset({"caseworker"}), None)
    forms = engine.FormLibrary(ROOT / "forms")
    started = time.perf_counter()
    with unit_of_work(db.session):
        engine.complete(db.session, forms, task_id, DATA, actor)
    return (time.perf_counter() - started) * 1000


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def gunicorn(url: str, workers: int, port: int) -> subprocess.Popen:
    """gunicorn serving the app on ``url``'s database; returns once it answers."""
    env = {**os.environ, "DATABASE_URL": url}
    process = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "-w", str(workers), "-b", f"127.0.0.1:{port}",
         "--log-level", "warning", "bench.api_wsgi:app"], cwd=ROOT, env=env)
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        try:
            requests.get(f"http://127.0.0.1:{port}/api/v1/openapi.json", timeout=30)
            return process
        except requests.RequestException:
            time.sleep(0.2)
    process.terminate()
    process.wait(timeout=30)
    raise SystemExit("gunicorn did not start")


def complete(http: requests.Session, base: str, task_id: str) -> float:
    started = time.perf_counter()
    answer = http.post(f"{base}/api/v1/tasks/{task_id}/complete", json={"data": DATA})
    elapsed = (time.perf_counter() - started) * 1000
    assert answer.status_code == 200, (answer.status_code, answer.text[:300])
    return elapsed


def session_with(token: str) -> requests.Session:
    http = requests.Session()
    http.headers["Authorization"] = f"Bearer {token}"
    return http


def summary(samples: list[float]) -> str:
    ordered = sorted(samples)
    p95 = ordered[min(len(ordered) - 1, int(len(ordered) * 0.95))]
    return f"median {statistics.median(ordered):7.2f} ms   p95 {p95:7.2f} ms"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cases", type=int, default=800)
    parser.add_argument("--samples", type=int, default=200)
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument("--reuse", action="store_true",
                        help="time against the database a previous run seeded")
    parser.add_argument("--pg-admin",
                        default="postgresql+psycopg://postgres@127.0.0.1:5432/postgres")
    args = parser.parse_args()
    reuse = args.reuse and exists(args.pg_admin, NAME)
    url = (migrate(database_url(args.pg_admin, NAME)) if reuse
           else fresh_database(args.pg_admin, NAME))
    app = create_app({"SQLALCHEMY_DATABASE_URI": url})
    with app.app_context():
        started = time.perf_counter()
        if not reuse:
            seed(args.cases)
        steps = open_steps(args.samples * 3)
        if len(steps) < args.samples * 3:
            raise SystemExit(f"only {len(steps)} first steps left: run without --reuse")
        print(f"{'reused' if reuse else 'seeded'} {args.cases} Familias cases "
              f"in {time.perf_counter() - started:.0f} s; {len(steps)} first steps timed")
        token = new_token()
        floor_ms = floor(steps[-1], args.samples * 5)
        in_process = [persisted(task_id) for task_id in steps[:args.samples]]
        steps = steps[args.samples:]
        db.engine.dispose()
    port = free_port()
    server = gunicorn(url, args.workers, port)
    base = f"http://127.0.0.1:{port}"
    try:
        http = session_with(token)
        for _ in range(5):  # every worker connected and warm
            http.get(f"{base}/api/v1/tasks/mine?per_page=1")
        one_by_one = [complete(http, base, task_id) for task_id in steps[:args.samples]]
        clients = [session_with(token) for _ in range(4)]
        rest = steps[args.samples:args.samples * 2]
        started = time.perf_counter()
        with ThreadPoolExecutor(4) as pool:
            loaded = list(pool.map(lambda n: complete(clients[n % 4], base, rest[n]),
                                   range(len(rest))))
        seconds = time.perf_counter() - started
    finally:
        server.terminate()
        server.wait(timeout=30)
    base_ms = statistics.median(floor_ms)
    print(f"engine floor (in memory, no database)          {summary(floor_ms)}")
    print(f"engine.complete in process, committed          {summary(in_process)}   "
          f"{statistics.median(in_process) / base_ms:.1f}x floor")
    print(f"API completion over HTTP, one client           {summary(one_by_one)}   "
          f"{statistics.median(one_by_one) / base_ms:.1f}x floor")
    print(f"API completion over HTTP, 4 clients at once    {summary(loaded)}   "
          f"{len(rest) / seconds:.0f} completions/s")
    print(f"(gunicorn -w {args.workers}, PostgreSQL, {os.cpu_count()} CPU cores shared)")


if __name__ == "__main__":
    main()
