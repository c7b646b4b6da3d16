"""Comunidad Crece: an administrator moves a case back to a step it passed. Back to the PII
from the accompaniment (its subprocess, its tutoring and its timers close); back before the
entry evaluation, whose deadline then runs from the referral's corrected date."""

from datetime import date, timedelta

import pytest
from sqlalchemy import select

import engine
from engine import unit_of_work
from engine.commands import store
from engine.persistence.models import Timer
from tests.conftest import ROOT
from tests.integration.crece_driver import CreceCase, add_coquimbo, team
from tests.integration.familias_driver import local_day
from web.demo_data_crece import derivacion, evaluacion_ingreso, pii

RECEIVED = date(2026, 3, 26)


@pytest.fixture
def young(session, real_forms, territories):
    coquimbo = add_coquimbo(session)
    people = team(coquimbo)
    people["ines"] = engine.Actor("ines", frozenset({"admin"}), frozenset({coquimbo.id}))
    with unit_of_work(session):
        engine.deploy_folder(session, ROOT / "processes" / "comunidad_crece", real_forms,
                             "manager")
    case = CreceCase(session, real_forms, people, RECEIVED)
    case.wait_until(date(2026, 3, 30))
    case.complete("registrar_derivacion", derivacion(RECEIVED))
    yield case
    case.close()


def move(c: CreceCase, to: str, reason: str = "Corrección pedida por la coordinación"):
    c.at(12)
    with unit_of_work(c.session):
        plan = engine.move_case(c.session, c.people["ines"], c.case.id, to, reason,
                                c.instance().lock_version)
    c.check_round_trip()
    return plan


def timers(c: CreceCase) -> dict:
    rows = c.session.scalars(select(Timer).where(Timer.instance_id == c.instance().id))
    return {r.bpmn_id: r.due_at for r in rows}


def test_back_from_the_accompaniment_to_the_plan_closes_the_subprocess_and_its_timers(young):
    c = young
    c.complete("evaluacion_ingreso", evaluacion_ingreso(c.today, "medio"))
    c.complete("pii", pii(c.today, False))
    assert c.bpmn_ids() == ["tutoria"]
    assert "atraso_tutoria" in timers(c)
    plan = move(c, "pii")
    assert [s.bpmn_id for s in plan.closing] == ["tutoria"]
    assert [s.bpmn_id for s in plan.opening] == ["pii"]
    assert c.bpmn_ids() == ["pii"]
    assert not {"atraso_tutoria", "recordatorio_tutoria", "espera_revision"} & set(timers(c))
    loaded = store.load(c.session, c.instance().id, lock=False)
    assert loaded.workflow.subprocesses == {}
    c.session.rollback()
    c.complete("pii", pii(c.today, False))
    assert c.bpmn_ids() == ["tutoria"]
    assert len(c.submitted("pii")) == 2


def test_back_before_the_entry_evaluation_its_deadline_runs_from_the_corrected_referral(young):
    c = young
    first_due = c.task("evaluacion_ingreso").due_at
    c.complete("evaluacion_ingreso", evaluacion_ingreso(c.today, "medio"))
    assert c.bpmn_ids() == ["pii"]
    plan = move(c, "registrar_derivacion")
    assert [u.bpmn_id for u in plan.undone] == ["registrar_derivacion", "evaluacion_ingreso"]
    assert c.bpmn_ids() == ["registrar_derivacion"]
    assert not {"atraso_pii", "recordatorio_pii"} & set(timers(c))
    c.complete("registrar_derivacion", derivacion(date(2026, 4, 6)))  # the right date
    new_due = c.task("evaluacion_ingreso").due_at
    assert new_due > first_due + timedelta(days=7)
    reminder_day = local_day(timers(c)["recordatorio_evaluacion_ingreso"])
    c.wait_until(reminder_day - timedelta(days=1))
    assert ("reminder", "evaluacion_ingreso") not in {(k, d) for k, d, _ in c.alarms()}
    c.wait_until(reminder_day)
    assert ("reminder", "evaluacion_ingreso", reminder_day) in c.alarms()
    assert not [a for a in c.alarms() if a[1] == "pii"]
