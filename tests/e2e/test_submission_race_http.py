"""Fifty people submit one step at the same moment, over real HTTP (gunicorn -w 4, PostgreSQL).

Exactly one wins; the other 49 get 409 with who completed the step and when, and their own
values on screen; no server error; one completion in the trail; the workflow agrees with its
task and timer rows. A double click (one session, two requests at once) is the same story.
"""

import os
import re
import socket
import subprocess
import sys
import threading
import time
from collections import Counter
from http.cookiejar import CookieJar
from urllib.error import HTTPError, URLError
from urllib.parse import urlencode
from urllib.request import HTTPCookieProcessor, HTTPRedirectHandler, Request, build_opener

import pytest
from sqlalchemy import select

import engine
from engine import unit_of_work
from engine.commands import store
from engine.persistence.models import Event, HumanTask, ProcessInstance, Timer
from engine.runtime import workflow as runtime
from tests.conftest import ROOT
from tests.e2e.conftest import CSRF, PASSWORD
from web.auth.models import User
from web.auth.passwords import hash_password
from web.extensions import db

pytestmark = pytest.mark.parametrize("migrated_database", ["postgresql"], indirect=True)

RACERS = 50
ROUNDS = 3
EXTRA = [("sofia", "Sofía Reyes"), ("tomas", "Tomás Vidal"), ("irene", "Irene Soto")]
PEOPLE = {"ana": "Ana Castro", "pedro": "Pedro Morales", **dict(EXTRA)}
FILLED = {"action": "submit", "familia_ubicada": "true", "fecha_contacto": "2026-03-05",
          "intentos": "1"}


class _Stay(HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):  # a 302 is an answer to look at, not follow
        return None


class Client:
    """One browser over real HTTP: its own cookies, CSRF from the page it last read."""

    def __init__(self, base: str, cookies: CookieJar | None = None):
        self.base, self.jar = base, CookieJar()
        for cookie in cookies or []:
            self.jar.set_cookie(cookie)
        self.opener = build_opener(_Stay, HTTPCookieProcessor(self.jar))
        self.token = None

    def send(self, path: str, form: dict | None = None) -> tuple[int, str]:
        data = urlencode({**form, "csrf_token": self.token}).encode() if form is not None else None
        try:
            with self.opener.open(Request(self.base + path, data=data), timeout=120) as answer:
                status, body = answer.status, answer.read().decode()
        except HTTPError as refused:
            status, body = refused.code, refused.read().decode()
        found = CSRF.search(body)
        self.token = found.group(1) if found else self.token
        return status, body

    def sign_in(self, username: str) -> "Client":
        self.send("/login")
        assert self.send("/login", {"username": username, "password": PASSWORD})[0] == 302
        return self


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
def gunicorn(web_app, database_url, tmp_path):
    """The app as the README deploys it: gunicorn -w 4 on the test PostgreSQL database."""
    with web_app.app_context():
        territory = engine.persistence.models.Territory
        antofagasta = db.session.scalars(select(territory).where(
            territory.code == "antofagasta")).one()
        for username, name in EXTRA:
            db.session.add(User(username=username, full_name=name, roles="caseworker",
                                password_hash=hash_password(PASSWORD),
                                territories=[antofagasta]))
        db.session.commit()
    port = _free_port()
    env = {k: v for k, v in os.environ.items() if k != "REDIS_URL"}
    env.update(DATABASE_URL=database_url, SECRET_KEY="race-test-secret",
               ACOMPANA_INSECURE_COOKIES="1")
    log = open(tmp_path / "gunicorn.log", "w+")  # noqa: SIM115 - read after the server stops
    server = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "-w", "4", "-b", f"127.0.0.1:{port}",
         "--timeout", "120", "wsgi:app"], cwd=ROOT, env=env, stdout=log, stderr=log)
    base = f"http://127.0.0.1:{port}"
    _wait_until_up(base, server)
    yield base, log
    server.terminate()
    server.wait(timeout=30)
    log.close()


def _wait_until_up(base: str, server: subprocess.Popen) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        assert server.poll() is None, "gunicorn exited"
        try:
            Client(base).send("/login")
            return
        except (URLError, ConnectionError):
            time.sleep(0.2)
    raise AssertionError("gunicorn did not answer within 60 s")


