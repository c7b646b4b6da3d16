"""A million cases: the inbox, the cases page, the dashboard and a task completion at
country scale, with the plans of their main queries.

    python bench/million_bench.py [--cases 1000000] [--small 10000] [--real 300]
                                  [--samples 200] [--reuse]

Two template PostgreSQL databases are seeded (``--reuse`` keeps them and re-times only):
acompana_million_seed with ``--cases`` cases and acompana_million_small with ``--small``,
each with ``--real`` Programa Familias cases started through the engine in the six largest of
345 comunas and every other case copied in SQL from the rows the engine wrote for one of them
(bench/million_seed.py): 70 % open, every caseworker holding 50 to 80 open cases, 12 % of
open steps overdue. Then, inside the app (Flask test client, server-side time):

* the inbox of a caseworker of the largest comuna (her tasks; the overdue filter),
* the cases page of that comuna's supervisor: a name's start, a RUT as typed, status and
  caseworker; and a name's start for the national supervisor (every comuna),
* the dashboard of overdue steps of that supervisor, and of the national supervisor,
* ``engine.complete`` of real cases' first step on fresh copies of both templates (the
  1,000,000-case time over the 10,000-case time).

Each operation's slowest statements are printed with EXPLAIN (ANALYZE, BUFFERS).
"""

import argparse
import os
import statistics
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import create_engine, select, text

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import engine  # noqa: E402
from bench import million_seed as seeding  # noqa: E402
from bench.databases import database_url, exists, fresh_database, migrate  # noqa: E402
from bench.statements import plans, recorded, statement_summary  # noqa: E402
from bench.web_bench import rut_of, signed_in  # noqa: E402
from engine import unit_of_work  # noqa: E402
from engine.persistence.models import HumanTask  # noqa: E402
from web import create_app  # noqa: E402
from web.extensions import db  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
BIG, SMALL, RUN = "acompana_million_seed", "acompana_million_small", "acompana_million_run"
CONTACT = {"familia_ubicada": True, "fecha_contacto": "2026-03-05", "intentos": 1}


def log(message: str) -> None:
    print(message, flush=True)


def build(admin: str, name: str, cases: int, real: int) -> None:
    """Seed template ``name`` with ``cases`` cases, ``real`` of them through the engine."""
    began = time.perf_counter()
    url = fresh_database(admin, name)
    staff = seeding.plan(cases)
    now = datetime.now(UTC).replace(microsecond=0)
    territories = seeding.people_and_places(url, staff)
    log(f"{name}: {len(staff)} caseworkers in {territories} comunas")
    step = time.perf_counter()
    seeding.real_cases(url, staff, real, now)
    log(f"  {real} cases started through the engine in {time.perf_counter() - step:.0f} s")
    seeding.copies(url, staff, real, now, log)
    step = time.perf_counter()
    vacuum(url)
    log(f"  VACUUM ANALYZE in {time.perf_counter() - step:.0f} s")
    log(f"{name}: seeded in {time.perf_counter() - began:.0f} s ({size(url)})")


def vacuum(url: str) -> None:
    """What autovacuum would have done by then: statistics and the visibility map."""
    sql = create_engine(url, isolation_level="AUTOCOMMIT")
    with sql.connect() as conn:
        conn.execute(text("VACUUM ANALYZE"))
    sql.dispose()


def size(url: str) -> str:
    sql = create_engine(url)
    with sql.connect() as conn:
        found = conn.scalar(text("SELECT pg_size_pretty(pg_database_size(current_database()))"))
    sql.dispose()
    return found


def counts(url: str) -> str:
    sql = create_engine(url)
    with sql.connect() as conn:
        row = conn.execute(text(
            "SELECT (SELECT count(*) FROM case_file), "
            "(SELECT count(*) FROM case_file WHERE status = 'open'), "
            "(SELECT count(*) FROM human_task), "
            "(SELECT count(*) FROM human_task WHERE due_at <= now()), "
            "(SELECT count(*) FROM app_user), (SELECT count(*) FROM event)")).one()
    sql.dispose()
    return (f"{row[0]:,} cases ({row[1]:,} open), {row[2]:,} open steps ({row[3]:,} overdue), "
            f"{row[4]:,} people, {row[5]:,} events")


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(len(ordered) * share))]


def figure(label: str, values: list[float], target: float | None = None) -> str:
    p50, p95 = statistics.median(values), percentile(values, 0.95)
    goal = "" if target is None else f"   target p95 ≤ {target:.0f} ms: " + (
        "met" if p95 <= target else "NOT met")
    return f"{label:<52} p50 {p50:7.1f} ms   p95 {p95:7.1f} ms{goal}"


def page_times(app, client, path: str, samples: int) -> tuple[list[float], list]:
    """Server-side times of ``samples`` GETs of ``path``, and the statements of one more."""
    assert client.get(path).status_code == 200, path  # warm: templates, caches
    times = []
    for _ in range(samples):
        began = time.perf_counter()
        response = client.get(path)
        times.append((time.perf_counter() - began) * 1000)
        assert response.status_code == 200, (path, response.status_code)
    with app.app_context(), recorded(db.engine) as found:
        client.get(path)
    return times, found


