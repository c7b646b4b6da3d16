"""A world with one poisoned case: the ``veneno`` process's script (reached by a one-day
timer) is replaced in the database by a hostile payload, beside healthy ``mini`` cases."""

import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy import select
from sqlalchemy.orm.attributes import flag_modified

import engine
from engine import unit_of_work
from engine.definitions import catalog
from engine.persistence.models import Event, Incident, ProcessDefinition
from engine.runtime import limits
from tests.conftest import FIXTURES
from web import create_app
from web.auth.models import User
from web.auth.passwords import QUICK

START = datetime(2026, 3, 2, 12, tzinfo=UTC)
POISONS = {
    "error": "puntaje = 1 / 0",
    "system_exit": "raise SystemExit(3)",
    "keyboard_interrupt": "raise KeyboardInterrupt",
    "endless_loop": "x = 0\nwhile True:\n    x += 1",
    "memory_bomb": "puntaje = 'a' * 10 ** 10",
    "deep_recursion": "def f(n):\n    return f(n + 1)\npuntaje = f(0)",
}
SCRIPT_SECONDS = 0.3  # the CPU limit in these tests, so an endless loop ends quickly
PASSWORD = "correct horse battery"
CSRF = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')


@dataclass
class World:
    """The poisoned case and the healthy ones."""

    poisoned: int
    healthy: list[int]


def short_limit_app(database_url: str) -> Iterator:
    """The app with the CPU limit of these tests; the engine's defaults come back after."""
    yield create_app({"SQLALCHEMY_DATABASE_URI": database_url, "TESTING": True,
                      "ACOMPANA_SCRIPT_SECONDS": SCRIPT_SECONDS,
                      "SESSION_COOKIE_SECURE": False})
    limits.configure()


def tamper(session, script: str) -> None:
    """Store ``script`` as the veneno process's script, as if it had bypassed deploy."""
    definition = session.scalars(select(ProcessDefinition)
                                 .where(ProcessDefinition.programme_key == "veneno")).one()
    definition.spec["spec"]["task_specs"]["calcular"]["script"] = script
    flag_modified(definition, "spec")
    session.commit()
    catalog.forget()


def build(session, forms, caseworker, poison: str, healthy: int = 3) -> World:
    """Deploy both processes, start the poisoned case first (its timer is due first), then
    ``healthy`` mini cases, and poison the script."""
    with unit_of_work(session):
        engine.deploy_folder(session, FIXTURES / "mini", forms, "tester")
    with unit_of_work(session):
        engine.deploy_folder(session, FIXTURES / "veneno", forms, "tester")
    command = engine.StartCase("veneno", "antofagasta", "ana", "Veneno")
    with unit_of_work(session):
        poisoned = engine.start_case(session, command, caseworker, START).id
    ids = start_healthy(session, caseworker, healthy)
    tamper(session, POISONS[poison])
    return World(poisoned, ids)


def start_healthy(session, caseworker, count: int) -> list[int]:
    """Start ``count`` healthy mini cases at START."""
    command = engine.StartCase("mini", "antofagasta", "ana", "Pérez")
    with unit_of_work(session):
        return [engine.start_case(session, command, caseworker, START).id for _ in range(count)]


def fired(session, case_ids: list[int], kind: str) -> dict[int, int]:
    """How many ``kind`` events (reminder, escalation) each case has."""
    session.expire_all()
    events = session.scalars(select(Event).where(Event.kind == kind,
                                                 Event.case_id.in_(case_ids)))
    counts = dict.fromkeys(case_ids, 0)
    for event in events:
        counts[event.case_id] += 1
    return counts


def incident_of(session, case_id: int) -> Incident | None:
    """The case's latest incident."""
    session.expire_all()
    return session.scalars(select(Incident).where(Incident.case_id == case_id)
                           .order_by(Incident.id.desc())).first()


def add_person(session, username: str, roles: str, territory) -> None:
    """A person who can sign in (hashed as the test app hashes: no app context here)."""
    session.add(User(username=username, full_name=username.title(), roles=roles,
                     password_hash=QUICK.hasher.hash(PASSWORD), territories=[territory]))
    session.commit()


class Browser:
    """A signed-in person on the test client (CSRF tokens taken from pages, like a browser)."""

    def __init__(self, app, username: str):
        self.client = app.test_client()
        token = self.token("/login")
        answer = self.client.post("/login", data={"username": username, "password": PASSWORD,
                                                  "csrf_token": token})
        assert answer.status_code == 302, answer.get_data(as_text=True)[:500]

    def token(self, path: str) -> str:
        """The CSRF token of a page."""
        return CSRF.search(self.client.get(path).get_data(as_text=True)).group(1)

    def page(self, path: str):
        """GET ``path``: (status, text)."""
        answer = self.client.get(path)
        return answer.status_code, answer.get_data(as_text=True)

    def post(self, path: str, data: dict | None = None):
        """POST a form with a valid CSRF token."""
        return self.client.post(path, data={**(data or {}), "csrf_token": self.token("/")})
