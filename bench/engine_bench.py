"""Engine benchmark: the raw SpiffWorkflow floor beside the persisted engine, and sweep speed.

    python bench/engine_bench.py [--cases 10000] [--samples 100] [--pg-admin URL]

Seeds ``--cases`` Programa Familias cases in a fresh PostgreSQL database (acompana_bench),
then prints, in one run:

* the engine floor: restore a case's state, complete one session task, run the engine steps,
  serialize — all in memory, no database;
* the persisted completion through ``engine.complete`` (one transaction, row lock, form
  validation, mirrors, audit), on a case in its 3rd month and on one in its 21st month;
* the timer sweep: every seeded case's reminder falls due at once; timers fired per second.
"""

import argparse
import statistics
import sys
import time
from datetime import UTC, datetime, timedelta
from functools import partial
from pathlib import Path

from sqlalchemy import create_engine, func, select
from sqlalchemy.orm import Session

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import engine  # noqa: E402
from bench.databases import fresh_database  # noqa: E402
from bench.statements import recorded  # noqa: E402
from engine import unit_of_work  # noqa: E402
from engine.commands import store  # noqa: E402
from engine.commands.sweep import BATCH_CASES  # noqa: E402
from engine.core import clock  # noqa: E402
from engine.persistence.models import HumanTask, ProcessInstance, Territory  # noqa: E402
from engine.runtime import workflow as runtime  # noqa: E402
from engine.runtime.serialization import dump_state, load_state  # noqa: E402
from web.demo_data import contacto, diagnostico, ingreso, plan, seguimiento, sesion  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
START = datetime(2026, 3, 2, 12, tzinfo=UTC)
ACTOR = engine.Actor("ana", frozenset({"caseworker", "supervisor"}), None)


def committed(session, command, *args) -> None:
    """One command in its own unit of work, as a request runs it (commit included)."""
    with unit_of_work(session):
        command(session, *args)


def timed(fn) -> float:
    started = time.perf_counter()
    fn()
    return (time.perf_counter() - started) * 1000


def summary(samples: list[float]) -> str:
    ordered = sorted(samples)
    p95 = ordered[min(len(ordered) - 1, int(len(ordered) * 0.95))]
    return f"median {statistics.median(ordered):7.2f} ms   p95 {p95:7.2f} ms"


