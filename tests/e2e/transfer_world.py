"""A Programa Familias family whose Carta de Compromiso was signed at noon on Monday 30
March 2026 (tests/integration/transfers_driver.py: two children under 6, an income of
$400.000), for the pages of its transfers; the clock stays at that moment."""

from datetime import UTC, datetime

import pytest
import time_machine
from sqlalchemy import select

import engine
from engine import unit_of_work
from engine.persistence.models import HumanTask
from tests.integration.transfers_driver import INCOME, MEMBERS
from web.demo_data import contacto, ingreso
from web.extensions import db

ENTRY_NOON = datetime(2026, 3, 30, 15, tzinfo=UTC)  # 12:00 in Antofagasta
ANA = engine.Actor("ana", frozenset({"caseworker"}), None)


@pytest.fixture
def entered(web_app):
    """The Soto Rojas family, its Carta signed at noon on 30 March 2026: the case id and
    the clock's traveller."""
    with time_machine.travel(ENTRY_NOON, tick=False) as traveller:
        with web_app.app_context():
            forms = web_app.extensions["acompana.forms"]
            jorge = engine.Actor("jorge", frozenset({"supervisor"}), None)
            command = engine.StartCase("familias", "antofagasta", "ana", "Soto Rojas",
                                       members=MEMBERS)
            with unit_of_work(db.session):
                case_id = engine.start_case(db.session, command, jorge).id
            for step, data in (("primer_contacto", contacto(ENTRY_NOON.date())),
                               ("ingreso", {**ingreso(ENTRY_NOON.date()),
                                            "ingreso_autonomo_mensual": INCOME})):
                task_id = db.session.scalar(select(HumanTask.id).where(
                    HumanTask.case_id == case_id, HumanTask.bpmn_id == step))
                with unit_of_work(db.session):
                    engine.claim(db.session, task_id, ANA)
                with unit_of_work(db.session):
                    engine.complete(db.session, forms, task_id, data, ANA)
            db.session.remove()
        yield case_id, traveller
