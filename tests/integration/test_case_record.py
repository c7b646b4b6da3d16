"""The case file's record: the Matriz de Bienestar and Il Mondo del Bambino over time, and
the current plan, read from real cases walked through the engine (SQLite and PostgreSQL)."""

import pytest

import engine
from engine import unit_of_work
from tests.conftest import ROOT, add_territories, seed_session
from tests.integration.recorded_walk import walk
from tests.templates import Seed
from web import demo_data, demo_data_crece, demo_data_pippi
from web.demo_data import _accompanied

FAMILIAS = {"family": "Soto Fuentes", "programme": "familias", "territory": "antofagasta",
            "caseworker": "ana",
            "steps": [*_accompanied(2), ("seguimiento", 5), ("evaluacion_final", 700)]}
PIPPI = next(c for c in demo_data_pippi.DEMO_CASES if c["family"] == "Bruno Galli")


def _deploy(session, forms, programme):
    with unit_of_work(session):
        engine.deploy_folder(session, ROOT / "processes" / programme, forms, "manager")


def walk_soto(url: str) -> int:
    """Built once per database kind: the Soto Fuentes family's case walked to its final
    evaluation; the case's id."""
    with seed_session(url) as session:
        add_territories(session)
        forms = engine.FormLibrary(ROOT / "forms")
        _deploy(session, forms, "familias")
        return walk(session, session.get_bind(), forms, demo_data, FAMILIAS)


SOTO = Seed("record_soto_fuentes", walk_soto, cheap=True)  # quicker than a PostgreSQL copy


@pytest.fixture
def database_seed(request):
    """The tests of the Soto Fuentes case start from its seed; the others from nothing."""
    return SOTO if "soto" in request.fixturenames else None


@pytest.fixture
def soto(seed_data):
    return seed_data


def test_the_matriz_shows_diagnosis_follow_up_and_final_evaluation_side_by_side(
        session, real_forms, soto, supervisor):
    found = engine.trajectory(session, soto, supervisor, real_forms)
    assert found.title == "Matriz de Bienestar" and found.coded and found.provisional
    titles = [c.title for c in found.columns]
    assert titles[0].startswith("Diagnóstico") and titles[-1].startswith("Evaluación final")
    assert [c.partial for c in found.columns] == [False, True, False]
    rows = {r.code: r for g in found.groups for r in g.rows}
    i33 = rows["i33"]  # critical at diagnosis and follow-up, achieved at the end
    assert [c.label for c in i33.cells] == ["Crítico", "Crítico", "Cumplido"]
    assert [c.trend for c in i33.cells] == [None, "same", "better"]
    assert [c.value for c in rows["i32"].cells] == ["a_trabajar", None, "a_trabajar"]
    assert rows["p_ing_01"].provisional and not rows["i32"].provisional
    assert {g.label for g in found.groups} >= {"Salud", "Ingresos"}


def test_a_correction_of_the_diagnosis_shows_in_the_matriz(session, real_forms, soto,
                                                           caseworker, supervisor):
    diagnosis = engine.trajectory(session, soto, supervisor, real_forms).columns[0]
    step = engine.recorded_step(session, diagnosis.task_id, supervisor, real_forms)
    fixed = {**step.answers, "matriz": {**step.answers["matriz"], "i33": "cumplido"}}
    with unit_of_work(session):
        engine.correct_step(session, real_forms, diagnosis.task_id, fixed,
                            "El indicador se registró en la fila equivocada", supervisor)
    rows = {r.code: r for g in engine.trajectory(session, soto, caseworker, real_forms).groups
            for r in g.rows}
    assert [c.trend for c in rows["i33"].cells] == [None, "worse", "better"]  # vs the last known


def test_the_current_family_plan_lists_goals_actions_who_and_due(session, real_forms, soto,
                                                                caseworker):
    plan = engine.current_plan(session, soto, caseworker, real_forms)
    [goal] = plan.goals
    assert (goal.area, goal.text) == ("Trabajo y Seguridad Social", "Empleo estable")
    [action] = goal.actions
    assert (action.text, action.who) == ("Postular a Yo Trabajo", "Carla")
    assert action.due and goal.state is None  # Familias reviews no goal one by one


def test_il_mondo_del_bambino_t0_t1_t2_with_side_averages(session, sql_engine, real_forms,
                                                          territories):
    _deploy(session, real_forms, "pippi")
    case_id = walk(session, sql_engine, real_forms, demo_data_pippi, PIPPI)
    marco = engine.Actor("marco", frozenset({"supervisor"}),
                         frozenset({territories["somma_lombardo"].id}))
    found = engine.trajectory(session, case_id, marco, real_forms)
    assert len(found.columns) == 3 and not found.coded
    crescere = found.groups[0]
    assert crescere.label == "Il mio crescere"
    first = crescere.rows[0]
    assert first.label == "Salute e crescita"
    assert [c.value for c in first.cells] == [2, 3, 4]
    assert [c.trend for c in first.cells] == [None, "better", "better"]
    assert first.cells[0].label == "2 — Difficoltà"
    average = crescere.rows[-1]
    assert average.average and [c.label for c in average.cells] == ["2.0", "3.0", "4.0"]
    plan = engine.current_plan(session, case_id, marco, real_forms)
    [goal] = plan.goals
    assert (goal.state, goal.achieved) == ("Raggiunto", True)
    assert goal.reviewed_in.startswith("Assessment finale")
    giulia_elsewhere = engine.Actor("ana", frozenset({"caseworker"}),
                                    frozenset({territories["antofagasta"].id}))
    with pytest.raises(engine.NotFound):
        engine.trajectory(session, case_id, giulia_elsewhere, real_forms)
    with pytest.raises(engine.NotFound):
        engine.current_plan(session, case_id, giulia_elsewhere, real_forms)


def test_the_current_pii_shows_each_goal_as_the_latest_review_left_it(session, sql_engine,
                                                                      real_forms, supervisor):
    _deploy(session, real_forms, "comunidad_crece")
    spec = next(c for c in demo_data_crece.DEMO_CASES if c["family"] == "Ignacio Vega")
    case_id = walk(session, sql_engine, real_forms, demo_data_crece,
                   {**spec, "territory": "antofagasta", "caseworker": "ana"})
    plan = engine.current_plan(session, case_id, supervisor, real_forms)
    assert plan.title.startswith("Plan de Intervención Individual")
    assert len(plan.goals) == len(demo_data_crece.METAS)
    school = next(g for g in plan.goals if g.area == "Escuela")
    assert school.actions[0].who == "Dupla y joven" and school.actions[0].due
    assert school.state is not None and school.reviewed_in
    assert engine.trajectory(session, case_id, supervisor, real_forms) is None  # no instrument
