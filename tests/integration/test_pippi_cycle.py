"""P.I.P.P.I., walked through its 18 months day by day with a moving clock.

Dates are hand-computed for the Ambito di Somma Lombardo (Europe/Rome; Italian holidays plus
the province of Varese's San Vittore, 8 May). The family is referred on Monday 27 April 2026.
Reminders fire at 08:00 local on their day; an escalation at 00:00 local the day after the
step's due day. The rules (processes/pippi/settings.toml):

- analisi preliminare: 10 giorni lavorativi from the referral, reminder 2 working days before;
- consenso: 30 days from the pre-assessment, reminder 5 days before;
- T0, Progetto Quadro, T1, T2: 2, 3, 9 and 18 months from the consent date, reminders 7, 10,
  14 and 30 days before; T1 opens at month 8 and T2 at month 16 (08:00);
- a dispositivo: 30 days from the Progetto Quadro, reminder 7 days before;
- EM meeting: 60 days from the previous one (the first from the Progetto Quadro), reminder 7
  days before;
- chiusura 15, validazione 5, valutazione della sicurezza 2 giorni lavorativi from the step's
  start, reminders 3, 1 and 1 working days before.
"""

from datetime import date

import pytest

import engine
from engine import unit_of_work
from tests.conftest import ROOT
from tests.integration.pippi_driver import Habits, PippiCase, local, local_day
from web import demo_data_pippi as d

REFERRED = date(2026, 4, 27)
CONSENT = date(2026, 6, 3)
PQ_SIGNED = date(2026, 8, 28)


@pytest.fixture
def people(territories):
    """Giulia (assistente sociale, case manager) and Marco (referente territoriale)."""
    somma = frozenset({territories["somma_lombardo"].id})
    return (engine.Actor("giulia", frozenset({"caseworker"}), somma),
            engine.Actor("marco", frozenset({"supervisor"}), somma))


@pytest.fixture
def family(session, real_forms, people):
    with unit_of_work(session):
        engine.deploy_folder(session, ROOT / "processes" / "pippi", real_forms, "manager")
    case = PippiCase(session, real_forms, *people, REFERRED)
    yield case
    case.close()


def enter_programme(f: PippiCase, dispositivi=("educativa_domiciliare",
                                               "gruppi_genitori_bambini")) -> None:
    """Pre-assessment late (14 May), consent 3 June, T0 late (5 Aug), Progetto Quadro 28 Aug."""
    review = PippiCase.review_overdue_steps
    f.wait_until(date(2026, 5, 14), review)
    f.complete("preassessment", d.segnalazione(f.today))
    f.wait_until(CONSENT, review)
    f.complete("consenso", d.consenso(f.today))
    f.wait_until(date(2026, 8, 5), review)
    f.complete("assessment_t0", d.assessment_t0(f.today))
    plan = f.task("progetto_quadro")  # consent + 3 months = Thu 3 September
    assert (plan.remind_at, plan.due_at) == (local(date(2026, 8, 24), 8),
                                            local(date(2026, 9, 4), 0))
    f.wait_until(PQ_SIGNED, review)
    f.complete("progetto_quadro", d.progetto_quadro(f.today, dispositivi))


def on_time(t2: date) -> Habits:
    """Home education from 10 September to 5 September 2027, meetings every 45 days."""
    return Habits(starts={"educativa": date(2026, 9, 10)},
                  concluded={"educativa": date(2027, 9, 1)}, t1=date(2027, 2, 20), t2=t2)


