"""Privacy benchmark: one member's erasure and the retention run, on real cases.

    python bench/privacy_bench.py [--cases 100] [--pg-admin URL]

Seeds ``--cases`` Programa Familias households in a fresh PostgreSQL database
(acompana_bench_privacy), each case worked through contact, entry, diagnosis and plan (its
answers naming the family) and then withdrawn, and prints:

* the erasure of one member (every section: household, workflow state through the runtime,
  drafts, audit trail with its unlock, documents, notifications…), median of 10 cases;
* the retention run over all the others, five years later: households anonymised per second.
"""

import argparse
import statistics
import sys
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

from sqlalchemy import create_engine, select
from sqlalchemy.orm import Session

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import engine  # noqa: E402
import web.notifications.models  # noqa: E402, F401 - the notification table
import web.privacy.sections  # noqa: E402, F401 - the web's sections
from bench.databases import fresh_database  # noqa: E402
from engine import unit_of_work  # noqa: E402
from engine.core import clock  # noqa: E402
from engine.persistence.models import HumanTask, Territory  # noqa: E402
from web.demo_data import contacto, diagnostico, ingreso, plan  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
START = datetime(2026, 3, 2, 12, tzinfo=UTC)
ACTOR = engine.Actor("ana", frozenset({"caseworker", "supervisor"}), None)
ADMIN = engine.Actor("admin.cl", frozenset({"admin"}), None)
WITHDRAWAL = {"fecha": "2026-03-20", "motivo": "decision_familia", "detalle": "No sigue"}


def seed(session: Session, forms, cases: int) -> list[int]:
    """``cases`` households, each case worked for a month and withdrawn; their ids."""
    session.add(Territory(code="antofagasta", name="Antofagasta", country="CL", region="AN",
                          timezone="America/Santiago"))
    session.commit()
    with unit_of_work(session):
        engine.deploy_folder(session, ROOT / "processes" / "familias", forms, "bench")
    households = []
    for n in range(cases):
        members = [{"name": f"Carla Rojas {n}", "age": 34},
                   {"name": f"Tomás Ibáñez {n}", "age": 9}]
        with clock.frozen_at(START), unit_of_work(session):
            case = engine.start_case(session, engine.StartCase(
                "familias", "antofagasta", "ana", f"Rojas Ibáñez {n}", members=members), ACTOR)
        day = START.date()
        for step, data in (("primer_contacto", contacto(day) | {
                "observaciones": f"Habla Tomás Ibáñez {n}"}), ("ingreso", ingreso(day)),
                           ("diagnostico", diagnostico(day)), ("plan", plan(day))):
            row = session.scalars(select(HumanTask).where(HumanTask.case_id == case.id,
                                                          HumanTask.bpmn_id == step)).one()
            with clock.frozen_at(START), unit_of_work(session):
                engine.claim(session, row.id, ACTOR)
                engine.complete(session, forms, row.id, data, ACTOR)
        with clock.frozen_at(START + timedelta(days=18)), unit_of_work(session):
            engine.perform_act(session, forms, case.id, "desistimiento", WITHDRAWAL, ACTOR)
        households.append(case.household_id)
    return households


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cases", type=int, default=100)
    parser.add_argument("--pg-admin",
                        default="postgresql+psycopg://postgres@127.0.0.1:5432/postgres")
    args = parser.parse_args()
    url = fresh_database(args.pg_admin, "acompana_bench_privacy")
    sql = create_engine(url)
    forms = engine.FormLibrary(ROOT / "forms")
    with Session(sql, expire_on_commit=False) as session:
        began = time.perf_counter()
        households = seed(session, forms, args.cases)
        print(f"seeded {args.cases} withdrawn Familias cases in "
              f"{time.perf_counter() - began:.1f} s")
        times = []
        for household in households[:10]:
            began = time.perf_counter()
            with unit_of_work(session):
                engine.privacy.erase_member(session, ADMIN, household, 1)
            times.append(time.perf_counter() - began)
        print(f"erase one member: median {statistics.median(times) * 1000:.0f} ms, "
              f"max {max(times) * 1000:.0f} ms (10 cases, committed)")
        later = START + timedelta(days=6 * 366)  # past the five years of [retencion]
        began = time.perf_counter()
        with clock.frozen_at(later), unit_of_work(session):
            run = engine.privacy.run_retention(session, ADMIN)
        spent = time.perf_counter() - began
        print(f"retention run: {len(run.requests)} households anonymised in {spent:.1f} s "
              f"({len(run.requests) / spent:.1f} households/s)")
    sql.dispose()


if __name__ == "__main__":
    main()
