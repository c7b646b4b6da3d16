"""The P.I.P.P.I. outcome report, against figures computed by hand.

Nine families live through the real engine, on one clock, from January 2026 to the report
date, Monday 10 January 2028: eight in the Ambito di Somma Lombardo, one in Gallarate.

==========  ==========  ===========  ===================  =========================  ========
family      consent     exit         T0 / T1 / T2         T0 → T2 side means         due now
                                     recorded             (crescere, risposte,       but
                                                          ambiente)                  missing
==========  ==========  ===========  ===================  =========================  ========
Colombo     2026-01-20  A            yes / yes / yes      (2,3,3) → (4,5,4)          —
Ferrari     2026-02-16  A            yes / yes / yes      (2,2,3) → (3,4,3.5) [1]    —
Esposito    2026-03-02  B            yes (late)/yes/yes   (3,3,3) → (4,2,4)          —
Greco       —           not admitted —                    —                          —
Gallo       —           consent no   —                    —                          —
Marino      2026-04-01  C (safety,   yes / — / —          —                          — [2]
                        2 Sep 2026)
Bruno       2027-01-11  (open)       yes / — / —          —                          T1 [3]
Ricci       2027-10-01  (open)       — / — / —            —                          T0 [4]
Conti       2026-03-04  C (safety)   yes / — / —          (Gallarate)
==========  ==========  ===========  ===================  =========================  ========

[1] Ferrari's items are not all equal: crescere 1,2,3,2,3,2,1 (14/7 = 2) → 2,3,3,3,3,3,4
    (21/7 = 3); risposte 2,2,2,3,1 (10/5 = 2) → 4,4,4,3,5 (20/5 = 4); ambiente 3,3,2,2,4,4
    (18/6 = 3) → 4,3,3,4,4,3 (21/6 = 3.5).
[2] Marino closed on 2 Sep 2026, before T1 was due (1 Jan 2027): T1 and T2 are not owed.
[3] Bruno's T1 was due 11 Oct 2027; his T2 (11 Jul 2028) is not due yet.
[4] Ricci's T0 was due 1 Dec 2027.

So, for Somma Lombardo:

- taken in charge (consent signed): Colombo, Ferrari, Esposito, Marino, Bruno, Ricci = 6;
- closed with A/B/C: 4 — A 2, B 1, C 1; positive outcome 2/4 = 50.0%, the goal (50%) reached;
- T0 recorded 5 of 6 owed (Ricci missing) = 83.3%; T1 3 of 4 (Colombo, Ferrari, Esposito;
  Bruno missing) = 75.0%; T2 3 of 3 = 100.0%;
- mean change T0→T2 over Colombo, Ferrari, Esposito: crescere (2 + 1 + 1) / 3 = 1.33,
  risposte (2 + 2 − 1) / 3 = 1.00, ambiente (1 + 0.5 + 1) / 3 = 0.83;
- children kept in the family (the latest "il bambino vive con la sua famiglia" of a closed
  family): Colombo, Ferrari (closing A: yes), Esposito (closing B: yes), Marino (safety
  assessment: no) = 3 of 4 = 75.0%. Gallarate: Conti (safety assessment: no) = 0 of 1.
"""

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

import pytest
import time_machine
from sqlalchemy import select

import engine
from engine import unit_of_work
from engine.persistence.models import HumanTask, Programme, Territory
from engine.reports import build_report
from tests.conftest import ROOT, add_territories, seed_session
from tests.entry import sweep
from tests.integration.pippi_driver import ROME
from tests.templates import Seed
from web import demo_data_pippi as d
from web.consents.steps import give_needed_consents

REPORT_DAY = date(2028, 1, 10)
FERRARI_T0 = d.mondo([1, 2, 3, 2, 3, 2, 1], [2, 2, 2, 3, 1], [3, 3, 2, 2, 4, 4])
FERRARI_T2 = d.mondo([2, 3, 3, 3, 3, 3, 4], [4, 4, 4, 3, 5], [4, 3, 3, 4, 4, 3])


@dataclass
class Story:
    """One family: when it is referred, where, and what its équipe enters on which day."""

    family: str
    referred: date
    steps: list[tuple[date, str, dict]]
    territory: str = "somma_lombardo"


