"""Programa Familias: an administrator repairs a case by moving it back to a step it passed.

The caseworker recorded that the family accepted when it had refused: the case went down the
wrong branch of «¿Acepta participar?» to the diagnosis. The administrator moves it back to
the entry step, which is redone, and the case goes the right way (it closes as a refusal).
"""

from datetime import date, timedelta

import pytest
from sqlalchemy import select

import engine
from engine import unit_of_work
from engine.core.errors import Conflict, InvalidInput, NotAllowed, NotFound
from engine.persistence.models import Event, HumanTask, Timer
from tests.conftest import ROOT
from tests.entry import run
from tests.integration.familias_driver import FamiliaCase, local_day
from tests.integration.test_concurrency import at_once
from web.demo_data import contacto, diagnostico, ingreso

ALLOCATED = date(2026, 3, 2)
REASON = "La familia rechazó participar; se registró «acepta» por error."
ALERT = {"fecha": "2026-03-04", "gravedad": "urgente",
         "descripcion": "Marcas de golpes en el menor."}
REFUSAL = {"respuesta": "rechaza", "motivo_rechazo": "No desean participar"}


@pytest.fixture
def family(session, real_forms, territories, caseworker, supervisor):
    with unit_of_work(session):
        engine.deploy_folder(session, ROOT / "processes" / "familias", real_forms, "manager")
    case = FamiliaCase(session, real_forms, caseworker, supervisor, ALLOCATED)
    case.wait_until(date(2026, 3, 4))
    case.complete("primer_contacto", contacto(case.today))
    case.complete("ingreso", ingreso(case.today))  # by mistake: the family refused
    yield case
    case.close()


@pytest.fixture
def admin(territories):
    return engine.Actor("ines", frozenset({"admin"}), frozenset({territories["antofagasta"].id}))


def move(f: FamiliaCase, admin, to: str, reason: str = REASON, version: int | None = None):
    f.at(12)
    version = f.instance().lock_version if version is None else version
    with unit_of_work(f.session):
        plan = engine.move_case(f.session, admin, f.case.id, to, reason, version)
    f.check_round_trip()
    return plan


def timers(f: FamiliaCase) -> dict[str, object]:
    rows = f.session.scalars(select(Timer).where(Timer.instance_id == f.instance().id))
    return {r.bpmn_id: r.due_at for r in rows}


def test_the_steps_passed_are_the_destinations_in_the_order_last_passed(family, admin):
    found = engine.step_destinations(family.session, admin, family.case.id)
    assert [(d.bpmn_id, d.name, d.done_by) for d in found] == [
        ("primer_contacto", "Primer contacto con la familia", "ana"),
        ("ingreso", "Invitación, ingreso y Carta de Compromiso", "ana")]


def test_the_dry_run_tells_what_would_happen_and_changes_nothing(family, admin):
    before = (family.instance().lock_version, family.instance().state, family.bpmn_ids(),
              len(family.events()))
    plan = engine.plan_case_move(family.session, admin, family.case.id, "ingreso")
    assert [s.bpmn_id for s in plan.closing] == ["diagnostico"]
    assert [s.bpmn_id for s in plan.opening] == ["ingreso"]
    assert {(d.step, d.kind) for d in plan.deadlines_ended} == {
        ("Diagnóstico con la Matriz de Bienestar", "reminder"),
        ("Diagnóstico con la Matriz de Bienestar", "escalation")}
    assert {(d.step, d.kind) for d in plan.deadlines_started} == {
        ("Invitación, ingreso y Carta de Compromiso", "reminder"),
        ("Invitación, ingreso y Carta de Compromiso", "escalation")}
    assert [u.bpmn_id for u in plan.undone] == ["ingreso"]
    assert {"respuesta", "fecha_ingreso", "carta_firmada"} <= set(plan.cleared)
    family.session.expire_all()
    assert (family.instance().lock_version, family.instance().state, family.bpmn_ids(),
            len(family.events())) == before


def test_a_wrong_branch_is_undone_by_going_back_to_the_deciding_step(family, admin):
    undone_task = family.events("task_completed")[-1].task_id
    plan = move(family, admin, "ingreso")
    assert plan.to.bpmn_id == "ingreso"
    assert family.bpmn_ids() == ["ingreso"]
    assert family.data().get("respuesta") is None
    moved = family.events("case_step_moved")[-1]
    assert (moved.actor, moved.code, moved.params) == ("ines", "event.case_step_moved", {
        "from_steps": "Diagnóstico con la Matriz de Bienestar",
        "to_step": "Invitación, ingreso y Carta de Compromiso", "reason": REASON})
    assert moved.data["undone"] == [undone_task]
    # the undone completion stays in the history, and its recorded step still reads
    step = engine.recorded_step(family.session, undone_task, admin, family.forms)
    assert step.submitted["respuesta"] == "acepta"
    family.complete("ingreso", {**REFUSAL, "fecha_ingreso": family.today.isoformat()})
    case = family.refreshed_case()
    assert (case.status, case.outcome) == ("closed", "rechazo")
    assert family.open_tasks() == []


def test_a_case_moved_back_before_a_step_redoes_every_step_from_there(family, admin):
    move(family, admin, "primer_contacto")
    assert family.bpmn_ids() == ["primer_contacto"]
    family.complete("primer_contacto", contacto(family.today))
    family.complete("ingreso", ingreso(family.today))
    family.complete("diagnostico", diagnostico(family.today))
    assert family.bpmn_ids() == ["plan"]
    assert len(family.submitted("ingreso")) == 2


