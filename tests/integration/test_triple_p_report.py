"""The Triple P outcome report, checked against figures worked out by hand for seven families
of La Serena (one workshop place, so one family waits):

- Araya: charlas, 2 of 3 seminars → completa; ECBI 150 → 120, crianza 4.0 → 3.0, PSI 110 → 90
- Bravo: charlas, 1 of 3 → no_completa; post questionnaires not applied
- Cortés: 2 individual sessions of 2 → completa; ECBI 140 → 130, crianza 4.4 → 3.4, PSI 100 → 100
- Díaz: holds the only workshop place, two group sessions so far
- Espinoza: workshop, waiting
- Fuentes: individual sessions, leaves at the first → abandono
- González: does not take part → rechazo
"""

from datetime import date

import pytest

import engine
from engine.reports import build_report
from tests.conftest import ROOT, seed_session
from tests.integration.triple_p_driver import Office, add_la_serena
from tests.templates import Seed
from web.demo_data_triple_p import STEP_DATA, inscripcion


def live_the_families(url: str) -> dict:
    """The seven families' steps, taken once into a template database: the ids the tests
    name and the facilitator's territories."""
    with seed_session(url) as session:
        people = add_la_serena(session)
        office = Office(session, engine.FormLibrary(ROOT / "forms"), people, talleres=1)
        araya, bravo, cortes, diaz, espinoza, fuentes, gonzalez = office.refer(
            "Araya", "Bravo", "Cortés", "Díaz", "Espinoza", "Fuentes", "González")

        def steps(case_id: int, *done: tuple) -> None:
            for bpmn_id, *extra in done:
                office.complete(case_id, bpmn_id,
                                STEP_DATA[bpmn_id](office.clock.date(), *extra))

        steps(araya, ("inscripcion", "charlas"), ("cuestionarios_iniciales", 150, 4.0, 110),
              ("charla", True), ("charla", False), ("charla", True),
              ("cuestionarios_finales", 120, 3.0, 90))
        steps(bravo, ("inscripcion", "charlas"), ("cuestionarios_iniciales",),
              ("charla", True), ("charla", False), ("charla", False),
              ("cuestionarios_finales", None))
        office.complete(cortes, "inscripcion",
                        inscripcion(office.clock.date(), "individuales", 2))
        steps(cortes, ("cuestionarios_iniciales", 140, 4.4, 100), ("sesion_individual",),
              ("sesion_individual",), ("cuestionarios_finales", 130, 3.4, 100))
        steps(diaz, ("inscripcion", "talleres"), ("cuestionarios_iniciales", 160, 5.0, 120),
              ("sesion_grupal",), ("sesion_grupal",))
        steps(espinoza, ("inscripcion", "talleres"))
        steps(fuentes, ("inscripcion", "individuales"), ("cuestionarios_iniciales",),
              ("sesion_individual", True, "abandona"))
        steps(gonzalez, ("inscripcion", None))
        return {"named": (araya, espinoza, gonzalez),
                "territories": sorted(office.facilitator.territories)}


TRIPLE_P_REPORT = Seed("triple_p_report", live_the_families)


@pytest.fixture
def database_seed():
    return TRIPLE_P_REPORT


@pytest.fixture
def report(session, seed_data):
    """The report La Serena's facilitator reads, and the Araya, Espinoza, González ids."""
    territories = frozenset(seed_data["territories"])
    return build_report(session, "triple_p", territories), seed_data["named"]


def test_headline_figures(report):
    built, _ = report
    shown = {f.key: (f.value, f.detail) for f in built.figures}
    assert shown == {
        "casos": (7, "2 en curso, 5 cerradas"),
        "cupos_ocupados": (1, "de 1494 cupos"),  # 1.200 + 293 + the one workshop place
        "lista_espera": (1, None),
        "completa_pct": (50.0, "2 de 4 que la terminaron"),  # Araya, Cortés of 4 ended
        "cambio_conducta_infantil": (-20.0, "post − pre en 2 familias (negativo = mejora)"),
        "cambio_estilo_parental": (-1.0, "post − pre en 2 familias (negativo = mejora)"),
        "cambio_estres_parental": (-10.0, "post − pre en 2 familias (negativo = mejora)"),
    }


def test_places_and_completion_per_modality(report):
    built, _ = report
    assert built.breakdown("cupos").rows == (
        ("Charlas masivas", 1200, 0, 0.0, 0),
        ("Sesiones individuales", 293, 0, 0.0, 0),
        ("Talleres grupales", 1, 1, 100.0, 1),
    )
    assert built.breakdown("cumplimiento").rows == (
        ("Charlas masivas", 2, 1, 50.0, 1, 0),
        ("Sesiones individuales", 2, 1, 50.0, 0, 1),
        ("Talleres grupales", 0, 0, None, 0, 0),
    )
    assert built.breakdown("espera").rows == (
        ("Talleres grupales", "La Serena", 1, "Espinoza", date(2026, 8, 3)),)


def test_questionnaire_changes(report):
    built, _ = report
    assert built.breakdown("cuestionarios").rows == (
        ("Conducta infantil (ECBI)", 2, 145.0, 125.0, -20.0),
        ("Estilo de crianza (Escala de Parentalidad)", 2, 4.2, 3.2, -1.0),
        ("Estrés parental (PSI-SF)", 2, 105.0, 95.0, -10.0),
    )


def test_one_csv_row_per_case(report):
    built, (araya, espinoza, gonzalez) = report
    rows = {row["caso"]: row for row in built.rows}
    assert len(built.rows) == 7 and list(rows[araya]) == built.columns
    assert rows[araya] == {
        "caso": araya, "familia": "Araya", "territorio": "La Serena", "facilitador": "lucia",
        "modalidad": "Charlas masivas", "cupo": "liberado", "sesiones_registradas": 3,
        "sesiones_asistidas": 2, "llamadas_realizadas": 0, "resultado": "completa",
        "conducta_infantil_pre": 150, "conducta_infantil_post": 120,
        "conducta_infantil_cambio": -30, "estilo_parental_pre": 4.0,
        "estilo_parental_post": 3.0, "estilo_parental_cambio": -1.0,
        "estres_parental_pre": 110, "estres_parental_post": 90, "estres_parental_cambio": -20,
        "integrantes": 0}  # referred without members
    assert (rows[espinoza]["cupo"], rows[espinoza]["resultado"]) == ("en espera", "")
    assert rows[espinoza]["conducta_infantil_pre"] is None
    assert (rows[gonzalez]["modalidad"], rows[gonzalez]["resultado"]) == ("", "rechazo")


def test_other_territories_see_nothing(session, report):
    built = build_report(session, "triple_p", [])
    assert built.figure("casos").value == 0 and built.rows == []
    assert built.figure("completa_pct").value is None
