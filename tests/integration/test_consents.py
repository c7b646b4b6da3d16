"""Consents per household member and purpose (engine.commands.consents): P.I.P.P.I.'s
consent step (``x-consent`` on forms/pippi/consenso.json) needs the reference person's
consent to take part, recorded with who, when and the signed document; without it the step
is refused on its field, naming the member and the purpose, and nothing is saved; a
withdrawal keeps the consent, marked, and the step is refused again."""

from datetime import UTC, date, datetime

import pytest
import time_machine
from sqlalchemy import func, select

import engine
from engine import unit_of_work
from engine.core.errors import InvalidInput, InvalidTaskData
from engine.persistence.models import Event, HumanTask
from tests.conftest import ROOT
from web import demo_data_pippi as d

DAY = date(2026, 3, 2)
MEMBERS = [{"name": "Paolo Colombo", "age": 35, "relationship": "partner"},
           {"name": "Maria Colombo", "age": 33, "relationship": "head"},
           {"name": "Luca Colombo", "age": 7, "relationship": "child"}]


@pytest.fixture
def team(territories):
    """Giulia (the case's assistente sociale) and Marco (referente, supervisor)."""
    somma = frozenset({territories["somma_lombardo"].id})
    return (engine.Actor("giulia", frozenset({"caseworker"}), somma),
            engine.Actor("marco", frozenset({"supervisor"}), somma))


@pytest.fixture
def consent_step(session, real_forms, team):
    """A P.I.P.P.I. family of three, pre-assessed: its consent step open, held by Giulia."""
    giulia, _ = team
    with time_machine.travel(datetime(2026, 3, 2, 9, tzinfo=UTC), tick=False):
        with unit_of_work(session):
            engine.deploy_folder(session, ROOT / "processes" / "pippi", real_forms, "manager")
            case = engine.start_case(session, engine.StartCase(
                "pippi", "somma_lombardo", "giulia", "Colombo", members=MEMBERS), giulia)
        _complete(session, real_forms, giulia, case.id, "preassessment", d.segnalazione(DAY))
        yield case.id
    session.rollback()


def _row(session, case_id: int, bpmn_id: str) -> HumanTask | None:
    return session.scalars(select(HumanTask).where(HumanTask.case_id == case_id,
                                                   HumanTask.bpmn_id == bpmn_id)).first()


def _complete(session, forms, actor, case_id: int, bpmn_id: str, data: dict) -> None:
    row = _row(session, case_id, bpmn_id)
    if row.assignee is None:
        with unit_of_work(session):
            engine.claim(session, row.id, actor)
    with unit_of_work(session):
        engine.complete(session, forms, row.id, data, actor)


def _record(session, actor, case_id: int, member: int | None = 1,
            purpose: str = "participation", **extra):
    order = engine.RecordConsent(case_id, member, purpose,
                                 extra.pop("document", "Modulo firmato, cartella 12"),
                                 extra.pop("given_on", DAY), **extra)
    with unit_of_work(session):
        return engine.record_consent(session, order, actor)


def _events(session, case_id: int) -> int:
    return session.scalar(select(func.count(Event.id)).where(Event.case_id == case_id))


def test_the_consent_step_is_refused_naming_the_reference_person_and_nothing_is_saved(
        session, real_forms, team, consent_step):
    giulia, _ = team
    before = _events(session, consent_step)
    with pytest.raises(InvalidTaskData) as refused:
        _complete(session, real_forms, giulia, consent_step, "consenso", d.consenso(DAY))
    [error] = refused.value.errors
    assert (error.field, error.code) == ("consenso_dato", "consent_missing")
    assert error.limit == {"member": "Maria Colombo", "purpose": "participation"}
    assert _row(session, consent_step, "consenso") is not None  # still open
    assert _events(session, consent_step) == before


def test_a_family_that_declines_needs_no_consent(session, real_forms, team, consent_step):
    giulia, _ = team
    _complete(session, real_forms, giulia, consent_step, "consenso",
              d.consenso(DAY, dato=False))
    assert _row(session, consent_step, "consenso") is None


def test_with_the_reference_persons_consent_the_step_completes_and_the_history_says_so(
        session, real_forms, team, consent_step):
    giulia, _ = team
    consent = _record(session, giulia, consent_step)
    assert (consent.member_name, consent.recorded_by, consent.document) == (
        "Maria Colombo", "giulia", "Modulo firmato, cartella 12")
    _complete(session, real_forms, giulia, consent_step, "consenso", d.consenso(DAY))
    assert _row(session, consent_step, "consenso") is None
    assert [c.member_name for c in engine.consents_of(session, consent_step, giulia)] == [
        "Maria Colombo"]
    recorded = session.scalars(select(Event).where(Event.case_id == consent_step,
                                                   Event.kind == "consent_recorded")).one()
    assert recorded.params == {"member": "Maria Colombo", "purpose": "participation",
                               "service": ""}


