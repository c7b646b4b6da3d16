"""The achievement of each plan action: the AFI picks the action from the case's plan (not a
typed code), and the case file shows each action achieved, not achieved or not recorded."""

from datetime import date

import engine
from engine import unit_of_work
from web import demo_data
from web.extensions import db

ANA = engine.Actor("ana", frozenset({"caseworker"}), None)
PLAN = {"fecha_firma_plan": "2026-03-10", "metas": [
    {"dimension": "salud", "meta": "Controles al día", "acciones": [
        {"accion": "Pedir hora en el CESFAM", "responsable": "Carla",
         "fecha_limite": "2026-04-30"},
        {"accion": "Llevar a Sofía al control", "responsable": "Carla",
         "fecha_limite": "2026-05-30"}]}]}


def _complete(web_app, step: str, data: dict) -> str:
    with web_app.app_context():
        forms = web_app.extensions["acompana.forms"]
        row = next(t for t in engine.list_tasks(db.session, ANA) if t.bpmn_id == step)
        with unit_of_work(db.session):
            engine.complete(db.session, forms, row.id, data, ANA)
        later = [t.id for t in engine.list_tasks(db.session, ANA) if t.bpmn_id == step]
        db.session.remove()
        return later[0] if later else row.id


def test_the_afi_picks_plan_actions_and_the_case_file_shows_their_achievement(
        start_case, web_app, as_person):
    case_id = start_case("Vega Muñoz")
    today = date.today()
    for step, data in (("primer_contacto", demo_data.contacto(today)),
                       ("ingreso", demo_data.ingreso(today)),
                       ("diagnostico", demo_data.diagnostico(today)), ("plan", PLAN)):
        _complete(web_app, step, data)
    ana = as_person("ana")
    with web_app.app_context():
        row = next(t for t in engine.list_tasks(db.session, ANA) if t.bpmn_id == "logro_acciones")
        task_id = row.id
    html = ana.get(f"/tasks/{task_id}").get_data(as_text=True)
    assert "M1.A1 · Pedir hora en el CESFAM" in html
    assert "M1.A2 · Llevar a Sofía al control" in html
    _complete(web_app, "logro_acciones", demo_data.logro_acciones(date(2026, 4, 28), ["M1.A1"]))
    page = ana.get(f"/cases/{case_id}").get_data(as_text=True)
    assert "lograda el 28 abr 2026" in page  # M1.A1
    assert "sin registro" in page
