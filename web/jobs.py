"""Background jobs run by rq workers (``rq worker acompana``).

Each worker process builds the app once, on its first job; nothing happens at import time.
The timer sweep is enqueued every few seconds by ``rq cron web/cron_config.py``; the database
decides what is due, so a lost or repeated sweep job can neither lose nor double a deadline.
"""

import logging
from functools import lru_cache

import engine

QUEUE = "acompana"
log = logging.getLogger("acompana.jobs")


@lru_cache(maxsize=1)
def _app():
    from web import create_app

    return create_app()


def sweep_timers() -> dict:
    """Fire every timer due now; return what was done (kept as the job's result)."""
    from web.extensions import db

    with _app().app_context():
        try:
            result = engine.fire_due_timers(db.session)
        finally:
            db.session.remove()
    if result.fired:
        log.info("fired %d timer(s) on %d case(s)", result.fired, result.instances)
    return {"fired": result.fired, "cases": result.instances, "skipped": result.skipped,
            "failed": result.failed}
