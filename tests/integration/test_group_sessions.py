"""Triple P group sessions: one record with its attendance list moves every attending
family's case on, each family once, in its own transaction; a group over its cap is refused
with nothing changed; a family whose case moved meanwhile is reported, the others go through.
Run on SQLite and PostgreSQL."""

from datetime import timedelta

import pytest
from sqlalchemy import func, select

import engine
from engine import unit_of_work
from engine.commands import group_sessions as groups
from engine.persistence.models import Event, GroupSession, GroupSessionMember
from tests.integration.test_concurrency import at_once
from tests.integration.triple_p_driver import Office, add_la_serena
from web.demo_data_triple_p import charla

TALK = {"fecha_sesion": "2026-08-03", "tema": "poder_crianza_positiva", "lugar": "escuela"}
WORKSHOP = {"fecha_sesion": "2026-08-03", "tema": "Crianza positiva: sesión 1",
            "lugar": "servicio"}


@pytest.fixture
def people(session):
    return add_la_serena(session)


@pytest.fixture
def office(session, real_forms, people):
    return Office(session, real_forms, people)


def families_at(office: Office, n: int, modality: str) -> list[int]:
    """``n`` families referred, enrolled in ``modality`` and past their first questionnaires:
    each waits at the modality's first session."""
    cases = office.refer(*[f"Familia {i:02d}" for i in range(n)])
    office.enrol(*cases, modality=modality)
    for case_id in cases:
        office.start_workshop(case_id)
    return cases


def new_group(office: Office, modality: str, values: dict) -> int:
    with unit_of_work(office.session):
        return groups.create_group_session(office.session, office.forms, office.facilitator,
                                           "triple_p", "la_serena", modality, values,
                                           office.tick()).id


def list_families(office: Office, group_id: int, listed: dict[int, bool]) -> None:
    with unit_of_work(office.session):
        groups.save_attendance(office.session, office.facilitator, group_id, listed,
                               now=office.tick())


def submit(office: Office, group_id: int, **kwargs) -> groups.Submission:
    return groups.submit_group_session(office.session, office.forms, group_id,
                                       office.facilitator, office.tick(), **kwargs)


def completions(office: Office, case_id: int, step: str) -> int:
    office.session.expire_all()
    return office.session.scalar(select(func.count()).where(
        Event.case_id == case_id, Event.kind == "task_completed", Event.bpmn_id == step))


def test_a_charla_of_40_families_moves_each_attending_case_on_exactly_once(office):
    cases = families_at(office, 40, "charlas")
    absent = set(cases[::8])  # 5 of the 40 did not come
    group_id = new_group(office, "charlas", TALK)
    list_families(office, group_id, {c: c not in absent for c in cases})

    first = submit(office, group_id)
    again = submit(office, group_id)  # a double submit

    assert (first.already, first.moved, first.absent, first.conflicts) == (False, 35, 5, 0)
    assert (again.already, again.moved, again.absent) == (True, 35, 5)
    for case_id in cases:
        came = case_id not in absent
        assert completions(office, case_id, "charla") == (1 if came else 0)
        assert office.tasks(case_id) == ["charla"]  # the next charla, or the same one
    data = office.session.scalars(select(Event.data).where(
        Event.case_id == cases[1], Event.bpmn_id == "charla")).one()["submitted"]
    assert data == {**TALK, "asistio": True, "novedad": "ninguna"}
    absences = office.session.scalars(select(Event).where(
        Event.kind == "group_session_absent")).all()
    assert sorted(e.case_id for e in absences) == sorted(absent)
    assert absences[0].params == {"date": "2026-08-03", "step": "Charla masiva"}


def test_a_workshop_group_over_its_cap_is_refused_and_nothing_changes(office):
    cases = families_at(office, 13, "talleres")
    group_id = new_group(office, "talleres", WORKSHOP)
    list_families(office, group_id, {c: True for c in cases[:12]})

    with pytest.raises(engine.InvalidTaskData) as refused:
        list_families(office, group_id, {c: True for c in cases})

    assert refused.value.code == "group.over_capacity"
    assert (refused.value.params["count"], refused.value.params["maximum"]) == (13, 12)
    office.session.expire_all()
    listed = office.session.scalars(select(GroupSessionMember.case_id).where(
        GroupSessionMember.group_session_id == group_id)).all()
    assert sorted(listed) == sorted(cases[:12])  # the list saved before, as it was
    assert all(completions(office, c, "sesion_grupal") == 0 for c in cases)