def test_a_family_lives_the_18_months_to_a_positive_outcome(family):
    f = family
    enter_programme(f)
    assert f.bpmn_ids() == ["avvio_educativa", "avvio_gruppi", "esito_azione", "incontro_em"]
    size_after_plan = len(f.instance().state)
    habits = Habits(starts={"educativa": date(2026, 9, 10), "gruppi": date(2026, 10, 1)},
                    concluded={"gruppi": date(2027, 4, 1), "educativa": date(2027, 9, 1)},
                    t1=date(2027, 2, 20), t2=date(2027, 12, 6), late_meeting=3)
    f.wait_until(date(2027, 2, 10), habits)
    midway = f.task("assessment_t1")  # opened 3 Feb 08:00 (month 8); due 3 March (month 9)
    assert (local_day(midway.created_at), midway.remind_at, midway.due_at) == (
        date(2027, 2, 3), local(date(2027, 2, 17), 8), local(date(2027, 3, 4), 0))
    f.wait_until(date(2027, 9, 6), habits)
    assert f.bpmn_ids() == ["incontro_em"]  # both dispositivi concluded, T2 not open yet
    assert len(f.instance().state) <= size_after_plan  # 19 diary entries, 8 meetings later
    f.wait_until(date(2027, 12, 6), habits)
    assert f.bpmn_ids() == ["chiusura"]  # T2 ended the meetings
    f.wait_until(date(2027, 12, 23), PippiCase.review_overdue_steps)
    f.complete("chiusura", d.chiusura(f.today, "A"))
    f.wait_until(date(2027, 12, 24))
    f.complete("validazione_chiusura", d.validazione(f.today))

    assert f.alarms() == [
        # 10 working days from Mon 27 April skip 1 May and 8 May (VA): due Wed 13 May
        ("reminder", "preassessment", date(2026, 5, 11)),
        ("escalation", "preassessment", date(2026, 5, 14)),
        ("reminder", "assessment_t0", date(2026, 7, 27)),     # consent + 2 months = 3 Aug
        ("escalation", "assessment_t0", date(2026, 8, 4)),
        ("reminder", "progetto_quadro", date(2026, 8, 24)),   # consent + 3 months = 3 Sep
        ("reminder", "avvio_dispositivo", date(2026, 9, 20)),  # groups: 28 Aug + 30 = 27 Sep
        ("escalation", "avvio_dispositivo", date(2026, 9, 28)),
        ("reminder", "incontro_em", date(2027, 1, 18)),  # third meeting: 26 Nov + 60 = 25 Jan
        ("escalation", "incontro_em", date(2027, 1, 26)),
        ("reminder", "assessment_t1", date(2027, 2, 17)),     # consent + 9 months = 3 Mar
        ("reminder", "assessment_t2", date(2027, 11, 3)),     # consent + 18 months = 3 Dec
        ("escalation", "assessment_t2", date(2027, 12, 4)),
        ("reminder", "chiusura", date(2027, 12, 23)),  # 15 working days from 6 Dec: 28 Dec
    ]
    late_start = [e.title for e in f.events("escalation")
                  if e.data["deadline"] == "avvio_dispositivo"]
    assert late_start == ["Scadenza superata — Avvio: Gruppi dei genitori e dei bambini"]
    windows = [(e.bpmn_id, local_day(e.at)) for e in f.events("timer_fired")]
    assert windows == [("attesa_t1", date(2027, 2, 3)), ("attesa_t2", date(2027, 10, 3))]
    assert f.events("decision")[0].data == {"ammissibile": True, "motivo_esclusione": "nessuno"}
    assert f.submitted("preassessment")[0]["bambino_riferimento"] == "Luca"
    assert f.submitted("consenso")[0]["data_consenso"] == CONSENT.isoformat()
    plan = f.submitted("progetto_quadro")[0]
    assert (plan["dispositivi"], plan["punto_di_vista_famiglia"]) == (
        ["educativa_domiciliare", "gruppi_genitori_bambini"],
        "Vogliamo organizzare meglio le mattine")
    assert plan["esiti"][0]["azioni"][0]["chi"] == "Maria (madre)"
    assert [s["mondo_t0"] for s in f.submitted("assessment_t0")] == [d.T0_SCORES]
    assert [s["mondo_t1"] for s in f.submitted("assessment_t1")] == [d.T1_SCORES]
    assert [s["mondo_t2"] for s in f.submitted("assessment_t2")] == [d.T2_SCORES]
    assert [s["data_avvio"] for s in f.submitted("avvio_gruppi")] == ["2026-10-01"]
    assert habits.meetings == [
        date(2026, 10, 12), date(2026, 11, 26), date(2027, 1, 30), date(2027, 3, 16),
        date(2027, 4, 30), date(2027, 6, 14), date(2027, 7, 29), date(2027, 9, 12),
        date(2027, 10, 27)]
    assert [s["data_incontro"] for s in f.submitted("incontro_em")] == [
        m.isoformat() for m in habits.meetings]
    groups, home = f.submitted("registro_gruppi"), f.submitted("registro_educativa")
    assert (len(groups), groups[-1]["data_conclusione"]) == (7, "2027-04-29")
    assert (len(home), home[-1]["data_conclusione"]) == (12, "2027-09-05")
    reviews = [e.bpmn_id for e in f.events("task_completed") if e.bpmn_id.startswith("revisione_")]
    assert sorted(reviews) == ["revisione_assessment_t0", "revisione_assessment_t2",
                               "revisione_avvio_gruppi", "revisione_incontro_em",
                               "revisione_preassessment"]
    assert f.submitted("chiusura")[0]["esito"] == "A"
    assert f.data()["chiusura_validata"] is True
    case = f.refreshed_case()
    assert (case.status, case.outcome) == ("closed", "esito_a")
    assert local_day(case.closed_at) == date(2027, 12, 24)
    assert f.events("case_closed")[0].data == {"outcome": "esito_a"}


