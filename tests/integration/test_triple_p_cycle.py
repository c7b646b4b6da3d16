"""Triple P in La Serena, walked day by day with a moving clock: each modality to completion
and to non-completion, the waiting list, a withdrawal from it, and a refusal.

Dates are hand-computed for La Serena (Chile, Coquimbo region; America/Santiago). Reminders
fire at 08:00 local on their day; an escalation at 00:00 local the day after the step's due
day. Holidays that matter here: 21 May, 29 June, 12 October 2026.
"""

from datetime import date, timedelta

import pytest

import engine
from engine.commands import places
from tests.integration.familias_driver import local_day
from tests.integration.triple_p_driver import (
    Family,
    TriplePTeam,
    add_la_serena,
    deploy_triple_p,
)
from web.demo_data_triple_p import STEP_DATA, inscripcion


@pytest.fixture
def people(session):
    return add_la_serena(session)


def team_on(session, real_forms, people, first_day: date, **places_: int):
    deploy_triple_p(session, real_forms, **places_)
    return TriplePTeam(session, real_forms, *people, first_day)


@pytest.fixture
def may(session, real_forms, people):
    team = team_on(session, real_forms, people, date(2026, 5, 11))  # a Monday
    yield team
    team.close()


def reviewing(family: Family):
    """Carmen reviews this family's overdue steps each morning."""
    return lambda team: family.review_overdue_steps()


def walk(family: Family, steps: list[tuple]) -> None:
    """Complete each ``(day, step, *extra data arguments)`` on its day with the demo's data
    for that step, Carmen reviewing escalations on the way."""
    for day, bpmn_id, *extra in steps:
        family.team.wait_until(day, reviewing(family))
        family.complete(bpmn_id, STEP_DATA[bpmn_id](day, *extra))


def test_charlas_completed_with_two_of_three_seminars(may):
    f = may.refer("Pizarro Rojas")
    walk(f, [(date(2026, 5, 22), "inscripcion", "charlas"),
             (date(2026, 5, 26), "cuestionarios_iniciales"),
             (date(2026, 6, 2), "charla"),
             (date(2026, 6, 18), "charla", False),
             (date(2026, 6, 30), "charla")])
    assert f.bpmn_ids() == ["cuestionarios_finales"]
    assert f.place() == places.RELEASED  # given back as the seminars ended
    walk(f, [(date(2026, 7, 8), "cuestionarios_finales")])

    assert f.alarms() == [
        ("reminder", "inscripcion", date(2026, 5, 22)),   # 10 working days (21 May a holiday)
        ("reminder", "charla", date(2026, 6, 13)),        # 14 days from 2 June → due 16 June
        ("escalation", "charla", date(2026, 6, 17)),
        ("reminder", "charla", date(2026, 6, 29)),        # from 18 June → due 2 July
    ]
    case = f.refreshed()
    assert (case.status, case.outcome) == ("closed", "completa")
    assert local_day(case.closed_at) == date(2026, 7, 8)
    data = f.data()
    assert (data["sesiones_registradas"], data["sesiones_asistidas"]) == (3, 2)
    assert data["completa"] is True and data["fecha_inicio_modalidad"] == "2026-05-26"
    assert [local_day(e.at) for e in f.events("place_released")] == [date(2026, 6, 30)]
    assert [e.bpmn_id for e in f.events("task_completed")].count("revisar_atraso_charla") == 1


def test_charlas_not_completed_with_one_seminar_attended(may):
    f = may.refer("Olivares Díaz")
    walk(f, [(date(2026, 5, 12), "inscripcion", "charlas"),
             (date(2026, 5, 13), "cuestionarios_iniciales"),
             (date(2026, 5, 20), "charla"),
             (date(2026, 5, 27), "charla", False),
             (date(2026, 6, 3), "charla", False),
             (date(2026, 6, 4), "cuestionarios_finales", None)])
    assert f.alarms() == []
    assert f.refreshed().outcome == "no_completa"
    assert f.data()["completa"] is False and f.data()["aplicados"] is False
    assert [local_day(e.at) for e in f.events("place_released")] == [date(2026, 6, 3)]


@pytest.fixture
def june(session, real_forms, people):
    team = team_on(session, real_forms, people, date(2026, 6, 15))  # a Monday
    yield team
    team.close()


