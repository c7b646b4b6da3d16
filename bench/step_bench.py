"""Step benchmark: a step as the caseworker experiences it, over real HTTP.

    python bench/step_bench.py [--cases 40] [--workers 4] [--database postgresql|sqlite]

Deploys the benchmark's ten-step linear process (bench/processes/lineal: every step the
caseworker's, a one-field form) in a fresh database, starts ``--cases`` cases of it, serves the
app with ``gunicorn -w 4`` and, as the caseworker over keep-alive HTTP, walks every case
through its ten steps the way a person does: the form POST, then the page it leads to (the
case's next step, hers too: engine.queries.next_step_held; after the tenth, the inbox). Each
figure is the POST plus the page after it. Beside it, in the same run:

* the engine part alone: ``engine.complete`` in-process on the same database (one transaction:
  lock, validation, engine steps, state, mirrors, audit);
* the in-memory engine floor: restore the state, complete the step, run the engine steps,
  serialize (SpiffWorkflow alone, no database).

The first cases warm every gunicorn worker up (process specs parsed, connections open) and are
not counted.
"""

import argparse
import os
import re
import statistics
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import select

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import engine  # noqa: E402
from bench.databases import fresh_database, migrate  # noqa: E402
from bench.servers import Browser, gunicorn  # noqa: E402
from bench.statements import recorded  # noqa: E402
from engine import unit_of_work  # noqa: E402
from engine.commands import store  # noqa: E402
from engine.core import clock  # noqa: E402
from engine.persistence.models import HumanTask, ProcessInstance, Territory  # noqa: E402
from engine.runtime import workflow as runtime  # noqa: E402
from engine.runtime.serialization import dump_state, load_state  # noqa: E402
from web import create_app  # noqa: E402
from web.auth.models import User  # noqa: E402
from web.auth.passwords import hash_password  # noqa: E402
from web.extensions import db  # noqa: E402

BENCH = Path(__file__).resolve().parent
CASEWORKER, PASSWORD = "ana", "bench-password"
ACTOR = engine.Actor(CASEWORKER, frozenset({"caseworker"}), None)
CSRF = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')
FORMS = engine.FormLibrary(BENCH / "forms")
WARM_UP = 8  # cases walked before counting (two per gunicorn worker)


def database(kind: str, admin: str) -> str:
    """A fresh, migrated database of ``kind``."""
    if kind == "postgresql":
        return fresh_database(admin, "acompana_stepbench")
    path = Path(tempfile.gettempdir()) / "acompana_stepbench.db"
    path.unlink(missing_ok=True)
    return migrate(f"sqlite:///{path}")


def seed(url: str, cases: int) -> list[int]:
    """The caseworker, the linear process deployed, ``cases`` cases of it: their ids."""
    app = create_app({"SQLALCHEMY_DATABASE_URI": url})
    with app.app_context():
        here = Territory(code="antofagasta", name="Antofagasta", country="CL", region="AN",
                         timezone="America/Santiago")
        db.session.add_all([here, User(username=CASEWORKER, full_name="Ana",
                                       roles="caseworker", territories=[here],
                                       password_hash=hash_password(PASSWORD))])
        db.session.commit()
        with unit_of_work(db.session):
            engine.deploy_folder(db.session, BENCH / "processes" / "lineal", FORMS, "bench")
        actor = engine.Actor(CASEWORKER, frozenset({"caseworker"}),
                             frozenset({here.id}))
        ids = []
        for n in range(cases):
            command = engine.StartCase("lineal", "antofagasta", CASEWORKER, f"Familia {n}")
            with unit_of_work(db.session):
                ids.append(engine.start_case(db.session, command, actor).id)
        db.session.remove()
        db.engine.dispose()
    return ids


def first_task(url: str, case_id: int) -> str:
    """The open step of a case."""
    app = create_app({"SQLALCHEMY_DATABASE_URI": url})
    with app.app_context():
        task_id = db.session.scalar(select(HumanTask.id).where(HumanTask.case_id == case_id))
        db.session.remove()
        db.engine.dispose()
    return task_id


