"""The consent gate (``x-consent``, engine.commands.consents) on Comunidad Crece and
Triple P: Crece's entry evaluation needs the young person's consent (the case's reference
person) and, for a minor, the adult responsible's; Triple P's enrolment needs the
caregiver's. Without them the step is refused on the field that records the consent, naming
the member, and nothing is saved; an adult the household does not list is asked for."""

from datetime import date

import pytest
from sqlalchemy import func, select

import engine
from engine import unit_of_work
from engine.core.errors import InvalidTaskData
from engine.persistence.models import Event
from tests.conftest import ROOT
from tests.integration.crece_driver import CreceCase, add_coquimbo, team
from tests.integration.triple_p_driver import TriplePTeam, add_la_serena, deploy_triple_p
from web.demo_data_crece import derivacion, evaluacion_ingreso, no_ingresa
from web.demo_data_triple_p import inscripcion

DAY = date(2026, 4, 6)


@pytest.fixture
def crece(session, real_forms):
    """A Crece case factory (young person Matías Rojas, his mother Carolina listed), its
    referral registered: the entry evaluation is open on the dupla."""
    people = team(add_coquimbo(session))
    with unit_of_work(session):
        engine.deploy_folder(session, ROOT / "processes" / "comunidad_crece", real_forms,
                             "manager")
    opened = []

    def start(members: list[dict] | None = None) -> CreceCase:
        opened.append(CreceCase(session, real_forms, people, DAY, members=members))
        opened[-1].complete("registrar_derivacion", derivacion(DAY))
        return opened[-1]
    yield start
    for case in opened:
        case.close()


@pytest.fixture
def triple_p(session, real_forms):
    """La Serena's Triple P team, its clock on ``DAY``."""
    people = add_la_serena(session)
    deploy_triple_p(session, real_forms)
    office = TriplePTeam(session, real_forms, *people, DAY)
    yield office
    office.close()


def _refused(case, bpmn_id: str, data: dict) -> list:
    row = case.task(bpmn_id)
    before = _events(case)
    with pytest.raises(InvalidTaskData) as refused, unit_of_work(case.session):
        engine.complete(case.session, case.forms, row.id, data, case.actor(row))
    assert case.task(bpmn_id) is not None and _events(case) == before  # nothing saved
    return [(e.field, e.code, e.limit) for e in refused.value.errors]


def _events(case) -> int:
    return case.session.scalar(select(func.count(Event.id)).where(
        Event.case_id == case.case.id))


def _record(case, member: int) -> None:
    with unit_of_work(case.session):
        engine.record_consent(case.session, engine.RecordConsent(
            case.case.id, member, "participation", "Consentimiento firmado", DAY),
            case.caseworker)


def _complete(case, bpmn_id: str, data: dict) -> None:
    row = case.task(bpmn_id)
    with unit_of_work(case.session):
        engine.complete(case.session, case.forms, row.id, data, case.actor(row))


def test_crece_entry_needs_the_young_persons_and_the_mothers_consent(crece):
    c = crece()
    participation = "participation"
    assert _refused(c, "evaluacion_ingreso", evaluacion_ingreso(DAY)) == [
        ("consentimiento_joven", "consent_missing",
         {"member": "Matías Rojas", "purpose": participation}),
        ("consentimiento_adulto", "consent_missing",
         {"member": "Carolina Rojas", "purpose": participation})]
    _record(c, 0)  # the young person signs; the mother has not yet
    assert [f for f, *_ in _refused(c, "evaluacion_ingreso", evaluacion_ingreso(DAY))] == [
        "consentimiento_adulto"]
    _record(c, 1)
    _complete(c, "evaluacion_ingreso", evaluacion_ingreso(DAY))
    assert c.task("evaluacion_ingreso") is None


def test_crece_a_young_person_who_does_not_enter_needs_no_consent(crece):
    c = crece()
    _complete(c, "evaluacion_ingreso", no_ingresa(DAY))
    assert c.task("evaluacion_ingreso") is None


def test_crece_an_adult_responsible_not_listed_is_asked_for(crece):
    c = crece(members=[{"name": "Matías Rojas", "age": 15}])
    _record(c, 0)
    assert _refused(c, "evaluacion_ingreso", evaluacion_ingreso(DAY)) == [
        ("consentimiento_adulto", "consent_missing",
         {"member": "", "purpose": "participation", "unlisted": "adult"})]


def test_crece_an_adult_young_person_consents_for_himself(crece):
    c = crece(members=[{"name": "Matías Rojas", "age": 18}])
    _record(c, 0)
    _complete(c, "evaluacion_ingreso", evaluacion_ingreso(DAY, edad=18))
    assert c.task("evaluacion_ingreso") is None


def test_triple_p_enrolment_needs_the_caregivers_consent_not_the_childs(triple_p):
    family = triple_p.refer("Pizarro Rojas")
    assert _refused(family, "inscripcion", inscripcion(DAY)) == [
        ("consentimiento", "consent_missing",
         {"member": "Carolina Pizarro", "purpose": "participation"})]
    _record(family, 1)  # the child's does not stand in
    assert len(_refused(family, "inscripcion", inscripcion(DAY))) == 1
    _record(family, 0)
    _complete(family, "inscripcion", inscripcion(DAY))
    assert family.task("inscripcion") is None


def test_triple_p_a_family_that_declines_needs_no_consent(triple_p):
    family = triple_p.refer("Araya Cortés")
    _complete(family, "inscripcion", inscripcion(DAY, None))
    assert family.task("inscripcion") is None


def test_triple_p_a_household_listing_only_the_child_is_asked_for_the_caregiver(triple_p):
    family = triple_p.refer("Vega", members=[{"name": "Tomás", "age": 4,
                                              "relationship": "child"}])
    [(field, code, limit)] = _refused(family, "inscripcion", inscripcion(DAY))
    assert (field, code, limit.get("unlisted")) == ("consentimiento", "consent_missing", "adult")
