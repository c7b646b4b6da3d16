"""Web benchmark: server-side time of the inbox and of a task submission at scale.

    python bench/web_bench.py [--cases 10000] [--tasks 100000] [--samples 200]

Seeds ``--cases`` Programa Familias cases through the engine in a fresh PostgreSQL database
(acompana_webbench), tops the human_task table up to ``--tasks`` open tasks spread over 50
caseworkers in 5 territories, then times, inside the app (Flask test client, no network):

* the inbox page (my tasks, first page, sorted by due date; and filtered to overdue),
* the pool tab of a supervisor,
* a valid task submission (form parsing, validation, engine completion, redirect).
"""

import argparse
import re
import statistics
import sys
import time
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path

from sqlalchemy import insert, select, text

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import engine  # noqa: E402
from bench.databases import database_url, fresh_database  # noqa: E402
from engine import unit_of_work
from engine.persistence.models import HumanTask, Territory  # noqa: E402
from web import create_app  # noqa: E402
from web.auth.models import User  # noqa: E402
from web.auth.passwords import hash_password  # noqa: E402
from web.extensions import db  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
START = datetime(2026, 3, 2, 12, tzinfo=UTC)
TERRITORIES = [f"comuna_{n}" for n in range(5)]
CSRF = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')


def bench_app(admin_url: str, reuse: bool):
    """The app on the benchmark database (recreated unless ``reuse``)."""
    name = "acompana_webbench"
    url = database_url(admin_url, name) if reuse else fresh_database(admin_url, name)
    return create_app({"SQLALCHEMY_DATABASE_URI": url, "SESSION_COOKIE_SECURE": False})


def seed(cases: int, tasks: int) -> None:
    territories = [Territory(code=c, name=c.title(), country="CL", region="AN",
                             timezone="America/Santiago") for c in TERRITORIES]
    db.session.add_all(territories)
    people = [User(username=f"afi{n}", full_name=f"AFI {n}", roles="caseworker",
                   password_hash=hash_password("bench"), territories=[territories[n % 5]])
              for n in range(50)]
    people += [User(username=f"jefe{n}", full_name=f"Jefe {n}", roles="supervisor",
                    password_hash=hash_password("bench"), territories=[territories[n]])
               for n in range(5)]
    db.session.add_all(people)
    db.session.commit()
    forms = engine.FormLibrary(ROOT / "forms")
    with unit_of_work(db.session):
        engine.deploy_folder(db.session, ROOT / "processes" / "familias", forms, "bench")
    actor = engine.Actor("bench", frozenset({"supervisor"}), None)
    for n in range(cases):
        command = engine.StartCase("familias", TERRITORIES[n % 5], f"afi{n % 50}", f"Familia {n}")
        with unit_of_work(db.session):
            engine.start_case(db.session, command, actor, START + timedelta(minutes=n))
    top_up(tasks - cases)


def top_up(extra: int) -> None:
    """Copy real task rows (new ids, spread due dates, some in the pool) up to the total."""
    rows = db.session.scalars(select(HumanTask)).all()
    columns = [c.name for c in HumanTask.__table__.columns]
    batch = []
    for n in range(extra):
        row = {c: getattr(rows[n % len(rows)], c) for c in columns}
        row["id"] = str(uuid.uuid4())
        row["due_at"] = START + timedelta(days=n % 120)
        # stand-ins for later steps, so they never shadow the real first-contact tasks
        row["bpmn_id"], row["title"] = "sesion", "Sesión de acompañamiento"
        row["form_key"], row["deadline_key"] = "familias/sesion", "sesion_anio1"
        if n % 4 == 0:
            row["assignee"], row["role"] = None, "supervisor"
        batch.append(row)
        if len(batch) == 5000:
            db.session.execute(insert(HumanTask), batch)
            batch = []
    if batch:
        db.session.execute(insert(HumanTask), batch)
    db.session.commit()
    db.session.execute(text("ANALYZE"))


def signed_in(app, username: str):
    client = app.test_client()
    token = CSRF.search(client.get("/login").get_data(as_text=True)).group(1)
    response = client.post("/login", data={"username": username, "password": "bench",
                                           "csrf_token": token})
    assert response.status_code == 302, response.status_code
    return client


def timed(call, samples: int) -> list[float]:
    results = []
    for _ in range(samples):
        started = time.perf_counter()
        response = call()
        results.append((time.perf_counter() - started) * 1000)
        assert response.status_code in (200, 302), response.status_code
    return results


def summary(label: str, samples: list[float]) -> str:
    ordered = sorted(samples)
    p95 = ordered[min(len(ordered) - 1, int(len(ordered) * 0.95))]
    return f"{label:<44} median {statistics.median(ordered):6.1f} ms   p95 {p95:6.1f} ms"


def submissions(app, samples: int) -> list[float]:
    """Complete distinct 'primer contacto' tasks of real cases, one request each."""
    with app.app_context():
        query = (select(HumanTask.id, HumanTask.assignee)
                 .where(HumanTask.bpmn_id == "primer_contacto", HumanTask.role == "caseworker")
                 .order_by(HumanTask.created_at).limit(samples * 3))
        targets = [(task_id, who) for task_id, who in db.session.execute(query)]
    clients, results = {}, []
    data = {"action": "submit", "familia_ubicada": "true", "fecha_contacto": "2026-03-05",
            "intentos": "1"}
    for task_id, who in targets[:samples]:
        client = clients.get(who) or clients.setdefault(who, signed_in(app, who))
        page = client.get(f"/tasks/{task_id}").get_data(as_text=True)
        token = CSRF.search(page).group(1)
        started = time.perf_counter()
        response = client.post(f"/tasks/{task_id}", data={**data, "csrf_token": token})
        results.append((time.perf_counter() - started) * 1000)
        assert response.status_code == 302, (response.status_code, response.get_data()[:300])
    return results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cases", type=int, default=10_000)
    parser.add_argument("--tasks", type=int, default=100_000)
    parser.add_argument("--samples", type=int, default=200)
    parser.add_argument("--reuse", action="store_true",
                        help="time against the database the previous run seeded")
    parser.add_argument("--pg-admin",
                        default="postgresql+psycopg://postgres@127.0.0.1:5432/postgres")
    args = parser.parse_args()
    app = bench_app(args.pg_admin, args.reuse)
    started = time.perf_counter()
    with app.app_context():
        if not args.reuse:
            seed(args.cases, args.tasks)
        total = db.session.scalar(select(text("count(*)")).select_from(HumanTask))
    print(f"{'reused' if args.reuse else 'seeded'} {args.cases} cases and {total} open tasks "
          f"in {time.perf_counter() - started:.0f} s")
    afi, jefe = signed_in(app, "afi7"), signed_in(app, "jefe2")
    print(summary("inbox, my tasks (≈2,000), page 1", timed(lambda: afi.get("/"), args.samples)))
    print(summary("inbox, my tasks, overdue filter, page 3",
                  timed(lambda: afi.get("/?status=overdue&page=3"), args.samples)))
    print(summary("inbox, supervisor pool (≈5,000), page 1",
                  timed(lambda: jefe.get("/?tab=pool"), args.samples)))
    print(summary("task submission (valid, completes the step)", submissions(app, args.samples)))


if __name__ == "__main__":
    main()
