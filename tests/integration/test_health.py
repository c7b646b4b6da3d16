"""/healthz and /readyz as a load balancer or a monitor sees them: no sign-in, JSON that says
which check failed, and nothing secret in it."""

from datetime import UTC, datetime, timedelta

import time_machine

import engine
from engine import unit_of_work
from tests.conftest import FIXTURES
from tests.integration.redis_server import free_port
from tests.integration.test_rq_sweep import REDIS_URL
from web import create_app, heartbeat
from web.background import Sweeper
from web.extensions import db

UNREACHABLE_DB = f"postgresql+psycopg://acompana:secret-password@127.0.0.1:{free_port()}/gone"
STOPPED_REDIS = f"redis://127.0.0.1:{free_port()}/0"
NOW = datetime(2026, 3, 2, 12, tzinfo=UTC)


def app_on(database_url: str, redis_url: str | None = None):
    return create_app({"SQLALCHEMY_DATABASE_URI": database_url, "REDIS_URL": redis_url,
                       "TESTING": True})


def ready(app) -> tuple[int, dict]:
    response = app.test_client().get("/readyz")
    assert response.mimetype == "application/json"
    return response.status_code, response.get_json()


def test_healthz_answers_even_without_a_database():
    response = app_on(UNREACHABLE_DB).test_client().get("/healthz")
    assert (response.status_code, response.get_data(as_text=True)) == (200, "ok\n")


def test_ready_when_the_sweeper_ticks_and_nothing_is_late(app):
    with time_machine.travel(NOW, tick=False):
        Sweeper(app).run_once()
        status, body = ready(app)
    assert status == 200 and body["status"] == "ok" and body["failed"] == []
    assert body["checks"]["heartbeat"]["driver"] == "sweeper"
    assert body["checks"]["heartbeat"]["age_seconds"] == 0
    assert body["checks"]["timers"]["oldest_due_late_seconds"] == 0
    assert "redis" not in body["checks"]


def test_a_driver_that_stopped_ticking_is_not_ready(app):
    with time_machine.travel(NOW, tick=False):
        Sweeper(app).run_once()
    with time_machine.travel(NOW + timedelta(seconds=31), tick=False):
        status, body = ready(app)
    assert (status, body["failed"]) == (503, ["heartbeat"])
    assert body["checks"]["heartbeat"]["age_seconds"] == 31


def test_no_heartbeat_at_all_is_not_ready(app):
    status, body = ready(app)
    assert (status, body["failed"]) == (503, ["heartbeat"])
    assert body["checks"]["heartbeat"]["age_seconds"] is None


def test_a_timer_a_minute_late_is_not_ready_until_it_fires(app, session, fixture_forms,
                                                          caseworker):
    with unit_of_work(session):
        engine.deploy_folder(session, FIXTURES / "mini", fixture_forms, "tester")
    with unit_of_work(session):
        engine.start_case(session, engine.StartCase("mini", "antofagasta", "ana", "Pérez"),
                          caseworker, NOW)
    due = min(t.due_at for t in session.query(engine.persistence.models.Timer))
    with time_machine.travel(due + timedelta(seconds=61), tick=False):
        with app.app_context():
            heartbeat.beat(db.session, heartbeat.SWEEPER, engine.core.clock.now())
        status, body = ready(app)
        assert (status, body["failed"]) == (503, ["timers"])
        assert body["checks"]["timers"]["oldest_due_late_seconds"] == 61
        Sweeper(app).run_once()
        assert ready(app)[0] == 200


def test_redis_that_does_not_answer_is_named(database_url):
    app = app_on(database_url, STOPPED_REDIS)
    with app.app_context():
        heartbeat.beat(db.session, heartbeat.SCHEDULER, engine.core.clock.now())
    status, body = ready(app)
    assert (status, body["failed"]) == (503, ["redis"])
    assert body["checks"]["redis"] == {"ok": False, "error": "ConnectionError"}
    assert body["checks"]["heartbeat"]["driver"] == "scheduler"


def test_ready_with_redis_and_a_ticking_scheduler(database_url, redis):
    app = app_on(database_url, REDIS_URL)
    with app.app_context():
        heartbeat.beat(db.session, heartbeat.SCHEDULER, engine.core.clock.now())
    status, body = ready(app)
    assert status == 200 and body["checks"]["redis"] == {"ok": True}


def test_an_unreachable_database_is_named_and_nothing_secret_is_shown():
    response = app_on(UNREACHABLE_DB).test_client().get("/readyz")
    body = response.get_json()
    assert response.status_code == 503
    assert body["failed"] == ["database", "heartbeat", "timers"]
    assert body["checks"]["database"] == {"ok": False, "error": "OperationalError"}
    text = response.get_data(as_text=True)
    assert "secret-password" not in text and "127.0.0.1" not in text and "gone" not in text


def test_the_probes_need_no_sign_in_and_no_csrf_token(app):
    client = app.test_client()
    assert client.get("/readyz").status_code == 503  # answered, not sent to /login
    assert client.post("/healthz").status_code == 405  # not a CSRF refusal (400)
