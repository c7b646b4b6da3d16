"""The Comunidad Crece outcome report, against figures computed by hand.

Six young people live through the real engine with a moving clock: five in Coquimbo, one in
Antofagasta. Each is referred on day 0 (registered that day), evaluated on day 7 (the entry
date) and gets a PII on day 14; the tutor holds a tutoring ``every`` days after the previous
one. Tutoring intervals are the default settings: alto 7, medio 14, bajo 21 days. The report
is read on Thursday 20 August 2026 at noon.

==============  =====  ======================  =========  ====================================
young person    level  exit                    tutorings  expected: whole intervals from the
                                                held       PII to the end of the tutorings
==============  =====  ======================  =========  ====================================
Ignacio Vega    medio  egreso exitoso          25         PII 16 Jun 2025 → 12 months closed
                       (referred 2 June 2025)             10 Jun 2026: 359 d // 14 = 25
Sofía Muñoz     alto   desistimiento           5 (the 5th PII 15 Jun 2026 → withdrawal at the
                                               announces)  5th, 20 Jul: 35 d // 7 = 5
Diego Castillo  bajo   derivación a            2 (the 2nd PII 15 Jun → the coordinator refers
                       protección              alerts)     to protection 21 Jul: 36 d // 21 = 1
Camila Araya    —      no ingresa              —          —
Benjamín Tapia  medio  (open)                  2 (every   PII 15 Jun → report 20 Aug:
                                               24 days)    66 d // 14 = 4
Vega Soto       —      no ingresa (Antofagasta)
==============  =====  ======================  =========  ====================================
"""

from datetime import date, timedelta

import pytest
import time_machine
from sqlalchemy import select

import engine
from engine import unit_of_work
from engine.persistence.models import Territory
from engine.reports import build_report
from tests.conftest import ROOT, add_territories, seed_session
from tests.integration.case_driver import local_time
from tests.integration.crece_driver import CreceCase, Team, add_coquimbo, team
from tests.integration.familias_driver import SANTIAGO
from tests.templates import Seed
from web.demo_data_crece import (
    atender_alerta,
    derivacion,
    desistimiento,
    evaluacion_egreso,
    evaluacion_ingreso,
    no_ingresa,
    pii,
    tutoria,
)

REPORT_DAY = date(2026, 8, 20)
JUNE_2026 = date(2026, 6, 1)


def live_the_stories(url: str) -> dict[str, int]:
    """The six young people's cases, lived once into a template database: ids by name."""
    with seed_session(url) as session:
        territories, coquimbo = add_territories(session), add_coquimbo(session)
        forms = engine.FormLibrary(ROOT / "forms")
        with unit_of_work(session):
            engine.deploy_folder(session, ROOT / "processes" / "comunidad_crece", forms, "manager")
        antofagasta, coquimbo = team(territories["antofagasta"]), team(coquimbo)
        made = {}

        def start(name: str, received: date, people=coquimbo, territory="coquimbo"):
            made[name] = CreceCase(session, forms, people, received, name, territory)
            return made[name]

        try:
            ignacio(start("Ignacio Vega", date(2025, 6, 2)))
            sofia(start("Sofía Muñoz", JUNE_2026))
            diego(start("Diego Castillo", JUNE_2026))
            not_entering(start("Camila Araya", JUNE_2026))
            not_entering(start("Vega Soto", JUNE_2026, antofagasta, "antofagasta"))
            benjamin(start("Benjamín Tapia", JUNE_2026))
        finally:
            for c in reversed(made.values()):
                c.close()
        return {name: c.case.id for name, c in made.items()}


COMUNIDAD_CRECE_REPORT = Seed("comunidad_crece_report", live_the_stories)


@pytest.fixture
def database_seed():
    return COMUNIDAD_CRECE_REPORT


@pytest.fixture
def coquimbo(session):
    return session.scalars(select(Territory).where(Territory.code == "coquimbo")).one()


