"""A Familias case with a long record (diagnosis, plan, a follow-up and the final
evaluation), walked through the engine as the demo walks its cases, for the pages that show
what was recorded."""

from datetime import date

import engine
from engine import unit_of_work
from tests.conftest import ROOT
from tests.integration.recorded_walk import walk
from web import demo_data, demo_data_crece, demo_data_pippi
from web.demo_data import _accompanied, contacto
from web.extensions import db

ANA = engine.Actor("ana", frozenset({"caseworker"}), None)

SOTO_FUENTES = {"family": "Soto Fuentes", "programme": "familias", "territory": "antofagasta",
                "caseworker": "ana",
                "steps": [*_accompanied(2), ("seguimiento", 5), ("evaluacion_final", 700)]}


def walk_soto_fuentes(web_app) -> int:
    """Open and walk the Soto Fuentes case (held by Ana); return its id."""
    with web_app.app_context():
        forms = web_app.extensions["acompana.forms"]
        case_id = walk(db.session, db.engine, forms, demo_data, SOTO_FUENTES)
        db.session.remove()
        return case_id


def first_contact_done(web_app, case_id: int, task_id: str) -> None:
    """Ana takes and completes the first contact of ``case_id`` (two attempts)."""
    with web_app.app_context():
        forms = web_app.extensions["acompana.forms"]
        with unit_of_work(db.session):
            engine.claim(db.session, task_id, ANA)
        with unit_of_work(db.session):
            engine.complete(db.session, forms, task_id, contacto(date(2026, 3, 5)), ANA)
        db.session.remove()


def walk_demo_case(web_app, programme: str, family: str) -> int:
    """Deploy ``programme`` and walk its demo case of ``family``; return the case id."""
    module = {"pippi": demo_data_pippi, "comunidad_crece": demo_data_crece}[programme]
    spec = next(c for c in module.DEMO_CASES if c["family"] == family)
    with web_app.app_context():
        forms = web_app.extensions["acompana.forms"]
        with unit_of_work(db.session):
            engine.deploy_folder(db.session, ROOT / "processes" / programme, forms, "manager")
        case_id = walk(db.session, db.engine, forms, module, spec)
        db.session.remove()
        return case_id
