"""Passwords are hashed with argon2-cffi's recommended cost in production; only an app created
for tests (TESTING) uses Argon2's cheapest cost, so the suite does not spend minutes hashing."""

from argon2 import extract_parameters, profiles

from tests.e2e.conftest import PASSWORD, Browser
from web import create_app
from web.auth.models import User
from web.auth.passwords import hash_password, verify_password
from web.extensions import db

STRONG = profiles.RFC_9106_LOW_MEMORY  # time cost 3, 64 MiB, 4 lanes


def cost(stored_hash: str) -> tuple[int, int, int]:
    found = extract_parameters(stored_hash)
    return found.time_cost, found.memory_cost, found.parallelism


def test_the_production_configuration_hashes_with_the_strong_parameters(tmp_path):
    app = create_app({"SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path}/x.db"})
    assert not app.testing
    with app.app_context():
        assert cost(hash_password(PASSWORD)) == (3, 65536, 4)
    assert (STRONG.time_cost, STRONG.memory_cost, STRONG.parallelism) == (3, 65536, 4)
    assert cost(hash_password(PASSWORD)) == (3, 65536, 4)  # outside any app: strong too


def test_only_a_test_app_hashes_cheaply_and_hashes_verify_either_way(web_app, tmp_path):
    production = create_app({"SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path}/x.db"})
    with production.app_context():
        strong = hash_password(PASSWORD)
    with web_app.app_context():
        quick = hash_password(PASSWORD)
        assert cost(quick) == (1, 8, 1)
        assert verify_password(strong, PASSWORD) and not verify_password(strong, "nope")
    with production.app_context():
        assert verify_password(quick, PASSWORD)


def test_a_person_hashed_in_production_signs_in_and_keeps_a_strong_hash(database_url):
    from tests.e2e.conftest import _seed

    app = create_app({"SQLALCHEMY_DATABASE_URI": database_url, "TESTING": True,
                      "SESSION_COOKIE_SECURE": False, "PASSWORD_HASH_QUICK": False})
    with app.app_context():
        _seed()
        assert cost(db.session.scalars(db.select(User.password_hash)).first()) == (3, 65536, 4)
    assert Browser(app.test_client()).login("ana").status_code == 302
    with app.app_context():
        stored = db.session.scalars(db.select(User.password_hash).filter_by(username="ana")).one()
        assert cost(stored) == (3, 65536, 4)
