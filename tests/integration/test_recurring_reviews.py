"""Overdue reviews recur while the step stays late, never two at once.

A Comunidad Crece case whose tutoring is late since Saturday 11 July 2026: the coordinator's
review opens then. When the coordinator does it on Sunday 12 July and the tutoring is still
not done, the next review opens one review period later ([plazos.revision_atraso]: 3 días
hábiles, Mon 13 – Wed 15 July, so at 00:00 on Thursday 16 July), and so on until the
tutoring is done. A second review of the same late step while one is open closes by itself.
"""

from datetime import date

import pytest

import engine
from engine import unit_of_work
from engine.commands import store
from engine.core import clock
from engine.persistence.models import ProcessInstance
from engine.runtime import reviews as runtime_reviews
from engine.runtime.workflow import TaskState
from tests.conftest import ROOT
from tests.integration.crece_driver import CreceCase, add_coquimbo, team
from tests.integration.familias_driver import local
from web.demo_data_crece import derivacion, evaluacion_ingreso, pii, tutoria

REVIEW = "revisar_atraso_tutoria"


@pytest.fixture
def late(session, real_forms):
    """A case whose tutoring is late since 11 July 2026, its review open (12 July)."""
    people = team(add_coquimbo(session))
    with unit_of_work(session):
        engine.deploy_folder(session, ROOT / "processes" / "comunidad_crece", real_forms,
                             "manager")
    c = CreceCase(session, real_forms, people, date(2026, 6, 1))
    c.complete("registrar_derivacion", derivacion(c.today))
    c.wait_until(date(2026, 6, 8))
    c.complete("evaluacion_ingreso", evaluacion_ingreso(c.today, "medio"))
    c.wait_until(date(2026, 6, 15))
    c.complete("pii", pii(c.today, con_derivacion=False))
    c.wait_until(date(2026, 6, 19))
    c.complete("tutoria", tutoria(c.today))
    c.wait_until(date(2026, 7, 12))
    yield c
    c.close()


def _review(c: CreceCase) -> None:
    """The coordinator takes the review and asks the team to act (a reminder)."""
    row = c.task(REVIEW)
    c.at(10)
    with unit_of_work(c.session):
        if row.assignee is None:
            engine.claim(c.session, row.id, c.people["rodrigo"])
        engine.complete(c.session, c.forms, row.id, {"accion": "contactar_equipo"},
                        c.people["rodrigo"])


def test_a_step_still_late_after_its_review_is_reviewed_again_each_review_period(late):
    c = late
    due = c.task("tutoria").due_at
    _review(c)
    assert c.bpmn_ids() == ["tutoria"]
    c.wait_until(date(2026, 7, 15))
    assert c.bpmn_ids() == ["tutoria"]  # the review period has not passed yet
    c.wait_until(date(2026, 7, 16))
    assert c.bpmn_ids() == [REVIEW, "tutoria"]  # still late: the second review
    c.session.expire_all()
    tutoring = c.task("tutoria")
    assert tutoring.due_at == due  # the step keeps its own due date and overdue flag
    assert tutoring.escalated_at is not None
    # its own 3 working days from Thursday 16 July (a holiday, Virgen del Carmen): 17, 20, 21
    assert c.task(REVIEW).due_at == local(date(2026, 7, 22), 0)
    c.wait_until(date(2026, 7, 30))  # nobody reviews: still one review, never a pile
    assert c.bpmn_ids() == [REVIEW, "tutoria"]
    _review(c)
    c.wait_until(date(2026, 8, 5))  # 3 working days after Thu 30 July: Wed 5 August
    assert c.bpmn_ids() == [REVIEW, "tutoria"]
    c.complete("tutoria", tutoria(c.today))
    assert REVIEW not in c.bpmn_ids()  # the third review closed by itself
    closed = [e.code for e in c.events("review_closed")]
    assert closed == ["event.review_closed_step_done"]
    escalations = [e.params["due"] for e in c.events("escalation")
                   if e.params["host"] == "Tutoría individual"]
    assert len(escalations) == 3 and len(set(escalations)) == 1  # each: due on 11 July


def test_a_done_step_is_not_reviewed_again(late):
    c = late
    _review(c)
    c.complete("tutoria", tutoria(c.today))
    c.wait_until(date(2026, 7, 20))
    assert REVIEW not in c.bpmn_ids()


def test_a_second_review_of_a_step_with_one_open_closes_by_itself(late):
    c = late
    instance = c.session.query(ProcessInstance).filter_by(case_id=c.case.id).one()
    c.at(10)
    with unit_of_work(c.session):  # as if the escalation had opened a second review
        loaded = store.load_for_update(c.session, instance.id)
        [review] = runtime_reviews.open_reviews(loaded.workflow)
        twin = review.task.parent._add_child(review.task.task_spec, TaskState.READY)
        twin.data = dict(review.task.data)
        store.save(c.session, loaded, clock.now())
    assert c.bpmn_ids() == [REVIEW, "tutoria"]
    assert c.task(REVIEW).id == str(review.task.id)  # the older one stays
    closed = c.events("review_closed")
    assert [(e.code, e.params["late_step"], e.actor) for e in closed] == [
        ("event.review_closed_duplicate", "Tutoría individual", "sistema")]
