"""Sensitive answers (``x-sensitive`` in the forms, ``x-sensitive-roles`` who needs them):
the Familias household's own monthly income (forms/familias/ingreso.json) is needed by the
caseworker (the Apoyo Familiar) alone. Read by the supervisor, it is masked on the step's
page (a draft), on the completed step and its corrections (the case file's history), and the
report CSV's transfer amounts are masked for a manager while a supervisor reads them."""

import csv
import io
from html import unescape

import pytest
from sqlalchemy import select

from engine.persistence.models import Territory
from web.auth.models import User
from web.auth.passwords import hash_password
from web.extensions import db

from .conftest import PASSWORD

INCOME = "350000"
CONTACT = {"action": "submit", "familia_ubicada": "true", "fecha_contacto": "2026-03-05",
           "intentos": "1"}
ENTRY = {"respuesta": "acepta", "fecha_ingreso": "2026-03-06", "carta_firmada": "true",
         "ingreso_autonomo_mensual": INCOME}


def page(response) -> str:
    return unescape(response.get_data(as_text=True))


@pytest.fixture
def entry_step(as_person, start_case):
    """A Familias case at its entry step (held by Ana, after the first contact)."""
    case_id = start_case()
    ana = as_person("ana")
    first = ana.open_tasks(case_id)["primer_contacto"]
    ana.post(f"/tasks/{first}", CONTACT, token_from=f"/tasks/{first}")
    return case_id, ana.open_tasks(case_id)["ingreso"]


def _answers(text: str) -> str:
    return text.split('class="answers"')[1].split("</dl>")[0]


def test_the_supervisor_reads_the_caseworkers_draft_with_the_income_masked(as_person,
                                                                           entry_step):
    _, task_id = entry_step
    ana, jorge = as_person("ana"), as_person("jorge")
    saved = ana.post(f"/tasks/{task_id}", {**ENTRY, "action": "draft"},
                     token_from=f"/tasks/{task_id}")
    assert saved.status_code == 302
    mine = page(ana.get(f"/tasks/{task_id}"))
    assert f'value="{INCOME}"' in mine and "dato sensible" in mine  # she fills it, marked
    supervised = page(jorge.get(f"/tasks/{task_id}"))
    assert "Borrador de Ana Castro" in supervised
    assert INCOME not in supervised and "[reservado]" in supervised
    assert "Dato reservado: su rol no lo necesita." in supervised


def test_the_completed_step_and_its_correction_mask_the_income_for_the_supervisor(
        as_person, entry_step):
    case_id, task_id = entry_step
    ana, pedro, jorge = as_person("ana"), as_person("pedro"), as_person("jorge")
    assert ana.post(f"/tasks/{task_id}", ENTRY, token_from=f"/tasks/{task_id}"
                    ).status_code == 302
    correction = {**ENTRY, "ingreso_autonomo_mensual": "420000", "reason": "Error de tipeo"}
    assert ana.post(f"/tasks/{task_id}/correct", correction,
                    token_from=f"/tasks/{task_id}/correct").status_code == 302
    for caseworker in (ana, pedro):  # the role that needs it reads it
        text = page(caseworker.get(f"/tasks/{task_id}"))
        assert "420000" in _answers(text) and INCOME in text.split("Error de tipeo")[1]
    supervised = page(jorge.get(f"/tasks/{task_id}"))
    assert "[reservado]" in _answers(supervised) and "420000" not in supervised
    assert INCOME not in supervised
    assert "Acepta participar" in _answers(supervised)  # the rest reads as recorded
    assert f'href="/tasks/{task_id}"' in page(jorge.get(f"/cases/{case_id}"))


@pytest.fixture
def marta(web_app):
    """Marta, the programme's manager in Antofagasta."""
    with web_app.app_context():
        place = db.session.scalars(select(Territory).where(Territory.code == "antofagasta")).one()
        db.session.add(User(username="marta", full_name="Marta Soto", roles="manager",
                            password_hash=hash_password(PASSWORD), territories=[place]))
        db.session.commit()


def _rows(response) -> list[dict]:
    return list(csv.DictReader(io.StringIO(response.get_data(as_text=True).lstrip("\ufeff"))))


def test_the_report_csv_masks_the_transfer_amounts_for_a_manager(as_person, start_case,
                                                                 marta):
    start_case()
    supervisor = _rows(as_person("jorge").get("/reports/familias.csv"))
    manager = _rows(as_person("marta").get("/reports/familias.csv"))
    assert len(supervisor) == len(manager) == 1
    assert supervisor[0]["monto_pagado"] == "0" and supervisor[0]["monto_por_pagar"] == "0"
    assert manager[0]["monto_pagado"] == manager[0]["monto_por_pagar"] == "[reservado]"
    assert manager[0]["familia"] == supervisor[0]["familia"] == "Rojas Pérez"
