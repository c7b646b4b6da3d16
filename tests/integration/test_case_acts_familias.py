"""Programa Familias: acts recorded from the case file outside the schedule (its event
subprocesses): a withdrawal ends the case wherever it was, a move hands it over to another
comuna's team, a protection alert reaches the Jefatura, an extra contact is only recorded."""

from datetime import date

import pytest
from sqlalchemy import select

import engine
from engine import unit_of_work
from engine.core.errors import InvalidInput
from engine.persistence.models import Case, Event, Household, Timer
from tests.conftest import ana, jorge
from tests.integration.acts_driver import case_seed, record_act, territory
from tests.integration.familias_driver import FamiliaCase
from tests.unit.act_samples import SAMPLES
from web.demo_data import contacto, diagnostico, ingreso, plan, sesion

ALLOCATED = date(2026, 3, 2)
CALAMA = {"code": "calama", "name": "Calama", "country": "CL", "region": "AN",
          "timezone": "America/Santiago"}
OPENED = case_seed("acts_familias", "familias", [CALAMA], lambda session, forms, t: FamiliaCase(
    session, forms, ana(t), jorge(t), ALLOCATED))


@pytest.fixture
def database_seed():
    return OPENED


@pytest.fixture
def calama(session):
    return territory(session, "calama")


@pytest.fixture
def family(session, real_forms, caseworker, supervisor, seed_data):
    """The Rojas Pérez family's case, opened on 2 March 2026 (held by Ana)."""
    case = FamiliaCase.resume(session, real_forms, seed_data, ALLOCATED, caseworker=caseworker,
                              supervisor=supervisor)
    yield case
    case.close()


def accompanied(f: FamiliaCase) -> None:
    """Contact, entry, diagnosis and plan done: the family is in its 24 months of sessions."""
    f.wait_until(date(2026, 3, 10))
    f.complete("primer_contacto", contacto(f.today))
    f.complete("ingreso", ingreso(f.today))
    f.complete("diagnostico", diagnostico(f.today))
    f.complete("plan", plan(f.today))


def act(f: FamiliaCase, key: str, data: dict, by=None, staff=None):
    return record_act(f, key, data, by or f.caseworker, staff)


# the steps open during the accompaniment: the session, the plan's actions, the AFI's evaluation
ACCOMPANYING = ["sesion", "logro_acciones", "evaluacion_semestral_afi"]
WITHDRAWAL = {"fecha": "2026-03-10", "motivo": "decision_familia",
              "detalle": "La familia se muda con parientes y deja el programa."}


def test_the_case_file_offers_the_acts_of_the_version(family):
    acts = engine.case_acts(family.session, family.case.id, family.caseworker)
    assert [(a.key, a.name, a.interrupting) for a in acts] == [
        ("desistimiento", "Desistimiento de la familia", True),
        ("traslado", "Traslado a otra comuna", False),
        ("alerta_proteccion", "Alerta de protección", False),
        ("cambio_hogar", "Cambio en la familia", False),
        ("mesa_analisis", "Mesa de Análisis de Caso", False),
        ("contacto_adicional", "Contacto o sesión adicional", False)]
    assert {a.form_key for a in acts} == {"familias/acto_desistimiento", "familias/acto_traslado",
                                          "familias/acto_alerta", "familias/acto_cambio_hogar",
                                          "familias/acto_mesa", "familias/acto_contacto"}


def test_a_withdrawal_during_the_sessions_closes_the_case(family):
    f = family
    accompanied(f)
    assert f.bpmn_ids() == ACCOMPANYING
    act(f, "desistimiento", WITHDRAWAL)
    case = f.refreshed_case()
    assert (case.status, case.outcome) == ("closed", "desistimiento")
    assert f.open_tasks() == []
    assert f.session.scalars(select(Timer)).all() == []
    recorded = f.events("act_recorded")[0]
    assert (recorded.actor, recorded.data["act"], recorded.data["submitted"]) == (
        "ana", "desistimiento", WITHDRAWAL)
    assert f.events("case_closed")[-1].bpmn_id == "fin_acto_desistimiento"
    assert engine.case_acts(f.session, case.id, f.caseworker) == []


def test_a_withdrawal_before_entry_also_ends_the_case(family):
    family.wait_until(date(2026, 3, 4))
    act(family, "desistimiento", WITHDRAWAL, by=family.supervisor)
    assert family.refreshed_case().outcome == "desistimiento"


def test_a_closed_case_refuses_every_act(family):
    act(family, "desistimiento", WITHDRAWAL)
    with pytest.raises(engine.Conflict) as refused:
        act(family, "contacto_adicional", {"fecha": "2026-03-11", "tipo": "llamada",
                                           "resumen": "x"})
    assert refused.value.code == "act.case_closed"
    assert len(family.events("act_recorded")) == 1


def test_an_extra_contact_is_recorded_and_the_cycle_goes_on(family):
    f = family
    accompanied(f)
    for day in ("2026-03-11", "2026-03-12"):
        act(f, "contacto_adicional", {"fecha": day, "tipo": "visita", "resumen": "Visita breve"})
    assert f.bpmn_ids() == ACCOMPANYING
    assert [e.data["submitted"]["fecha"] for e in f.events("act_recorded")] == [
        "2026-03-11", "2026-03-12"]
    assert f.refreshed_case().status == "open"


