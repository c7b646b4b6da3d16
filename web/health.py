"""Probes for a load balancer or a monitor: ``/healthz`` (the process answers) and
``/readyz`` (the database and Redis answer, the timer driver ticks, deadlines fire on time).

Neither needs a sign-in or a CSRF token; ``/readyz`` says which check failed and the figures
behind it (seconds, never addresses, names or error texts).
"""

import os
from datetime import datetime

from flask import Blueprint, Response, current_app, jsonify
from redis import Redis
from redis.exceptions import RedisError
from sqlalchemy import func, select, text
from sqlalchemy.exc import SQLAlchemyError

from engine.core import clock
from engine.persistence.models import Timer

from . import heartbeat
from .extensions import csrf, db

bp = Blueprint("health", __name__)
csrf.exempt(bp)


def _limit(name: str, default: float) -> float:
    return float(current_app.config.get(name) or os.environ.get(f"ACOMPANA_{name}", default))


@bp.get("/healthz")
def healthz() -> Response:
    """The process is up (no database, no Redis)."""
    return Response("ok\n", mimetype="text/plain")


@bp.get("/readyz")
def readyz():
    """Every check, 200 when all pass, 503 naming the ones that failed."""
    checks = readiness(clock.now())
    failed = [name for name, check in checks.items() if not check["ok"]]
    body = {"status": "fail" if failed else "ok", "failed": failed, "checks": checks}
    return jsonify(body), 503 if failed else 200


def readiness(moment: datetime) -> dict:
    """The checks as of ``moment``: database, Redis (if configured), heartbeat, timers."""
    checks = {"database": _database()}
    if current_app.config.get("REDIS_URL"):
        checks["redis"] = _redis(current_app.config["REDIS_URL"])
    if checks["database"]["ok"]:
        checks["heartbeat"] = _heartbeat(moment)
        checks["timers"] = _timers(moment)
    else:
        checks["heartbeat"] = checks["timers"] = {"ok": False, "error": "database unreachable"}
    return checks


def _database() -> dict:
    try:
        db.session.execute(text("SELECT 1"))
    except SQLAlchemyError as error:
        db.session.rollback()
        return {"ok": False, "error": type(error).__name__}
    return {"ok": True}


def _redis(url: str) -> dict:
    connection = Redis.from_url(url, socket_connect_timeout=1, socket_timeout=1)
    try:
        connection.ping()
    except RedisError as error:
        return {"ok": False, "error": type(error).__name__}
    finally:
        connection.close()
    return {"ok": True}


def _heartbeat(moment: datetime) -> dict:
    driver = heartbeat.SCHEDULER if current_app.config.get("REDIS_URL") else heartbeat.SWEEPER
    beat_at = heartbeat.last_beat(db.session, driver)
    age = None if beat_at is None else round((moment - beat_at).total_seconds(), 1)
    limit = _limit("READY_HEARTBEAT_SECONDS", 30)
    return {"ok": age is not None and age <= limit, "driver": driver, "age_seconds": age,
            "limit_seconds": limit}


def _timers(moment: datetime) -> dict:
    oldest = db.session.scalar(select(func.min(Timer.due_at)).where(Timer.due_at <= moment))
    late = 0.0 if oldest is None else round((moment - clock.as_utc(oldest)).total_seconds(), 1)
    limit = _limit("READY_TIMER_LATE_SECONDS", 60)
    return {"ok": late <= limit, "oldest_due_late_seconds": late, "limit_seconds": limit}
