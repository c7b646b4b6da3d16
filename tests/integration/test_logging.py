"""What operations read: under gunicorn, as deployed, the ``acompana`` loggers write one JSON
line per event to standard output — refusals, crashes with their path, incidents — and
nothing twice."""

import http.cookiejar
import json
import os
import re
import signal
import subprocess
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

import pytest

from engine.persistence.models import Territory
from tests.conftest import ROOT
from tests.integration.redis_server import free_port
from web.auth.models import User
from web.auth.passwords import hash_password

PASSWORD = "correct horse battery"
GUNICORN = Path(os.sys.executable).with_name("gunicorn")


@pytest.fixture
def served(database_url, session):
    """gunicorn -w 2 serving the app (plus test-only routes) on a free port."""
    territory = Territory(code="antofagasta", name="Antofagasta", country="CL", region="AN",
                          timezone="America/Santiago")
    session.add(User(username="ana", full_name="Ana Castro", roles="caseworker",
                     password_hash=hash_password(PASSWORD), territories=[territory]))
    session.commit()
    port = free_port()
    env = {**os.environ, "DATABASE_URL": database_url, "ACOMPANA_LOG_FORMAT": "json",
           "ACOMPANA_INSECURE_COOKIES": "1", "PYTHONPATH": str(ROOT)}
    env.pop("REDIS_URL", None)
    server = subprocess.Popen(
        [str(GUNICORN), "-w", "2", "-b", f"127.0.0.1:{port}", "tests.integration.ops_app:app"],
        cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            urllib.request.urlopen(base + "/healthz", timeout=2)
            break
        except OSError:
            time.sleep(0.2)
    yield base, server
    if server.poll() is None:
        server.send_signal(signal.SIGTERM)
    server.wait(timeout=30)


def signed_in(base: str) -> urllib.request.OpenerDirector:
    opener = urllib.request.build_opener(
        urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()))
    page = opener.open(base + "/login").read().decode()
    token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page).group(1)
    body = urllib.parse.urlencode({"username": "ana", "password": PASSWORD,
                                   "csrf_token": token}).encode()
    opener.open(base + "/login", body)
    return opener


def status(opener, url: str) -> int:
    try:
        return opener.open(url).status
    except urllib.error.HTTPError as error:
        return error.code


@pytest.mark.parametrize("migrated_database", ["postgresql"], indirect=True)
def test_gunicorn_writes_one_json_line_per_event_to_stdout(served):
    base, server = served
    ana = signed_in(base)
    assert status(ana, base + "/cases/424242") == 404
    assert status(ana, base + "/test-only/crash") == 500
    assert status(ana, base + "/test-only/incident") == 200
    server.send_signal(signal.SIGTERM)
    stdout, stderr = server.communicate(timeout=30)
    lines = [json.loads(line) for line in stdout.splitlines()]  # every line is JSON
    assert {"time", "level", "logger", "message"} <= set(lines[0])
    by_logger = {}
    for line in lines:
        by_logger.setdefault(line["logger"], []).append(line)
    [refusal] = by_logger["acompana.access"]
    assert refusal["level"] == "WARNING"
    assert refusal["message"].startswith("GET /cases/424242 refused (404) for ana")
    [crash] = by_logger["acompana.errors"]
    assert crash["message"] == "GET /test-only/crash failed with an unhandled RuntimeError"
    assert "RuntimeError: boom" in crash["exception"]
    [incident] = by_logger["acompana.incidents"]
    assert incident["message"] == "incident opened: case 7, timer T1"
    assert "boom" not in stderr  # Flask's own logger did not print the crash a second time
