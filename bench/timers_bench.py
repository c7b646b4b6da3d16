"""Timer benchmark on 100,000 cases: lateness, throughput with one and two rq workers,
and the supervisor dashboard.

    python bench/timers_bench.py [--cases 100000] [--rate 100] [--window 120] [--reuse]
                                 [--only lateness|herd] [--engine-cases N]

A template PostgreSQL database is seeded once through the real engine (``--reuse`` keeps it):
``--cases`` Programa Familias cases, all allocated at the same moment F0, and ``rate × window``
one-step benchmark cases whose one-hour timers fall due evenly, ``--rate`` per second. Each
measurement runs on a fresh copy of it, with the production processes (``rq worker
acompana`` and ``python -m web.scheduler``, sweeping every 5 s) on a clock shifted to the
moment being studied. ``--engine-cases N`` starts only N Familias cases through the engine and
copies them in SQL up to ``--cases`` (bench.cloning: hours of seeding become minutes):

1. lateness: the spread timers fall due while two workers run; the bench watches the timer
   table every 0.1 s and reports how long after its due time each timer was gone (fired).
2. throughput: 40 days after F0 every Familias case's contact reminder and escalation are due
   at once (the herd); timers fired per second are counted with one, then two workers.
3. dashboard: the supervisor's page on that database (100,000 overdue steps).
"""

import argparse
import statistics
import sys
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import time_machine
from sqlalchemy import create_engine, func, select, text

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.cloning import grow  # noqa: E402
from bench.databases import (  # noqa: E402
    copy_database,
    database_url,
    exists,
    fresh_database,
    migrate,
)
from bench.seeding import PASSWORD, SUPERVISOR, Batch, prepare, seed  # noqa: E402
from bench.workers import Processes  # noqa: E402
from engine.persistence.models import Case, Event, Timer  # noqa: E402
from web import create_app  # noqa: E402

TEMPLATE, RUN = "acompana_timerbench_seed", "acompana_timerbench_run"
SPREAD_TIMER = "una_hora"
FIRED_KINDS = ("reminder", "escalation", "timer_fired")
HERD_AFTER = timedelta(days=40)


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(len(ordered) * share))]


def build_template(admin: str, cases: int, rate: int, window: int,
                   engine_cases: int | None = None) -> None:
    url = fresh_database(admin, TEMPLATE)
    prepare(url)
    f0 = datetime.now(UTC).replace(microsecond=0)
    spread = Batch("espera", rate * window, f0, timedelta(seconds=1 / rate))
    started = min(cases, engine_cases or cases)
    print(f"seeding {started} Familias cases and {spread.count} one-step cases…", flush=True)
    seconds = seed(url, Batch("familias", started, f0)) + seed(url, spread)
    print(f"seeded {started + spread.count} cases in {seconds:.0f} s "
          f"({(started + spread.count) / seconds:.0f} cases/s, two processes)", flush=True)
    if started < cases:
        began = time.perf_counter()
        copied = grow(url, "familias", cases)
        print(f"copied them to {cases} Familias cases in {time.perf_counter() - began:.0f} s "
              f"({copied} copies)", flush=True)


def moments(url: str) -> tuple[datetime, list[tuple[int, datetime]]]:
    """F0, and every spread timer with its due time."""
    sql = create_engine(url)
    with sql.connect() as conn:
        f0 = conn.scalar(select(func.min(Case.opened_at)).where(Case.programme_key == "familias"))
        spread = conn.execute(select(Timer.id, Timer.due_at)
                              .where(Timer.bpmn_id == SPREAD_TIMER)).all()
    sql.dispose()
    return _aware(f0), [(i, _aware(d)) for i, d in spread]


def _aware(moment: datetime) -> datetime:
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def lateness(admin: str, spread: list[tuple[int, datetime]]) -> list[float]:
    """Seconds between each spread timer's due time and the moment it was seen fired."""
    url = copy_database(admin, TEMPLATE, RUN)
    first_due = min(d for _, d in spread)
    offset = (first_due - timedelta(seconds=10) - datetime.now(UTC)).total_seconds()
    due = dict(spread)
    seen: dict[int, float] = {}
    processes = Processes(url, offset)
    processes.cron()
    for _ in range(2):
        processes.worker()
    sql = create_engine(url)
    deadline = time.time() + (max(due.values()) - first_due).total_seconds() + 90
    try:
        with sql.connect() as conn:
            while len(seen) < len(due) and time.time() < deadline:
                waiting = set(conn.scalars(select(Timer.id).where(
                    Timer.bpmn_id == SPREAD_TIMER)))
                conn.rollback()
                now = datetime.now(UTC) + timedelta(seconds=offset)
                for timer_id, due_at in due.items():
                    if timer_id not in waiting and timer_id not in seen:
                        seen[timer_id] = (now - due_at).total_seconds()
                time.sleep(0.1)
    finally:
        processes.stop()
        sql.dispose()
    if len(seen) < len(due):
        print(f"  {len(due) - len(seen)} spread timers never fired!")
    return list(seen.values())


