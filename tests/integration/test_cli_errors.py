"""The command line answers every error in one line on standard error with exit status 1,
never a traceback, and changes nothing (on SQLite and PostgreSQL)."""

import json
import re

import pytest
from sqlalchemy import func, select

import engine
from engine import unit_of_work
from engine.core.errors import InvalidInput
from engine.persistence.models import Base, Territory
from tests.integration.test_cli import add_person
from web.auth.people import staff_member
from web.extensions import db

AT = ("--at", "2026-03-02T12:00:00+00:00")
START = ("case", "start", "--programme", "familias", "--territory", "antofagasta",
         "--user", "jorge", *AT)


@pytest.fixture
def cli(app):
    runner = app.test_cli_runner()

    def run(*args) -> tuple[int, str, str]:
        result = runner.invoke(args=list(args))
        return result.exit_code, result.stdout, result.stderr

    assert run("territory", "add", "antofagasta", "Antofagasta", "--country", "CL",
               "--region", "AN", "--tz", "America/Santiago")[0] == 0
    assert run("territory", "add", "somma", "Somma Lombardo", "--country", "IT",
               "--region", "VA", "--tz", "Europe/Rome")[0] == 0
    assert run("deploy", "familias")[0] == 0
    add_person(app, "ana", "caseworker", "antofagasta")
    add_person(app, "giulia", "caseworker", "somma")
    add_person(app, "jorge", "supervisor", "antofagasta")
    return run


def counts(app) -> dict[str, int]:
    with app.app_context():
        return {t.name: db.session.scalar(select(func.count()).select_from(t))
                for t in Base.metadata.sorted_tables}


def refused(result, *expected: str) -> str:
    """Assert a one-line error on stderr, status 1, no traceback; return the line."""
    code, out, err = result
    assert code == 1, (code, out, err)
    assert out == ""
    assert err.count("\n") == 1 and err.startswith("Error: "), err
    assert "Traceback" not in err
    for text in expected:
        assert text in err, (text, err)
    return err


def test_a_bad_at_is_one_line(cli, app):
    before = counts(app)
    refused(cli(*START[:-2], "--family", "Rojas", "--caseworker", "ana", "--at", "mañana"),
            "--at: 'mañana' is not an ISO date-time")
    refused(cli("timers", "fire", "--at", "2026-13-45"), "--at")
    refused(cli("settings", "set", "familias", "plazos.diagnostico.dias=20", "--at", "x"),
            "--at")
    assert counts(app) == before


def test_a_duplicate_territory_is_one_line(cli, app):
    before = counts(app)
    refused(cli("territory", "add", "antofagasta", "Otra", "--country", "CL", "--tz",
                "America/Santiago"), "code: Ya existe un territorio con el código 'antofagasta'")
    assert counts(app) == before


@pytest.mark.parametrize(("args", "expected"), [
    (("--tz", "Mars/Base"), "timezone: 'Mars/Base' no es una zona horaria"),
    (("--tz", ""), "timezone: Este campo es obligatorio."),
    (("--tz", "../../etc/passwd"), "timezone:"),
    (("--tz", "America/Santiago", "--region", "XX"), "region: 'XX' no es una subdivisión de CL"),
    (("--tz", "America/Santiago", "--region", "R" * 17), "region: Máximo 16 caracteres."),
])
def test_territory_add_checks_the_calendar(cli, app, args, expected):
    before = counts(app)
    refused(cli("territory", "add", "calama", "Calama", "--country", "CL", *args), expected)
    assert counts(app) == before


def test_territory_add_checks_lengths_and_characters(cli, app):
    before = counts(app)
    refused(cli("territory", "add", "c" * 65, "Calama", "--country", "CL", "--tz", "UTC"),
            "code: Máximo 64 caracteres.")
    refused(cli("territory", "add", "calama", "N" * 201, "--country", "CL", "--tz", "UTC"),
            "name: Máximo 200 caracteres.")
    refused(cli("territory", "add", "cal\x00ama", "Calama", "--country", "CL", "--tz", "UTC"),
            "code: contains a character that cannot be stored")
    assert counts(app) == before


def test_a_valid_territory_with_its_subdivision_is_added(cli, app):
    code, out, _ = cli("territory", "add", "calama", "Calama", "--country", "CL", "--region",
                       "AN", "--tz", "America/Santiago")
    assert (code, out) == (0, "territory calama added\n")
    with app.app_context():
        row = db.session.scalars(select(Territory).where(Territory.code == "calama")).one()
        assert (row.region, row.timezone) == ("AN", "America/Santiago")


@pytest.mark.parametrize(("family", "caseworker", "expected"), [
    ("Rojas", "nadie", "caseworker: No hay una persona activa llamada 'nadie'"),
    ("Rojas", "giulia", "caseworker: 'giulia' no trabaja en antofagasta"),
    ("Rojas", "jorge", "caseworker: 'jorge' no es profesional a cargo de casos"),
    ("   ", "ana", "family_name: Este campo es obligatorio."),
    ("", "ana", "family_name: Este campo es obligatorio."),
    ("R" * 201, "ana", "family_name: Máximo 200 caracteres."),
    ("Rojas\x00", "ana", "family: contains a character that cannot be stored"),
    ("Rojas\udcff", "ana", "family: contains a character that cannot be stored"),
])
def test_case_start_refuses_bad_households_and_caseworkers(cli, app, family, caseworker,
                                                          expected):
    before = counts(app)
    refused(cli(*START, "--family", family, "--caseworker", caseworker), expected)
    assert counts(app) == before


