"""Overdue reviews that work, walked with a moving clock on a Comunidad Crece case: one review
per late step, with its own due date, closed by itself when the step is done, and each outcome
(remind, reassign the step, transfer the case, pause the deadlines) carried out by the engine.

The tutoring of 19 June 2026 is the last one: the next is due on 10 July (medium risk), its
escalation fires at 00:00 on Saturday 11 July and the coordinator's review opens then, due in
3 working days (Monday 13 to Wednesday 15 July).
"""

from datetime import date

import pytest
from sqlalchemy import select

import engine
import web.notifications.delivery  # noqa: F401 - notifies on the engine's events
from engine import unit_of_work
from engine.persistence.models import Case, Territory
from tests.conftest import ROOT, seed_session
from tests.integration.crece_driver import CreceCase, add_coquimbo, team, to_the_first_tutoring
from tests.integration.familias_driver import local
from tests.templates import Seed
from web.demo_data_crece import tutoria
from web.notifications.models import Notification

REVIEW = "revisar_atraso_tutoria"
REVIEW_DAY = date(2026, 7, 12)


def _people(territory: Territory) -> dict[str, engine.Actor]:
    here = frozenset({territory.id})
    return {**team(territory), "camila": engine.Actor("camila", frozenset({"caseworker"}), here)}


def live_until_late(url: str) -> int:
    """Built once per database kind: a case whose tutoring is late since 11 July 2026, its
    review open (12 July); the case's id."""
    with seed_session(url) as session:
        people = _people(add_coquimbo(session))
        forms = engine.FormLibrary(ROOT / "forms")
        with unit_of_work(session):
            engine.deploy_folder(session, ROOT / "processes" / "comunidad_crece", forms,
                                 "manager")
        c = CreceCase(session, forms, people, date(2026, 6, 1))
        try:
            to_the_first_tutoring(c)
            c.complete("tutoria", tutoria(c.today))
            c.wait_until(REVIEW_DAY)
        finally:
            c.close()
        return c.case.id


LATE = Seed("overdue_review_open", live_until_late)


@pytest.fixture
def database_seed():
    return LATE


@pytest.fixture
def people(session):
    return _people(session.scalars(select(Territory).where(Territory.code == "coquimbo")).one())


@pytest.fixture
def late(session, real_forms, people, seed_data):
    """The seed's case, its clock at 09:00 on 12 July 2026 (a fresh copy for each test)."""
    c = CreceCase.resume_with(session, real_forms, people, seed_data, REVIEW_DAY)
    yield c
    c.close()


def _staff(people):
    return people.get


def _review(c: CreceCase, people, data: dict):
    """The coordinator takes the review and submits ``data`` (people looked up in the team)."""
    row = c.task(REVIEW)
    c.at(10)
    with unit_of_work(c.session):
        if row.assignee is None:
            engine.claim(c.session, row.id, people["rodrigo"])
        engine.complete(c.session, c.forms, row.id, data, people["rodrigo"],
                        staff=_staff(people))


def test_one_review_per_late_step_with_its_own_due_date_closed_when_the_step_is_done(late):
    c = late
    assert c.bpmn_ids() == [REVIEW, "tutoria"]
    review = c.task(REVIEW)
    assert review.deadline_key == "revision_atraso"
    assert review.due_at == local(date(2026, 7, 16), 0)  # 3 working days, Mon 13 – Wed 15
    c.wait_until(date(2026, 7, 24))  # still late, nobody reviews: still one review
    assert c.bpmn_ids() == [REVIEW, "tutoria"]
    c.complete("tutoria", tutoria(c.today))  # by its tutor, Tomás
    assert c.bpmn_ids() == ["tutoria"]  # the next tutoring; the review closed by itself
    closed = c.events("review_closed")
    assert [(e.code, e.params["late_step"], e.actor) for e in closed] == [
        ("event.review_closed_step_done", "Tutoría individual", "sistema")]
    assert c.submitted(REVIEW) == []  # nobody submitted it
    # the next tutoring is late in its turn: one new review, closed when it is done
    c.wait_until(date(2026, 8, 16))
    assert c.bpmn_ids().count(REVIEW) == 1
    c.complete("tutoria", tutoria(c.today))
    assert REVIEW not in c.bpmn_ids()
    assert len(c.events("review_closed")) == 2


def test_remind_notifies_whoever_holds_the_late_step(late, people):
    c = late
    _review(c, people, {"accion": "contactar_equipo"})
    assert c.bpmn_ids() == ["tutoria"]
    assert [e.params["step"] for e in c.events("review_reminder")] == ["Tutoría individual"]
    notified = c.session.scalars(select(Notification.username).where(
        Notification.case_id == c.case.id, Notification.kind == "review_reminder")).all()
    assert notified == ["tomas"]  # the tutor holds the tutoring


def test_reassign_the_step_gives_it_to_the_person_chosen(late, people):
    c = late
    assert c.task("tutoria").assignee == "tomas"
    _review(c, people, {"accion": "reasignar", "persona_paso": "camila"})
    assert c.task("tutoria").assignee == "camila"
    assert c.refreshed_case().caseworker == "valentina"  # only the step moved
    assert [e.data["to"] for e in c.events("task_reassigned")] == ["camila"]


@pytest.mark.parametrize(("data", "field", "code"), [
    ({"accion": "reasignar", "persona_paso": "rodrigo"}, "persona_paso", "routing.needs_role"),
    ({"accion": "reasignar", "persona_paso": "nadie"}, "persona_paso", "routing.unknown_person"),
    ({"accion": "transferir", "persona_caso": "rodrigo"}, "persona_caso", "routing.needs_role"),
    ({"accion": "reasignar"}, "persona_paso", "task.invalid_data"),
    ({"accion": "pausar"}, "motivo_pausa", "task.invalid_data"),
])
def test_an_outcome_that_cannot_be_carried_out_is_refused_and_changes_nothing(late, people,
                                                                             data, field,
                                                                             code):
    c = late
    with pytest.raises(engine.InvalidTaskData) as refused:
        _review(c, people, data)
    assert (refused.value.code, [e.field for e in refused.value.errors]) == (code, [field])
    c.session.rollback()
    assert c.bpmn_ids() == [REVIEW, "tutoria"]
    assert c.task("tutoria").assignee == "tomas"


def test_transfer_the_case_moves_it_and_its_open_steps(late, people):
    c = late
    with unit_of_work(c.session):  # the dupla had taken the tutoring over
        engine.reassign(c.session, c.task("tutoria").id, "valentina", people["rodrigo"])
    _review(c, people, {"accion": "transferir", "persona_caso": "camila"})
    case = c.session.get(Case, c.case.id)
    assert case.caseworker == "camila"
    assert c.task("tutoria").assignee == "camila"  # the old caseworker's open step followed
    moved = c.events("case_transferred")
    assert [(e.data["from"], e.data["to"], e.actor) for e in moved] == [
        ("valentina", "camila", "rodrigo")]


def test_pause_the_deadlines_with_the_reason_given(late, people):
    c = late
    _review(c, people, {"accion": "pausar", "motivo_pausa": "Licencia médica del tutor"})
    assert c.refreshed_case().deadlines_paused_at is not None
    assert [e.params["reason"] for e in c.events("deadlines_paused")] == [
        "Licencia médica del tutor"]
    assert c.bpmn_ids() == ["tutoria"]
