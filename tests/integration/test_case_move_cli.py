"""``flask cases move``: the dry run prints the plan and changes nothing, the move moves the
case, bad inputs end with an exit code other than 0 and one line, never a traceback."""

from datetime import date

import pytest
from sqlalchemy import select

import engine
from engine import unit_of_work
from engine.persistence.models import Event, HumanTask
from tests.conftest import ROOT
from tests.integration.test_cli import add_person
from web.demo_data import contacto, ingreso
from web.extensions import db

REASON = "La familia rechazó participar"


@pytest.fixture
def cli(app):
    runner = app.test_cli_runner()

    def run(*args):
        result = runner.invoke(args=list(args))
        return result.exit_code, result.output, result.exception

    assert run("territory", "add", "antofagasta", "Antofagasta", "--country", "CL",
               "--region", "AN", "--tz", "America/Santiago")[0] == 0
    for username, roles in (("ana", "caseworker"), ("ines", "admin"), ("jorge", "supervisor")):
        add_person(app, username, roles, "antofagasta")
    with app.app_context():
        forms = app.extensions["acompana.forms"]
        with unit_of_work(db.session):
            engine.deploy_folder(db.session, ROOT / "processes" / "familias", forms, "manager")
        system = engine.SYSTEM
        with unit_of_work(db.session):
            engine.start_case(db.session, engine.StartCase(
                "familias", "antofagasta", "ana", "Rojas Pérez",
                members=[{"name": "Carla Rojas", "age": 34}]), system)
        ana = engine.Actor("ana", frozenset({"caseworker"}), None)
        for bpmn_id, data in (("primer_contacto", contacto(date.today())),
                              ("ingreso", ingreso(date.today()))):
            row = db.session.scalars(select(HumanTask).where(HumanTask.bpmn_id == bpmn_id)).one()
            with unit_of_work(db.session):
                engine.claim(db.session, row.id, ana)
            with unit_of_work(db.session):
                engine.complete(db.session, forms, row.id, data, ana)
    return run


def open_steps(app) -> list[str]:
    with app.app_context():
        return list(db.session.scalars(select(HumanTask.bpmn_id)))


def moves(app) -> int:
    with app.app_context():
        return len(db.session.scalars(select(Event).where(Event.kind == "case_step_moved")).all())


def test_the_dry_run_prints_the_plan_and_changes_nothing(cli, app):
    code, out, _ = cli("cases", "move", "1", "--to", "ingreso", "--reason", REASON,
                       "--by", "ines", "--dry-run")
    assert code == 0, out
    assert "closes: diagnostico (Diagnóstico con la Matriz de Bienestar)" in out
    assert "opens: ingreso (Invitación, ingreso y Carta de Compromiso)" in out
    assert "undone (kept in the history only): ingreso by ana" in out
    assert out.rstrip().endswith("dry run: nothing was moved")
    assert open_steps(app) == ["diagnostico"] and moves(app) == 0


def test_the_move_moves_the_case(cli, app):
    code, out, _ = cli("cases", "move", "1", "--to", "ingreso", "--reason", REASON,
                       "--by", "ines")
    assert code == 0, out
    assert out.rstrip().endswith("case 1 moved to ingreso (Invitación, ingreso y Carta de "
                                 "Compromiso)")
    assert open_steps(app) == ["ingreso"] and moves(app) == 1


@pytest.mark.parametrize(("args", "words"), [
    (["1", "--to", "ingreso", "--reason", REASON, "--by", "nobody"], "no active person"),
    (["1", "--to", "ingreso", "--reason", REASON, "--by", "jorge"], "NotAllowed"),
    (["1", "--to", "plan", "--reason", REASON, "--by", "ines"], "to:"),
    (["1", "--to", "ingreso", "--reason", " ", "--by", "ines"], "reason:"),
    (["99", "--to", "ingreso", "--reason", REASON, "--by", "ines"], "NotFound"),
    (["x", "--to", "ingreso", "--reason", REASON, "--by", "ines"], "Invalid value"),
    (["1", "--to", "ingreso", "--by", "ines"], "Missing option"),
])
def test_bad_inputs_end_with_a_line_and_no_traceback(cli, app, args, words):
    code, out, error = cli("cases", "move", *args)
    assert code != 0
    assert words in out and "Traceback" not in out
    assert error is None or isinstance(error, SystemExit)
    assert open_steps(app) == ["diagnostico"] and moves(app) == 0
