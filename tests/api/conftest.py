"""The API on the web app's world (tests/e2e/conftest.py: its people, territories and the
Familias process): token clients, a person's session, and a small JSON client."""

from datetime import datetime

import pytest

import engine
from tests.e2e import conftest as web_world
from tests.e2e.conftest import csrf_of
from web.api import tokens
from web.extensions import db

# the web's world and fixtures (tests/e2e/conftest.py), shared with the web's tests
database_seed = web_world.database_seed
web_app = web_world.web_app
start_case = web_world.start_case
browser = web_world.browser
as_person = web_world.as_person
chromium = web_world.chromium
server = web_world.server


class Api:
    """A caller of /api/v1: a token client (``token``) or a signed-in browser (``csrf``)."""

    def __init__(self, client, token: str | None = None, csrf: str | None = None):
        self.client, self.token, self.csrf = client, token, csrf

    def _headers(self, extra: dict | None) -> dict:
        headers = {"Authorization": f"Bearer {self.token}"} if self.token else {}
        if self.csrf:
            headers["X-CSRFToken"] = self.csrf
        return {**headers, **(extra or {})}

    def get(self, path: str, headers: dict | None = None, **kwargs):
        return self.client.get(path, headers=self._headers(headers), **kwargs)

    def post(self, path: str, json=None, headers: dict | None = None):
        return self.client.post(path, json=json, headers=self._headers(headers))

    def put(self, path: str, json=None, headers: dict | None = None):
        return self.client.put(path, json=json, headers=self._headers(headers))

    def patch(self, path: str, json=None, headers: dict | None = None):
        return self.client.patch(path, json=json, headers=self._headers(headers))


@pytest.fixture
def make_client(web_app):
    """Factory: a token client ``name`` acting with ``roles`` in ``territories``; returns its
    token."""

    def make(name: str, territories=("antofagasta",), roles=("supervisor",),
             expires_at: datetime | None = None) -> str:
        with web_app.app_context(), engine.unit_of_work(db.session):
            return tokens.create_client(db.session, name, list(territories), list(roles),
                                        expires_at, engine.SYSTEM)[1]

    return make


@pytest.fixture
def api_as(web_app, make_client):
    """Factory: an :class:`Api` caller with a new token client's rights."""

    def make(name: str = "registry", territories=("antofagasta",), roles=("supervisor",),
             **kwargs) -> Api:
        return Api(web_app.test_client(), make_client(name, territories, roles, **kwargs))

    return make


@pytest.fixture
def session_api(as_person):
    """Factory: an :class:`Api` caller using ``username``'s browser session (with the CSRF
    token of a page)."""

    def make(username: str) -> Api:
        person = as_person(username)
        token = csrf_of(person.get("/").get_data(as_text=True))
        return Api(person.client, csrf=token)

    return make