def test_another_members_or_purposes_consent_does_not_stand_in(session, real_forms, team,
                                                              consent_step):
    giulia, _ = team
    _record(session, giulia, consent_step, member=0)  # Paolo, not the reference person
    _record(session, giulia, consent_step, member=1, purpose="photos")
    with pytest.raises(InvalidTaskData):
        _complete(session, real_forms, giulia, consent_step, "consenso", d.consenso(DAY))


def test_a_withdrawn_consent_stays_marked_and_no_longer_lets_the_step_through(
        session, real_forms, team, consent_step):
    giulia, marco = team
    consent = _record(session, giulia, consent_step)
    with unit_of_work(session):
        engine.withdraw_consent(session, consent.id, "La madre ritira il consenso", marco)
    [kept] = engine.consents_of(session, consent_step, giulia)
    assert (kept.active, kept.withdrawn_by, kept.withdrawal_reason) == (
        False, "marco", "La madre ritira il consenso")
    with pytest.raises(InvalidTaskData):
        _complete(session, real_forms, giulia, consent_step, "consenso", d.consenso(DAY))
    with pytest.raises(engine.Conflict) as again, unit_of_work(session):
        engine.withdraw_consent(session, consent.id, "di nuovo", giulia)
    assert again.value.code == "consent.already_withdrawn"


def test_a_consent_is_refused_field_by_field_and_nothing_is_written(session, team,
                                                                    consent_step):
    giulia, _ = team
    with pytest.raises(InvalidInput) as refused:
        _record(session, giulia, consent_step, member=7, purpose="sharing", document=" ",
                given_on=date(2030, 1, 1))
    assert {(e.field, e.code) for e in refused.value.errors} == {
        ("member", "enum"), ("document", "required"), ("service", "required"),
        ("given_on", "maximum")}
    assert engine.consents_of(session, consent_step, giulia) == []
    with pytest.raises(InvalidInput) as empty_reason:
        consent = _record(session, giulia, consent_step)
        with unit_of_work(session):
            engine.withdraw_consent(session, consent.id, "  ", giulia)
    assert empty_reason.value.errors[0].field == "reason"


def test_only_the_cases_caseworker_or_a_supervisor_records_a_consent(session, territories,
                                                                     consent_step):
    colleague = engine.Actor("lorenza", frozenset({"caseworker"}),
                             frozenset({territories["somma_lombardo"].id}))
    with pytest.raises(engine.NotAllowed) as refused:
        _record(session, colleague, consent_step)
    assert refused.value.code == "policy.consent_not_allowed"
    stranger = engine.Actor("ana", frozenset({"caseworker"}),
                            frozenset({territories["antofagasta"].id}))
    with pytest.raises(engine.NotFound):
        _record(session, stranger, consent_step)


def test_erasing_the_member_reaches_her_consents_and_her_export_lists_them_and_the_views(
        session, team, consent_step, territories):
    giulia, _ = team
    consent = _record(session, giulia, consent_step, document="Modulo firmato da Maria Colombo")
    _record(session, giulia, consent_step, member=0)  # Paolo's stays as it is
    with unit_of_work(session):
        engine.log_view(session, giulia, "case_file", consent_step,
                        engine.visible_case(session, consent_step, giulia))
    admin = engine.Actor("admin.it", frozenset({"admin"}),
                         frozenset({territories["somma_lombardo"].id}))
    household = consent.household_id
    with unit_of_work(session):
        export = engine.privacy.export_member(session, admin, household, 1)
    assert [c["member_name"] for c in export.sections["consents"]] == ["Maria Colombo",
                                                                      "Paolo Colombo"]
    assert [(v["actor"], v["kind"]) for v in export.sections["access_log"]] == [
        ("giulia", "case_file")]
    with unit_of_work(session):
        engine.privacy.erase_member(session, admin, household, 1)
    session.expire_all()  # the erasure rewrote the rows underneath
    kept = {c.id: c for c in engine.consents_of(session, consent_step, giulia)}
    assert "Maria" not in kept[consent.id].member_name
    assert "Maria" not in kept[consent.id].document
    assert [c.member_name for c in kept.values() if c.id != consent.id] == ["Paolo Colombo"]
