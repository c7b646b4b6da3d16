"""Background jobs run by rq workers (``rq worker acompana -w web.worker.Worker``).

Each worker process builds the app once, on its first job; nothing happens at import time.
The timer sweep is enqueued every few seconds by ``python -m web.scheduler``; the database
decides what is due, so a lost or repeated sweep job can neither lose nor double a deadline.
"""

import logging
from functools import lru_cache

import engine

QUEUE = "acompana"
# Workers run jobs in their own process (``rq worker -w rq.worker.SimpleWorker``): the app,
# its connection pool and the restored process specs stay warm from one 5-second sweep to the
# next, where a forked work horse would rebuild them for every job. web.worker.Worker is a
# SimpleWorker that also outlives Redis going away in the middle of a job.
WORKER_CLASS = "web.worker.Worker"
BATCH = 1000  # cases per sweep query
log = logging.getLogger("acompana.jobs")


@lru_cache(maxsize=1)
def _app():
    from web import create_app

    return create_app()


def sweep_timers() -> dict:
    """Fire every timer due now (notifying people as they fire); return what was done."""
    from web import import_runs, migration_runs
    from web.extensions import db
    from web.notifications import outbox

    totals = engine.SweepResult()
    with _app().app_context():
        while True:  # batch after batch until a batch comes back short
            result = engine.fire_due_timers(db.engine, limit=BATCH)
            for name in ("fired", "instances", "skipped", "failed"):
                setattr(totals, name, getattr(totals, name) + getattr(result, name))
            if result.instances + result.skipped + result.failed < BATCH:
                break
        outbox.send_pending_now(db.session)  # urgent mails an SMTP outage held back
        migration_runs.resume(_app())  # a batch whose worker was killed goes on
        import_runs.resume(_app())  # so does a household import
        db.session.remove()
    if totals.fired or totals.skipped or totals.failed:
        log.info("sweep: fired %d timer(s) on %d case(s), %d skipped, %d failed", totals.fired,
                 totals.instances, totals.skipped, totals.failed)
    if totals.failed:  # each is an incident; the rest of the sweep went on
        log.warning("timers of %d case(s) failed and are incidents", totals.failed)
    return {"fired": totals.fired, "cases": totals.instances, "skipped": totals.skipped,
            "failed": totals.failed}


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
            return send_digests(db.session, mailer, engine.core.clock.now())
        finally:
            db.session.remove()


def run_retention() -> int:
    """Anonymise every household past its programmes' retention (daily; idempotent: a
    household is anonymised once); return how many were."""
    from web.extensions import db

    with _app().app_context():
        try:
            with engine.unit_of_work(db.session):
                run = engine.privacy.run_retention(db.session, engine.SYSTEM)
        finally:
            db.session.remove()
    if run.requests:
        log.info("retention: %d household(s) anonymised", len(run.requests))
    return len(run.requests)


def migrate_batch(batch_id: int) -> int:
    """Migrate the next chunk of cases of batch ``batch_id`` (web.migration_runs); how many."""
    from web import migration_runs
    from web.extensions import db

    app = _app()
    with app.app_context():
        try:
            return migration_runs.run_chunk(app, batch_id)
        finally:
            db.session.remove()


def import_households(import_id: int) -> int:
    """Write the next chunk of rows of household import ``import_id`` (web.import_runs)."""
    from web import import_runs
    from web.extensions import db

    app = _app()
    with app.app_context():
        try:
            return import_runs.run_chunk(app, import_id)
        finally:
            db.session.remove()
