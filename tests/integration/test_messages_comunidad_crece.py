"""Comunidad Crece: the referring network (a school, the OLN) sends its referral through the
API as a message; it becomes the case's data, the hand registration closes by itself and the
entry evaluation counts its deadline from the referral's date."""

from datetime import UTC, date, datetime

import pytest

import engine
from engine import unit_of_work
from tests.integration.acts_driver import case_seed, territory
from tests.integration.crece_driver import COQUIMBO, CreceCase, team
from web.demo_data_crece import derivacion

RECEIVED = date(2026, 3, 26)
OPENED = case_seed("messages_comunidad_crece", "comunidad_crece", [COQUIMBO],
                   lambda session, forms, _: CreceCase(
                       session, forms, team(territory(session, "coquimbo")), RECEIVED))


@pytest.fixture
def database_seed():
    return OPENED


@pytest.fixture
def young(session, real_forms, seed_data):
    """Matías Rojas's case in Coquimbo, received on 26 March 2026 (held by Valentina)."""
    case = CreceCase.resume_with(session, real_forms, team(territory(session, "coquimbo")),
                                 seed_data, RECEIVED)
    yield case
    case.close()


def _deliver(c: CreceCase, payload: dict, by: str = "rodrigo"):
    with unit_of_work(c.session):
        return engine.deliver_message(c.session, c.forms, c.case.id, "derivacion_recibida",
                                      payload, c.people[by])


def test_the_network_referral_replaces_registering_it_by_hand(young):
    assert young.bpmn_ids() == ["registrar_derivacion"]
    assert [w.message for w in engine.awaited_messages(young.session, young.case.id,
                                                       young.people["rodrigo"])] == [
        "derivacion_recibida"]
    young.wait_until(date(2026, 3, 27))
    young.at(10)
    referral = derivacion(date(2026, 3, 24))
    _deliver(young, referral)
    young.check_round_trip()
    assert young.bpmn_ids() == ["evaluacion_ingreso"]
    data = young.data()
    assert data["derivacion_red"] == referral
    assert (data["fecha_derivacion"], data["motivo"]) == ("2026-03-24", referral["motivo"])
    # 15 working days (Good Friday off) from the referral's own date, Tuesday 24 March, not
    # from today: due at the end of Wednesday 15 April in Coquimbo
    assert young.task("evaluacion_ingreso").due_at == datetime(2026, 4, 16, 4, tzinfo=UTC)
    assert [e.params["message"] for e in young.events("message_received")] == [
        "derivacion_recibida"]


def test_a_referral_the_form_refuses_changes_nothing(young):
    with pytest.raises(engine.InvalidTaskData) as refused:
        _deliver(young, {"fecha_derivacion": "ayer", "origen": "oln"})
    assert sorted(e.field for e in refused.value.errors) == ["fecha_derivacion", "motivo"]
    assert young.bpmn_ids() == ["registrar_derivacion"]
    assert young.events("message_received") == []