def _pool_step(web_app, start_case, family: str) -> tuple[int, str]:
    """A new case whose first step waits in the pool, so every caseworker may complete it."""
    case_id = start_case(family)
    with web_app.app_context():
        task_id = db.session.scalars(select(HumanTask.id).where(
            HumanTask.case_id == case_id)).one()
        with unit_of_work(db.session):
            engine.release(db.session, task_id, engine.Actor(
                "ana", frozenset({"caseworker"}), None))
    return case_id, task_id


def _race(clients: list[tuple[str, Client]], task_id: str) -> list[tuple[str, int, str, str]]:
    """Everyone opens the form, then all submit at once; (user, status, typed note, body)."""
    for _, client in clients:
        assert client.send(f"/tasks/{task_id}")[0] == 200
    barrier, results = threading.Barrier(len(clients)), []

    def submit(n: int, user: str, client: Client) -> None:
        note = f"Nota del intento {n}"
        barrier.wait()
        status, body = client.send(f"/tasks/{task_id}", {**FILLED, "observaciones": note})
        results.append((user, status, note, body))

    threads = [threading.Thread(target=submit, args=(n, user, client))
               for n, (user, client) in enumerate(clients)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=300)
    return results


def _completions(web_app, task_id: str) -> list[Event]:
    with web_app.app_context():
        return list(db.session.scalars(select(Event).where(
            Event.task_id == task_id, Event.kind == "task_completed")))


def _assert_consistent(web_app, case_id: int) -> None:
    """The stored workflow's ready user tasks and waiting timers are exactly the mirrored rows."""
    with web_app.app_context():
        instance_id = db.session.scalar(select(ProcessInstance.id).where(
            ProcessInstance.case_id == case_id))
        workflow = store.load(db.session, instance_id, lock=False).workflow
        rows = set(db.session.scalars(select(HumanTask.id).where(
            HumanTask.instance_id == instance_id)))
        timers = set(db.session.scalars(select(Timer.task_id).where(
            Timer.instance_id == instance_id)))
        assert rows == {str(t.id) for t in runtime.ready_user_tasks(workflow)}
        assert timers == {t.task_id for t in runtime.waiting_timers(workflow)}
        assert {t.task_spec.bpmn_id for t in runtime.ready_user_tasks(workflow)} == {"ingreso"}


def _assert_explained(results, winner: str) -> None:
    for user, status, note, body in results:
        if status == 302:
            continue
        assert status == 409, (user, status, body[:500])
        said = ("Usted ya completó este paso el" if user == winner
                else f"{PEOPLE[winner]} completó este paso el")
        assert re.search(re.escape(said) + r" [^<]+ a las \d{1,2}:\d{2}", body), body[:2000]
        assert note in body  # what this person typed is still on screen


def test_fifty_simultaneous_submissions_one_wins_and_49_are_told_who_did(
        gunicorn, web_app, start_case):
    base, log = gunicorn
    signed_in = {user: Client(base).sign_in(user) for user in PEOPLE}  # five sign-ins
    clients = [(user, Client(base, signed_in[user].jar))
               for n in range(RACERS) for user in [list(PEOPLE)[n % len(PEOPLE)]]]
    for round_ in range(ROUNDS):
        case_id, task_id = _pool_step(web_app, start_case, f"Carrera {round_}")
        results = _race(clients, task_id)
        statuses = Counter(status for _, status, _, _ in results)
        assert statuses == {302: 1, 409: RACERS - 1}  # no 500, no 404
        [completion] = _completions(web_app, task_id)
        winner = next(user for user, status, _, _ in results if status == 302)
        assert completion.actor == winner
        _assert_explained(results, winner)
        _assert_consistent(web_app, case_id)
    log.seek(0)
    assert "Traceback" not in log.read()


def test_a_double_click_over_http_completes_once_and_explains_the_second(
        gunicorn, web_app, start_case):
    base, log = gunicorn
    ana = Client(base).sign_in("ana")
    case_id, task_id = _pool_step(web_app, start_case, "Doble Clic")
    twice = [("ana", Client(base, ana.jar)), ("ana", Client(base, ana.jar))]
    results = _race(twice, task_id)
    assert sorted(status for _, status, _, _ in results) == [302, 409]
    assert len(_completions(web_app, task_id)) == 1
    _assert_explained(results, "ana")
    _assert_consistent(web_app, case_id)
    log.seek(0)
    assert "Traceback" not in log.read()