def signed_in(base: str) -> Browser:
    """The caseworker's browser, signed in."""
    browser = Browser(base)
    token = CSRF.search(browser.get("/login").text).group(1)
    reply = browser.post("/login", {"username": CASEWORKER, "password": PASSWORD,
                                    "csrf_token": token})
    assert reply.status == 302, reply.status
    return browser


def walk(browser: Browser, task_id: str) -> list[float]:
    """Complete a case's ten steps as the caseworker; milliseconds of each POST plus the page
    it leads to (the next step, or the inbox after the last)."""
    page = browser.get(f"/tasks/{task_id}")
    times = []
    for n in range(10):
        token = CSRF.search(page.text).group(1)
        began = time.perf_counter()
        reply = browser.post(f"/tasks/{task_id}", {"action": "submit", "nota": f"visita {n}",
                                                   "csrf_token": token})
        assert reply.status == 302, (reply.status, reply.text[:300])
        page = browser.get(reply.location)
        times.append((time.perf_counter() - began) * 1000)
        assert page.status == 200, page.status
        task_id = reply.location.rsplit("/", 1)[-1]
    assert reply.location == "/", reply.location  # the tenth step closes the case: the inbox
    return times


def in_process(url: str, case_ids: list[int]) -> list[float]:
    """``engine.complete`` of each case's steps in this process (one transaction each)."""
    app = create_app({"SQLALCHEMY_DATABASE_URI": url})
    times = []
    with app.app_context():
        for case_id in case_ids:
            for n in range(10):
                task_id = db.session.scalar(select(HumanTask.id)
                                            .where(HumanTask.case_id == case_id))
                db.session.rollback()
                began = time.perf_counter()
                with unit_of_work(db.session):
                    engine.complete(db.session, FORMS, task_id, {"nota": f"visita {n}"},
                                    _actor(app))
                times.append((time.perf_counter() - began) * 1000)
        db.session.remove()
        db.engine.dispose()
    return times


def in_process_pages(url: str, task_ids: list[str]) -> dict[str, list[float]]:
    """The same walk through the app in this process (Flask's test client, no HTTP): per POST
    and per page after it, the SQL statements sent, the wall and the CPU milliseconds."""
    app = create_app({"SQLALCHEMY_DATABASE_URI": url})
    client = app.test_client()
    token = CSRF.search(client.get("/login").get_data(as_text=True)).group(1)
    client.post("/login", data={"username": CASEWORKER, "password": PASSWORD,
                                "csrf_token": token})
    with app.app_context():
        sql_engine = db.engine
    figures = {k: [] for k in ("post_sql", "page_sql", "post_ms", "page_ms", "post_cpu",
                               "page_cpu")}

    def timed(kind: str, call, *args, **kwargs):
        wall, cpu = time.perf_counter(), time.process_time()
        with recorded(sql_engine) as sent:
            reply = call(*args, **kwargs)
        figures[f"{kind}_ms"].append((time.perf_counter() - wall) * 1000)
        figures[f"{kind}_cpu"].append((time.process_time() - cpu) * 1000)
        figures[f"{kind}_sql"].append(len(sent))
        return reply

    for task_id in task_ids:
        page = client.get(f"/tasks/{task_id}").get_data(as_text=True)
        for n in range(9):  # the tenth closes the case: its page is the inbox
            token = CSRF.search(page).group(1)
            reply = timed("post", client.post, f"/tasks/{task_id}", data={
                "action": "submit", "nota": f"visita {n}", "csrf_token": token})
            task_id = reply.headers["Location"].rsplit("/", 1)[-1]
            page = timed("page", client.get, f"/tasks/{task_id}").get_data(as_text=True)
    with app.app_context():
        db.session.remove()
        db.engine.dispose()
    return figures


def _actor(app) -> engine.Actor:
    territory = db.session.scalar(select(Territory.id))
    return engine.Actor(CASEWORKER, frozenset({"caseworker"}), frozenset({territory}))


