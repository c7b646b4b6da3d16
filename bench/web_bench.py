"""Web benchmark: server-side time of the inbox, the cases page and a task submission at scale.

    python bench/web_bench.py [--cases 10000] [--tasks 100000] [--samples 200]

Seeds ``--cases`` Programa Familias cases through the engine in a fresh PostgreSQL database
(acompana_webbench), each household with a two-word family name (of 40 × 40 surnames), two
members and a valid RUT, tops the human_task table up to ``--tasks`` open tasks spread over 50
caseworkers in 5 territories, then times, inside the app (Flask test client, no network):

* the inbox page (my tasks, first page, sorted by due date; and filtered to overdue),
* the pool tab of a supervisor,
* the cases page of a supervisor: searched by the start of a family or member name, by a
  RUT as typed (dots and dash), by status and caseworker, and by name sorted by family;
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
from stdnum.cl import rut

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import engine  # noqa: E402
from bench.databases import database_url, fresh_database  # noqa: E402
from engine import unit_of_work
from engine.definitions import households  # noqa: E402
from engine.persistence.models import Case, Household, HumanTask, Territory  # noqa: E402
from web import create_app  # noqa: E402
from web.auth.models import User  # noqa: E402
from web.auth.passwords import hash_password  # noqa: E402
from web.extensions import db  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
START = datetime(2026, 3, 2, 12, tzinfo=UTC)
TERRITORIES = [f"comuna_{n}" for n in range(5)]
CSRF = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')
SURNAMES = ("González", "Muñoz", "Rojas", "Díaz", "Pérez", "Soto", "Contreras", "Silva",
            "Martínez", "Sepúlveda", "Morales", "Rodríguez", "López", "Fuentes", "Hernández",
            "Torres", "Araya", "Flores", "Espinoza", "Valenzuela", "Castillo", "Tapia",
            "Reyes", "Gutiérrez", "Castro", "Pizarro", "Álvarez", "Vásquez", "Sánchez",
            "Fernández", "Ramírez", "Carrasco", "Gómez", "Cortés", "Herrera", "Núñez", "Jara",
            "Vergara", "Rivera", "Figueroa")
GIVEN = ("María", "José", "Juan", "Ana", "Luis", "Carla", "Pedro", "Camila", "Diego",
         "Valentina", "Jorge", "Francisca", "Tomás", "Isidora", "Matías", "Javiera", "Benjamín")


def bench_app(admin_url: str, reuse: bool):
    """The app on the benchmark database (recreated unless ``reuse``)."""
    name = "acompana_webbench"
    url = database_url(admin_url, name) if reuse else fresh_database(admin_url, name)
    return create_app({"SQLALCHEMY_DATABASE_URI": url, "SESSION_COOKIE_SECURE": False})


def seed(cases: int, tasks: int, searched: int = 0) -> None:
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
        command = engine.StartCase("familias", TERRITORIES[n % 5], f"afi{n % 50}",
                                   family_name(n), members=members(n), national_id=rut_of(n))
        with unit_of_work(db.session):
            engine.start_case(db.session, command, actor, START + timedelta(minutes=n))
    top_up(tasks - cases)
    more_cases(cases, searched - cases, {t.code: t.id for t in territories})


def family_name(n: int) -> str:
    """The n-th household's two surnames (1,600 combinations)."""
    return f"{SURNAMES[n % 40]} {SURNAMES[(n // 40) % 40]}"


