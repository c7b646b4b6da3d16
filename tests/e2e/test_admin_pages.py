"""The administration pages, rule by rule: only administrators of a country reach them, and
an administrator of Chile cannot touch an Italian territory or person (engine policy)."""

import pytest
from sqlalchemy import select

from engine.persistence.models import AdminEvent, Territory
from tests.integration.conftest import smtp_server  # noqa: F401 - a fixture
from web.auth.models import User, UserRole
from web.auth.passwords import hash_password
from web.extensions import db

from .conftest import PASSWORD

ADMINS = (("admin.cl", "antofagasta"), ("admin.it", "somma_lombardo"))


@pytest.fixture
def admins(web_app, smtp_mail):
    with web_app.app_context():
        for username, code in ADMINS:
            place = db.session.scalars(select(Territory).where(Territory.code == code)).one()
            user = User(username=username, full_name=username.upper(), roles="admin",
                        password_hash=hash_password(PASSWORD), territories=[place])
            user.territory_roles = [UserRole(territory_id=place.id, role="admin")]
            db.session.add(user)
        db.session.commit()


@pytest.fixture
def smtp_mail(web_app, smtp_server):  # noqa: F811
    port, received = smtp_server
    web_app.config.update(MAIL_SERVER="127.0.0.1", MAIL_PORT=port)
    return received


PAGES = ["/admin/people", "/admin/people/new", "/admin/territories", "/admin/audit",
         "/admin/territories/antofagasta", "/admin/territories/antofagasta/access"]


@pytest.mark.parametrize("username", ["ana", "jorge"])
def test_only_administrators_reach_the_pages(admins, as_person, username):
    person = as_person(username)
    for page in PAGES:
        assert person.get(page).status_code == 403, page
    assert as_person("admin.cl").get("/admin/people").status_code == 200


def test_signed_out_people_are_sent_to_sign_in(admins, browser):
    assert browser.get("/admin/people").status_code == 302


def test_an_administrator_of_chile_sees_and_changes_only_chile(admins, as_person):
    chile = as_person("admin.cl")
    listing = chile.get("/admin/people").get_data(as_text=True)
    assert 'data-person="ana"' in listing and 'data-person="giulia"' not in listing
    assert chile.get("/admin/people/giulia").status_code == 404
    assert chile.post("/admin/people/giulia", {"full_name": "X", "email": "x@x.it",
                                                "locale": "it"}).status_code == 404
    assert chile.post("/admin/people/giulia/deactivate").status_code == 404
    assert chile.get("/admin/territories/somma_lombardo").status_code == 404
    assert chile.post("/admin/territories/somma_lombardo/holidays",
                      {"day": "2026-08-16", "name": "San Rocco"}).status_code == 404
    assert chile.get("/admin/territories/somma_lombardo/access").status_code == 404
    territories = chile.get("/admin/territories").get_data(as_text=True)
    assert 'data-territory="la_serena"' in territories
    assert 'data-territory="somma_lombardo"' not in territories
    refused = chile.post("/admin/territories", {"code": "varese", "name": "Varese",
                                                "country": "IT", "region": "VA",
                                                "timezone": "Europe/Rome"})
    assert refused.status_code == 403
    refused = chile.post("/admin/people/new", {"username": "luca", "full_name": "Luca",
                                               "email": "luca@x.it", "locale": "it",
                                               "role": "caseworker@somma_lombardo"})
    assert refused.status_code == 403
    with chile.client.application.app_context():
        assert db.session.scalars(select(User).where(User.username == "luca")).first() is None
        assert db.session.scalars(select(AdminEvent)).all() == []


def test_bad_input_is_named_field_by_field_and_changes_nothing(admins, as_person):
    chile = as_person("admin.cl")
    page = chile.post("/admin/territories", {"code": "calama", "name": "Calama",
                                             "country": "CL", "region": "ZZ",
                                             "timezone": "Mars/Olympus"})
    assert page.status_code == 422
    text = page.get_data(as_text=True)
    assert "zona horaria" in text and "Elija una de las opciones" in text
    page = chile.post("/admin/people/new", {"username": "Bad Name", "full_name": "",
                                            "email": "nope", "locale": "xx"})
    assert page.status_code == 422
    assert "No es una dirección de correo." in page.get_data(as_text=True)
    assert chile.post("/admin/territories/antofagasta/holidays",
                      {"day": "not-a-date", "name": "X"}).status_code == 302
    assert chile.get("/admin/audit").get_data(as_text=True).count('data-kind="') == 0


def test_who_may_do_what_is_the_policy_answer_per_role(admins, as_person):
    page = as_person("admin.cl").get(
        "/admin/territories/antofagasta/access?programme=familias").get_data(as_text=True)
    reassign = page.split('data-action="reassign_task"')[1].split("</tr>")[0]
    assert '<td data-role="supervisor" data-label="Supervisión">sí</td>' in reassign
    assert '<td data-role="caseworker" data-label="Profesional a cargo">no</td>' in reassign
    enable = page.split('data-action="enable_programme"')[1].split("</tr>")[0]
    assert '<td data-role="admin" data-label="Administración">sí</td>' in enable
    assert 'data-role="caseworker">Ana Castro, Pedro Morales</dd>' in page


