"""Drafts and pauses follow the rules: only the assignee edits a draft (audited), a supervisor
reads it labelled with whose it is, and only the case's caseworker or a supervisor of the
territory pauses or resumes its deadlines."""

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select

import engine
from engine import unit_of_work
from engine.persistence.models import Case, Event, HumanTask
from tests.conftest import FIXTURES

MARCH_2 = datetime(2026, 3, 2, 12, tzinfo=UTC)
LATER = MARCH_2 + timedelta(hours=2)


@pytest.fixture
def people(territories, caseworker, supervisor):
    ant, somma = territories["antofagasta"].id, territories["somma_lombardo"].id
    return {
        "ana": caseworker,
        "pedro": engine.Actor("pedro", frozenset({"caseworker"}), frozenset({ant})),
        "jorge": supervisor,
        "marta": engine.Actor("marta", frozenset({"manager"}), frozenset({ant})),
        "giulia": engine.Actor("giulia", frozenset({"caseworker"}), frozenset({somma})),
        "marco": engine.Actor("marco", frozenset({"supervisor"}), frozenset({somma})),
    }


@pytest.fixture
def visit(session, fixture_forms, people):
    """A mini case held by ana, and its open visit step (assigned to ana)."""
    with unit_of_work(session):
        engine.deploy_folder(session, FIXTURES / "mini", fixture_forms, "tester")
    command = engine.StartCase("mini", "antofagasta", "ana", "Pérez Soto")
    with unit_of_work(session):
        case = engine.start_case(session, command, people["ana"], MARCH_2)
    return session.scalars(select(HumanTask).where(HumanTask.case_id == case.id)).one()


def events(session, kind):
    return list(session.scalars(select(Event).where(Event.kind == kind).order_by(Event.id)))


def test_the_assignee_saves_a_draft_and_the_trail_records_it_without_a_copy(
        session, fixture_forms, visit, people):
    with unit_of_work(session):
        engine.save_draft(session, fixture_forms, visit.id, {"ubicada": True}, people["ana"], LATER)
    session.expire_all()
    assert session.get(HumanTask, visit.id).draft == {"ubicada": True}
    [saved] = events(session, "draft_saved")
    assert (saved.actor, saved.at, saved.task_id) == ("ana", LATER, visit.id)
    # the field names and the size, not a copy of what was typed
    assert saved.data == {"task": visit.id, "fields": ["ubicada"],
                          "bytes": len('{"ubicada": true}')}


def test_a_supervisor_reads_the_draft_labelled_with_its_author_and_a_colleague_does_not(
        session, fixture_forms, visit, people):
    with unit_of_work(session):
        engine.save_draft(session, fixture_forms, visit.id, {"fecha": "2026-03-04"}, people["ana"],
                          LATER)
    row = session.get(HumanTask, visit.id)
    draft = engine.draft_for(session, row, people["jorge"])
    assert (draft.data, draft.author, draft.saved_at) == ({"fecha": "2026-03-04"}, "ana", LATER)
    assert engine.draft_for(session, row, people["ana"]).author == "ana"
    assert engine.draft_for(session, row, people["pedro"]) is None
    assert engine.draft_for(session, row, people["marco"]) is None


def test_a_colleague_cannot_overwrite_the_assignees_draft_and_nothing_changes(
        session, fixture_forms, visit, people):
    with unit_of_work(session):
        engine.save_draft(session, fixture_forms, visit.id, {"ubicada": True}, people["ana"], LATER)
    with pytest.raises(engine.NotAllowed), unit_of_work(session):
        engine.save_draft(session, fixture_forms, visit.id, {"ubicada": False}, people["pedro"])
    # a supervisor reads, but does not edit
    with pytest.raises(engine.NotAllowed), unit_of_work(session):
        engine.save_draft(session, fixture_forms, visit.id, {"ubicada": False}, people["jorge"])
    with pytest.raises(engine.NotFound), unit_of_work(session):
        engine.save_draft(session, fixture_forms, visit.id, {"ubicada": False}, people["giulia"])
    session.expire_all()
    assert session.get(HumanTask, visit.id).draft == {"ubicada": True}
    assert [e.actor for e in events(session, "draft_saved")] == ["ana"]


def test_saving_a_draft_on_a_pool_task_claims_it_for_whoever_saves(
        session, fixture_forms, visit, people):
    with unit_of_work(session):
        engine.release(session, visit.id, people["ana"], LATER)
    with unit_of_work(session):
        engine.save_draft(session, fixture_forms, visit.id, {"ubicada": True}, people["pedro"],
                          LATER + timedelta(minutes=1))
    session.expire_all()
    row = session.get(HumanTask, visit.id)
    assert (row.assignee, row.draft) == ("pedro", {"ubicada": True})
    assert [e.kind for e in events(session, "task_claimed")] == ["task_claimed"]
    with pytest.raises(engine.NotAllowed), unit_of_work(session):
        engine.save_draft(session, fixture_forms, visit.id, {}, people["ana"])