def entered(referred: date, consent: date, t0: date, plan: date, scores: dict,
            dispositivi=()) -> list[tuple[date, str, dict]]:
    """Pre-assessment two days after the referral, consent, T0 and the Progetto Quadro."""
    return [(referred + timedelta(days=2), "preassessment", d.segnalazione(referred)),
            (consent, "consenso", d.consenso(consent)),
            (t0, "assessment_t0", d.assessment_t0(t0, scores)),
            (plan, "progetto_quadro", d.progetto_quadro(plan, dispositivi))]


def completed(t1: date, t2: date, t2_scores: dict, esito: str) -> list[tuple[date, str, dict]]:
    """T1, T2, the closing proposal four days later and its validation the day after."""
    close = t2 + timedelta(days=4)
    return [(t1, "assessment_t1", d.assessment_t1(t1)),
            (t2, "assessment_t2", d.assessment_t2(t2, t2_scores)),
            (close, "chiusura", d.chiusura(close, esito)),
            (close + timedelta(days=1), "validazione_chiusura", d.validazione(close))]


STORIES = [
    Story("Colombo", date(2026, 1, 7),
          entered(date(2026, 1, 7), date(2026, 1, 20), date(2026, 3, 10), date(2026, 4, 10),
                  d.mondo(2, 3, 3), ("educativa_domiciliare",))
          + [(date(2026, 4, 15), "avvio_educativa", d.avvio(date(2026, 4, 15)))]
          + completed(date(2026, 9, 25), date(2027, 6, 1), d.mondo(4, 5, 4), "A")),
    Story("Ferrari", date(2026, 2, 2),
          entered(date(2026, 2, 2), date(2026, 2, 16), date(2026, 4, 1), date(2026, 5, 1),
                  FERRARI_T0)
          + completed(date(2026, 10, 20), date(2027, 7, 1), FERRARI_T2, "A")),
    Story("Esposito", date(2026, 2, 16),
          entered(date(2026, 2, 16), date(2026, 3, 2), date(2026, 5, 15), date(2026, 5, 29),
                  d.mondo(3, 3, 3))
          + completed(date(2026, 11, 10), date(2027, 8, 10), d.mondo(4, 2, 4), "B")),
    Story("Greco", date(2026, 3, 2),
          [(date(2026, 3, 4), "preassessment", d.preassessment(date(2026, 3, 4), False))]),
    Story("Gallo", date(2026, 3, 2),
          entered(date(2026, 3, 2), date(2026, 3, 10), date(2026, 3, 11), date(2026, 3, 12),
                  d.T0_SCORES)[:1]
          + [(date(2026, 3, 10), "consenso", d.consenso(date(2026, 3, 10), dato=False))]),
    Story("Conti", date(2026, 3, 2),
          entered(date(2026, 3, 2), date(2026, 3, 4), date(2026, 3, 5), date(2026, 3, 6),
                  d.mondo(1, 1, 1))
          + [(date(2026, 3, 20), "incontro_em", d.incontro_em(date(2026, 3, 20), True)),
             (date(2026, 3, 21), "valutazione_sicurezza",
              d.valutazione_sicurezza(date(2026, 3, 21)))], territory="gallarate"),
    Story("Marino", date(2026, 3, 16),
          entered(date(2026, 3, 16), date(2026, 4, 1), date(2026, 5, 20), date(2026, 6, 15),
                  d.mondo(2, 2, 2), ("educativa_domiciliare",))
          + [(date(2026, 6, 20), "avvio_educativa", d.avvio(date(2026, 6, 20))),
             (date(2026, 9, 1), "registro_educativa", d.registro(date(2026, 9, 1), "sicurezza")),
             (date(2026, 9, 2), "valutazione_sicurezza",
              d.valutazione_sicurezza(date(2026, 9, 2)))]),
    Story("Bruno", date(2026, 12, 28),
          entered(date(2026, 12, 28), date(2027, 1, 11), date(2027, 3, 1), date(2027, 4, 1),
                  d.mondo(3, 3, 3))),
    Story("Ricci", date(2027, 9, 13),
          entered(date(2027, 9, 13), date(2027, 10, 1), date(2028, 2, 1), date(2028, 3, 1),
                  d.T0_SCORES)[:2]),
]


