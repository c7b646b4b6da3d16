"""The web app with real people, territories and the Programa Familias process."""

import re
from datetime import UTC, datetime

import pytest

import engine
from engine import unit_of_work
from engine.persistence.models import Territory
from tests.conftest import ROOT
from tests.e2e.browsers import chromium, server  # noqa: F401 - fixtures of the browser tests
from tests.e2e.readers import chiara  # noqa: F401 - a fixture of the language tests
from tests.e2e.transfer_world import entered  # noqa: F401 - a fixture of the transfer tests
from tests.templates import Seed, descends_from
from web import create_app
from web.auth.models import User
from web.auth.passwords import hash_password
from web.extensions import db

PASSWORD = "correct horse battery"
PEOPLE = [
    ("ana", "Ana Castro", "caseworker", "antofagasta"),
    ("pedro", "Pedro Morales", "caseworker", "antofagasta"),
    ("jorge", "Jorge Alvarado", "supervisor", "antofagasta"),
    ("giulia", "Giulia Bianchi", "caseworker", "somma_lombardo"),
    ("marco", "Marco Rossi", "supervisor", "somma_lombardo"),
]
CSRF = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')
MARCH_2 = datetime(2026, 3, 2, 12, tzinfo=UTC)


def make_web_app(url: str):
    """The app, as deployed, but on plain-HTTP test requests."""
    return create_app({"SQLALCHEMY_DATABASE_URI": url, "TESTING": True,
                       "SESSION_COOKIE_SECURE": False, "REMEMBER_COOKIE_SECURE": False})


def in_web_app(build):
    """A seed build that runs ``build()`` inside the test app on the template database."""

    def run(url: str):
        app = make_web_app(url)
        with app.app_context():
            try:
                return build()
            finally:
                db.session.remove()
                db.engine.dispose()

    return run


@pytest.fixture
def database_seed(request):
    """A test that uses the web app starts from the people and Familias (:data:`WEB`), copied
    from a template built once per database kind."""
    return WEB if "web_app" in request.fixturenames else None


@pytest.fixture
def web_app(database_url, database_seed):
    """The app, as deployed, but on plain-HTTP test requests, with the people of
    :data:`PEOPLE` and the Familias process (from the seed, or added now)."""
    app = make_web_app(database_url)
    if not descends_from(database_seed, WEB):
        with app.app_context():
            _seed()
    return app


def _seed() -> None:
    territories = {}
    for code, name, country, region, zone in (
            ("antofagasta", "Antofagasta", "CL", "AN", "America/Santiago"),
            ("la_serena", "La Serena", "CL", "CO", "America/Santiago"),
            ("somma_lombardo", "Ambito di Somma Lombardo", "IT", "VA", "Europe/Rome")):
        territories[code] = Territory(code=code, name=name, country=country, region=region,
                                      timezone=zone)
        db.session.add(territories[code])
    for username, name, roles, code in PEOPLE:
        db.session.add(User(username=username, full_name=name, roles=roles,
                            password_hash=hash_password(PASSWORD),
                            territories=[territories[code]]))
    db.session.commit()
    forms = engine.FormLibrary(ROOT / "forms")
    with unit_of_work(db.session):
        engine.deploy_folder(db.session, ROOT / "processes" / "familias", forms, "manager")


WEB = Seed("web", in_web_app(_seed))


@pytest.fixture
def start_case(web_app):
    """Open a Familias case in Antofagasta (held by ana), now or at ``at``."""

    def start(family: str = "Rojas Pérez", territory: str = "antofagasta",
              caseworker: str = "ana", at: datetime | None = None) -> int:
        with web_app.app_context():
            actor = engine.Actor("jorge", frozenset({"supervisor"}), None)
            command = engine.StartCase("familias", territory, caseworker, family,
                                       members=[{"name": "Carla Rojas", "age": 34}])
            with unit_of_work(db.session):
                return engine.start_case(db.session, command, actor, at).id

    return start


def csrf_of(page: str) -> str:
    """The CSRF token in a page."""
    return CSRF.search(page).group(1)


class Browser:
    """A signed-in person using the test client (with CSRF tokens, like a browser)."""

    def __init__(self, client):
        self.client = client

    def login(self, username: str, password: str = PASSWORD):
        token = csrf_of(self.client.get("/login").get_data(as_text=True))
        return self.client.post("/login", data={"username": username, "password": password,
                                                "csrf_token": token})

    def get(self, path: str, **kwargs):
        return self.client.get(path, **kwargs)

    def post(self, path: str, data: dict | None = None, *, token_from: str | None = None):
        page = self.client.get(token_from or "/").get_data(as_text=True)
        return self.client.post(path, data={**(data or {}), "csrf_token": csrf_of(page)})

    def open_tasks(self, case_id: int) -> dict[str, str]:
        with self.client.application.app_context():
            from sqlalchemy import select

            from engine.persistence.models import HumanTask

            rows = db.session.scalars(select(HumanTask).where(HumanTask.case_id == case_id))
            return {row.bpmn_id: row.id for row in rows}


@pytest.fixture
def browser(web_app):
    """A fresh browser session; call ``.login(username)``."""
    return Browser(web_app.test_client())


@pytest.fixture
def as_person(web_app):
    """Factory of signed-in browser sessions."""

    def make(username: str) -> Browser:
        person = Browser(web_app.test_client())
        assert person.login(username).status_code == 302
        return person

    return make