@pytest.fixture
def cases(seed_data):
    """The six young people's cases by name (the clock stays on the report day at noon)."""
    with time_machine.travel(local_time(REPORT_DAY, SANTIAGO, 12), tick=False):
        yield seed_data


def enter(c: CreceCase, level: str, habits=None, situation: str = "ninguna") -> None:
    """Registered on day 0, entry evaluation on day 7, PII (with a referral) on day 14."""
    day0 = c.today
    c.complete("registrar_derivacion", derivacion(day0))
    c.wait_until(day0 + timedelta(days=7), habits)
    c.complete("evaluacion_ingreso", {**evaluacion_ingreso(c.today, level),
                                      "situacion_educacional_laboral": situation})
    c.wait_until(day0 + timedelta(days=14), habits)
    c.complete("pii", pii(c.today))


def ignacio(c: CreceCase) -> None:
    habits = Team(every=14, review_delays=(3, 3, 3), referral_on=date(2025, 6, 19))
    enter(c, "medio", habits)
    c.wait_until(date(2026, 6, 12), habits)
    c.complete("evaluacion_egreso", evaluacion_egreso(c.today, "logrado", "en_proceso",
                                                      "no_logrado"))
    c.wait_until(date(2026, 6, 15))
    c.complete("aprobar_egreso", {"aprobado": False, "observaciones": "Revisar las metas"})
    c.wait_until(date(2026, 6, 16))
    c.complete("evaluacion_egreso", evaluacion_egreso(c.today, "logrado", "logrado",
                                                      "en_proceso"))
    c.wait_until(date(2026, 6, 17))
    c.complete("aprobar_egreso", {"aprobado": True})
    c.close()


def sofia(c: CreceCase) -> None:
    habits = Team(every=7, referral_on=date(2026, 6, 18))
    enter(c, "alto", habits)
    c.wait_until(date(2026, 7, 19), habits)
    c.wait_until(date(2026, 7, 20))
    c.complete("tutoria", tutoria(c.today, novedad="desistimiento"))
    c.wait_until(date(2026, 7, 21))
    c.complete("registrar_desistimiento", desistimiento(c.today, "ninguna"))
    c.close()


def diego(c: CreceCase) -> None:
    habits = Team(every=21, referral_on=date(2026, 6, 18))
    enter(c, "bajo", habits, situation="estudia")
    c.wait_until(date(2026, 7, 19), habits)
    c.wait_until(date(2026, 7, 20))
    c.complete("tutoria", tutoria(c.today, alerta=True))
    c.wait_until(date(2026, 7, 21))
    c.complete("atender_alerta", atender_alerta(c.today, "derivar_proteccion"))
    c.close()


def not_entering(c: CreceCase) -> None:
    c.complete("registrar_derivacion", derivacion(c.today))
    c.wait_until(c.today + timedelta(days=7))
    c.complete("evaluacion_ingreso", no_ingresa(c.today))
    c.close()


def benjamin(c: CreceCase) -> None:
    habits = Team(every=24, referral_on=date(2026, 6, 18))
    enter(c, "medio", habits)
    c.wait_until(REPORT_DAY, habits)


def figures(report) -> dict[str, tuple]:
    return {f.key: (f.value, f.detail) for f in report.figures}


