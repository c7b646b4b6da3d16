"""The task page shows and checks the form of the version the case runs on, not the file on
disk: after version 2 adds a required field to the first contact, a case started before keeps
the old form and a case started after gets the new one."""

import json

import pytest

import engine
from engine import unit_of_work
from tests.integration.familias_versions import copy_familias
from web.extensions import db

CONTACT = {"action": "submit", "familia_ubicada": "true", "fecha_contacto": "2026-03-05",
           "intentos": "2"}


@pytest.fixture
def version_two(web_app, tmp_path):
    """Deploys version 2 (from a copy; ``forms/`` on disk keeps version 1's form)."""
    folder, forms = copy_familias(tmp_path)
    path = forms / "familias" / "primer_contacto.json"
    schema = json.loads(path.read_text(encoding="utf-8"))
    schema["properties"]["canal_contacto"] = {"type": "string", "title": "Canal del contacto",
                                              "enum": ["visita", "telefono"]}
    schema["required"].append("canal_contacto")
    path.write_text(json.dumps(schema, ensure_ascii=False), encoding="utf-8")

    def deploy():
        with web_app.app_context():
            with unit_of_work(db.session):
                result = engine.deploy_folder(db.session, folder, engine.FormLibrary(forms),
                                              "marta")
            assert (result.version, result.created) == (2, True)

    return deploy


def test_each_case_gets_the_form_of_its_version(as_person, start_case, version_two):
    before = start_case("Rojas Pérez")
    version_two()
    after = start_case("Díaz Soto")
    ana = as_person("ana")
    old_task, new_task = (ana.open_tasks(case)["primer_contacto"] for case in (before, after))

    assert 'name="canal_contacto"' not in ana.get(f"/tasks/{old_task}").get_data(as_text=True)
    assert 'name="canal_contacto"' in ana.get(f"/tasks/{new_task}").get_data(as_text=True)

    refused = ana.post(f"/tasks/{new_task}", CONTACT, token_from=f"/tasks/{new_task}")
    assert refused.status_code == 422
    assert "Este campo es obligatorio." in refused.get_data(as_text=True)
    done = ana.post(f"/tasks/{new_task}", {**CONTACT, "canal_contacto": "telefono"},
                    token_from=f"/tasks/{new_task}")
    assert done.status_code == 302
    assert ana.post(f"/tasks/{old_task}", CONTACT,
                    token_from=f"/tasks/{old_task}").status_code == 302
    assert "primer_contacto" not in ana.open_tasks(before)
