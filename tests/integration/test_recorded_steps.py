"""The engine's read-back of completed steps and their corrections, on SQLite and PostgreSQL."""

from datetime import date

import pytest
from sqlalchemy import select

import engine
from engine import unit_of_work
from engine.core.errors import InvalidInput
from engine.persistence.models import Event, HumanTask
from engine.reports import base
from web.demo_data import contacto


@pytest.fixture
def completed(session, deployed, real_forms, caseworker, supervisor):
    """A Familias case whose first contact Ana completed; returns (case id, task id)."""
    with unit_of_work(session):
        case = engine.start_case(session, engine.StartCase(
            "familias", "antofagasta", "ana", "Rojas Pérez",
            members=[{"name": "Carla Rojas", "age": 34}]), supervisor)
    task = session.scalars(select(HumanTask).where(HumanTask.case_id == case.id)).one()
    task_id = task.id
    with unit_of_work(session):
        engine.claim(session, task_id, caseworker)
    with unit_of_work(session):
        engine.complete(session, real_forms, task_id, contacto(date(2026, 3, 5)), caseworker)
    return case.id, task_id


def test_a_completed_step_reads_back_with_its_form_who_and_when(session, real_forms,
                                                                completed, supervisor):
    _case_id, task_id = completed
    step = engine.recorded_step(session, task_id, supervisor, real_forms)
    assert (step.by, step.bpmn_id, step.form_key) == ("ana", "primer_contacto",
                                                       "familias/primer_contacto")
    assert step.answers == step.submitted == contacto(date(2026, 3, 5))
    assert step.schema["properties"]["intentos"]["title"] == "Número de intentos de contacto"
    assert not step.corrected


def test_no_one_outside_the_territory_and_no_unknown_step_is_found(session, real_forms,
                                                                   completed, territories):
    _case_id, task_id = completed
    giulia = engine.Actor("giulia", frozenset({"caseworker"}),
                          frozenset({territories["somma_lombardo"].id}))
    with pytest.raises(engine.NotFound):
        engine.recorded_step(session, task_id, giulia, real_forms)
    with pytest.raises(engine.NotFound):
        engine.recorded_step(session, "no-such-task", giulia, real_forms)
    with pytest.raises(engine.NotFound), unit_of_work(session):
        engine.correct_step(session, real_forms, task_id, {}, "porque sí", giulia)


def test_the_author_corrects_and_the_original_is_kept(session, real_forms, completed,
                                                      caseworker, supervisor):
    case_id, task_id = completed
    fixed = {**contacto(date(2026, 3, 5)), "intentos": 3}
    with unit_of_work(session):
        engine.correct_step(session, real_forms, task_id, fixed, "Fueron tres intentos",
                            caseworker)
    step = engine.recorded_step(session, task_id, supervisor, real_forms)
    assert step.answers["intentos"] == 3 and step.submitted["intentos"] == 2
    [correction] = step.corrections
    assert (correction.by, correction.reason) == ("ana", "Fueron tres intentos")
    assert [(c.field, c.before, c.after) for c in correction.changes] == [("intentos", 2, 3)]
    # the reports read the trail corrected; the stored original is untouched
    [event] = base.completions(session, [case_id])[case_id]
    assert event.data["submitted"]["intentos"] == 3
    session.expire_all()
    stored = session.scalars(select(Event).where(Event.kind == "task_completed")).one()
    assert stored.data["submitted"]["intentos"] == 2


def test_only_the_author_or_a_supervisor_may_correct(session, real_forms, completed,
                                                     territories, supervisor):
    _case_id, task_id = completed
    pedro = engine.Actor("pedro", frozenset({"caseworker"}),
                         frozenset({territories["antofagasta"].id}))
    fixed = {**contacto(date(2026, 3, 5)), "intentos": 4}
    with pytest.raises(engine.NotAllowed) as refused, unit_of_work(session):
        engine.correct_step(session, real_forms, task_id, fixed, "otro motivo", pedro)
    assert refused.value.code == "policy.correct_not_allowed"
    with unit_of_work(session):
        engine.correct_step(session, real_forms, task_id, fixed, "Revisión del Jefe", supervisor)
    assert engine.recorded_step(session, task_id, pedro, real_forms).answers["intentos"] == 4


def test_a_correction_is_checked_like_a_submission(session, real_forms, completed, caseworker):
    _case_id, task_id = completed
    original = contacto(date(2026, 3, 5))
    with pytest.raises(engine.InvalidTaskData) as invalid, unit_of_work(session):
        engine.correct_step(session, real_forms, task_id, {**original, "intentos": 0},
                            "motivo", caseworker)
    assert [e.field for e in invalid.value.errors] == ["intentos"]
    with pytest.raises(InvalidInput) as unchanged, unit_of_work(session):
        engine.correct_step(session, real_forms, task_id, original, "", caseworker)
    assert {e.code for e in unchanged.value.errors} == {"required", "no_change"}
    assert session.scalars(select(Event).where(Event.kind == "step_corrected")).all() == []