@pytest.mark.parametrize("draft", [
    ["ubicada"],                                  # not an object
    "ubicada",
    {"ubicada": True, "contraseña": "x"},         # a field the form does not have
    {"fecha": "2026\x0003"},                      # a NUL PostgreSQL would refuse
    {"fecha": float("nan")},                      # not JSON
    {"fecha": "x" * (engine.MAX_DRAFT_BYTES + 1)},  # over 256 KB
])
def test_a_draft_of_the_wrong_type_or_size_is_refused_and_changes_nothing(
        session, fixture_forms, visit, people, draft):
    with unit_of_work(session):
        engine.save_draft(session, fixture_forms, visit.id, {"ubicada": True}, people["ana"], LATER)
    with pytest.raises(engine.InvalidTaskData), unit_of_work(session):
        engine.save_draft(session, fixture_forms, visit.id, draft, people["ana"])
    session.expire_all()
    assert session.get(HumanTask, visit.id).draft == {"ubicada": True}
    assert len(events(session, "draft_saved")) == 1


def test_a_draft_just_under_the_limit_is_kept(session, fixture_forms, visit, people):
    text = "x" * (engine.MAX_DRAFT_BYTES - len('{"fecha": ""}'))
    with unit_of_work(session):
        engine.save_draft(session, fixture_forms, visit.id, {"fecha": text}, people["ana"])
    session.expire_all()
    assert session.get(HumanTask, visit.id).draft == {"fecha": text}


def test_a_completed_step_says_who_completed_it_and_when(session, fixture_forms, visit, people):
    done = {"ubicada": True, "fecha": "2026-03-02"}
    with unit_of_work(session):
        engine.complete(session, fixture_forms, visit.id, done, people["ana"], LATER)
    with pytest.raises(engine.AlreadyCompleted) as again, unit_of_work(session):
        engine.complete(session, fixture_forms, visit.id, done, people["ana"])
    assert (again.value.completion.by, again.value.completion.at) == ("ana", LATER)
    with pytest.raises(engine.AlreadyCompleted), unit_of_work(session):
        engine.save_draft(session, fixture_forms, visit.id, {}, people["ana"])
    completion = engine.completion_of(session, visit.id, people["pedro"])
    assert (completion.by, completion.form_key, completion.title) == ("ana", "mini/visita",
                                                                      "Visita")
    assert engine.completion_of(session, visit.id, people["giulia"]) is None
    # another territory learns nothing
    with pytest.raises(engine.NotFound), unit_of_work(session):
        engine.complete(session, fixture_forms, visit.id, done, people["giulia"])
    assert engine.completion_of(session, "no-such-task", people["ana"]) is None


def test_the_cases_caseworker_and_a_supervisor_pause_and_resume(session, visit, people):
    case_id = visit.case_id
    with unit_of_work(session):
        engine.pause_deadlines(session, case_id, people["ana"], "viaje", LATER)
    with unit_of_work(session):
        engine.resume_deadlines(session, case_id, people["jorge"], LATER + timedelta(days=3))
    with unit_of_work(session):
        engine.pause_deadlines(session, case_id, people["jorge"], "hospital",
                               LATER + timedelta(days=4))
    with unit_of_work(session):
        engine.resume_deadlines(session, case_id, people["ana"], LATER + timedelta(days=5))
    assert [e.actor for e in events(session, "deadlines_paused")] == ["ana", "jorge"]
    assert [e.actor for e in events(session, "deadlines_resumed")] == ["jorge", "ana"]


@pytest.mark.parametrize("who, error", [("pedro", engine.NotAllowed),
                                        ("marta", engine.NotAllowed),
                                        ("giulia", engine.NotFound),
                                        ("marco", engine.NotFound)])
def test_anyone_else_may_neither_pause_nor_resume(session, visit, people, who, error):
    case_id = visit.case_id
    with pytest.raises(error), unit_of_work(session):
        engine.pause_deadlines(session, case_id, people[who], "viaje", LATER)
    with unit_of_work(session):
        engine.pause_deadlines(session, case_id, people["ana"], "viaje", LATER)
    with pytest.raises(error), unit_of_work(session):
        engine.resume_deadlines(session, case_id, people[who], LATER + timedelta(days=1))
    session.expire_all()
    assert session.get(Case, case_id).deadlines_paused_at == LATER
    assert len(events(session, "deadlines_paused")) == 1
    assert events(session, "deadlines_resumed") == []


def test_who_may_pause_is_the_same_rule_the_case_page_uses(session, visit, people):
    case = session.get(Case, visit.case_id)
    allowed = {name for name, who in people.items() if engine.may_pause(case, who)}
    assert allowed == {"ana", "jorge"}


@pytest.mark.parametrize("reason", ["x" * 1_000_000, "x" * 201, "viaje\x00"])
def test_an_overlong_or_nul_pause_reason_is_refused_and_changes_nothing(session, visit, people,
                                                                        reason):
    with pytest.raises(engine.InvalidTaskData), unit_of_work(session):
        engine.pause_deadlines(session, visit.case_id, people["ana"], reason, LATER)
    session.expire_all()
    assert session.get(Case, visit.case_id).deadlines_paused_at is None
    assert events(session, "deadlines_paused") == []
    with unit_of_work(session):
        engine.pause_deadlines(session, visit.case_id, people["ana"], "x" * 200, LATER)