def test_a_charla_under_twenty_families_is_not_submitted(office):
    cases = families_at(office, 3, "charlas")
    group_id = new_group(office, "charlas", TALK)
    list_families(office, group_id, {c: True for c in cases})

    with pytest.raises(engine.InvalidTaskData) as refused:
        submit(office, group_id)

    assert refused.value.code == "group.too_few"
    assert refused.value.params["minimum"] == 20
    office.session.expire_all()
    assert office.session.get(GroupSession, group_id).status == "open"
    assert all(completions(office, c, "charla") == 0 for c in cases)


def test_a_family_whose_case_moved_during_the_submit_is_reported_and_the_others_go_on(
        office, new_session):
    cases = families_at(office, 5, "talleres")
    group_id = new_group(office, "talleres", WORKSHOP)
    list_families(office, group_id, {c: True for c in cases})
    late = cases[3]
    colleague = new_session()

    def meanwhile(member: GroupSessionMember) -> None:
        if member.case_id == cases[0]:  # another facilitator records that family by hand
            office.complete(late, "sesion_grupal", {"fecha_sesion": "2026-08-03",
                                                    "asistio": True, "novedad": "ninguna"},
                            colleague, office.clock + timedelta(minutes=1))

    result = submit(office, group_id, on_member=meanwhile)

    assert (result.moved, result.conflicts) == (4, 1)
    office.session.expire_all()
    member = office.session.scalars(select(GroupSessionMember).where(
        GroupSessionMember.case_id == late)).one()
    assert (member.status, member.reason) == ("conflict", "group.step_done_meanwhile")
    assert member.params["by"] == "lucia" and member.params["step"] == "Sesión grupal del taller"
    assert [completions(office, c, "sesion_grupal") for c in cases] == [1] * 5  # never twice


def test_a_session_date_in_the_future_or_a_topic_off_the_list_is_refused(office):
    with pytest.raises(engine.InvalidTaskData) as refused:
        new_group(office, "charlas", {**TALK, "fecha_sesion": "2026-08-04",
                                      "tema": "otra_cosa"})
    assert {e.field for e in refused.value.errors} == {"tema"}
    with pytest.raises(engine.InvalidTaskData) as refused:
        new_group(office, "charlas", {**TALK, "fecha_sesion": "2026-08-04"})
    assert [(e.field, e.code) for e in refused.value.errors] == [("fecha_sesion", "maximum")]
    office.session.rollback()
    assert office.session.scalar(select(func.count()).select_from(GroupSession)) == 0


def test_a_family_not_waiting_at_the_step_cannot_be_listed(office):
    talk, workshop = families_at(office, 1, "charlas")[0], families_at(office, 1, "talleres")[0]
    group_id = new_group(office, "talleres", WORKSHOP)
    with pytest.raises(engine.InvalidTaskData) as refused:
        list_families(office, group_id, {talk: True, workshop: True})
    assert [e.field for e in refused.value.errors] == [f"familia_{talk}"]


def test_the_charla_step_data_is_what_a_family_by_family_charla_records(office):
    assert set(charla(office.clock.date())) == set(TALK) | {"asistio", "novedad"}


@pytest.mark.parametrize("migrated_database", ["postgresql"], indirect=True)
def test_two_people_submitting_the_same_session_at_once_move_each_family_once(
        office, new_session):
    cases = families_at(office, 8, "talleres")
    group_id = new_group(office, "talleres", WORKSHOP)
    list_families(office, group_id, {c: c != cases[0] for c in cases})
    at = office.tick()

    def submit_in(session):
        return lambda: groups.submit_group_session(session, office.forms, group_id,
                                                   office.facilitator, at)

    first, second = at_once(submit_in(new_session()), submit_in(new_session()))

    assert sorted([first.already, second.already]) == [False, True]
    for result in (first, second):  # what the other still had in hand shows as pending
        assert result.moved + result.absent + result.pending == 8 and result.conflicts == 0
    assert [completions(office, c, "sesion_grupal") for c in cases] == [0] + [1] * 7
    final = submit(office, group_id)
    assert (final.moved, final.absent, final.pending) == (7, 1, 0)
