"""The command line, as the README shows it."""

import json
import re

import pytest
from sqlalchemy import select

from engine.persistence.models import Territory
from web.auth.models import User
from web.extensions import db


@pytest.fixture
def cli(app):
    runner = app.test_cli_runner()

    def run(*args):
        result = runner.invoke(args=list(args))
        return result.exit_code, result.output

    assert run("territory", "add", "antofagasta", "Antofagasta", "--country", "CL",
               "--region", "AN", "--tz", "America/Santiago")[0] == 0
    add_person(app, "ana", "caseworker", "antofagasta")
    return run


def add_person(app, username: str, roles: str, territory: str) -> None:
    """A person who works in ``territory`` (people are managed outside the command line)."""
    with app.app_context():
        place = db.session.scalars(select(Territory).where(Territory.code == territory)).one()
        db.session.add(User(username=username, full_name=username.title(), roles=roles,
                            password_hash="-", territories=[place]))
        db.session.commit()


def test_deploy_creates_a_version_only_when_files_change(cli):
    assert cli("deploy", "familias") == (0, "familias: version 1 (new version)\n")
    assert cli("deploy", "familias") == (0, "familias: version 1 (unchanged)\n")


def test_a_case_is_started_worked_and_shown(cli):
    cli("deploy", "familias")
    at = ["--at", "2026-03-02T12:00:00+00:00"]
    code, out = cli("case", "start", "--programme", "familias", "--territory", "antofagasta",
                    "--family", "Rojas Pérez", "--caseworker", "ana", "--user", "jorge", *at)
    assert (code, out) == (0, "case 1 started\n")

    code, out = cli("task", "list", "--user", "ana", "--role", "caseworker")
    # late from the midnight after its due day (23 March), Santiago time
    assert "Primer contacto con la familia" in out and "late from 2026-03-24 03:00 UTC" in out
    task_id = re.match(r"(\S+)", out).group(1)

    code, out = cli("task", "complete", task_id, "--user", "ana", "--role", "caseworker",
                    "--data", '{"familia_ubicada": "sí"}', *at)
    assert code == 1
    assert "familia_ubicada: Tipo de dato incorrecto" in out
    assert "fecha_contacto: Este campo es obligatorio." in out

    code, out = cli("timers", "fire", "--at", "2026-03-25T12:00:00+00:00")
    assert out == "fired 2 timer(s) on 1 case(s); 0 skipped, 0 failed\n"

    data = {"familia_ubicada": True, "fecha_contacto": "2026-03-25", "intentos": 3}
    code, out = cli("task", "complete", task_id, "--user", "ana", "--role", "caseworker",
                    "--data", json.dumps(data), "--at", "2026-03-25T13:00:00+00:00")
    assert (code, out) == (0, "completed 'Primer contacto con la familia' on case 1\n")

    code, out = cli("case", "show", "1")
    assert "Case 1 — Rojas Pérez — familias in Antofagasta" in out
    for line in ("reminder", "escalation", "task_completed", "Invitación"):
        assert line in out


def test_bad_json_is_refused_before_anything_happens(cli):
    code, out = cli("task", "complete", "x", "--user", "ana", "--data", "{nope")
    assert code == 1 and "--data is not valid JSON" in out