def live_to_final_assessment(f: PippiCase) -> None:
    """Home education only, everything on time; T2 on Monday 15 November 2027."""
    enter_programme(f, ("educativa_domiciliare",))
    f.wait_until(date(2027, 11, 15), on_time(t2=date(2027, 11, 15)))
    assert f.bpmn_ids() == ["chiusura"]


def test_outcome_b_after_the_referente_sends_the_closure_back(family):
    f = family
    live_to_final_assessment(f)
    f.wait_until(date(2027, 11, 19))
    f.complete("chiusura", d.chiusura(f.today, "B"))
    f.wait_until(date(2027, 11, 22))
    f.complete("validazione_chiusura", d.validazione(f.today, validata=False))
    assert f.bpmn_ids() == ["chiusura"]
    reopened = f.task("chiusura")
    # 15 working days from Mon 22 Nov skip the Immacolata (Wed 8 Dec): due Tue 14 Dec
    assert (reopened.remind_at, reopened.due_at) == (local(date(2027, 12, 9), 8),
                                                    local(date(2027, 12, 15), 0))
    f.wait_until(date(2027, 12, 16), PippiCase.review_overdue_steps)
    f.complete("chiusura", d.chiusura(f.today, "B"))
    check = f.task("validazione_chiusura")  # 5 working days from Thu 16 Dec: Thu 23 Dec
    assert (check.role, check.remind_at, check.due_at) == (
        "supervisor", local(date(2027, 12, 22), 8), local(date(2027, 12, 24), 0))
    f.wait_until(date(2027, 12, 22))
    f.complete("validazione_chiusura", d.validazione(f.today))

    assert [a for a in f.alarms() if a[2] >= date(2027, 11, 1)] == [
        ("reminder", "assessment_t2", date(2027, 11, 3)),
        ("reminder", "chiusura", date(2027, 12, 9)),
        ("escalation", "chiusura", date(2027, 12, 15)),
        ("reminder", "validazione_chiusura", date(2027, 12, 22)),  # 5 w.d. from 16 Dec: 23
    ]
    proposals = f.submitted("chiusura")
    assert [p["esito"] for p in proposals] == ["B", "B"]
    assert proposals[-1]["sostegni_successivi"] == "Centro diurno e sostegno ai compiti"
    assert [v["chiusura_validata"] for v in f.submitted("validazione_chiusura")] == [False, True]
    assert f.refreshed_case().outcome == "esito_b"


def _without(data: dict, field: str) -> dict:
    return {k: v for k, v in data.items() if k != field}