def test_individual_sessions_completed_when_all_planned_are_done(june):
    f = june.refer("Vega Olivares")
    walk(f, [(date(2026, 6, 17), "inscripcion", "individuales", 3),
             (date(2026, 7, 3), "cuestionarios_iniciales"),
             (date(2026, 7, 10), "sesion_individual"),
             (date(2026, 7, 20), "sesion_individual"),
             (date(2026, 7, 31), "sesion_individual"),
             (date(2026, 8, 5), "cuestionarios_finales")])
    assert f.alarms() == [
        # 10 working days from 17 June, 29 June a holiday → due Thursday 2 July
        ("reminder", "cuestionarios_iniciales", date(2026, 6, 30)),
        ("escalation", "cuestionarios_iniciales", date(2026, 7, 3)),
        ("reminder", "sesion_individual", date(2026, 7, 31)),  # 14 days from 20 July
    ]
    assert f.refreshed().outcome == "completa"
    data = f.data()
    assert (data["sesiones_previstas"], data["sesiones_asistidas"]) == (3, 3)


@pytest.fixture
def september(session, real_forms, people):
    team = team_on(session, real_forms, people, date(2026, 9, 14))  # a Monday
    yield team
    team.close()


def test_individual_sessions_close_unfinished_when_the_window_ends(september):
    f = september.refer("Cortés Pizarro")
    walk(f, [(date(2026, 9, 16), "inscripcion", "individuales", 4),
             (date(2026, 9, 17), "cuestionarios_iniciales"),
             (date(2026, 9, 24), "sesion_individual"),
             (date(2026, 10, 13), "sesion_individual", False)])
    september.wait_until(date(2026, 10, 30), reviewing(f))  # the family stops coming

    assert f.bpmn_ids() == ["cuestionarios_finales"]
    window = [e for e in f.events("timer_fired") if e.bpmn_id == "cierre_individuales"]
    assert [local_day(e.at) for e in window] == [date(2026, 10, 30)]  # 42 days from 17 Sept
    assert [local_day(e.at) for e in f.events("place_released")] == [date(2026, 10, 30)]
    walk(f, [(date(2026, 11, 4), "cuestionarios_finales", None)])
    assert f.alarms() == [
        ("reminder", "sesion_individual", date(2026, 10, 5)),    # from 24 Sept → due 8 Oct
        ("escalation", "sesion_individual", date(2026, 10, 9)),
        ("reminder", "sesion_individual", date(2026, 10, 24)),   # from 13 Oct → due 27 Oct
        ("escalation", "sesion_individual", date(2026, 10, 28)),
    ]
    assert f.refreshed().outcome == "no_completa"
    data = f.data()
    assert (data["sesiones_registradas"], data["sesiones_asistidas"]) == (2, 1)


@pytest.fixture
def august(session, real_forms, people):
    team = team_on(session, real_forms, people, date(2026, 8, 3))  # a Monday
    yield team
    team.close()


def workshop(attended: tuple[bool, ...], late_call: bool = False) -> list[tuple]:
    """Enrolment on 4 Aug, questionnaires 5 Aug, then one session a week on Wednesdays:
    group sessions 1–4, phone calls 5–7, the closing group session 8 (30 Sept, or 5 Oct
    when the second call is late)."""
    group = iter(attended)
    steps = [(date(2026, 8, 4), "inscripcion", "talleres"),
             (date(2026, 8, 5), "cuestionarios_iniciales")]
    for day in (date(2026, 8, 12), date(2026, 8, 19), date(2026, 8, 26), date(2026, 9, 2)):
        steps.append((day, "sesion_grupal", next(group)))
    calls = [date(2026, 9, 9), date(2026, 9, 16), date(2026, 9, 23)]
    if late_call:  # the second call slips to Monday 21 Sept, and the rest with it
        calls = [date(2026, 9, 9), date(2026, 9, 21), date(2026, 9, 28)]
    for day in calls:
        steps.append((day, "llamada_seguimiento"))
    closing = calls[-1] + timedelta(days=7)
    steps.append((closing, "sesion_grupal", next(group)))
    return steps


def test_workshop_completed_with_four_of_five_group_sessions(august):
    f = august.refer("Castillo Muñoz")
    walk(f, workshop((True, True, False, True, True), late_call=True))
    walk(f, [(date(2026, 10, 16), "cuestionarios_finales")])
    assert f.alarms() == [
        ("reminder", "llamada", date(2026, 9, 17)),    # 10 days from 9 Sept → due 19 Sept
        ("escalation", "llamada", date(2026, 9, 20)),
        # 10 working days from 5 Oct, 12 Oct a holiday → due 20 Oct, reminder 2 before
        ("reminder", "cuestionarios_finales", date(2026, 10, 16)),
    ]
    assert f.refreshed().outcome == "completa"
    data = f.data()
    assert (data["sesiones_asistidas"], data["llamadas_realizadas"]) == (4, 3)
    assert data["sesiones_registradas"] == 8