def throughput(admin: str, f0: datetime, workers: int, seconds: int) -> tuple[float, str]:
    """Timers fired per second while ``workers`` drain the herd 40 days after F0."""
    url = copy_database(admin, TEMPLATE, RUN)
    offset = (f0 + HERD_AFTER - datetime.now(UTC)).total_seconds()
    processes = Processes(url, offset)
    processes.cron()
    for _ in range(workers):
        processes.worker()
    sql = create_engine(url)
    try:
        rate = _drain_rate(sql, seconds)
    finally:
        processes.stop()
        sql.dispose()
    return rate, url


def _drain_rate(sql, seconds: int, ramp: float = 8.0) -> float:
    """Timers fired per second, ``ramp`` seconds after the first firing (every worker has a
    sweep job by then), over ``seconds`` or until the herd is drained."""
    fired_first = first = last = None  # times, and (time, count) samples
    while True:
        time.sleep(1)
        sample = (time.perf_counter(), _fired(sql))
        if fired_first is None:
            fired_first = sample[0] if sample[1] else None
            continue
        if first is None:
            first = last = sample if sample[0] - fired_first >= ramp else None
            continue
        if sample[1] > last[1]:
            last = sample
        if sample[0] - first[0] >= seconds or sample[0] - last[0] >= 10:
            return (last[1] - first[1]) / max(last[0] - first[0], 1e-9)


def _fired(sql) -> int:
    with sql.connect() as conn:
        return conn.scalar(select(func.count(Event.id)).where(Event.kind.in_(FIRED_KINDS)))


def vacuum(url: str) -> None:
    """What autovacuum would have done after the herd: fresh statistics and visibility."""
    sql = create_engine(url, isolation_level="AUTOCOMMIT")
    with sql.connect() as conn:
        conn.execute(text("VACUUM ANALYZE"))
    sql.dispose()


def dashboard_times(url: str, at: datetime, samples: int) -> list[float]:
    import re

    app = create_app({"SQLALCHEMY_DATABASE_URI": url, "SESSION_COOKIE_SECURE": False})
    with time_machine.travel(at, tick=True):
        client = app.test_client()
        page = client.get("/login").get_data(as_text=True)
        token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page).group(1)
        client.post("/login", data={"username": SUPERVISOR, "password": PASSWORD,
                                    "csrf_token": token})
        assert "pasos vencidos" in client.get("/dashboard/").get_data(as_text=True)
        times = []
        for _ in range(samples):
            began = time.perf_counter()
            assert client.get("/dashboard/").status_code == 200
            times.append((time.perf_counter() - began) * 1000)
    return times


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cases", type=int, default=100_000)
    parser.add_argument("--rate", type=int, default=100, help="spread timers due per second")
    parser.add_argument("--window", type=int, default=120, help="seconds of spread timers")
    parser.add_argument("--seconds", type=int, default=60, help="throughput measuring time")
    parser.add_argument("--samples", type=int, default=50)
    parser.add_argument("--reuse", action="store_true", help="keep the seeded template")
    parser.add_argument("--engine-cases", type=int,
                        help="Familias cases started through the engine; the rest are copies")
    parser.add_argument("--only", choices=("lateness", "herd"),
                        help="lateness alone, or the herd alone (throughput, dashboard)")
    parser.add_argument("--pg-admin",
                        default="postgresql+psycopg://postgres@127.0.0.1:5432/postgres")
    args = parser.parse_args()
    if args.reuse and exists(args.pg_admin, TEMPLATE):
        migrate(database_url(args.pg_admin, TEMPLATE))
    else:
        build_template(args.pg_admin, args.cases, args.rate, args.window, args.engine_cases)
    f0, spread = moments(database_url(args.pg_admin, TEMPLATE))

    if args.only in (None, "lateness"):
        late = lateness(args.pg_admin, spread)
        print(f"lateness of {len(late)} timers due {args.rate}/s over {args.window} s (two "
              f"workers, a sweep when the next timer falls due, at most every 0.2 s, at least "
              f"every 5 s): p50 {statistics.median(late):.2f} s, "
              f"p95 {percentile(late, 0.95):.2f} s, max {max(late):.2f} s")
    if args.only in (None, "herd"):
        herd(args, f0)


def herd(args, f0: datetime) -> None:
    """The herd 40 days after F0: drained by one worker then two, and the dashboard on it."""
    rates = {}
    for workers in (1, 2):
        rates[workers], url = throughput(args.pg_admin, f0, workers, args.seconds)
        print(f"herd: {workers} worker(s) fired {rates[workers]:.0f} timers/s", flush=True)
    print(f"two workers / one worker = {rates[2] / rates[1]:.2f}x")

    at = f0 + HERD_AFTER + timedelta(minutes=2)
    vacuum(url)
    times = dashboard_times(url, at, args.samples)
    print(f"dashboard ({args.cases} Familias cases, all overdue): "
          f"median {statistics.median(times):.1f} ms, p95 {percentile(times, 0.95):.1f} ms")


if __name__ == "__main__":
    main()