def test_a_protection_alert_goes_to_the_jefatura_at_once(family):
    f = family
    accompanied(f)
    act(f, "alerta_proteccion", {"fecha": "2026-03-10", "gravedad": "urgente",
                                 "descripcion": "Marcas de golpes en el menor."})
    assert f.bpmn_ids() == [*ACCOMPANYING, "atender_alerta_proteccion"]
    alert = f.task("atender_alerta_proteccion")
    assert (alert.role, alert.assignee) == ("supervisor", None)
    assert [e.bpmn_id for e in f.events("alert")] == ["avisar_alerta_proteccion"]
    f.complete("atender_alerta_proteccion", {"fecha_atencion": "2026-03-10",
                                             "derivacion": "oln", "medidas": "Derivada a OLN"})
    assert f.bpmn_ids() == ACCOMPANYING


def test_a_move_hands_the_case_and_its_open_steps_to_the_other_comuna(family, calama):
    f = family
    accompanied(f)
    act(f, "alerta_proteccion", {"fecha": "2026-03-10", "gravedad": "media",
                                 "descripcion": "Ausencias escolares."})
    calama_afi = engine.Actor("rosa", frozenset({"caseworker"}), frozenset({calama.id}))
    staff = {"rosa": calama_afi}.get
    act(f, "traslado", SAMPLES["familias"]["acto_traslado"], staff=staff)  # to Calama, Rosa
    case = f.refreshed_case()
    assert (case.territory.code, case.caseworker, case.status) == ("calama", "rosa", "open")
    assert f.session.get(Household, case.household_id).territory_id == calama.id
    rows = {t.bpmn_id: (t.territory_id, t.assignee) for t in f.open_tasks()}
    assert rows == {"sesion": (calama.id, "rosa"), "logro_acciones": (calama.id, "rosa"),
                    "evaluacion_semestral_afi": (calama.id, None),
                    "atender_alerta_proteccion": (calama.id, None),
                    "recibir_traslado": (calama.id, None)}
    moved = f.events("case_moved")[0]
    assert moved.data == {"from": "antofagasta", "to": "calama", "caseworker_from": "ana",
                          "caseworker_to": "rosa"}
    # Antofagasta's people no longer see it; Calama's AFI works its session
    with pytest.raises(engine.NotFound):
        engine.show_case(f.session, case.id, f.caseworker)
    f.complete("sesion", sesion(f.today), by=calama_afi)
    assert [e.data["to"] for e in f.events("case_moved")] == ["calama"]


def test_a_move_refuses_a_territory_of_another_country_or_a_person_from_elsewhere(family):
    f = family
    accompanied(f)
    bad = {"fecha": "2026-03-10", "territorio_destino": "somma_lombardo",
           "profesional_destino": "ana", "motivo": "x"}
    with pytest.raises(InvalidInput) as refused:
        act(f, "traslado", bad, staff={"ana": f.caseworker}.get)
    assert [e.field for e in refused.value.errors] == ["territorio_destino"]
    with pytest.raises(InvalidInput) as refused:
        act(f, "traslado", {**bad, "territorio_destino": "calama"}, staff={"ana": f.caseworker}.get)
    assert [(e.field, e.code) for e in refused.value.errors] == [
        ("profesional_destino", "not_in_territory")]
    assert f.refreshed_case().territory.code == "antofagasta"
    assert f.events("act_recorded", "case_moved") == []


def test_acts_are_refused_to_a_colleague_bad_data_and_unknown_acts(family, territories):
    f = family
    colleague = engine.Actor("pedro", frozenset({"caseworker"}),
                             frozenset({territories["antofagasta"].id}))
    with pytest.raises(engine.NotAllowed) as refused:
        act(f, "contacto_adicional", {"fecha": "2026-03-02", "tipo": "llamada", "resumen": "x"},
            by=colleague)
    assert refused.value.code == "policy.act_not_allowed"
    with pytest.raises(engine.InvalidTaskData) as invalid:
        act(f, "desistimiento", {"fecha": "ayer", "motivo": "otro"})
    assert {e.field for e in invalid.value.errors} >= {"fecha", "detalle"}
    with pytest.raises(engine.Conflict) as unknown:
        act(f, "cupo_asignado", {})
    assert unknown.value.code == "act.not_offered"
    assert f.session.scalars(select(Event).where(Event.kind == "act_recorded")).all() == []
    assert f.session.get(Case, f.case.id).status == "open"


def test_a_move_where_the_family_is_registered_already_is_refused(family, calama, supervisor):
    f = family
    both = engine.Actor("rosa", frozenset({"caseworker", "supervisor"}),
                        frozenset({calama.id, f.case.territory_id}))
    with unit_of_work(f.session):
        here = engine.start_case(f.session, engine.StartCase(
            "familias", "antofagasta", "ana", "Soto Vega", national_id="12.345.678-5"), both)
        engine.start_case(f.session, engine.StartCase(
            "familias", "calama", "rosa", "Soto Vega", national_id="12.345.678-5"), both)
    f.case = here
    with pytest.raises(InvalidInput) as refused:
        act(f, "traslado", {"fecha": "2026-03-10", "territorio_destino": "calama",
                            "profesional_destino": "rosa", "motivo": "Vuelve a Calama"},
            staff={"rosa": both}.get)
    assert [(e.field, e.code) for e in refused.value.errors] == [
        ("territorio_destino", "duplicate")]
    assert f.refreshed_case().territory.code == "antofagasta"