def floor(url: str, case_id: int, samples: int) -> list[float]:
    """Restore, complete the first step, run the engine steps, serialize — in memory."""
    app = create_app({"SQLALCHEMY_DATABASE_URI": url})
    with app.app_context():
        instance = db.session.scalars(select(ProcessInstance)
                                      .where(ProcessInstance.case_id == case_id)).one()
        loaded = store.load(db.session, instance.id, lock=False)
        context = store.case_context(loaded.case, loaded.settings)
        spec, subs = loaded.workflow.spec, loaded.workflow.subprocess_specs
        state = instance.state
        task_id = first_task(url, case_id)
        db.session.remove()
        db.engine.dispose()

    def once() -> float:
        began = time.perf_counter()
        workflow = runtime.attach(load_state(state, spec, subs), context)
        task = runtime.find_task(workflow, task_id)
        task.data.update({"nota": "visita"})
        task.run()
        workflow.do_engine_steps()
        dump_state(workflow)
        return (time.perf_counter() - began) * 1000

    with clock.frozen_at(datetime.now(UTC)):
        return [once() for _ in range(samples)]


def summary(label: str, samples: list[float]) -> str:
    ordered = sorted(samples)
    p95 = ordered[min(len(ordered) - 1, int(len(ordered) * 0.95))]
    return (f"{label:<58} median {statistics.median(ordered):6.2f} ms   "
            f"p95 {p95:6.2f} ms   (n={len(ordered)})")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cases", type=int, default=40, help="cases walked and counted")
    parser.add_argument("--workers", type=int, default=4, help="gunicorn workers")
    parser.add_argument("--database", choices=("postgresql", "sqlite"), default="postgresql")
    parser.add_argument("--pg-admin",
                        default="postgresql+psycopg://postgres@127.0.0.1:5432/postgres")
    args = parser.parse_args()
    print(f"load average before: {os.getloadavg()[0]:.2f} (2 cores)")
    url = database(args.database, args.pg_admin)
    walked, engine_only, pages_only = WARM_UP + args.cases, 10, 12
    case_ids = seed(url, walked + engine_only + pages_only + 1)
    starts = [first_task(url, case_id) for case_id in case_ids[:walked]]
    with gunicorn(url, args.workers) as base:
        browser = signed_in(base)
        for task_id in starts[:WARM_UP]:
            walk(browser, task_id)
        http = [ms for task_id in starts[WARM_UP:] for ms in walk(browser, task_id)]
    engine_part = in_process(url, case_ids[walked:walked + engine_only])
    pages = in_process_pages(url, [first_task(url, case_id) for case_id in
                                   case_ids[walked + engine_only:-1]])
    raw = floor(url, case_ids[-1], 500)
    print(summary(f"HTTP step, POST + next page (gunicorn -w {args.workers}, "
                  f"{args.database})", http))
    print(summary("engine.complete in-process (same database)", engine_part))
    print(summary("engine floor (SpiffWorkflow in memory, no database)", raw))
    for kind, label in (("post", "the form POST"), ("page", "the next step's page")):
        figures = pages[f"{kind}_ms"][2 * 9:]  # the first two cases warm up
        print(summary(f"in-process {label} (Flask test client)", figures)
              + f"   CPU median {statistics.median(pages[f'{kind}_cpu'][18:]):.2f} ms"
              + f"   SQL statements {statistics.median(pages[f'{kind}_sql']):.0f}")
    floor_ms = statistics.median(raw)
    print(f"HTTP step = {statistics.median(http) / floor_ms:.1f}x the floor; engine part = "
          f"{statistics.median(engine_part) / floor_ms:.1f}x the floor   "
          f"(targets: median <= {8 if args.database == 'postgresql' else 6} ms, "
          f"p95 <= 12 ms, engine part <= 3x)")
    print(f"load average after: {os.getloadavg()[0]:.2f}")


if __name__ == "__main__":
    main()