def test_case_start_with_a_caseworker_of_the_territory_works(cli):
    code, out, _ = cli(*START, "--family", "Rojas", "--caseworker", "ana")
    assert (code, out) == (0, "case 1 started\n")


@pytest.mark.parametrize("case_id", ["2147483648", "99999999999999999999", "0", "7"])
def test_unknown_case_ids_are_one_line(cli, case_id):
    refused(cli("case", "show", case_id), f"NotFound: no case {case_id}")


def test_unknown_task_ids_are_one_line(cli, app):
    before = counts(app)
    for task_id in ("nope", "9" * 400):
        refused(cli("task", "claim", task_id, "--user", "ana"), "NotFound")
        refused(cli("task", "complete", task_id, "--user", "ana", "--data", "{}"), "NotFound")
    assert counts(app) == before


def _task_id(cli) -> str:
    cli(*START, "--family", "Rojas", "--caseworker", "ana")
    return re.match(r"(\S+)", cli("task", "list", "--user", "ana", "--role", "caseworker")[1])[1]


@pytest.mark.parametrize("text", ["\\u0000", "\\ud800", "ok\\u0000ok"])
def test_unstorable_characters_in_data_are_refused_by_the_engine(cli, app, text):
    task_id = _task_id(cli)
    before = counts(app)
    data = ('{"familia_ubicada": true, "fecha_contacto": "2026-03-02", "intentos": 1, '
            f'"observaciones": "{text}"}}')
    refused(cli("task", "complete", task_id, "--user", "ana", "--data", data, *AT),
            "observaciones: Contiene caracteres no válidos")
    assert counts(app) == before


def test_bad_json_in_data_is_one_line(cli, app):
    task_id = _task_id(cli)
    before = counts(app)
    refused(cli("task", "complete", task_id, "--user", "ana", "--data", "{nope"),
            "--data is not valid JSON")
    refused(cli("task", "complete", task_id, "--user", "ana", "--data", "[1, 2]"))
    assert counts(app) == before


def test_invalid_task_data_is_one_line_naming_each_field(cli):
    task_id = _task_id(cli)
    refused(cli("task", "complete", task_id, "--user", "ana", "--role", "caseworker",
                "--data", json.dumps({"familia_ubicada": "sí"}), *AT),
            "familia_ubicada: Tipo de dato incorrecto", "fecha_contacto: Este campo es",
            "; intentos: Este campo es")


@pytest.mark.parametrize("assignment", ["plazos.diagnostico.titulo=" + "T" * 201,
                                        "plazos.diagnostico.dias=99999999999999999999",
                                        "plazos.diagnostico.dias=-1",
                                        "plazos.nada.dias=3", "sin_igual"])
def test_bad_settings_are_one_line(cli, app, assignment):
    before = counts(app)
    refused(cli("settings", "set", "familias", assignment))
    assert counts(app) == before


def test_an_unknown_programme_is_one_line(cli):
    refused(cli("settings", "show", "nada"), "nada")
    refused(cli("deploy", "nada"))
    refused(cli(*START[:3], "nada", *START[4:], "--family", "Rojas", "--caseworker", "ana"),
            "NotFound")


def test_the_engine_owns_the_caseworker_rule(app, cli):
    """The same rule the web form gets: the engine refuses, the command line only reports."""
    with app.app_context():
        command = engine.StartCase("familias", "antofagasta", "giulia", "Rojas")
        with pytest.raises(InvalidInput) as refusal:
            jorge = engine.Actor("jorge", frozenset({"supervisor"}), None)
            with unit_of_work(db.session):
                engine.start_case(db.session, command, jorge, staff=staff_member)
    assert [(e.field, e.code) for e in refusal.value.errors] == [("caseworker",
                                                                  "not_in_territory")]



def test_case_start_refuses_a_deactivated_caseworker(cli, app):
    from web.auth.models import User

    with app.app_context():
        db.session.scalars(select(User).where(User.username == "ana")).one().active = False
        db.session.commit()
    before = counts(app)
    refused(cli(*START, "--family", "Rojas", "--caseworker", "ana"),
            "caseworker: No hay una persona activa llamada 'ana'")
    assert counts(app) == before


@pytest.mark.parametrize("value", ["Diagnóstico\x00", "\ud800"])
def test_the_engine_refuses_unstorable_settings_whoever_calls_it(app, cli, value):
    before = counts(app)
    with (app.app_context(), pytest.raises(engine.InvalidSettings) as refusal,
          unit_of_work(db.session)):
        engine.update_settings(db.session, "familias", {"plazos.diagnostico.titulo": value},
                               engine.Actor("cli", frozenset({"manager"}), None))
    assert [(e.field, e.code) for e in refusal.value.errors] == [
        ("plazos.diagnostico.titulo", "characters")]
    assert counts(app) == before


def test_a_wrong_rut_is_one_line_naming_the_field(cli, app):
    before = counts(app)
    refused(cli(*START, "--family", "Vega", "--caseworker", "ana", "--national-id",
                "12.345.678-4"), "national_id", "El dígito verificador del RUT no corresponde.")
    assert counts(app) == before
    code, out, _ = cli(*START, "--family", "Vega", "--caseworker", "ana", "--national-id",
                       "12.345.678-5")
    assert code == 0 and out.startswith("case ")
    refused(cli(*START, "--family", "Vega", "--caseworker", "ana", "--national-id",
                "123456785"), "national_id", "Ya hay una familia registrada")
