"""Timer benchmark: how fast real rq workers drain due timers, with one and with two workers,
and how long the supervisor dashboard takes.

    python bench/timers_bench.py [--cases 10000] [--samples 50]

Each run seeds ``--cases`` Programa Familias cases in a fresh PostgreSQL database; every case's
reminder and escalation then fall due at once (the midnight "herd"). One or two
``rq worker --burst`` processes drain them; the script prints timers fired per second, the
ratio two/one, how late the last timer fired after it fell due (the herd's drain time), and
the dashboard's server-side time for a supervisor of all those cases.
"""

import argparse
import os
import statistics
import subprocess
import sys
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

from redis import Redis
from rq import Queue
from sqlalchemy import create_engine, func, select

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import engine  # noqa: E402
from bench.databases import fresh_database  # noqa: E402
from engine.models import Event, Territory  # noqa: E402
from web import create_app  # noqa: E402
from web.auth.models import User  # noqa: E402
from web.auth.passwords import hash_password  # noqa: E402
from web.extensions import db  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
REDIS_URL = "redis://127.0.0.1:6379/14"
QUEUE = f"acompana-bench-{os.getpid()}"


def seed(admin_url: str, cases: int, started: datetime) -> str:
    url = fresh_database(admin_url, "acompana_timerbench")
    app = create_app({"SQLALCHEMY_DATABASE_URI": url, "SESSION_COOKIE_SECURE": False})
    with app.app_context():
        here = Territory(code="antofagasta", name="Antofagasta", country="CL", region="AN",
                         timezone="America/Santiago")
        db.session.add_all([here, User(username="jorge", full_name="Jorge", roles="supervisor",
                                       password_hash=hash_password("bench"),
                                       territories=[here])])
        db.session.commit()
        forms = engine.FormLibrary(ROOT / "forms")
        engine.deploy_folder(db.session, ROOT / "processes" / "familias", forms, "bench")
        actor = engine.Actor("bench", frozenset({"supervisor"}), None)
        command = engine.StartCase("familias", "antofagasta", "ana", "Familia")
        for _ in range(cases):
            engine.start_case(db.session, command, actor, started)
    return url


def drain(url: str, workers: int) -> float:
    """Seconds for ``workers`` rq worker processes to fire every due timer."""
    redis = Redis.from_url(REDIS_URL)
    queue = Queue(QUEUE, connection=redis)
    for _ in range(workers):
        queue.enqueue("web.jobs.sweep_timers", job_timeout=3600)
    env = {**os.environ, "DATABASE_URL": url, "PYTHONPATH": str(ROOT)}
    command = [sys.executable, "-m", "rq.cli", "worker", "--burst", "--url", REDIS_URL, QUEUE]
    began = time.perf_counter()
    running = [subprocess.Popen(command, env=env, cwd=ROOT, stdout=subprocess.DEVNULL,
                                stderr=subprocess.DEVNULL) for _ in range(workers)]
    for process in running:
        process.wait()
    return time.perf_counter() - began


def fired(url: str) -> int:
    sql = create_engine(url)
    with sql.connect() as conn:
        count = conn.scalar(select(func.count(Event.id)).where(
            Event.kind.in_(["reminder", "escalation"])))
    sql.dispose()
    return count


def dashboard_times(url: str, samples: int) -> list[float]:
    import re

    app = create_app({"SQLALCHEMY_DATABASE_URI": url, "SESSION_COOKIE_SECURE": False})
    client = app.test_client()
    page = client.get("/login").get_data(as_text=True)
    token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page).group(1)
    client.post("/login", data={"username": "jorge", "password": "bench", "csrf_token": token})
    times = []
    for _ in range(samples):
        began = time.perf_counter()
        assert client.get("/dashboard/").status_code == 200
        times.append((time.perf_counter() - began) * 1000)
    return times


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cases", type=int, default=10_000)
    parser.add_argument("--samples", type=int, default=50)
    parser.add_argument("--pg-admin",
                        default="postgresql+psycopg://postgres@127.0.0.1:5432/postgres")
    args = parser.parse_args()
    started = datetime.now(UTC) - timedelta(days=40)  # both timers of every case are due now
    rates = {}
    for workers in (1, 2):
        url = seed(args.pg_admin, args.cases, started)
        seconds = drain(url, workers)
        count = fired(url)
        rates[workers] = count / seconds
        print(f"{workers} worker(s): fired {count} timers in {seconds:.1f} s = "
              f"{rates[workers]:.0f} timers/s; the last fired {seconds:.1f} s after the herd "
              f"fell due")
    print(f"two workers / one worker = {rates[2] / rates[1]:.2f}x")
    times = sorted(dashboard_times(url, args.samples))
    p95 = times[min(len(times) - 1, int(len(times) * 0.95))]
    print(f"dashboard ({args.cases} cases, {fired(url) // 2} overdue steps): "
          f"median {statistics.median(times):.1f} ms, p95 {p95:.1f} ms")


if __name__ == "__main__":
    main()