def test_the_closed_steps_deadlines_end_and_the_reopened_step_gets_its_own_again(family, admin):
    old = timers(family)
    assert {"recordatorio_diagnostico", "atraso_diagnostico"} <= set(old)
    family.wait_until(date(2026, 3, 16))
    move(family, admin, "ingreso")
    new = timers(family)
    assert not {"recordatorio_diagnostico", "atraso_diagnostico"} & set(new)
    # the entry's deadline is recomputed by its rule: 30 days from the allocation
    assert local_day(new["atraso_ingreso"] - timedelta(hours=1)) == date(2026, 4, 1)
    row = family.task("ingreso")
    assert row.due_at == new["atraso_ingreso"]
    reminder_day = local_day(new["recordatorio_ingreso"])
    family.wait_until(reminder_day - timedelta(days=1))
    assert ("reminder", "ingreso") not in {(k, d) for k, d, _ in family.alarms()}
    family.wait_until(reminder_day)
    fired = [(k, d, day) for k, d, day in family.alarms() if day >= date(2026, 3, 16)]
    assert ("reminder", "ingreso", reminder_day) in fired
    assert not [a for a in fired if a[1] == "diagnostico"]


def test_a_move_planned_before_someone_completed_a_step_is_refused(family, admin):
    plan = engine.plan_case_move(family.session, admin, family.case.id, "ingreso")
    family.complete("diagnostico", diagnostico(family.today))
    with pytest.raises(Conflict) as refused:
        move(family, admin, "ingreso", version=plan.lock_version)
    assert refused.value.code == "move.case_changed"
    assert refused.value.params["by"] == "ana"
    assert "Diagnóstico" in refused.value.params["step"]
    family.session.rollback()
    assert family.bpmn_ids() == ["plan"]
    assert family.events("case_step_moved") == []


def test_only_an_administrator_of_the_case_territory_may_move_it(family, admin, territories,
                                                               caseworker, supervisor, manager):
    s, case_id = family.session, family.case.id
    for person in (caseworker, supervisor, manager):
        with pytest.raises(NotAllowed) as refused:
            engine.plan_case_move(s, person, case_id, "ingreso")
        assert refused.value.code == "policy.move_not_allowed"
    elsewhere = engine.Actor("piero", frozenset({"admin"}),
                             frozenset({territories["somma_lombardo"].id}))
    with pytest.raises(NotFound):
        engine.plan_case_move(s, elsewhere, case_id, "ingreso")
    with pytest.raises(NotFound), unit_of_work(s):
        engine.move_case(s, elsewhere, case_id, "ingreso", REASON, 1)


def test_a_move_needs_a_reason_and_a_step_the_case_passed(family, admin):
    version = family.instance().lock_version
    for reason in ("", "   ", "x" * 501):
        with pytest.raises(InvalidInput), unit_of_work(family.session):
            engine.move_case(family.session, admin, family.case.id, "ingreso", reason, version)
    for step in ("plan", "diagnostico", "no_such_step"):
        with pytest.raises(InvalidInput), unit_of_work(family.session):
            engine.move_case(family.session, admin, family.case.id, step, REASON, version)
    assert family.events("case_step_moved") == []


def test_a_closed_case_is_not_moved(family, admin):
    move(family, admin, "ingreso")
    family.complete("ingreso", {**REFUSAL, "fecha_ingreso": family.today.isoformat()})
    with pytest.raises(Conflict) as refused:
        engine.plan_case_move(family.session, admin, family.case.id, "ingreso")
    assert refused.value.code == "move.case_closed"
    assert len(family.session.scalars(select(Event).where(
        Event.kind == "case_step_moved")).all()) == 1
    assert family.session.scalars(select(HumanTask)).all() == []


def test_two_administrators_moving_at_once_one_wins_and_the_other_is_told(family, admin,
                                                                        new_session):
    other = engine.Actor("tere", frozenset({"admin"}), admin.territories)
    version = family.instance().lock_version
    family.session.rollback()
    outcomes = at_once(
        lambda: run(new_session(), engine.move_case, admin, family.case.id, "ingreso", REASON,
                    version),
        lambda: run(new_session(), engine.move_case, other, family.case.id, "primer_contacto",
                    REASON, version))
    refused = [o for o in outcomes if isinstance(o, Exception)]
    assert len(refused) == 1 and isinstance(refused[0], Conflict)
    assert refused[0].code in ("move.case_changed", "case.changed_concurrently", "case.busy")
    family.session.expire_all()
    assert len(family.events("case_step_moved")) == 1
    assert len(family.bpmn_ids()) == 1


def test_an_act_in_progress_stays_open_when_the_main_path_moves(family, admin):
    family.at(15)
    with unit_of_work(family.session):
        engine.perform_act(family.session, family.forms, family.case.id, "alerta_proteccion",
                           ALERT, family.caseworker)
    assert sorted(family.bpmn_ids()) == ["atender_alerta_proteccion", "diagnostico"]
    plan = move(family, admin, "ingreso")
    assert [s.bpmn_id for s in plan.closing] == ["diagnostico"]
    assert sorted(family.bpmn_ids()) == ["atender_alerta_proteccion", "ingreso"]