def members(n: int) -> list[dict]:
    first, second = SURNAMES[n % 40], SURNAMES[(n // 40) % 40]
    return [{"name": f"{GIVEN[n % 17]} {first}", "age": 25 + n % 30, "relationship": "head"},
            {"name": f"{GIVEN[(n * 7) % 17]} {first} {second}", "age": n % 15,
             "relationship": "child"}]


def rut_of(n: int) -> str:
    """The n-th household's RUT, written with dots and dash (12.345.678-5)."""
    number = str(10_000_000 + n * 7)
    return rut.format(number + rut.calc_check_digit(number))


def more_cases(first: int, extra: int, territory_ids: dict[str, int]) -> None:
    """Copies of a started case (household and case rows, no workflow: they are only there
    to be searched), numbered on from ``first``, every 10th closed and every 17th paused."""
    if extra <= 0:
        return
    template = db.session.scalars(select(Case).limit(1)).one()
    for start in range(first, first + extra, 5000):
        numbers = range(start, min(first + extra, start + 5000))
        rows = []
        for n in numbers:
            key = rut.compact(rut_of(n))
            rows.append({"territory_id": territory_ids[TERRITORIES[n % 5]],
                         "family_name": family_name(n), "members": members(n),
                         "national_key": key, "address": None,
                         "search_text": households.search_text(family_name(n), members(n), key)})
        returning = insert(Household).returning(Household.id, sort_by_parameter_order=True)
        ids = db.session.scalars(returning, rows).all()
        db.session.execute(insert(Case), [
            {"household_id": hid, "programme_key": template.programme_key,
             "territory_id": territory_ids[TERRITORIES[n % 5]], "caseworker": f"afi{n % 50}",
             "status": "closed" if n % 10 == 0 else "open",
             "outcome": "egreso" if n % 10 == 0 else None,
             "opened_at": START + timedelta(minutes=n),
             "closed_at": START + timedelta(days=400) if n % 10 == 0 else None,
             "deadlines_paused_at": START if n % 17 == 0 and n % 10 else None}
            for n, hid in zip(numbers, ids, strict=True)])
        db.session.commit()
    vacuumed()


def vacuumed() -> None:
    """VACUUM ANALYZE, as autovacuum would have done by then (statistics, visibility map)."""
    with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        conn.execute(text("VACUUM ANALYZE"))


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
    vacuumed()


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


def cases_searches(cases: int) -> list[tuple[str, str]]:
    """The cases page searches timed, as a supervisor of one territory (a fifth of the
    cases): ``(label, URL)``."""
    someone = min(cases - 1, 4_321) // 5 * 5 + 2  # a case of jefe2's territory (comuna_2)
    return [("cases page, no filter, page 1", "/cases"),
            ("cases page, name prefix 'gonz'", "/cases?q=gonz"),
            ("cases page, name prefixes 'rojas per'", "/cases?q=rojas+per"),
            ("cases page, national id as typed", f"/cases?national_id={rut_of(someone)}"),
            ("cases page, status open + caseworker", "/cases?status=open&worker=afi7"),
            ("cases page, name 'mar', by family, page 3", "/cases?q=mar&sort=family&page=3")]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cases", type=int, default=10_000)
    parser.add_argument("--tasks", type=int, default=100_000)
    parser.add_argument("--samples", type=int, default=200)
    parser.add_argument("--search-cases", type=int, default=0,
                        help="cases in all for the cases page: those past --cases are copies "
                             "of household and case rows, without a workflow")
    parser.add_argument("--reuse", action="store_true",
                        help="time against the database the previous run seeded")
    parser.add_argument("--pg-admin",
                        default="postgresql+psycopg://postgres@127.0.0.1:5432/postgres")
    args = parser.parse_args()
    app = bench_app(args.pg_admin, args.reuse)
    started = time.perf_counter()
    with app.app_context():
        if not args.reuse:
            seed(args.cases, args.tasks, args.search_cases)
        total = db.session.scalar(select(text("count(*)")).select_from(HumanTask))
        in_all = db.session.scalar(select(text("count(*)")).select_from(Case))
    print(f"{'reused' if args.reuse else 'seeded'} {args.cases} started cases, {in_all} cases "
          f"in all, and {total} open tasks "
          f"in {time.perf_counter() - started:.0f} s")
    afi, jefe = signed_in(app, "afi7"), signed_in(app, "jefe2")
    print(summary("inbox, my tasks (≈2,000), page 1", timed(lambda: afi.get("/"), args.samples)))
    print(summary("inbox, my tasks, overdue filter, page 3",
                  timed(lambda: afi.get("/?status=overdue&page=3"), args.samples)))
    print(summary("inbox, supervisor pool (≈5,000), page 1",
                  timed(lambda: jefe.get("/?tab=pool"), args.samples)))
    for label, query in cases_searches(max(args.cases, args.search_cases)):
        print(summary(label, timed(lambda q=query: jefe.get(q), args.samples)))
    print(summary("task submission (valid, completes the step)", submissions(app, args.samples)))


if __name__ == "__main__":
    main()