def pages(app, samples: int, explain: bool) -> None:
    """Time the inbox, the cases page and the dashboard; print each one's plans."""
    with app.app_context():
        who = db.session.scalar(select(HumanTask.assignee).where(
            HumanTask.territory_id == 0, HumanTask.assignee.like("afi000_%"))
            .order_by(HumanTask.assignee).limit(1))
        someone = db.session.scalar(text(
            "SELECT min(id) FROM case_file WHERE territory_id = 0 AND id > 5000"))
    key_case = someone if someone is not None else 1
    rut = rut_of(key_case - 1)  # case n+1 holds household of number n (see million_seed)
    people = {name: signed_in(app, name) for name in (who, "jefe000", seeding.NATIONAL)}
    checks = [
        ("inbox: her tasks, page 1", who, "/", 20),
        ("inbox: her tasks, overdue", who, "/?status=overdue", 20),
        ("cases: name start 'gonz' (one comuna)", "jefe000", "/cases?q=gonz", 50),
        ("cases: name starts 'rojas per' (one comuna)", "jefe000", "/cases?q=rojas+per", 50),
        ("cases: RUT as typed (one comuna)", "jefe000", f"/cases?national_id={rut}", 50),
        ("cases: status open + caseworker (one comuna)", "jefe000",
         f"/cases?status=open&worker={who}", 50),
        ("cases: name start 'gonz' (national)", seeding.NATIONAL, "/cases?q=gonz", 50),
        ("dashboard: supervisor of the largest comuna", "jefe000", "/dashboard/", 50),
        ("dashboard: national supervisor (345 comunas)", seeding.NATIONAL, "/dashboard/", 200),
    ]
    for label, person, path, target in checks:
        times, found = page_times(app, people[person], path, samples)
        log(figure(label, times, target))
        if explain:
            log(f"    {path} as {person}: {statement_summary(found)}")
            with app.app_context():
                log(plans(db.engine, found))


def completions(admin: str, template: str, real: int, samples: int) -> list[float]:
    """``engine.complete`` of the first step of ``samples`` real cases opened in the last
    hours, on a fresh copy of ``template`` (dropped afterwards)."""
    url = copy_template(admin, template, RUN)
    try:
        app = create_app({"SQLALCHEMY_DATABASE_URI": url, "SESSION_COOKIE_SECURE": False})
        forms = engine.FormLibrary(ROOT / "forms")
        times = []
        with app.app_context():
            targets = db.session.execute(text(
                "SELECT id, assignee FROM human_task WHERE case_id <= :real "
                "AND bpmn_id = 'primer_contacto' AND assignee IS NOT NULL AND due_at > now() "
                "ORDER BY case_id LIMIT :n"), {"real": real, "n": samples}).all()
            for task_id, assignee in targets:
                actor = engine.Actor(assignee, frozenset({"caseworker"}), None)
                began = time.perf_counter()
                with unit_of_work(db.session):
                    engine.complete(db.session, forms, task_id, CONTACT, actor)
                times.append((time.perf_counter() - began) * 1000)
            db.session.remove()
            db.engine.dispose()
        return times
    finally:
        drop(admin, RUN)


def copy_template(admin: str, template: str, name: str) -> str:
    """A copy of ``template`` made by copying its files (quicker than through the WAL)."""
    sql = create_engine(admin, isolation_level="AUTOCOMMIT")
    with sql.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        conn.execute(text("SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                          "WHERE datname = :t AND pid <> pg_backend_pid()"), {"t": template})
        conn.execute(text(f'CREATE DATABASE "{name}" TEMPLATE "{template}" '
                          "STRATEGY FILE_COPY"))
    sql.dispose()
    return database_url(admin, name)


def drop(admin: str, name: str) -> None:
    sql = create_engine(admin, isolation_level="AUTOCOMMIT")
    with sql.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    sql.dispose()


def load() -> str:
    """The machine's load average (1, 5, 15 minutes)."""
    return " ".join(f"{n:.2f}" for n in os.getloadavg())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cases", type=int, default=1_000_000)
    parser.add_argument("--small", type=int, default=10_000,
                        help="cases of the database the completion is compared with")
    parser.add_argument("--real", type=int, default=300,
                        help="cases started through the engine in each database")
    parser.add_argument("--samples", type=int, default=200)
    parser.add_argument("--completions", type=int, default=100)
    parser.add_argument("--no-explain", action="store_true")
    parser.add_argument("--reuse", action="store_true", help="keep the seeded templates")
    parser.add_argument("--pg-admin",
                        default="postgresql+psycopg://postgres@127.0.0.1:5432/postgres")
    args = parser.parse_args()
    for name, cases in ((BIG, args.cases), (SMALL, args.small)):
        if args.reuse and exists(args.pg_admin, name):
            migrate(database_url(args.pg_admin, name))
            vacuum(database_url(args.pg_admin, name))
        else:
            build(args.pg_admin, name, cases, args.real)
    big = database_url(args.pg_admin, BIG)
    log(f"{BIG}: {counts(big)} ({size(big)}); load average {load()}")
    app = create_app({"SQLALCHEMY_DATABASE_URI": big, "SESSION_COOKIE_SECURE": False})
    pages(app, args.samples, not args.no_explain)
    with app.app_context():
        db.engine.dispose()
    small = completions(args.pg_admin, SMALL, args.real, args.completions)
    large = completions(args.pg_admin, BIG, args.real, args.completions)
    log(figure(f"task completion, {args.small:,} cases", small))
    log(figure(f"task completion, {args.cases:,} cases", large))
    log(f"completion at {args.cases:,} / at {args.small:,}: p50 "
        f"{statistics.median(large) / statistics.median(small):.2f}x, p95 "
        f"{percentile(large, 0.95) / percentile(small, 0.95):.2f}x; load average {load()}")


if __name__ == "__main__":
    main()