def test_workshop_not_completed_with_three_of_five_group_sessions(august):
    f = august.refer("Tapia Guerrero")
    walk(f, workshop((True, False, False, True, True)))
    walk(f, [(date(2026, 10, 7), "cuestionarios_finales")])
    assert f.alarms() == []
    assert f.refreshed().outcome == "no_completa"
    assert f.data()["sesiones_asistidas"] == 3


@pytest.fixture
def one_workshop_place(session, real_forms, people):
    team = team_on(session, real_forms, people, date(2026, 8, 3), talleres=1)
    yield team
    team.close()


def waiting(team: TriplePTeam) -> list[str]:
    territory = team.facilitator.territories
    listed = places.waiting_list(team.session, "triple_p", next(iter(territory)), "talleres")
    return [w.family_name for w in listed]


def test_a_freed_place_goes_to_the_family_waiting_longest(one_workshop_place):
    team = one_workshop_place
    first, second, third = (team.refer(n) for n in ("Rojas", "Muñoz", "Araya"))
    walk(first, [(date(2026, 8, 4), "inscripcion")])
    walk(second, [(date(2026, 8, 5), "inscripcion")])
    walk(third, [(date(2026, 8, 6), "inscripcion")])
    assert [f.place() for f in (first, second, third)] == ["occupied", "waiting", "waiting"]
    assert second.bpmn_ids() == third.bpmn_ids() == ["lista_espera"]
    assert waiting(team) == ["Muñoz", "Araya"]

    walk(first, [(date(2026, 8, 6), "cuestionarios_iniciales"),
                 (date(2026, 8, 12), "sesion_grupal"),
                 (date(2026, 8, 19), "sesion_grupal", True, "abandona")])
    assert first.refreshed().outcome == "abandono"
    assert second.bpmn_ids() == ["cuestionarios_iniciales"]  # moved on the same moment
    assert second.data()["cupo"] == "asignado"
    granted = second.events("place_assigned")
    assert [(local_day(e.at), e.data["from_waiting_list"]) for e in granted] == [
        (date(2026, 8, 19), True)]
    assert waiting(team) == ["Araya"] and third.bpmn_ids() == ["lista_espera"]

    # 10 working days from 19 August → due 2 September, reminder on 31 August
    walk(second, [(date(2026, 9, 1), "cuestionarios_iniciales")])
    assert second.alarms() == [("reminder", "cuestionarios_iniciales", date(2026, 8, 31))]
    assert second.bpmn_ids() == ["sesion_grupal"]


def test_a_waiting_family_withdraws_from_the_list(one_workshop_place):
    team = one_workshop_place
    holder, waiter = team.refer("Rojas"), team.refer("Muñoz")
    walk(holder, [(date(2026, 8, 4), "inscripcion")])
    walk(waiter, [(date(2026, 8, 4), "inscripcion")])
    assert waiting(team) == ["Muñoz"]
    walk(waiter, [(date(2026, 8, 20), "lista_espera")])
    case = waiter.refreshed()
    assert (case.status, case.outcome) == ("closed", "retiro_lista_espera")
    assert waiter.place() == places.WITHDRAWN and waiting(team) == []
    assert [e.title for e in waiter.events("waiting_list_left")] == [
        "Retiro de la lista de espera — Talleres grupales"]
    assert holder.place() == places.OCCUPIED


def test_a_late_enrolment_is_escalated_and_a_refusal_closes_the_case(may):
    f = may.refer("Rivera Campos")
    may.wait_until(date(2026, 5, 27))
    assert f.alarms() == [("reminder", "inscripcion", date(2026, 5, 22)),
                          ("escalation", "inscripcion", date(2026, 5, 27))]  # due 26 May
    f.complete("inscripcion", inscripcion(may.today, None))
    assert f.place() is None  # no place taken by a family that does not take part
    case = f.refreshed()  # the delay's review closed by itself with the late step
    assert (case.status, case.outcome) == ("closed", "rechazo")


def test_a_refusal_cannot_also_choose_a_modality(may):
    f = may.refer("Rivera Campos")
    data = {**inscripcion(may.today, None), "modalidad": "charlas"}
    with pytest.raises(engine.InvalidTaskData) as refused:
        f.complete("inscripcion", data)
    assert [e.field for e in refused.value.errors] == ["modalidad"]
    assert f.place() is None
