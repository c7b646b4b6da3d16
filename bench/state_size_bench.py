"""Stored state size of a Programa Familias case through its whole 24-month cycle.

    python bench/state_size_bench.py [--postgresql] [--pg-admin URL] [--top 8]

One family (a "doble" trajectory: 16 sessions planned, monthly reports, plan actions, the
AFI's semiannual evaluations, critical indicators, overdue-step reviews) is driven day by
day through the real engine on a moved clock, from allocation on 2 March 2026 to egreso on
6 March 2028, as tests/integration/test_familias_cycle.py drives it: every morning the timer
sweep fires what is due, then people complete their steps with ``engine.complete``. Every
state the engine writes to ``process_instance.state`` is measured (a mapper event sees each
insert and update, the sweep's included: tests/integration/stored_states.py): its bytes as
stored (UTF-8 JSON) and, for information, gzipped. The bench prints the largest state of
each month, the maximum, and what the largest state is made of (tasks, their data,
subprocesses). Target: at most 30 KB
all the way. SQLite by default (a temporary file); ``--postgresql`` uses a fresh database
``acompana_memory_statebench`` on the server of ``--pg-admin``.
"""

import argparse
import gzip
import json
import logging
import sys
import tempfile
import time
from collections import Counter
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from sqlalchemy import create_engine
from sqlalchemy.orm import Session

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import engine  # noqa: E402
from bench.databases import fresh_database, migrate  # noqa: E402
from engine import unit_of_work  # noqa: E402
from engine.persistence.models import Territory  # noqa: E402
from tests.integration.familias_driver import FamiliaCase  # noqa: E402
from tests.integration.stored_states import STATE_LIMIT, stored_states  # noqa: E402
from tests.integration.test_familias_cycle import (  # noqa: E402
    ALLOCATED,
    Accompaniment,
    enter_programme,
)
from web.demo_data import evaluacion_final  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
DATABASE = "acompana_memory_statebench"
PHASES = [  # the family's cycle, by the day a phase begins
    ("contact, entry, diagnosis", ALLOCATED),
    ("year 1 from the plan", date(2026, 6, 1)),
    ("year 2", date(2027, 3, 30)),
    ("final evaluation, egreso", date(2028, 2, 1)),
]
DATA_KEYS = ("d", "u", "x", "data", "delta")  # a task's data, compact or SpiffWorkflow's


@dataclass
class Sizes:
    """Every state written, as (the family's day, bytes, gzip bytes); the largest kept."""

    written: list[tuple[date, int, int]] = field(default_factory=list)
    largest: str = ""
    family: FamiliaCase | None = None

    def note(self, state: str) -> None:
        raw = state.encode()
        day = self.family.today if self.family else ALLOCATED
        self.written.append((day, len(raw), len(gzip.compress(raw))))
        if len(raw) > len(self.largest.encode()):
            self.largest = state

    def maximum(self) -> int:
        return max(size for _, size, _ in self.written)


def database(args, folder: Path) -> str:
    if args.postgresql:
        return fresh_database(args.pg_admin, DATABASE)
    return migrate(f"sqlite:///{folder / 'state.db'}")


def people(session: Session) -> tuple[engine.Actor, engine.Actor]:
    here = Territory(code="antofagasta", name="Antofagasta", country="CL", region="AN",
                     timezone="America/Santiago")
    session.add(here)
    session.commit()
    scope = frozenset({here.id})
    return (engine.Actor("ana", frozenset({"caseworker"}), scope),
            engine.Actor("jorge", frozenset({"supervisor"}), scope))


def walk(session: Session, forms: engine.FormLibrary, sizes: Sizes) -> FamiliaCase:
    """Allocation to egreso, as test_a_doble_family_is_accompanied_24_months_to_egreso."""
    caseworker, supervisor = people(session)  # the territory first: deploying enables it
    with unit_of_work(session):
        engine.deploy_folder(session, ROOT / "processes" / "familias", forms, "bench")
    family = FamiliaCase(session, forms, caseworker, supervisor, ALLOCATED)
    sizes.family = family  # the states stored from now on belong to the family's day
    try:
        enter_programme(family)
        family.wait_until(date(2028, 3, 5), Accompaniment())
        family.complete("evaluacion_final", evaluacion_final(family.today))
        family.wait_until(date(2028, 3, 6))
        family.complete("aprobar_egreso", {"aprobado": True, "observaciones": "Egreso"})
        assert family.refreshed_case().outcome == "egreso"
    finally:
        family.close()
    return family


