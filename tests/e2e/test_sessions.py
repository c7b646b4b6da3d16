"""Sessions end on the server: sign-out, deactivation, new credentials, idleness and age."""

from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from sqlalchemy import select

from tests.e2e.conftest import PASSWORD, Browser, csrf_of
from web.auth import people
from web.auth.models import User, UserSession
from web.extensions import db

START = datetime(2026, 12, 1, 9, tzinfo=UTC)


def signed_out(person: Browser) -> bool:
    """Whether the inbox sends this browser to the sign-in page."""
    response = person.get("/")
    return response.status_code == 302 and response.headers["Location"].startswith("/login")


def copy_of(person: Browser, web_app) -> Browser:
    """Another browser holding a copy of ``person``'s session cookie."""
    thief = Browser(web_app.test_client())
    thief.client.set_cookie("session", person.client.get_cookie("session").value)
    return thief


def ended_why(web_app, username: str) -> list[str | None]:
    with web_app.app_context():
        user = db.session.scalars(select(User).where(User.username == username)).one()
        rows = db.session.scalars(select(UserSession).where(UserSession.user_id == user.id)
                                  .order_by(UserSession.created_at))
        return [row.ended_why for row in rows]


def test_a_cookie_copied_before_sign_out_is_worthless_after_it(as_person, web_app):
    ana = as_person("ana")
    thief = copy_of(ana, web_app)
    assert not signed_out(thief)  # the copy works while the session is open
    token = csrf_of(thief.get("/").get_data(as_text=True))
    ana.post("/logout")
    assert signed_out(thief)
    response = thief.client.post("/account/language", data={"locale": "it", "next": "/",
                                                             "csrf_token": token})
    assert response.status_code == 302 and signed_out(thief)  # a visitor's choice, not Ana's
    with web_app.app_context():
        assert db.session.scalars(select(User.locale).where(User.username == "ana")).one() is None
    assert ended_why(web_app, "ana") == ["signout"]


def test_signing_out_ends_only_that_session(as_person, web_app):
    laptop, phone = as_person("ana"), as_person("ana")
    laptop.post("/logout")
    assert signed_out(laptop) and not signed_out(phone)


@pytest.mark.parametrize("change", ["deactivate", "password", "roles", "by_hand"])
def test_an_account_change_ends_every_session_at_its_next_request(as_person, web_app, change):
    laptop, phone = as_person("ana"), as_person("ana")
    with web_app.app_context():
        ana = db.session.scalars(select(User).where(User.username == "ana")).one()
        if change == "deactivate":
            people.set_active(ana, False)
        elif change == "password":
            people.set_password(ana, "a brand new passphrase")
        elif change == "roles":
            people.set_roles(ana, ["supervisor"])
        else:  # straight in the database, as an admin might: the granted credentials differ
            ana.password_hash = "changed elsewhere"
            db.session.commit()
    assert signed_out(laptop) and signed_out(phone)


def test_after_a_password_change_only_the_new_password_signs_in(as_person, web_app):
    ana = as_person("ana")
    runner = web_app.test_cli_runner()
    result = runner.invoke(args=["user", "password", "ana", "--password", "otra clave larga"])
    assert result.exit_code == 0 and "2 open session(s) ended" not in result.output
    assert "1 open session(s) ended" in result.output
    assert signed_out(ana)
    assert ana.login("ana", PASSWORD).status_code == 401
    assert ana.login("ana", "otra clave larga").status_code == 302


def test_deactivating_from_the_command_line_signs_the_person_out(as_person, web_app):
    jorge = as_person("jorge")
    result = web_app.test_cli_runner().invoke(args=["user", "deactivate", "jorge"])
    assert result.exit_code == 0
    assert signed_out(jorge)
    assert jorge.login("jorge").status_code == 401
    assert ended_why(web_app, "jorge") == ["deactivated"]


def test_an_idle_session_ends_after_the_idle_timeout(as_person, web_app):
    with time_machine.travel(START, tick=False) as traveller:
        ana = as_person("ana")
        for _ in range(3):  # in use every 59 minutes: stays open for three hours
            traveller.shift(timedelta(minutes=59))
            assert not signed_out(ana)
        traveller.shift(timedelta(minutes=61))
        assert signed_out(ana)
    assert ended_why(web_app, "ana") == ["idle"]


def test_a_session_ends_after_its_absolute_lifetime_even_in_use(as_person, web_app):
    with time_machine.travel(START, tick=False) as traveller:
        ana = as_person("ana")
        for _ in range(23):  # every 30 minutes until 11 h 30
            traveller.shift(timedelta(minutes=30))
            assert not signed_out(ana)
        traveller.shift(timedelta(minutes=31))
        assert signed_out(ana)
    assert ended_why(web_app, "ana") == ["expired"]


def test_the_limits_come_from_the_configuration(as_person, web_app):
    web_app.config.update(SESSION_IDLE_MINUTES=5)
    with time_machine.travel(START, tick=False) as traveller:
        ana = as_person("ana")
        traveller.shift(timedelta(minutes=6))
        assert signed_out(ana)


def test_a_remember_me_cookie_cannot_bring_a_session_back(browser, web_app):
    from flask_login.utils import encode_cookie

    with web_app.test_request_context():
        user_id = db.session.scalars(select(User.id).where(User.username == "ana")).one()
        remember = encode_cookie(str(user_id))
    browser.client.set_cookie("remember_token", remember)
    assert signed_out(browser)


def test_sessions_past_any_use_are_forgotten_at_the_next_sign_in(as_person, web_app):
    with time_machine.travel(START, tick=False) as traveller:
        as_person("ana").post("/logout")
        traveller.shift(timedelta(days=10))
        as_person("ana")
        assert ended_why(web_app, "ana") == ["signout", None]  # a recent one is kept
        traveller.shift(timedelta(days=31))
        as_person("ana")
    assert ended_why(web_app, "ana") == [None]
