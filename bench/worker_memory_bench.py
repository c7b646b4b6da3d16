"""Worker memory benchmark: the RSS of one rq worker while it fires 100,000 timers.

    python bench/worker_memory_bench.py [--timers 100000] [--groups 100] [--spacing 5]
                                        [--every 10000] [--minutes M] [--reuse]
                                        [--pg-admin URL]

A template PostgreSQL database (``acompana_memory_workerbench_seed``; ``--reuse`` keeps it) holds
``--timers`` one-step benchmark cases (bench/processes/espera), each with one timer due an
hour after it started. ``--groups`` of them are started through the real engine
(``engine.start_case``), ``--spacing`` seconds apart; each is then copied with its rows
(tests/case_copies.py: household, case, process instance with fresh task ids, open step,
timer, history) until there are ``--timers`` cases: seeding 100,000 through the engine
would take most of an hour, copying takes minutes (8 on two loaded cores), and a copy is a
case the engine loads, fires and saves like the original. So ``timers / groups`` timers fall due
together every ``spacing`` seconds.

On a fresh copy of the template, the production processes (``rq worker acompana -w
web.worker.Worker`` and ``python -m web.scheduler``) run on a clock shifted to just before the
first timer falls due, with one worker. The bench reads both processes' resident memory
(``VmRSS`` in /proc/<pid>/status) when they are up, when the first timer falls due, every
``--every`` timers fired (timer rows gone from the timer table) and at the end, and prints
them with the growth. A flat line is the target: what grows with the timers fired is a leak.
``--minutes`` stops the firing after that long (on a loaded machine 100,000 timers take long)
and reports what was reached.
"""

import argparse
import logging
import os
import sys
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

from sqlalchemy import create_engine, func, select

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.databases import (  # noqa: E402
    copy_database,
    database_url,
    exists,
    fresh_database,
    migrate,
)
from bench.seeding import Batch, prepare, seed  # noqa: E402
from bench.workers import Processes  # noqa: E402
from engine.persistence.models import Case, Timer  # noqa: E402
from tests.case_copies import copy_case  # noqa: E402

TEMPLATE, RUN = "acompana_memory_workerbench_seed", "acompana_memory_workerbench_run"
TIMER = "una_hora"
LEAD = 20  # seconds between starting the processes and the first timer falling due
STALL = 120  # seconds without a timer fired before the bench gives up


def build_template(admin: str, timers: int, groups: int, spacing: float) -> None:
    """``groups`` cases through the engine, copied until there are ``timers``."""
    url = fresh_database(admin, TEMPLATE)
    prepare(url)
    began = time.perf_counter()
    originals = Batch("espera", groups, datetime.now(UTC).replace(microsecond=0),
                      timedelta(seconds=spacing))
    engine_seconds = seed(url, originals)
    sql = create_engine(url)
    with sql.connect() as conn:
        case_ids = list(conn.scalars(select(Case.id).order_by(Case.id)))
    for k, case_id in enumerate(case_ids):
        share = timers // groups + (1 if k < timers % groups else 0)
        with sql.begin() as conn:
            copy_case(conn, case_id, share - 1)
    sql.dispose()
    print(f"seeded {timers} cases in {time.perf_counter() - began:.0f} s: {groups} through "
          f"the engine ({engine_seconds:.0f} s), the rest copies of their rows", flush=True)


