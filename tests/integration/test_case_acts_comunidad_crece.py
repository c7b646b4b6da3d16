"""Comunidad Crece: acts recorded from the case file outside the schedule (its event
subprocesses): a desistimiento ends the case at any stage, a move hands it to another
territory's dupla, a rights alert reaches the coordinator at once, an extra contact is
only recorded."""

from datetime import date

import pytest
from sqlalchemy import select

import engine
import web.notifications.delivery  # noqa: F401 - notifies on the engine's events
from engine.persistence.models import Territory
from tests.integration.acts_driver import case_seed, record_act, territory
from tests.integration.crece_driver import COQUIMBO, CreceCase, team
from tests.unit.act_samples import SAMPLES
from web.auth.models import User
from web.demo_data_crece import derivacion, evaluacion_ingreso, pii
from web.notifications.models import Notification

RECEIVED = date(2026, 3, 26)
LA_SERENA = {"code": "la_serena", "name": "La Serena", "country": "CL", "region": "CO",
             "timezone": "America/Santiago"}
OPENED = case_seed("acts_comunidad_crece", "comunidad_crece", [COQUIMBO, LA_SERENA],
                   lambda session, forms, _: CreceCase(
                       session, forms, team(territory(session, "coquimbo")), RECEIVED))


@pytest.fixture
def database_seed():
    return OPENED


@pytest.fixture
def la_serena(session):
    return territory(session, "la_serena")


@pytest.fixture
def young(session, real_forms, seed_data):
    """Matías Rojas's case in Coquimbo, received on 26 March 2026 (held by Valentina)."""
    case = CreceCase.resume_with(session, real_forms, team(territory(session, "coquimbo")),
                                 seed_data, RECEIVED)
    yield case
    case.close()


def tutored(c: CreceCase) -> None:
    c.wait_until(date(2026, 3, 30))
    c.complete("registrar_derivacion", derivacion(c.case.opened_at.date()))
    c.complete("evaluacion_ingreso", evaluacion_ingreso(c.today, "medio"))
    c.complete("pii", pii(c.today, False))
    assert c.bpmn_ids() == ["tutoria"]


def act(c: CreceCase, key: str, data: dict, by="valentina", staff=None):
    record_act(c, key, data, c.people[by], staff, hour=16)


def test_the_case_offers_its_four_acts(young):
    acts = engine.case_acts(young.session, young.case.id, young.people["rodrigo"])
    assert [(a.key, a.interrupting) for a in acts] == [
        ("desistimiento", True), ("traslado", False), ("alerta_derechos", False),
        ("contacto_adicional", False)]
    # the tutor is neither the case's holder nor the coordinator
    assert engine.case_acts(young.session, young.case.id, young.people["tomas"]) == []


def test_a_desistimiento_during_the_tutorings_closes_the_case(young):
    c = young
    tutored(c)
    act(c, "desistimiento", {"fecha": "2026-03-30", "quien_decide": "joven",
                             "motivo": "Empezó a trabajar"})
    case = c.refreshed_case()
    assert (case.status, case.outcome) == ("closed", "desistimiento")
    assert c.open_tasks() == []


def test_a_rights_alert_reaches_the_coordinator_and_the_tutorings_go_on(young, session):
    c = young
    coquimbo = session.get(Territory, c.case.territory_id)
    session.add(User(username="rodrigo", full_name="Rodrigo Cortés", roles="supervisor",
                     password_hash="-", territories=[coquimbo]))
    session.commit()
    tutored(c)
    act(c, "alerta_derechos", {"fecha": "2026-03-30", "tipo": "violencia",
                               "descripcion": "Relata golpes en su casa."})
    alerts = session.scalars(select(Notification).where(Notification.kind == "alert")).all()
    assert [(n.username, n.title) for n in alerts] == [
        ("rodrigo", "Alerta de vulneración de derechos · Matías Rojas")]
    assert c.bpmn_ids() == ["atender_alerta_derechos", "tutoria"]
    assert c.task("atender_alerta_derechos").role == "supervisor"
    # urgent, as the alert of a tutoring: with no coordinator named, every one hears of it
    urgent = session.scalars(select(Notification.username).where(
        Notification.kind == "urgent")).all()
    assert urgent == ["rodrigo"]
    c.complete("atender_alerta_derechos", {"fecha_atencion": "2026-03-30",
                                           "medida": "derivacion_oln", "detalle": "OLN"},
               by="rodrigo")
    assert c.bpmn_ids() == ["tutoria"]


def test_a_move_hands_the_case_to_the_other_territorys_dupla(young, la_serena):
    c = young
    tutored(c)
    ines = engine.Actor("ines", frozenset({"caseworker"}), frozenset({la_serena.id}))
    act(c, "traslado", SAMPLES["comunidad_crece"]["acto_traslado"],  # to La Serena, Inés
        by="rodrigo", staff={"ines": ines}.get)
    case = c.refreshed_case()
    assert (case.territory.code, case.caseworker) == ("la_serena", "ines")
    assert {t.bpmn_id: t.territory_id for t in c.open_tasks()} == {
        "tutoria": la_serena.id, "recibir_traslado": la_serena.id}
    assert c.task("recibir_traslado").assignee is None


def test_an_extra_contact_is_only_recorded(young):
    c = young
    tutored(c)
    act(c, "contacto_adicional", {"fecha": "2026-03-31", "tipo": "tutoria",
                                  "resumen": "Tutoría extra antes de una prueba."})
    assert c.bpmn_ids() == ["tutoria"]
    assert len(c.events("act_recorded")) == 1
