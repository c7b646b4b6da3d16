"""Triple P: acts recorded from the case file outside the schedule (its event subprocesses):
a withdrawal closes the case and frees its place for the family waiting longest (or takes a
waiting family off the list), a concern for a child reaches the coordination at once, an extra
contact is only recorded."""

import pytest

import engine
from engine import unit_of_work
from engine.persistence.models import Case, HumanTask
from tests.integration.triple_p_driver import Office, add_la_serena

WITHDRAWAL = {"fecha": "2026-08-03", "motivo": "horario", "detalle": "Cambió de turno."}


@pytest.fixture
def office(session, real_forms):
    return Office(session, real_forms, add_la_serena(session), talleres=1)


def act(office: Office, case_id: int, key: str, data: dict, by=None):
    with unit_of_work(office.session):
        engine.perform_act(office.session, office.forms, case_id, key, data,
                           by or office.facilitator, office.tick())


def test_a_family_offers_three_acts(office):
    (case_id,) = office.refer("Rojas")
    acts = engine.case_acts(office.session, case_id, office.coordinator)
    assert [(a.key, a.interrupting) for a in acts] == [
        ("retiro", True), ("preocupacion", False), ("contacto_adicional", False)]


def test_a_withdrawal_in_the_workshop_frees_its_place_for_the_family_waiting(office):
    holder, first, second = office.refer("Rojas", "Muñoz", "Araya")
    office.enrol(holder, first, second)
    office.start_workshop(holder)
    assert office.waiting() == [first, second]
    act(office, holder, "retiro", WITHDRAWAL)
    office.session.expire_all()
    case = office.session.get(Case, holder)
    assert (case.status, case.outcome) == ("closed", "abandono")  # as the report counts it
    assert office.status(holder) == ["released"]
    assert office.status(first) == ["occupied"]
    assert office.tasks(first) == ["cuestionarios_iniciales"]  # its process moved on
    assert office.waiting() == [second]
    assert office.tasks(holder) == []


def test_a_waiting_family_that_withdraws_leaves_the_list(office):
    holder, first, second = office.refer("Rojas", "Muñoz", "Araya")
    office.enrol(holder, first, second)
    act(office, first, "retiro", {"fecha": "2026-08-03", "motivo": "sin_interes"})
    assert office.status(first) == ["withdrawn"]
    assert office.waiting() == [second]
    assert office.status(holder) == ["occupied"]


def test_a_concern_for_a_child_goes_to_the_coordination(office):
    (case_id,) = office.refer("Rojas")
    office.enrol(case_id)
    act(office, case_id, "preocupacion", {"fecha": "2026-08-03", "gravedad": "alta",
                                          "descripcion": "El niño llega con hambre."})
    assert office.tasks(case_id) == ["atender_preocupacion", "cuestionarios_iniciales"]
    row = office.session.get(HumanTask, office.task(case_id, "atender_preocupacion"))
    assert (row.role, row.assignee) == ("supervisor", None)


def test_an_extra_contact_changes_nothing_and_a_closed_case_refuses_it(office):
    (case_id,) = office.refer("Rojas")
    office.enrol(case_id)
    contact = {"fecha": "2026-08-04", "tipo": "llamada", "resumen": "Consulta por horario."}
    act(office, case_id, "contacto_adicional", contact)
    assert office.tasks(case_id) == ["cuestionarios_iniciales"]
    act(office, case_id, "retiro", WITHDRAWAL)
    with pytest.raises(engine.Conflict) as refused:
        act(office, case_id, "contacto_adicional", contact)
    assert refused.value.code == "act.case_closed"
