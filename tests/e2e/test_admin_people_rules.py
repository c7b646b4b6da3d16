"""Roles per territory as the policy applies them, sessions ended by a deactivation or a
change of roles, password resets by e-mail, and the administration pages in Italian."""

import re

import pytest
from sqlalchemy import select

import engine
from engine import policy
from engine.persistence.models import HumanTask, Territory
from tests.integration.conftest import smtp_server  # noqa: F401 - a fixture
from web.admin import accounts
from web.auth.models import User, UserRole
from web.auth.passwords import hash_password, verify_password
from web.extensions import db

from .conftest import PASSWORD

LINK = re.compile(r"http://localhost/password/([\w-]+)")


@pytest.fixture
def mail(web_app, smtp_server):  # noqa: F811
    port, received = smtp_server
    web_app.config.update(MAIL_SERVER="127.0.0.1", MAIL_PORT=port)
    with web_app.app_context():
        for username, code in (("admin.cl", "antofagasta"), ("admin.it", "somma_lombardo")):
            place = db.session.scalars(select(Territory).where(Territory.code == code)).one()
            user = User(username=username, full_name=username.upper(), roles="admin",
                        password_hash=hash_password(PASSWORD), territories=[place],
                        email=f"{username}@example.org", locale="it" if "it" in username
                        else None)
            user.territory_roles = [UserRole(territory_id=place.id, role="admin")]
            db.session.add(user)
        db.session.commit()
    return received


def _roles(web_app, username, *pairs):
    with web_app.app_context():
        user = db.session.scalars(select(User).where(User.username == username)).one()
        details = accounts.Details(user.full_name, user.email or f"{username}@x.cl", "es")
        accounts.edit_person(user, details, list(pairs), engine.SYSTEM)
        db.session.commit()


def test_a_caseworker_in_one_comuna_supervises_another(web_app, mail, start_case):
    _roles(web_app, "jorge", ("antofagasta", "caseworker"), ("la_serena", "supervisor"))
    antofagasta = start_case()
    with web_app.app_context():
        jorge = db.session.scalars(select(User).where(User.username == "jorge")).one().actor()
        task = db.session.scalars(select(HumanTask).where(HumanTask.case_id == antofagasta)
                                  ).first()
        assert policy.may(db.session, jorge, policy.TAKE_TASK, task)
        assert not policy.may(db.session, jorge, policy.REASSIGN_TASK, task)
        la_serena = db.session.scalars(select(Territory).where(Territory.code == "la_serena")
                                       ).one()
        assert jorge.supervises(la_serena.id) and not jorge.supervises(task.territory_id)
        assert not jorge.may_work("caseworker", la_serena.id)
        task.territory_id = la_serena.id  # the same step, were it in La Serena
        assert policy.may(db.session, jorge, policy.REASSIGN_TASK, task)
        with pytest.raises(engine.NotAllowed) as refusal:
            policy.require(db.session, jorge, policy.TAKE_TASK, task)
        assert refusal.value.code == "routing.needs_role"
        db.session.rollback()


def test_a_deactivated_or_re_roled_person_is_signed_out_at_the_next_request(
        web_app, mail, as_person):
    ana, pedro = as_person("ana"), as_person("pedro")
    admin = as_person("admin.cl")
    assert ana.get("/").status_code == 200 and pedro.get("/").status_code == 200
    assert admin.post("/admin/people/ana/deactivate").status_code == 302
    assert ana.get("/").status_code == 302  # to the sign-in page
    assert ana.login("ana").status_code != 302
    assert admin.post("/admin/people/pedro", {
        "full_name": "Pedro Morales", "email": "pedro@x.cl", "locale": "es",
        "role": ["caseworker@antofagasta", "supervisor@la_serena"]}).status_code == 302
    assert pedro.get("/").status_code == 302
    listing = admin.get("/admin/audit?person=pedro").get_data(as_text=True)
    assert 'data-kind="roles_changed"' in listing


def test_a_forgotten_password_is_reset_by_an_e_mailed_link(web_app, mail, browser):
    _roles(web_app, "ana", ("antofagasta", "caseworker"))
    page = browser.post("/password/forgotten", {"name": "ana@x.cl"},
                        token_from="/password/forgotten")
    unknown = browser.post("/password/forgotten", {"name": "nobody@x.cl"},
                           token_from="/password/forgotten")
    assert page.status_code == unknown.status_code == 302  # the same answer either way
    assert [m["To"] for m in mail] == ["ana@x.cl"]
    token = LINK.search(mail[0].get_payload(decode=True).decode()).group(1)
    form = browser.get(f"/password/{token}")
    assert form.status_code == 200
    short = browser.post(f"/password/{token}", {"password": "short", "again": "short"},
                         token_from=f"/password/{token}")
    assert short.status_code == 422 and "al menos 10 caracteres" in short.get_data(as_text=True)
    done = browser.post(f"/password/{token}", {"password": "otra clave larga",
                                               "again": "otra clave larga"},
                        token_from=f"/password/{token}")
    assert done.status_code == 302
    with web_app.app_context():
        stored = db.session.scalars(select(User).where(User.username == "ana")).one()
        assert verify_password(stored.password_hash, "otra clave larga")
    assert browser.get(f"/password/{token}").status_code == 410
    assert browser.get("/password/not-a-real-token").status_code == 410


def test_reset_links_for_one_account_stop_after_three_an_hour_with_the_same_answer(
        web_app, mail, browser):
    _roles(web_app, "ana", ("antofagasta", "caseworker"))
    answers = [browser.post("/password/forgotten", {"name": "ana@x.cl"},
                            token_from="/password/forgotten") for _ in range(5)]
    assert {a.status_code for a in answers} == {302}  # nothing tells the fourth apart
    assert [m["To"] for m in mail] == ["ana@x.cl"] * 3


def test_the_pages_speak_the_administrators_language(web_app, mail, as_person):
    italy = as_person("admin.it")
    page = italy.get("/admin/territories/somma_lombardo/access").get_data(as_text=True)
    assert "Chi può fare cosa" in page and "Riassegnare un passo" in page
    assert "Persone" in italy.get("/admin/people").get_data(as_text=True)
    assert 'data-person="giulia"' in italy.get("/admin/people").get_data(as_text=True)