def rss_kb(pid: int, field: str = "VmRSS") -> int:
    """A process's resident memory in KB (``VmHWM``: its peak), from /proc."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1])
    return 0


def waiting_timers(sql) -> tuple[int, datetime]:
    """How many benchmark timers wait, and when the first falls due."""
    with sql.connect() as conn:
        count, first = conn.execute(select(func.count(), func.min(Timer.due_at))
                                    .where(Timer.bpmn_id == TIMER)).one()
    return count, first if first is None or first.tzinfo else first.replace(tzinfo=UTC)


class Watch:
    """The samples: (label, timers fired, seconds since the first due, worker KB, cron KB)."""

    def __init__(self, worker: int, cron: int):
        self.worker, self.cron = worker, cron
        self.samples: list[tuple[str, int, float, int, int]] = []
        self.began = time.perf_counter()

    def sample(self, label: str, fired: int) -> None:
        self.samples.append((label, fired, time.perf_counter() - self.began,
                             rss_kb(self.worker), rss_kb(self.cron)))
        print(f"  {label:>10} {fired:8,} timers {self.samples[-1][2]:7.0f} s   worker "
              f"{self.samples[-1][3] / 1024:7.1f} MB   scheduler "
              f"{self.samples[-1][4] / 1024:6.1f} MB", flush=True)


def run(admin: str, every: int, minutes: float | None) -> Watch:
    """One worker and the scheduler fire every timer of a fresh copy; RSS sampled."""
    url = copy_database(admin, TEMPLATE, RUN)
    sql = create_engine(url)
    total, first_due = waiting_timers(sql)
    offset = (first_due - timedelta(seconds=LEAD) - datetime.now(UTC)).total_seconds()
    processes = Processes(url, offset)
    processes.cron()
    processes.worker()
    cron, worker = (p.pid for p in processes.running)
    watch = Watch(worker, cron)
    try:
        time.sleep(3)
        watch.sample("up", 0)
        time.sleep(LEAD - 3)  # the scheduler's sweeps (nothing due yet) warm the worker up
        watch.began = time.perf_counter()
        watch.sample("start", 0)
        _follow(sql, watch, total, every, minutes)
        time.sleep(10)
        watch.sample("idle +10 s", watch.samples[-1][1])
        peak = rss_kb(worker, "VmHWM"), rss_kb(cron, "VmHWM")
        print(f"  peak RSS (VmHWM): worker {peak[0] / 1024:.1f} MB, "
              f"scheduler {peak[1] / 1024:.1f} MB")
    finally:
        processes.stop()
        sql.dispose()
    return watch


def _follow(sql, watch: Watch, total: int, every: int, minutes: float | None) -> None:
    mark, fired, last_progress = every, 0, time.perf_counter()
    until = time.perf_counter() + minutes * 60 if minutes else float("inf")
    while fired < total and time.perf_counter() < until:
        time.sleep(0.5)
        now_fired = total - waiting_timers(sql)[0]
        if now_fired > fired:
            fired, last_progress = now_fired, time.perf_counter()
        while fired >= mark:
            watch.sample(f"{mark:,}", fired)
            mark += every
        if time.perf_counter() - last_progress > STALL:
            print(f"  no timer fired for {STALL} s: stopping at {fired:,} of {total:,}")
            break
    if watch.samples[-1][1] != fired:
        watch.sample("end", fired)


def report(watch: Watch) -> None:
    start = next(s for s in watch.samples if s[0] == "start")
    counted = [s for s in watch.samples if s[1] > 0]
    end = counted[-1] if counted else start
    first = counted[0] if counted else start
    rate = end[1] / max(end[2], 1e-9)
    print(f"{end[1]:,} timers fired in {end[2]:.0f} s ({rate:.0f}/s, one worker)")
    for name, column in (("worker", 3), ("scheduler", 4)):
        growth = end[column] - start[column]
        after_first = end[column] - first[column]
        print(f"{name} RSS: start {start[column] / 1024:.1f} MB, end {end[column] / 1024:.1f} MB"
              f", growth {growth / 1024:+.1f} MB ({growth / max(start[column], 1):+.1%}); "
              f"after the first {first[1]:,}: {after_first / 1024:+.1f} MB")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--timers", type=int, default=100_000)
    parser.add_argument("--groups", type=int, default=100,
                        help="cases started through the engine (the rest are copies)")
    parser.add_argument("--spacing", type=float, default=5.0,
                        help="seconds between two groups' timers falling due")
    parser.add_argument("--every", type=int, default=10_000, help="timers between samples")
    parser.add_argument("--minutes", type=float, help="stop firing after this long")
    parser.add_argument("--reuse", action="store_true", help="keep the seeded template")
    parser.add_argument("--pg-admin",
                        default="postgresql+psycopg://postgres@127.0.0.1:5432/postgres")
    args = parser.parse_args()
    logging.getLogger("alembic").setLevel(logging.WARNING)
    if args.reuse and exists(args.pg_admin, TEMPLATE):
        migrate(database_url(args.pg_admin, TEMPLATE))
    else:
        build_template(args.pg_admin, args.timers, args.groups, args.spacing)
    print(f"one worker fires the timers (pid of this bench {os.getpid()}):", flush=True)
    report(run(args.pg_admin, args.every, args.minutes))


if __name__ == "__main__":
    main()