class World:
    """Every family on one clock: each morning the sweep runs, the referente reviews every
    escalation, then the équipes do that day's steps."""

    def __init__(self, session, forms, people: dict):
        self.session, self.forms, self.people = session, forms, people
        self.cases: dict[str, int] = {}

    def live(self, stories: list[Story], first: date, last: date) -> None:
        with time_machine.travel(self.at(first, 9), tick=False) as traveller:
            day = first
            while day <= last:
                traveller.move_to(self.at(day, 9))
                sweep(self.session)
                self.review(day)
                for story in stories:
                    self.live_day(story, day, traveller)
                day += timedelta(days=1)

    def live_day(self, story: Story, day: date, traveller) -> None:
        caseworker, _ = self.people[story.territory]
        if story.referred == day:
            command = engine.StartCase("pippi", story.territory, caseworker.id, story.family)
            with unit_of_work(self.session):
                self.cases[story.family] = engine.start_case(self.session, command, caseworker).id
        for when, step, data in story.steps:
            if when == day:
                traveller.move_to(self.at(day, 11))
                self.complete(self.cases[story.family], step, data, story.territory)

    def review(self, day: date) -> None:
        rows = self.session.scalars(select(HumanTask).where(
            HumanTask.bpmn_id.like("revisione_%"))).all()
        for row in rows:
            territory = self.session.get(Territory, row.territory_id).code
            self.complete(row.case_id, row.bpmn_id, d.revisione(day), territory)

    def complete(self, case_id: int, step: str, data: dict, territory: str) -> None:
        row = self.session.scalars(select(HumanTask).where(
            HumanTask.case_id == case_id, HumanTask.bpmn_id == step)).first()
        assert row is not None, f"{step} is not open in case {case_id}"
        caseworker, supervisor = self.people[territory]
        actor = caseworker if row.role == "caseworker" else supervisor
        if row.assignee is None:
            with unit_of_work(self.session):
                engine.claim(self.session, row.id, actor)
        give_needed_consents(self.session, self.forms, row, data)  # the signed consent form
        with unit_of_work(self.session):
            engine.complete(self.session, self.forms, row.id, data, actor)

    @staticmethod
    def at(day: date, hour: int) -> datetime:
        return datetime.combine(day, time(hour), ROME)


def live_the_stories(url: str) -> dict:
    """Every family lived once into a template database: case ids by family, territory ids
    by code."""
    with seed_session(url) as session:
        territories = add_territories(session)
        gallarate = Territory(code="gallarate", name="Ambito di Gallarate", country="IT",
                              region="VA", timezone="Europe/Rome")
        session.add(gallarate)
        session.commit()
        people = {}
        for code, caseworker, supervisor in (("somma_lombardo", "giulia", "marco"),
                                             ("gallarate", "anna", "luca")):
            covered = frozenset({session.scalars(select(Territory.id).where(
                Territory.code == code)).one()})
            people[code] = (engine.Actor(caseworker, frozenset({"caseworker"}), covered),
                            engine.Actor(supervisor, frozenset({"supervisor"}), covered))
        forms = engine.FormLibrary(ROOT / "forms")
        with unit_of_work(session):
            engine.deploy_folder(session, ROOT / "processes" / "pippi", forms, "manager")
        lived = World(session, forms, people)
        lived.live(STORIES, date(2026, 1, 7), REPORT_DAY)
        return {"cases": lived.cases,
                "territories": {"somma_lombardo": territories["somma_lombardo"].id,
                                "gallarate": gallarate.id}}


PIPPI_REPORT = Seed("pippi_report", live_the_stories)


@pytest.fixture
def database_seed():
    return PIPPI_REPORT


@pytest.fixture
def world(seed_data):
    """(case ids by family, territory ids by code), read on the report day at noon."""
    with time_machine.travel(World.at(REPORT_DAY, 12), tick=False):
        yield seed_data["cases"], seed_data["territories"]


def values(report) -> dict:
    return {f.key: f.value for f in report.figures}


def test_somma_lombardo_figures_match_the_hand_count(session, world):
    _, territory = world
    report = build_report(session, "pippi", [territory["somma_lombardo"]])
    assert values(report) == {
        "prese_in_carico": 6,
        "esito_positivo": 50.0, "obiettivo_esito_positivo": 50.0,
        "esito_a": 2, "esito_b": 1, "esito_c": 1, "bambini_in_famiglia": 75.0,
        "completezza_t0": 83.3, "completezza_t1": 75.0, "completezza_t2": 100.0,
        "variazione_crescere": 1.33, "variazione_risposte_genitoriali": 1.0,
        "variazione_ambiente": 0.83,
    }
    positive = report.figure("esito_positivo")
    assert positive.shown() == "50.0%"
    assert positive.detail == ("2 su 4 famiglie chiuse; obiettivo dell'Ambito: almeno il 50%"
                               " — obiettivo raggiunto")
    assert report.figure("completezza_t1").detail == (
        "3 su 4 famiglie con il T1 registrato o già scaduto")
    kept = report.figure("bambini_in_famiglia")
    assert (kept.shown(), kept.detail) == (
        "75.0%", "3 su 4 famiglie chiuse con il dato registrato")
    assert report.figure("variazione_ambiente").detail == (
        "punti sulla scala da 1 a 6, 3 famiglie con T0 e T2")


