"""P.I.P.P.I.: acts recorded from the case file outside the schedule (its event subprocesses):
a withdrawal (ritiro) or a safety concern interrupts the percorso wherever it is, a move hands
the case to another Ambito's équipe, an extra contact is only recorded."""

from datetime import date

import pytest

import engine
from tests.integration.acts_driver import case_seed, record_act, territory
from tests.integration.pippi_driver import PippiCase
from tests.unit.act_samples import SAMPLES
from web import demo_data_pippi as d

REFERRED = date(2026, 4, 27)
GALLARATE = {"code": "gallarate", "name": "Ambito di Gallarate", "country": "IT",
             "region": "VA", "timezone": "Europe/Rome"}


def _people(territories):
    somma = frozenset({territories["somma_lombardo"].id})
    return (engine.Actor("giulia", frozenset({"caseworker"}), somma),
            engine.Actor("marco", frozenset({"supervisor"}), somma))


OPENED = case_seed("acts_pippi", "pippi", [GALLARATE], lambda session, forms, t: PippiCase(
    session, forms, *_people(t), REFERRED))


@pytest.fixture
def database_seed():
    return OPENED


@pytest.fixture
def gallarate(session):
    return territory(session, "gallarate")


@pytest.fixture
def family(session, real_forms, territories, seed_data):
    """The Colombo family's percorso, referred on 27 April 2026 (Giulia's, Marco referente)."""
    giulia, marco = _people(territories)
    case = PippiCase.resume(session, real_forms, seed_data, REFERRED, caseworker=giulia,
                            supervisor=marco)
    yield case
    case.close()


def consented(f: PippiCase) -> None:
    f.wait_until(date(2026, 5, 4))
    f.complete("preassessment", d.segnalazione(f.today))
    f.complete("consenso", d.consenso(f.today))
    assert f.bpmn_ids() == ["assessment_t0"]


def act(f: PippiCase, key: str, data: dict, by=None, staff=None):
    record_act(f, key, data, by or f.caseworker, staff)


def test_the_percorso_offers_its_four_acts(family):
    acts = engine.case_acts(family.session, family.case.id, family.caseworker)
    assert [(a.key, a.interrupting) for a in acts] == [
        ("ritiro", True), ("trasferimento", False), ("sicurezza", True),
        ("contatto_aggiuntivo", False)]


def test_a_withdrawal_closes_the_percorso(family):
    f = family
    consented(f)
    act(f, "ritiro", {"data": "2026-05-04", "motivo": "ritiro_consenso",
                      "dettaglio": "La madre non vuole proseguire."})
    case = f.refreshed_case()
    assert (case.status, case.outcome) == ("closed", "ritiro")
    assert f.open_tasks() == []


def test_a_safety_concern_interrupts_and_goes_to_the_referente(family):
    f = family
    consented(f)
    act(f, "sicurezza", {"data": "2026-05-04", "gravita": "imminente",
                         "descrizione": "Il bambino riferisce violenze."})
    assert f.bpmn_ids() == ["valutazione_sicurezza_segnalata"]
    row = f.task("valutazione_sicurezza_segnalata")
    # straight to the case's named referente, as the urgent step of the main flow goes
    assert (row.role, row.assignee) == ("supervisor", f.refreshed_case().people["referente"])
    assert [e.bpmn_id for e in f.events("alert")] == ["avvisa_referente_sicurezza"]
    f.complete("valutazione_sicurezza_segnalata", {
        "data_valutazione": "2026-05-04", "misura": "intervento_urgente",
        "descrizione": "Intervento dei servizi.", "bambino_in_famiglia": True})
    case = f.refreshed_case()
    assert (case.status, case.outcome) == ("closed", "esito_c")


def test_a_move_hands_the_case_to_the_other_ambito(family, gallarate):
    f = family
    consented(f)
    sara = engine.Actor("sara", frozenset({"caseworker"}), frozenset({gallarate.id}))
    act(f, "trasferimento", SAMPLES["pippi"]["atto_trasferimento"],  # to Gallarate, Sara
        staff={"sara": sara}.get)
    case = f.refreshed_case()
    assert (case.territory.code, case.caseworker) == ("gallarate", "sara")
    assert {t.bpmn_id: (t.territory_id, t.assignee) for t in f.open_tasks()} == {
        "assessment_t0": (gallarate.id, "sara"),
        "presa_in_carico_trasferimento": (gallarate.id, None)}
    assert f.events("case_moved")[0].params == {"from": "Ambito di Somma Lombardo",
                                                "to": "Ambito di Gallarate"}


def test_an_extra_contact_changes_nothing_else(family):
    f = family
    consented(f)
    act(f, "contatto_aggiuntivo", {"data": "2026-05-05", "tipo": "telefonata",
                                   "sintesi": "La madre chiede un incontro."})
    assert f.bpmn_ids() == ["assessment_t0"]
    assert [e.params for e in f.events("act_recorded")] == [
        {"act": "Contatto o incontro aggiuntivo"}]