def test_coquimbo_figures_and_breakdowns_match_the_hand_count(session, coquimbo, cases):
    report = build_report(session, "comunidad_crece", [coquimbo.id])
    assert figures(report) == {
        "casos": (5, "1 en curso, 4 cerrados"),  # Benjamín is still accompanied
        "ingresos": (4, "por nivel de riesgo: alto 1, medio 2, bajo 1"),  # not Camila
        "egresos": (3, "1 exitoso, 1 por desistimiento, 1 derivado a protección"),
        "egreso_exitoso_pct": (33.3, "1 de 3"),
        # only Ignacio's goals were assessed: his second exit evaluation (the first was sent
        # back) says logrado, logrado, en proceso
        "metas_logradas": (66.7, "2 de 3 metas, en 1 joven con revisión o egreso"),
        # at exit: Ignacio estudia, Sofía ninguna, Diego estudia; at entry only Diego studied
        "estudia_o_trabaja": (66.7, "2 de 3 egresados (al ingreso: 1 de 3)"),
        "sin_nuevas_infracciones": (100.0, "1 de 1"),
        # held: 25 + 5 + 2 + 2; expected: 25 + 5 + 1 + 4 (see the table above)
        "tutorias": (34, "de 35 esperadas según el nivel de riesgo (4 jóvenes con PII)"),
        "tutorias_pct": (97.1, "34 de 35"),
    }
    assert report.figure("tutorias_pct").shown() == "97.1%"
    closures = report.breakdown("cierres")
    assert [(row[0], row[1]) for row in closures.rows] == [
        ("Egreso exitoso (acompañamiento completo)", 1), ("Desistimiento", 1),
        ("Derivación a protección", 1), ("No ingresa al componente", 1)]
    assert closures.row("Desistimiento") == (1, 25.0)  # 1 of the 4 closures
    levels = report.breakdown("tutorias_por_nivel")
    # young people with a PII, tutorings held, tutorings expected
    assert levels.row("Riesgo alto") == (1, 5, 5)       # Sofía
    assert levels.row("Riesgo medio") == (2, 27, 29)    # Ignacio 25/25, Benjamín 2/4
    assert levels.row("Riesgo bajo") == (1, 2, 1)       # Diego


def test_the_csv_rows_are_one_per_case(session, coquimbo, cases):
    report = build_report(session, "comunidad_crece", [coquimbo.id])
    assert [row["joven"] for row in report.rows] == [
        "Ignacio Vega", "Sofía Muñoz", "Diego Castillo", "Camila Araya", "Benjamín Tapia"]
    rows = {row["joven"]: row for row in report.rows}
    assert rows["Ignacio Vega"] == {
        "caso": cases["Ignacio Vega"], "joven": "Ignacio Vega", "territorio": "Coquimbo",
        "profesional": "valentina", "resultado": "egreso_exitoso", "nivel_riesgo": "medio",
        "fecha_derivacion": "2025-06-02", "fecha_ingreso": "2025-06-09",
        "fecha_pii": "2025-06-16", "tutorias_realizadas": 25, "tutorias_esperadas": 25,
        "metas_pii": 3, "metas_logradas": 2, "situacion_ingreso": "ninguna",
        "situacion_egreso": "estudia", "nuevas_infracciones": False, "alertas": 0,
        "integrantes": 2}  # the young person and the mother (engine.definitions.households)
    assert (rows["Diego Castillo"]["resultado"], rows["Diego Castillo"]["alertas"],
            rows["Diego Castillo"]["situacion_egreso"]) == ("derivacion_proteccion", 1, "estudia")
    assert rows["Camila Araya"]["nivel_riesgo"] is None
    assert rows["Camila Araya"]["tutorias_esperadas"] is None
    assert (rows["Benjamín Tapia"]["resultado"], rows["Benjamín Tapia"]["situacion_egreso"],
            rows["Benjamín Tapia"]["tutorias_esperadas"]) == ("", None, 4)
    assert list(report.rows[0]) == report.columns


def test_a_report_counts_only_its_territories(session, territories, coquimbo, cases):
    antofagasta = build_report(session, "comunidad_crece", [territories["antofagasta"].id])
    assert figures(antofagasta)["casos"] == (1, "0 en curso, 1 cerrado")
    assert antofagasta.figure("egresos").value == 0
    assert antofagasta.figure("metas_logradas").shown() == "—"  # nothing to measure
    assert antofagasta.figure("tutorias_pct").shown() == "—"
    both = build_report(session, "comunidad_crece", [territories["antofagasta"].id, coquimbo.id])
    assert figures(both)["casos"] == (6, "1 en curso, 5 cerrados")
    assert both.breakdown("cierres").row("No ingresa al componente") == (2, 40.0)  # 2 of 5