def test_the_goal_comes_from_the_programme_settings(session, world):
    _, territory = world
    programme = session.get(Programme, "pippi")
    programme.settings = {**programme.settings, "obiettivi": {"esito_positivo_percentuale": 60}}
    session.commit()
    report = build_report(session, "pippi", [territory["somma_lombardo"]])
    assert report.figure("obiettivo_esito_positivo").value == 60.0
    assert report.figure("esito_positivo").detail.endswith("almeno il 60% — sotto l'obiettivo")


def test_one_csv_row_per_case_with_its_assessments(session, world):
    _, territory = world
    report = build_report(session, "pippi", [territory["somma_lombardo"]])
    rows = {row["famiglia"]: row for row in report.rows}
    assert [row["famiglia"] for row in report.rows] == [
        "Colombo", "Ferrari", "Esposito", "Greco", "Gallo", "Marino", "Bruno", "Ricci"]
    assert {name: (row["esito"], row["percorso"]) for name, row in rows.items()} == {
        "Colombo": ("esito_a", "dopo il T2"), "Ferrari": ("esito_a", "dopo il T2"),
        "Esposito": ("esito_b", "dopo il T2"), "Greco": ("non_ammessa", ""),
        "Gallo": ("consenso_negato", ""), "Marino": ("esito_c", "sicurezza"),
        "Bruno": ("", ""), "Ricci": ("", "")}
    ferrari = rows["Ferrari"]
    assert {k: v for k, v in ferrari.items() if k != "caso"} == {
        "famiglia": "Ferrari", "territorio": "Ambito di Somma Lombardo", "operatore": "giulia",
        "stato": "closed", "esito": "esito_a", "percorso": "dopo il T2",
        "data_consenso": "2026-02-16", "dispositivi": "", "bambino_in_famiglia": "sì",
        "data_t0": "2026-04-01",
        "data_t1": "2026-10-20", "data_t2": "2027-07-01", "crescere_t0": 2.0,
        "crescere_t2": 3.0, "risposte_genitoriali_t0": 2.0, "risposte_genitoriali_t2": 4.0,
        "ambiente_t0": 3.0, "ambiente_t2": 3.5, "componenti": 0}  # none registered
    assert (rows["Marino"]["dispositivi"], rows["Marino"]["data_t1"]) == (
        "educativa_domiciliare", "")
    assert {name: row["bambino_in_famiglia"] for name, row in rows.items()} == {
        "Colombo": "sì", "Ferrari": "sì", "Esposito": "sì", "Greco": "", "Gallo": "",
        "Marino": "no", "Bruno": "", "Ricci": ""}
    assert list(ferrari) == report.columns


def test_each_ambito_sees_only_its_families(session, world):
    _, territory = world
    gallarate = build_report(session, "pippi", [territory["gallarate"]])
    assert values(gallarate) == {
        "prese_in_carico": 1, "esito_positivo": 0.0, "obiettivo_esito_positivo": 50.0,
        "esito_a": 0, "esito_b": 0, "esito_c": 1, "bambini_in_famiglia": 0.0,
        "completezza_t0": 100.0, "completezza_t1": None, "completezza_t2": None,
        "variazione_crescere": None, "variazione_risposte_genitoriali": None,
        "variazione_ambiente": None,
    }
    assert gallarate.figure("esito_positivo").detail == (
        "0 su 1 famiglia chiusa; obiettivo dell'Ambito: almeno il 50% — sotto l'obiettivo")
    assert gallarate.figure("bambini_in_famiglia").detail == (
        "0 su 1 famiglia chiusa con il dato registrato")
    assert gallarate.figure("completezza_t0").detail == (
        "1 su 1 famiglia con il T0 registrato o già scaduto")
    both = build_report(session, "pippi", territory.values())
    assert values(both)["esito_c"] == 2 and len(both.rows) == 9
