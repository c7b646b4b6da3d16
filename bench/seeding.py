"""Seeding a benchmark database through the real engine, several processes at once.

Every case is started with ``engine.start_case`` (no hand-made rows), at a moment the
benchmark chooses, so its timers fall due exactly when the benchmark wants them.
"""

import multiprocessing
import time
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path

import engine
from engine import unit_of_work
from engine.persistence.models import Territory
from web import create_app
from web.auth.models import User
from web.auth.passwords import hash_password
from web.extensions import db

ROOT = Path(__file__).resolve().parent.parent
BENCH = Path(__file__).resolve().parent
SUPERVISOR, PASSWORD = "jorge", "bench"


@dataclass(frozen=True)
class Batch:
    """``count`` cases of ``programme``, the i-th started at ``first + i * step``."""

    programme: str
    count: int
    first: datetime
    step: timedelta = timedelta(0)


def prepare(url: str) -> None:
    """The territory, a supervisor of it, and the deployed Familias and benchmark processes."""
    with _app(url).app_context():
        here = Territory(code="antofagasta", name="Antofagasta", country="CL", region="AN",
                         timezone="America/Santiago")
        db.session.add_all([here, User(username=SUPERVISOR, full_name="Jorge",
                                       roles="supervisor", territories=[here],
                                       password_hash=hash_password(PASSWORD))])
        db.session.commit()
        with unit_of_work(db.session):
            engine.deploy_folder(db.session, ROOT / "processes" / "familias",
                                 engine.FormLibrary(ROOT / "forms"), "bench")
        with unit_of_work(db.session):
            engine.deploy_folder(db.session, BENCH / "processes" / "espera",
                                 engine.FormLibrary(BENCH / "forms"), "bench")
        db.session.remove()
        db.engine.dispose()


def seed(url: str, batch: Batch, processes: int = 2) -> float:
    """Start every case of ``batch`` with ``processes`` processes; return the seconds taken."""
    began = time.perf_counter()
    context = multiprocessing.get_context("spawn")
    with context.Pool(processes) as pool:
        pool.starmap(_seed_share, [(url, batch, k, processes) for k in range(processes)])
    return time.perf_counter() - began


def _seed_share(url: str, batch: Batch, offset: int, stride: int) -> None:
    actor = engine.Actor("bench", frozenset({"supervisor"}), None)
    command = engine.StartCase(batch.programme, "antofagasta", "ana", "Familia")
    with _app(url).app_context():
        for i in range(offset, batch.count, stride):
            with unit_of_work(db.session):
                engine.start_case(db.session, command, actor, batch.first + i * batch.step)
        db.session.remove()
        db.engine.dispose()


def _app(url: str):
    return create_app({"SQLALCHEMY_DATABASE_URI": url, "SESSION_COOKIE_SECURE": False})
