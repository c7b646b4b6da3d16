"""Household import benchmark: a registry export of Programa Familias households imported
into Antofagasta, on SQLite and on PostgreSQL.

    python bench/import_bench.py [--rows 10000] [--pg-admin URL] [--no-sqlite]

For each database (a fresh migrated SQLite file; a fresh PostgreSQL database
acompana_importbench) with Familias deployed: the file (one bad RUT in 100 rows, a reference
person and two more members per household) is uploaded, dry-run, imported (every household
new) and imported again (every household unchanged) in this process, as the background
runner does it (engine.commands.household_import_runs.run_import). It prints rows per second
for the dry run and each run, and the same first run with a commit per row
(``COMMIT_EVERY = 1``) beside the default savepoint per row committed 50 at a time.
"""

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path

from sqlalchemy import create_engine, text
from sqlalchemy.orm import Session

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import engine  # noqa: E402
from bench.databases import fresh_database, migrate  # noqa: E402
from engine import unit_of_work  # noqa: E402
from engine.commands import household_import_runs as runs  # noqa: E402
from engine.commands import household_imports as imports  # noqa: E402
from engine.definitions import catalog  # noqa: E402
from engine.persistence.models import Territory  # noqa: E402
from tests.integration.import_files import registry_csv  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
PG_ADMIN = os.environ.get("ACOMPANA_TEST_PG", "postgresql+psycopg://postgres@127.0.0.1:5432/postgres")


def seeded(url: str):
    """The database with Antofagasta and Familias deployed; its engine."""
    options = {"connect_args": {"timeout": 30}} if url.startswith("sqlite") else {}
    sql = create_engine(url, **options)
    catalog.forget()
    with Session(sql, expire_on_commit=False) as session:
        session.add(Territory(code="antofagasta", name="Antofagasta", country="CL",
                              region="AN", timezone="America/Santiago"))
        session.commit()
        with unit_of_work(session):
            engine.deploy_folder(session, ROOT / "processes" / "familias",
                                 engine.FormLibrary(ROOT / "forms"), "bench")
    return sql


def one_run(sql, content: bytes, dry: bool = False) -> tuple[float, dict]:
    """Seconds for one import of ``content`` (or its dry run), and its counts."""
    with Session(sql, expire_on_commit=False) as session:
        with unit_of_work(session):
            import_id = imports.upload(session, engine.SYSTEM, "familias", "antofagasta",
                                       "rsh.csv", content)
        if dry:
            return _timed_dry(session, import_id)
        began = time.perf_counter()
        with unit_of_work(session):
            imports.start(session, engine.SYSTEM, import_id)
        counts = runs.run_import(sql, import_id).counts
        return time.perf_counter() - began, counts


def _timed_dry(session, import_id: int) -> tuple[float, dict]:
    began = time.perf_counter()
    totals = imports.dry_run(session, engine.SYSTEM, import_id).totals
    return time.perf_counter() - began, totals


def bench(label: str, url: str, rows: int, per_row_url: str | None) -> None:
    text_, _bad = registry_csv(rows, bad_every=100)
    content = text_.encode("utf-8")
    sql = seeded(url)
    seconds, totals = one_run(sql, content, dry=True)
    print(f"{label}: dry run {rows / seconds:,.0f} rows/s ({seconds:.1f} s; {totals})")
    seconds, counts = one_run(sql, content)
    print(f"{label}: first run {rows / seconds:,.0f} rows/s ({seconds:.1f} s; "
          f"created {counts['created']}, failed {counts['failed']})")
    seconds, counts = one_run(sql, content)
    print(f"{label}: second run {rows / seconds:,.0f} rows/s ({seconds:.1f} s; "
          f"unchanged {counts['unchanged']}, failed {counts['failed']})")
    sql.dispose()
    if per_row_url is not None:
        sql = seeded(per_row_url)
        every, runs.COMMIT_EVERY = runs.COMMIT_EVERY, 1
        try:
            seconds, _counts = one_run(sql, content)
        finally:
            runs.COMMIT_EVERY = every
        print(f"{label}: first run with a commit per row {rows / seconds:,.0f} rows/s "
              f"({seconds:.1f} s)")
        sql.dispose()


def main() -> None:
    """Run the benchmark on both databases and print the figures."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=10_000)
    parser.add_argument("--pg-admin", default=PG_ADMIN)
    parser.add_argument("--no-sqlite", action="store_true")
    args = parser.parse_args()
    if not args.no_sqlite:
        folder = Path(tempfile.mkdtemp(prefix="acompana-importbench-"))
        bench("SQLite", migrate(f"sqlite:///{folder / 'a.db'}"), args.rows,
              migrate(f"sqlite:///{folder / 'b.db'}"))
    bench("PostgreSQL", fresh_database(args.pg_admin, "acompana_importbench"), args.rows,
          fresh_database(args.pg_admin, "acompana_importbench_rows"))
    admin = create_engine(args.pg_admin, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        for name in ("acompana_importbench", "acompana_importbench_rows"):
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


if __name__ == "__main__":
    main()