@pytest.mark.parametrize("form, data, problems", [
    ("chiusura", {**d.chiusura(REFERRED, "B"), "sostegni_successivi": ""},
     [("sostegni_successivi", "minLength")]),
    ("chiusura", _without(d.chiusura(REFERRED, "C"), "misura_protezione"),
     [("misura_protezione", "required")]),
    ("registro_dispositivo", _without(d.registro(REFERRED, "sicurezza"),
                                      "descrizione_preoccupazione"),
     [("descrizione_preoccupazione", "required")]),
    ("consenso", _without(d.consenso(REFERRED), "data_consenso"), [("data_consenso", "required")]),
    ("consenso", _without(d.consenso(REFERRED, dato=False), "motivo_rifiuto"),
     [("motivo_rifiuto", "required")]),
    ("assessment_t0", {**d.assessment_t0(REFERRED),
                       "mondo_t0": {**d.T0_SCORES,
                                    "ambiente": {**d.T0_SCORES["ambiente"], "casa": 7}}},
     [("mondo_t0.ambiente.casa", "enum")]),
])
def test_a_form_refuses_what_its_step_cannot_accept(real_forms, form, data, problems):
    found = real_forms.validate(f"pippi/{form}", data)
    assert sorted({(e.field, e.code) for e in found}) == problems


def test_outcome_c_after_the_final_assessment(family):
    f = family
    live_to_final_assessment(f)
    f.wait_until(date(2027, 11, 25))
    f.complete("chiusura", d.chiusura(f.today, "C"))
    f.wait_until(date(2027, 11, 26))
    f.complete("validazione_chiusura", d.validazione(f.today))
    case = f.refreshed_case()
    assert (case.status, case.outcome) == ("closed", "esito_c")
    assert f.submitted("chiusura")[0]["misura_protezione"] == (
        "Segnalazione al Tribunale per i minorenni")
    assert (f.data()["motivo_chiusura"], f.data()["esito"]) == ("t2", "C")
    assert "valutazione_sicurezza" not in [e.bpmn_id for e in f.events("task_completed")]
    assert [a for a in f.alarms() if a[2] >= date(2027, 11, 1)] == [
        ("reminder", "assessment_t2", date(2027, 11, 3))]


@pytest.mark.parametrize("who, step, data", [
    ("the home educator", "registro_educativa", d.registro(date(2027, 1, 4), "sicurezza")),
    ("the équipe", "incontro_em", d.incontro_em(date(2027, 1, 4), sicurezza=True)),
])
def test_a_safety_concern_goes_straight_to_the_referente_and_closure_c(family, who, step, data):
    f = family
    enter_programme(f, ("educativa_domiciliare", "gruppi_genitori_bambini"))
    starts = {"educativa": date(2026, 9, 10), "gruppi": date(2026, 9, 15)}
    f.wait_until(date(2027, 1, 4), Habits(starts=starts))
    assert {"registro_educativa", "registro_gruppi", "incontro_em"} <= set(f.bpmn_ids())
    f.complete(step, data)
    assert f.bpmn_ids() == ["valutazione_sicurezza"]  # every dispositivo and meeting ended
    alert = f.events("alert")  # the supervisors are notified at once
    assert [(e.title, local_day(e.at)) for e in alert] == [
        ("Segnala il rischio per la sicurezza", date(2027, 1, 4))]
    urgent = f.task("valutazione_sicurezza")
    assert (urgent.role, urgent.assignee) == ("supervisor", "marco")  # the case's referente
    assert [(e.code, e.params["to"]) for e in f.events("urgent")] == [("event.urgent", "marco")]
    # 2 working days from Mon 4 Jan 2027 skip the Epiphany (Wed 6 Jan): due Thu 7 Jan
    assert (urgent.remind_at, urgent.due_at) == (local(date(2027, 1, 5), 8),
                                                local(date(2027, 1, 8), 0))
    f.wait_until(date(2027, 1, 8), PippiCase.review_overdue_steps)
    f.complete("valutazione_sicurezza", d.valutazione_sicurezza(f.today))

    assert [a for a in f.alarms() if a[2] >= date(2027, 1, 1)] == [
        ("reminder", "valutazione_sicurezza", date(2027, 1, 5)),
        ("escalation", "valutazione_sicurezza", date(2027, 1, 8)),
    ]
    case = f.refreshed_case()
    assert (case.status, case.outcome) == ("closed", "esito_c")
    assert f.data()["motivo_chiusura"] == "sicurezza"
    assert f.submitted(step)[-1]["preoccupazione_sicurezza"] is True
    assert f.submitted("valutazione_sicurezza")[0]["misura"] == (
        "segnalazione_autorita_giudiziaria")
    assert "chiusura" not in [e.bpmn_id for e in f.events("task_completed")]