class Bench:
    def __init__(self, url: str, forms: engine.FormLibrary):
        self.sql = create_engine(url)
        self.forms = forms

    def session(self) -> Session:
        return Session(self.sql, expire_on_commit=False)

    def seed(self, count: int) -> float:
        with self.session() as s:
            s.add(Territory(code="antofagasta", name="Antofagasta", country="CL", region="AN",
                            timezone="America/Santiago"))
            s.commit()
            with unit_of_work(s):
                engine.deploy_folder(s, ROOT / "processes" / "familias", self.forms, "bench")
            command = engine.StartCase("familias", "antofagasta", "ana", "Familia")
            started = time.perf_counter()
            for _ in range(count):
                with unit_of_work(s):
                    engine.start_case(s, command, ACTOR, START)
            return time.perf_counter() - started

    def task_of(self, s: Session, case_id: int, bpmn_id: str) -> HumanTask | None:
        query = select(HumanTask).where(HumanTask.case_id == case_id,
                                        HumanTask.bpmn_id == bpmn_id)
        return s.scalars(query).first()

    def do(self, s: Session, case_id: int, bpmn_id: str, data: dict, at: datetime) -> None:
        row = self.task_of(s, case_id, bpmn_id)
        if row is not None:
            with unit_of_work(s):
                engine.complete(s, self.forms, row.id, data, ACTOR, at)

    def walk(self, case_id: int, months: int) -> datetime:
        """Take a case to its first session, then through ``months`` months of them."""
        with self.session() as s:
            day = START
            for bpmn_id, data in (("primer_contacto", contacto), ("ingreso", ingreso),
                                  ("diagnostico", diagnostico), ("plan", plan)):
                day += timedelta(days=5)
                self.do(s, case_id, bpmn_id, data(day.date()), day)
            for _ in range(months):
                day = max(day, self.next_report(s, case_id, day)) + timedelta(days=1)
                engine.fire_due_timers(s.get_bind(), day)
                self.do(s, case_id, "seguimiento", seguimiento(day.date()), day)
                self.do(s, case_id, "sesion", sesion(day.date()), day)
                for review in self.reviews(s, case_id):
                    with unit_of_work(s):
                        engine.complete(s, self.forms, review.id,
                                        {"accion": "contactar_afi"}, ACTOR, day)
            return day

    def reviews(self, s: Session, case_id: int) -> list[HumanTask]:
        query = select(HumanTask).where(HumanTask.case_id == case_id,
                                        HumanTask.bpmn_id.startswith("revisar_atraso"))
        return list(s.scalars(query))

    def next_report(self, s: Session, case_id: int, after: datetime) -> datetime:
        """When the case's next monthly report opens."""
        query = (select(engine.persistence.models.Timer.due_at).join(ProcessInstance)
                 .where(ProcessInstance.case_id == case_id,
                        engine.persistence.models.Timer.bpmn_id == "espera_mensual"))
        return s.scalars(query).first() or after

    def floor(self, case_id: int, at: datetime, samples: int) -> tuple[list[float], int]:
        """Restore + complete the session + engine steps + serialize, in memory."""
        with self.session() as s:
            instance = s.scalars(select(ProcessInstance).where(
                ProcessInstance.case_id == case_id)).one()
            loaded = store.load(s, instance.id, lock=False)
            context = store.case_context(loaded.case, loaded.settings)
            spec, subs = loaded.workflow.spec, loaded.workflow.subprocess_specs
            state, task_id = instance.state, self.task_of(s, case_id, "sesion").id

        def once():
            workflow = runtime.attach(load_state(state, spec, subs), context)
            task = runtime.find_task(workflow, task_id)
            task.data.update(sesion(at.date()))
            task.run()
            workflow.do_engine_steps()
            dump_state(workflow)

        with clock.frozen_at(at):
            return [timed(once) for _ in range(samples)], len(state)

    def completions(self, case_ids: list[int], at: datetime) -> list[float]:
        """Milliseconds of each completion (commit included); their SQL statements are
        counted in ``self.statements``."""
        results, self.statements = [], []
        for case_id in case_ids:
            with self.session() as s:
                row = self.task_of(s, case_id, "sesion")
                submit = partial(committed, s, engine.complete, self.forms, row.id,
                                 sesion(at.date()), ACTOR, at)
                with recorded(self.sql) as statements:
                    results.append(timed(submit))
                self.statements.append(len(statements))
        return results

    def sweep(self, at: datetime) -> tuple[engine.SweepResult, float, float, int]:
        """The sweep of every timer due by ``at``: its result, wall and CPU seconds (this
        process), and the SQL statements it ran."""
        with self.session() as s:
            due = s.scalar(select(func.count()).where(engine.persistence.models.Timer.due_at <= at))
        with recorded(self.sql) as statements:
            started, cpu = time.perf_counter(), time.process_time()
            result = engine.fire_due_timers(self.sql, at, limit=10**9)
            elapsed, cpu = time.perf_counter() - started, time.process_time() - cpu
        assert result.fired >= due, (result, due)
        return result, elapsed, cpu, len(statements)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cases", type=int, default=10_000)
    parser.add_argument("--samples", type=int, default=100)
    parser.add_argument("--sweep-only", action="store_true", help="seed and sweep, no walks")
    parser.add_argument("--pg-admin", default="postgresql+psycopg://postgres@127.0.0.1:5432/postgres")
    args = parser.parse_args()
    bench = Bench(fresh_database(args.pg_admin, "acompana_bench"),
                  engine.FormLibrary(ROOT / "forms"))

    seconds = bench.seed(args.cases)
    print(f"seeded {args.cases} Familias cases in {seconds:.1f} s "
          f"({args.cases / seconds:.0f} cases/s, start_case end to end)")
    result, elapsed, cpu, statements = bench.sweep(START + timedelta(days=30))
    fired, cases = result.fired, max(result.instances, 1)
    print(f"timer sweep: fired {fired} timers in {elapsed:.1f} s = {fired / elapsed:.0f} timers/s "
          f"(each case's reminder and escalation, in order, {BATCH_CASES} "
          f"cases per transaction); "
          f"{cpu * 1000 / cases:.2f} ms CPU of this process and "
          f"{statements / cases:.1f} SQL statements per case")
    if args.sweep_only:
        return

    young = list(range(1, args.samples + 1))
    old = list(range(args.samples + 1, 2 * args.samples + 1))
    at_young = max(bench.walk(c, 1) for c in young)
    at_old = max(bench.walk(c, 19) for c in old)

    floor_young, size_young = bench.floor(young[0], at_young, args.samples * 5)
    floor_old, size_old = bench.floor(old[0], at_old, args.samples * 5)
    done_young = bench.completions(young, at_young + timedelta(days=1))
    statements = bench.statements
    done_old = bench.completions(old, at_old + timedelta(days=1))
    statements += bench.statements

    floor_median = statistics.median(floor_young)
    print(f"\nstate size: month-3 case {size_young / 1024:.1f} KB, "
          f"month-21 case {size_old / 1024:.1f} KB")
    print(f"engine floor, month 3  (in memory)      {summary(floor_young)}")
    print(f"engine floor, month 21 (in memory)      {summary(floor_old)}")
    print(f"persisted completion, month 3           {summary(done_young)}   "
          f"{statistics.median(done_young) / floor_median:.1f}x floor")
    print(f"persisted completion, month 21          {summary(done_old)}   "
          f"{statistics.median(done_old) / floor_median:.1f}x floor, "
          f"{statistics.median(done_old) / statistics.median(done_young):.2f}x month 3")
    print(f"SQL statements per completion (commit excluded)  median "
          f"{statistics.median(statements):g}, max {max(statements)}")


if __name__ == "__main__":
    main()
