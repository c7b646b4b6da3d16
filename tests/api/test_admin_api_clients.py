"""Administración → Clientes de la API: an administrator creates a client for territories of
her country (CSRF-protected form), sees its token once, and revokes it; the token then works
(and then does not) on the API. Nobody else reaches the page; bad input is named field by
field and keeps nothing."""

import re

import pytest
from sqlalchemy import select

from engine.persistence.models import Territory
from web.api.models import ApiClient
from web.auth.models import User, UserRole
from web.auth.passwords import hash_password
from web.extensions import db

from .conftest import web_world

TOKEN = re.compile(r"<code data-token>(acp_[^<]+)</code>")


@pytest.fixture
def admin_cl(web_app, as_person):
    with web_app.app_context():
        place = db.session.scalars(select(Territory).where(
            Territory.code == "antofagasta")).one()
        user = User(username="admin.cl", full_name="Admin CL", roles="admin",
                    password_hash=hash_password(web_world.PASSWORD), territories=[place])
        user.territory_roles = [UserRole(territory_id=place.id, role="admin")]
        db.session.add(user)
        db.session.commit()
    return as_person("admin.cl")


def test_an_administrator_creates_sees_once_and_revokes_a_client(web_app, admin_cl):
    page = admin_cl.get("/admin/api-clients")
    assert page.status_code == 200 and "somma_lombardo" not in page.get_data(as_text=True)
    created = admin_cl.post("/admin/api-clients", {
        "name": "registro-social", "territory": "antofagasta", "role": "supervisor",
        "expires": "2099-12-31"}, token_from="/admin/api-clients")
    assert created.status_code == 201
    token = TOKEN.search(created.get_data(as_text=True)).group(1)
    auth = {"Authorization": f"Bearer {token}"}
    api = web_app.test_client()
    assert api.get("/api/v1/territories", headers=auth).status_code == 200
    listing = admin_cl.get("/admin/api-clients").get_data(as_text=True)
    assert 'data-client="registro-social" data-state="active"' in listing
    assert token not in listing  # shown once, never again
    revoked = admin_cl.post("/admin/api-clients/registro-social/revoke",
                            token_from="/admin/api-clients")
    assert revoked.status_code == 303
    assert api.get("/api/v1/territories", headers=auth).status_code == 401
    listing = admin_cl.get("/admin/api-clients").get_data(as_text=True)
    assert 'data-client="registro-social" data-state="revoked"' in listing


def test_bad_input_is_named_and_nothing_is_kept(web_app, admin_cl):
    page = admin_cl.post("/admin/api-clients", {
        "name": "Bad Name", "territory": "somma_lombardo", "expires": "mañana"},
        token_from="/admin/api-clients")
    assert page.status_code == 422
    page = admin_cl.post("/admin/api-clients", {"name": "ok-name", "territory":
                                                "somma_lombardo"},
                         token_from="/admin/api-clients")
    assert page.status_code == 422
    text = page.get_data(as_text=True)
    assert text.count('role="alert"') >= 2  # the territory (not hers) and the missing role
    with web_app.app_context():
        assert db.session.query(ApiClient).count() == 0


def test_the_form_needs_its_csrf_token(web_app, admin_cl):
    answer = admin_cl.client.post("/admin/api-clients", data={
        "name": "sneaky", "territory": "antofagasta", "role": "supervisor"})
    assert answer.status_code == 400
    with web_app.app_context():
        assert db.session.query(ApiClient).count() == 0


def test_only_administrators_reach_the_page(as_person):
    assert as_person("jorge").get("/admin/api-clients").status_code == 403