@pytest.mark.parametrize("answers, reason", [
    ({"vulnerabilita": False}, "nessuna_vulnerabilita"),
    ({"rischio_immediato": True}, "tutela_immediata"),
    ({"eta_bambino": 14}, "eta"),
    ({"disponibilita_famiglia": False}, "famiglia_non_disponibile"),
])
def test_a_family_outside_the_inclusion_criteria_is_not_admitted(family, answers, reason):
    family.wait_until(date(2026, 5, 12))
    family.complete("preassessment", d.segnalazione(family.today, **answers))
    assert family.events("decision")[0].data == {"ammissibile": False,
                                                 "motivo_esclusione": reason}
    assert family.alarms() == [("reminder", "preassessment", date(2026, 5, 11))]
    case = family.refreshed_case()
    assert (case.status, case.outcome) == ("closed", "non_ammessa")
    assert local_day(case.closed_at) == date(2026, 5, 12)
    assert family.open_tasks() == []


def test_a_refused_consent_closes_the_case_and_the_late_step_review_by_itself(family):
    family.wait_until(date(2026, 5, 5))
    family.complete("preassessment", d.segnalazione(family.today))
    family.wait_until(date(2026, 6, 8))  # consent due Thu 4 June (30 days from 5 May)
    assert family.alarms()[-2:] == [("reminder", "consenso", date(2026, 5, 30)),
                                    ("escalation", "consenso", date(2026, 6, 5))]
    family.complete("consenso", d.consenso(family.today, dato=False))
    case = family.refreshed_case()
    assert (case.status, case.outcome) == ("closed", "consenso_negato")
    assert [e.code for e in family.events("review_closed")] == [
        "event.review_closed_step_done"]  # the consent's review closed with its step
    assert family.submitted("consenso")[0]["motivo_rifiuto"].startswith("I genitori")


@pytest.mark.parametrize("chosen, started", [
    ((), []),
    (("vicinanza_solidale",), ["avvio_vicinanza"]),
    (("educativa_domiciliare", "gruppi_genitori_bambini", "partnership_scuola_servizi",
      "vicinanza_solidale"),
     ["avvio_educativa", "avvio_gruppi", "avvio_scuola", "avvio_vicinanza"]),
])
def test_only_the_dispositivi_chosen_in_the_progetto_quadro_start(family, chosen, started):
    f = family
    f.complete("preassessment", d.segnalazione(f.today))
    f.complete("consenso", d.consenso(f.today))
    f.complete("assessment_t0", d.assessment_t0(f.today))
    f.case.people = {**f.case.people, "educatore_domiciliare": "lorenza"}  # the home educator
    f.session.commit()
    f.complete("progetto_quadro", d.progetto_quadro(f.today, chosen))
    assert f.bpmn_ids() == [*started, "esito_azione", "incontro_em"]
    for row in f.open_tasks():
        if row.bpmn_id.startswith("avvio_"):
            home = row.bpmn_id == "avvio_educativa"  # to the home educator, not the EM's
            lane = "Educatore domiciliare" if home else "Équipe multidisciplinare"
            assert (row.lane, row.role, row.assignee) == (
                lane, "caseworker", "lorenza" if home else "giulia")
            # 30 days from the Progetto Quadro (27 April): due 27 May, reminder 20 May
            assert (row.remind_at, row.due_at) == (local(date(2026, 5, 20), 8),
                                                  local(date(2026, 5, 28), 0))
    educator = engine.Actor("lorenza", frozenset({"caseworker"}), f.caseworker.territories)
    for key in [s.removeprefix("avvio_") for s in started]:
        by = educator if key == "educativa" else None
        f.complete(f"avvio_{key}", d.avvio(f.today), by=by)
        f.complete(f"registro_{key}", d.registro(f.today, "concluso"), by=by)
    assert f.bpmn_ids() == ["esito_azione", "incontro_em"]
