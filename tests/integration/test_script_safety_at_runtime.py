"""A malicious script that reaches the database anyway still cannot run, and changes nothing."""

from datetime import UTC, datetime

import pytest
from sqlalchemy.orm.attributes import flag_modified

import engine
from engine import unit_of_work
from engine.definitions import catalog
from engine.persistence.models import ProcessDefinition
from tests.conftest import FIXTURES

ESCAPES = [
    "import os\nos.system('touch {marker}')",
    "open('{marker}', 'w').write('x')",
    "x = [c for c in ().__class__.__base__.__subclasses__()]\nopen('{marker}', 'w')",
]


def tamper(session, script: str) -> None:
    definition = session.query(ProcessDefinition).one()
    task_specs = definition.spec["spec"]["task_specs"]
    task_specs["marcar"]["script"] = script
    flag_modified(definition, "spec")
    session.commit()
    catalog.forget()


@pytest.mark.parametrize("escape", ESCAPES)
def test_tampered_script_fails_cleanly(session, fixture_forms, caseworker, tmp_path, escape):
    marker = tmp_path / "pwned"
    with unit_of_work(session):
        engine.deploy_folder(session, FIXTURES / "mini", fixture_forms, "tester")
    command = engine.StartCase("mini", "antofagasta", "ana", "Pérez")
    with unit_of_work(session):
        case = engine.start_case(session, command, caseworker, datetime(2026, 3, 2, tzinfo=UTC))
    tamper(session, escape.format(marker=marker))
    task = engine.list_tasks(session, caseworker)[0]
    with pytest.raises(engine.ScriptFailure) as raised, unit_of_work(session):
        engine.complete(session, fixture_forms, task.id, {"ubicada": True, "fecha": "2026-03-03"},
                        caseworker)
    assert raised.value.element == "marcar"
    assert not marker.exists()
    assert [t.id for t in engine.list_tasks(session, caseworker)] == [task.id]
    history = engine.case_history(session, case.id, caseworker)
    assert [e.kind for e in history] == ["case_started"]