def by_phase(sizes: Sizes) -> list[tuple[str, int, int]]:
    """(phase, states written, largest bytes) for each phase of the cycle (:data:`PHASES`)."""
    found = []
    for k, (name, first) in enumerate(PHASES):
        last = PHASES[k + 1][1] if k + 1 < len(PHASES) else date.max
        rows = [size for day, size, _ in sizes.written if first <= day < last]
        found.append((name, len(rows), max(rows, default=0)))
    return found


def by_month(sizes: Sizes) -> list[tuple[str, int, int, int]]:
    """(month, states written, largest bytes, its gzip bytes) per calendar month."""
    months: dict[str, list[tuple[int, int]]] = {}
    for day, size, packed in sizes.written:
        months.setdefault(day.strftime("%Y-%m"), []).append((size, packed))
    return [(month, len(rows), *max(rows)) for month, rows in months.items()]


def _compact(value) -> str:
    return json.dumps(value, separators=(",", ":"))


def anatomy(state: str, top: int) -> list[str]:
    """What the largest state is made of: bytes per part, and the biggest task kinds."""
    dct = json.loads(state)
    lines = []
    workflows = {"top": dct, **dct.get("subprocesses", {})}
    for name, workflow in workflows.items():
        tasks = workflow.get("tasks", {})
        data = sum(len(_compact({k: t[k] for k in DATA_KEYS if k in t}))
                   for t in tasks.values())
        total = len(_compact(workflow))
        if name != "top":
            label = f"subprocess {workflow.get('spec', '?')}"
        else:
            label = "top workflow (with its subprocesses)"
        lines.append(f"  {label}: {total:,} B, {len(tasks)} tasks, task data {data:,} B, "
                     f"workflow data {len(_compact(workflow.get('data', {}))):,} B")
    kinds = Counter()
    for workflow in workflows.values():
        for task in workflow.get("tasks", {}).values():
            kinds[task.get("n") or task["task_spec"]] += len(_compact(task))
    lines.append("  largest task kinds: " + ", ".join(
        f"{spec} {size:,} B" for spec, size in kinds.most_common(top)))
    return lines


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--postgresql", action="store_true", help="PostgreSQL, not SQLite")
    parser.add_argument("--pg-admin",
                        default="postgresql+psycopg://postgres@127.0.0.1:5432/postgres")
    parser.add_argument("--top", type=int, default=8, help="task kinds shown in the anatomy")
    parser.add_argument("--save-largest", type=Path, help="write the largest state there")
    args = parser.parse_args()
    logging.getLogger("alembic").setLevel(logging.WARNING)
    sizes = Sizes()
    with tempfile.TemporaryDirectory() as folder:
        url = database(args, Path(folder))
        sql = create_engine(url)
        began = time.perf_counter()
        with stored_states(sizes.note), Session(sql, expire_on_commit=False) as session:
            walk(session, engine.FormLibrary(ROOT / "forms"), sizes)
        seconds = time.perf_counter() - began
        sql.dispose()
    print(f"{'month':8} {'saves':>5} {'largest':>10} {'gzip':>8}")
    for month, saves, size, packed in by_month(sizes):
        print(f"{month:8} {saves:5} {size:10,} {packed:8,}")
    for name, saves, size in by_phase(sizes):
        print(f"phase {name}: {saves} states, largest {size:,} B")
    largest = sizes.maximum()
    verdict = "within" if largest <= STATE_LIMIT else "OVER"
    kind = "PostgreSQL" if args.postgresql else "SQLite"
    print(f"{len(sizes.written)} states stored in {seconds:.0f} s ({kind}); "
          f"largest {largest:,} B = {largest / 1024:.1f} KB "
          f"(gzip {len(gzip.compress(sizes.largest.encode())):,} B): {verdict} the 30 KB target")
    if args.save_largest:
        args.save_largest.write_text(sizes.largest)
    print("the largest state:")
    print("\n".join(anatomy(sizes.largest, args.top)))


if __name__ == "__main__":
    main()
