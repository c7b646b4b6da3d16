"""Access log: what logging views costs and how fast a family's log and the administrators'
page read with many rows (engine.commands.access_log, engine.queries.access_log).

Prints: the time to log one view (its own unit of work, as a page does), an export of
``--cases`` lines logged in one go, and the case file's "who opened it" and a filtered
page of ``/admin/access-log`` with ``--rows`` rows in the log, on PostgreSQL.

    .venv/bin/python bench/access_log_bench.py [--rows 200000] [--cases 5000]
"""

import argparse
import statistics
import sys
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

from sqlalchemy import create_engine, insert, select
from sqlalchemy.orm import Session

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import engine  # noqa: E402
from bench.databases import fresh_database  # noqa: E402
from engine import unit_of_work  # noqa: E402
from engine.persistence.access_log_models import AccessLog  # noqa: E402
from engine.persistence.models import Case, Household, Programme, Territory  # noqa: E402
from engine.queries import access_log as log_queries  # noqa: E402

NAME = "acompana_bench_access_log"
START = datetime(2026, 1, 5, 9, tzinfo=UTC)


def seed(session: Session, cases: int, rows: int) -> list[int]:
    """A territory with ``cases`` households and cases, and ``rows`` logged views of them."""
    territory = Territory(code="antofagasta", name="Antofagasta", country="CL", region="AN",
                          timezone="America/Santiago")
    session.add_all([territory, Programme(key="familias", name="Familias", settings={},
                                          updated_at=START)])
    session.flush()
    homes = session.execute(insert(Household).returning(Household.id), [
        {"territory_id": territory.id, "family_name": f"F{n}", "members": []}
        for n in range(cases)]).scalars().all()
    ids = session.execute(insert(Case).returning(Case.id), [
        {"household_id": h, "programme_key": "familias", "territory_id": territory.id,
         "caseworker": f"cw{n % 50}", "opened_at": START} for n, h in enumerate(homes)]
    ).scalars().all()
    by_id = dict(zip(ids, homes, strict=True))
    for start in range(0, rows, 20_000):
        session.execute(insert(AccessLog), [
            {"at": START + timedelta(minutes=n), "actor": f"cw{n % 50}", "kind": "case_file",
             "what": str(ids[n % cases]), "case_id": ids[n % cases],
             "household_id": by_id[ids[n % cases]], "territory_id": territory.id}
            for n in range(start, min(rows, start + 20_000))])
    session.commit()
    return list(ids)


def timed(function, repeat: int) -> list[float]:
    times = []
    for _ in range(repeat):
        began = time.perf_counter()
        function()
        times.append((time.perf_counter() - began) * 1000)
    return times


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=200_000)
    parser.add_argument("--cases", type=int, default=5_000)
    parser.add_argument("--pg-admin",
                        default="postgresql+psycopg://postgres@127.0.0.1:5432/postgres")
    args = parser.parse_args()
    url = fresh_database(args.pg_admin, NAME)
    sql = create_engine(url)
    with Session(sql, expire_on_commit=False) as session:
        ids = seed(session, args.cases, args.rows)
        case = session.get(Case, ids[0])
        ana = engine.Actor("cw0", frozenset({"caseworker"}), None)
        admin = engine.Actor("admin", frozenset({"admin"}), None)
        boss = engine.Actor("boss", frozenset({"supervisor"}), None)

        def one_view():
            with unit_of_work(session):
                engine.log_view(session, ana, "case_file", case.id, case)

        def export():
            with unit_of_work(session):
                engine.log_export(session, boss, "resultados-familias", ids)

        views = timed(one_view, 200)
        exports = timed(export, 5)
        who = timed(lambda: log_queries.case_views(session, boss, case), 50)
        page = timed(lambda: log_queries.access_page(
            session, admin, log_queries.AccessFilter(person="cw7")), 20)
        total = session.scalar(select(AccessLog.id).order_by(AccessLog.id.desc()).limit(1))
    sql.dispose()
    print(f"log one view (its own transaction): median {statistics.median(views):.2f} ms")
    print(f"log an export of {args.cases} lines: median {statistics.median(exports):.0f} ms "
          f"({args.cases / statistics.median(exports) * 1000:.0f} lines/s)")
    print(f"case file 'who opened it' with {total} rows logged: "
          f"median {statistics.median(who):.2f} ms")
    print(f"/admin/access-log page filtered by person: median {statistics.median(page):.1f} ms")


if __name__ == "__main__":
    main()