def test_the_audit_trail_of_one_country_is_not_read_in_another(admins, as_person):
    chile = as_person("admin.cl")
    assert chile.post("/admin/territories/antofagasta/holidays",
                      {"day": "2026-06-29", "name": "San Pedro"}).status_code == 302
    assert 'data-kind="holiday_added"' in chile.get("/admin/audit").get_data(as_text=True)
    csv = chile.get("/admin/audit?format=csv&kind=holiday_added").get_data(as_text=True)
    assert "holiday_added" in csv and "San Pedro" in csv
    italy = as_person("admin.it").get("/admin/audit").get_data(as_text=True)
    assert 'data-kind="holiday_added"' not in italy


def test_who_may_do_what_for_a_programme_lists_its_territories(admins, as_person):
    page = as_person("admin.cl").get("/admin/programmes/familias/access").get_data(as_text=True)
    assert 'data-territory="antofagasta"' in page and 'data-territory="la_serena"' in page
    assert 'data-territory="somma_lombardo"' not in page
    assert as_person("admin.cl").get("/admin/programmes/nothing/access").status_code == 404
    assert as_person("ana").get("/admin/programmes/familias/access").status_code == 403


def test_the_audit_trail_is_filtered_by_person_case_kind_and_date_and_paged(
        admins, as_person, web_app, start_case):
    from datetime import UTC, datetime

    import engine

    case_id = start_case()
    with web_app.app_context():
        place = db.session.scalars(select(Territory).where(Territory.code == "antofagasta")).one()
        for n in range(55):
            engine.record_change(db.session, "holiday_added", "admin.cl",
                                 datetime(2026, 1, 1 + n % 28, tzinfo=UTC), territory=place,
                                 data={"n": n})
        engine.record_change(db.session, "steps_handed_over", "admin.cl",
                             datetime(2026, 2, 3, tzinfo=UTC), person="ana", territory=place,
                             case_id=case_id, data={"to": "pedro"})
        db.session.commit()
    chile = as_person("admin.cl")

    def kinds(query):
        page = chile.get("/admin/audit" + query).get_data(as_text=True)
        return page.count('data-kind="'), page

    assert kinds("")[0] == 50 and "1 / 2" in kinds("")[1]
    assert kinds("?page=2")[0] == 6
    assert kinds(f"?case={case_id}")[0] == 1
    assert kinds("?person=ana")[0] == 1
    assert kinds("?kind=holiday_added&since=2026-01-28&until=2026-01-28")[0] == 1
    assert kinds("?kind=nonsense&page=abc&case=x&since=bad")[0] == 50  # ignored, not a 500
    csv = chile.get("/admin/audit?format=csv&person=ana").get_data(as_text=True)
    assert csv.startswith("\ufeff") and "steps_handed_over" in csv


def test_the_people_list_asks_the_same_rule_as_each_person_page(admins, web_app):
    from engine import policy
    from web.admin import accounts

    with web_app.app_context():
        users = db.session.scalars(select(User)).all()
        for username in ("admin.cl", "admin.it", "ana"):
            me = next(u for u in users if u.username == username).actor()
            listed = {a.username for a in policy.manageable(
                db.session, me, [accounts.account(u) for u in users])}
            one_by_one = {u.username for u in users if policy.may(
                db.session, me, policy.MANAGE_PERSON, accounts.account(u))}
            assert listed == one_by_one
        chile = next(u for u in users if u.username == "admin.cl").actor()
        assert "giulia" not in {a.username for a in policy.manageable(
            db.session, chile, [accounts.account(u) for u in users])}


def test_people_are_searched_by_name_username_or_e_mail(admins, as_person):
    chile = as_person("admin.cl")
    page = chile.get("/admin/people?q=morales").get_data(as_text=True)
    assert 'data-person="pedro"' in page and 'data-person="ana"' not in page
    assert chile.get("/admin/people?q=" + "x" * 5000).status_code == 200


def test_an_invitation_the_mail_server_refuses_keeps_the_account_to_invite_again(
        admins, as_person, web_app):
    import socket

    with socket.socket() as probe:  # a port nothing listens on
        probe.bind(("127.0.0.1", 0))
        dead = probe.getsockname()[1]
    web_app.config.update(MAIL_PORT=dead)
    page = as_person("admin.cl").post("/admin/people/new", {
        "username": "rosa", "full_name": "Rosa Vega", "email": "rosa@x.cl", "locale": "es",
        "role": "caseworker@antofagasta"})
    assert page.status_code == 302 and page.headers["Location"].endswith("/admin/people/rosa")
    web_app.config.pop("MAIL_SERVER")
    page = as_person("admin.cl").post("/admin/people/new", {
        "username": "luz", "full_name": "Luz", "email": "luz@x.cl", "locale": "es",
        "role": "caseworker@antofagasta"})
    assert page.status_code == 422 and "MAIL_SERVER" in page.get_data(as_text=True)
    with web_app.app_context():
        assert db.session.scalars(select(User).where(User.username == "luz")).first() is None
