"""The steps an act from the case file opens (a hand-over, a rights alert, a safety concern)
carry a deadline of their programme's settings, like every scheduled step: a due date on
the step, a reminder before it and an overdue flag once it passes.

Comunidad Crece (Coquimbo): an alert recorded on Monday 30 March 2026 is due that same
working day ([plazos.alerta_derechos], 1 día hábil from the next); a case moved the same
day is due in 15 working days ([plazos.recibir_traslado]). P.I.P.P.I. (Somma Lombardo): a
safety concern on Monday 4 May is due in 2 working days ([plazos.valutazione_sicurezza]).
"""

from datetime import date

import pytest

import engine
from engine import unit_of_work
from engine.persistence.models import Territory
from tests.conftest import ROOT
from tests.integration.crece_driver import CreceCase, add_coquimbo, team
from tests.integration.familias_driver import local
from tests.integration.pippi_driver import PippiCase
from tests.integration.pippi_driver import local as local_it
from web import demo_data_pippi as d
from web.demo_data_crece import derivacion, evaluacion_ingreso, pii

LA_SERENA = {"code": "la_serena", "name": "La Serena", "country": "CL", "region": "CO",
             "timezone": "America/Santiago"}


@pytest.fixture
def young(session, real_forms, territories):
    session.add(Territory(**LA_SERENA))
    session.commit()
    people = team(add_coquimbo(session))
    with unit_of_work(session):
        engine.deploy_folder(session, ROOT / "processes" / "comunidad_crece", real_forms,
                             "manager")
    c = CreceCase(session, real_forms, people, date(2026, 3, 26))
    c.wait_until(date(2026, 3, 30))
    c.complete("registrar_derivacion", derivacion(c.case.opened_at.date()))
    c.complete("evaluacion_ingreso", evaluacion_ingreso(c.today, "medio"))
    c.complete("pii", pii(c.today, False))
    yield c
    c.close()


def _act(c, key: str, data: dict, by, staff=None) -> None:
    c.at(16)
    with unit_of_work(c.session):
        engine.perform_act(c.session, c.forms, c.case.id, key, data, by, staff=staff)
    c.check_round_trip()


def test_a_rights_alert_is_due_the_next_working_day_and_flagged_when_late(young):
    c = young
    _act(c, "alerta_derechos", {"fecha": "2026-03-30", "tipo": "violencia",
                                "descripcion": "Relata golpes en su casa."},
         c.people["valentina"])
    row = c.task("atender_alerta_derechos")
    assert (row.deadline_key, row.due_at) == ("alerta_derechos", local(date(2026, 4, 1), 0))
    assert row.remind_at == local(date(2026, 3, 31), 8)
    assert row.escalated_at is None
    c.wait_until(date(2026, 4, 1))
    c.session.expire_all()
    assert c.task("atender_alerta_derechos").escalated_at is not None  # on the overdue lists
    late = [(e.params["host"], e.params["deadline"]) for e in c.events("escalation")]
    assert late == [("Atender alerta de vulneración de derechos", "alerta_derechos")]


def test_a_moved_case_is_due_for_its_new_dupla_in_15_working_days(young, session):
    c = young
    serena = session.query(Territory).filter_by(code="la_serena").one()
    ines = engine.Actor("ines", frozenset({"caseworker"}), frozenset({serena.id}))
    _act(c, "traslado", {"fecha": "2026-03-30", "territorio_destino": "la_serena",
                         "dupla_destino": "ines", "motivo": "Se muda con su abuela"},
         c.people["rodrigo"], staff={"ines": ines}.get)
    row = c.task("recibir_traslado")
    # 15 working days from Mon 30 March (Good Friday 3 April and 1 May are holidays)
    assert row.deadline_key == "recibir_traslado"
    assert row.due_at == local(date(2026, 4, 22), 0)


@pytest.fixture
def family(session, real_forms, territories):
    somma = frozenset({territories["somma_lombardo"].id})
    people = (engine.Actor("giulia", frozenset({"caseworker"}), somma),
              engine.Actor("marco", frozenset({"supervisor"}), somma))
    with unit_of_work(session):
        engine.deploy_folder(session, ROOT / "processes" / "pippi", real_forms, "manager")
    f = PippiCase(session, real_forms, *people, date(2026, 4, 27))
    yield f
    f.close()


def test_a_safety_concern_is_due_in_two_working_days(family):
    f = family
    f.wait_until(date(2026, 5, 4))
    f.complete("preassessment", d.segnalazione(f.today))
    f.complete("consenso", d.consenso(f.today))
    _act(f, "sicurezza", {"data": "2026-05-04", "gravita": "imminente",
                          "descrizione": "Il bambino riferisce violenze."}, f.caseworker)
    row = f.task("valutazione_sicurezza_segnalata")
    assert row.deadline_key == "valutazione_sicurezza"
    assert row.due_at == local_it(date(2026, 5, 7), 0)  # due Wed 6 May, late from Thursday
