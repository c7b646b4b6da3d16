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
    """Fire every timer due now and notify people; return what was done (the job's result)."""
    from web.extensions import db
    from web.notifications.delivery import deliver

    with _app().app_context():
        try:
            result = engine.fire_due_timers(db.session)
            deliver(db.session, engine.clock.now())
        finally:
            db.session.remove()
    if result.fired:
        log.info("fired %d timer(s) on %d case(s)", result.fired, result.instances)
    return {"fired": result.fired, "cases": result.instances, "skipped": result.skipped,
            "failed": result.failed}


def send_daily_digest() -> int:
    """E-mail each person one digest of their pending notifications (if SMTP is set up)."""
    from web.extensions import db
    from web.notifications.digest import Mailer, send_digests

    app = _app()
    if not app.config.get("MAIL_SERVER"):
        return 0
    mailer = Mailer(app.config["MAIL_SERVER"], app.config["MAIL_PORT"], app.config["MAIL_FROM"])
    with app.app_context():
        try:
            return send_digests(db.session, mailer, engine.clock.now())
        finally:
            db.session.remove()
