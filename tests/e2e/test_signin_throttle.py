"""Sign-in throttling slows a guesser down but never locks the real person out."""

import statistics
import time
import uuid
from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from redis import Redis

from tests.e2e.conftest import PASSWORD, Browser, csrf_of
from tests.workers import redis_test_url
from web import create_app
from web.auth.models import User
from web.extensions import db

REDIS_URL = redis_test_url()  # ACOMPANA_TEST_REDIS, one database per xdist worker
START = datetime(2026, 12, 1, 9, tzinfo=UTC)


def attempt(client, username: str, password: str = "nope", address: str = "127.0.0.1",
            language: str = "es"):
    """One sign-in from ``address`` by a browser speaking ``language``; the response."""
    environ, headers = {"REMOTE_ADDR": address}, {"Accept-Language": language}
    page = client.get("/login", environ_base=environ, headers=headers).get_data(as_text=True)
    return client.post("/login", environ_base=environ, headers=headers,
                       data={"username": username, "password": password,
                             "csrf_token": csrf_of(page)})


def test_the_real_person_on_their_own_browser_is_not_locked_out(web_app):
    ana = web_app.test_client()
    assert attempt(ana, "ana", PASSWORD).status_code == 302  # this browser is now known
    Browser(ana).post("/logout")
    stranger = web_app.test_client()
    for _ in range(5):
        attempt(stranger, "ana", address="203.0.113.9")
    assert attempt(stranger, "ana", PASSWORD, address="203.0.113.9").status_code == 429
    assert attempt(ana, "ana", PASSWORD).status_code == 302


@pytest.mark.parametrize(("language", "message"), [
    ("it", "Troppi tentativi di accesso. Attenda"),
    ("en", "Too many sign-in attempts. Please wait"),
])
def test_the_429_speaks_the_browser_language(web_app, language, message):
    client = web_app.test_client()
    for _ in range(5):
        attempt(client, "giulia", language=language)
    refused = attempt(client, "giulia", PASSWORD, language=language)
    assert refused.status_code == 429 and message in refused.get_data(as_text=True)
    assert refused.headers["Retry-After"].isdigit()


def test_a_throttled_account_can_be_tried_again_once_the_window_has_passed(web_app):
    client = web_app.test_client()
    with time_machine.travel(START, tick=False) as traveller:
        for _ in range(5):
            attempt(client, "pedro")
        refused = attempt(client, "pedro", PASSWORD)
        assert refused.status_code == 429
        traveller.shift(timedelta(seconds=int(refused.headers["Retry-After"]) + 1))
        assert attempt(client, "pedro", PASSWORD).status_code == 302


def test_one_address_guessing_many_accounts_is_throttled_and_others_are_not(web_app):
    client = web_app.test_client()
    for n in range(20):  # four tries each at five names: under every account's limit
        assert attempt(client, f"persona{n % 5}", address="198.51.100.7").status_code == 401
    assert attempt(client, "ana", PASSWORD, address="198.51.100.7").status_code == 429
    assert attempt(client, "ana", PASSWORD, address="198.51.100.8").status_code == 302


def test_unknown_wrong_and_inactive_get_the_same_answer(web_app):
    with web_app.app_context():
        db.session.query(User).filter_by(username="jorge").update({"active": False})
        db.session.commit()
    client = web_app.test_client()
    answers = {name: attempt(client, name, password)
               for name, password in (("nadie", "nope"), ("ana", "nope"), ("jorge", PASSWORD))}
    assert {r.status_code for r in answers.values()} == {401}
    flashes = {r.get_data(as_text=True).split('class="flash')[1].split("</p>")[0]
               for r in answers.values()}
    assert len(flashes) == 1 and "Usuario o contraseña incorrectos." in flashes.pop()


@pytest.fixture
def strongly_hashed_app(database_url):
    """The test app with production's Argon2 cost (the cheap test cost would hide the gap)."""
    from tests.e2e.conftest import _seed

    app = create_app({"SQLALCHEMY_DATABASE_URI": database_url, "TESTING": True,
                      "SESSION_COOKIE_SECURE": False, "PASSWORD_HASH_QUICK": False})
    with app.app_context():
        _seed()
    return app


def test_an_unknown_account_takes_as_long_to_refuse_as_a_known_one(strongly_hashed_app):
    client = strongly_hashed_app.test_client()

    def seconds(name: str, address: str) -> float:
        began = time.perf_counter()
        attempt(client, name, address=address)
        return time.perf_counter() - began

    # known and unknown names take turns, so a busy machine slows both alike
    pairs = zip(["ana", "pedro", "jorge", "giulia", "marco"],
                ["ada", "bruno", "carla", "dario", "elena"], strict=True)
    ratios = [seconds(unknown, f"192.0.2.{2 * i + 1}") / seconds(known, f"192.0.2.{2 * i + 2}")
              for i, (known, unknown) in enumerate(pairs)]
    assert 0.6 < statistics.median(ratios) < 1.6


@pytest.fixture
def redis_app(database_url):
    """The app with its throttle on the real Redis (database 15)."""
    from tests.e2e.conftest import _seed

    app = create_app({"SQLALCHEMY_DATABASE_URI": database_url, "TESTING": True,
                      "SESSION_COOKIE_SECURE": False, "RATELIMIT_STORAGE_URI": REDIS_URL})
    with app.app_context():
        _seed()
    yield app
    connection = Redis.from_url(REDIS_URL)
    for key in connection.scan_iter("LIMITS:*signin*"):
        connection.delete(key)


def test_the_throttle_counts_in_redis_when_it_is_configured(redis_app):
    client = redis_app.test_client()
    address = f"10.{uuid.uuid4().int % 250}.0.1"
    for _ in range(5):
        assert attempt(client, "marco", address=address).status_code == 401
    assert attempt(client, "marco", PASSWORD, address=address).status_code == 429
    keys = [k.decode() for k in Redis.from_url(REDIS_URL).scan_iter("LIMITS:*signin*")]
    assert any("signin-account/marco" in k for k in keys)
    assert any(f"signin-address/{address}" in k for k in keys)


def test_with_the_throttle_storage_down_people_still_sign_in(database_url, caplog):
    from tests.e2e.conftest import _seed

    app = create_app({"SQLALCHEMY_DATABASE_URI": database_url, "TESTING": True,
                      "SESSION_COOKIE_SECURE": False,
                      "RATELIMIT_STORAGE_URI": "redis://127.0.0.1:1/0"})  # nothing listens
    with app.app_context():
        _seed()
    client = app.test_client()
    assert attempt(client, "ana").status_code == 401
    assert attempt(client, "ana", PASSWORD).status_code == 302
    assert any("throttle storage unreachable" in r.getMessage() for r in caplog.records)
