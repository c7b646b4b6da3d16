"""Programa Familias: the follow-up of a family during its accompaniment, day by day.

A plan action more than 30 days late, indicators still critical 6 months after the
diagnosis, the semiannual evaluation of the AFI and the month-22 alert each remind and
escalate on the day computed here by hand for Antofagasta (Chile); the Mesa de Análisis de
Caso, a change in the household and a child-protection referral are steps of their own.

Every family is allocated on Monday 16 March 2026, located on Friday 20 March and enters,
is diagnosed and signs its plan on Wednesday 25 March 2026 (``fecha_ingreso``,
``fecha_diagnostico``). Chilean holidays crossed below: Friday 18 and Saturday 19 September
2026 (Fiestas Patrias). A reminder fires at 08:00 on its day, an escalation at 00:00 the
day after the due day; the sweep runs each morning at 09:00.
"""

from datetime import date
from uuid import UUID

import pytest

import engine
from engine import unit_of_work
from engine.commands import store
from engine.reports import build_report
from tests.conftest import ROOT
from tests.entry import sweep
from tests.integration.acts_driver import record_act
from tests.integration.familias_driver import FamiliaCase, local, local_day
from web.demo_data import (
    contacto,
    diagnostico,
    evaluacion_semestral,
    ingreso,
    logro_acciones,
    seguimiento,
    sesion,
)

ALLOCATED = date(2026, 3, 16)
ENTRY = date(2026, 3, 25)
DUE_13_AUGUST = "2026-08-13"  # a Thursday


@pytest.fixture
def family(session, real_forms, territories, caseworker, supervisor):
    with unit_of_work(session):
        engine.deploy_folder(session, ROOT / "processes" / "familias", real_forms, "manager")
    case = FamiliaCase(session, real_forms, caseworker, supervisor, ALLOCATED)
    yield case
    case.close()


def plan_with(*goals: tuple[str, ...]) -> dict:
    """A plan signed on entry day: one goal per item of ``goals``, one action per due date."""
    return {"fecha_firma_plan": ENTRY.isoformat(), "metas": [
        {"dimension": "trabajo_seguridad_social", "meta": f"Meta {n}", "acciones": [
            {"accion": f"Acción {n}.{m}", "responsable": "Carla", "fecha_limite": due}
            for m, due in enumerate(dues, 1)]} for n, dues in enumerate(goals, 1)]}


def enter(f: FamiliaCase, plan: dict | None = None) -> None:
    """Located on 20 March; entry, diagnosis (i33 and p_ing_01 critical) and plan on 25 March."""
    f.wait_until(date(2026, 3, 20))
    f.complete("primer_contacto", contacto(f.today))
    f.wait_until(ENTRY)
    f.complete("ingreso", ingreso(f.today))
    f.complete("diagnostico", diagnostico(f.today))
    f.complete("plan", plan or plan_with((DUE_13_AUGUST,)))


def jump_to(f: FamiliaCase, day: date) -> None:
    """Nobody touches the case until ``day``: one sweep that morning fires, in due order, what
    fell due meanwhile (as the worker does after an outage)."""
    f.today = day
    f.clock.move_to(local(day))
    sweep(f.session)


def step_data(f: FamiliaCase, row) -> dict:
    """The workflow data of the open step ``row`` (a parallel line of its own)."""
    loaded = store.load(f.session, f.instance().id, lock=False)
    data = dict(loaded.workflow.get_task_from_id(UUID(row.id)).data)
    f.session.rollback()
    return data


def alarms(f: FamiliaCase, deadline: str) -> list[tuple[str, date]]:
    """The reminders and escalations of rule ``deadline``: (kind, local day)."""
    return [(kind, day) for kind, key, day in f.alarms() if key == deadline]


def test_a_plan_action_30_days_late_goes_to_the_jefatura_and_again_each_review_period(family):
    f = family
    enter(f)
    row = f.task("logro_acciones")
    # due 30 days after 13 August: Saturday 12 September, overdue from 00:00 on Sunday 13
    assert row.due_at == local(date(2026, 9, 13), 0)
    jump_to(f, date(2026, 8, 12))  # nothing of this rule falls due before
    f.wait_until(date(2026, 9, 13))
    assert alarms(f, "accion_atrasada") == [("reminder", date(2026, 8, 13)),  # its due date
                                             ("escalation", date(2026, 9, 13))]
    review = f.task("revisar_atraso_logro_acciones")
    assert review is not None and review.role == "supervisor"
    f.wait_until(date(2026, 9, 14))
    f.complete("revisar_atraso_logro_acciones", {"accion": "contactar_afi"}, hour=10)
    # still late: reviewed again one review period (5 working days) after Monday 14: Tue 15,
    # Wed 16, Thu 17, Mon 21, Tue 22 (18 and 19 are holidays), so at 00:00 on Wednesday 23
    f.wait_until(date(2026, 9, 22))
    assert f.task("revisar_atraso_logro_acciones") is None
    f.wait_until(date(2026, 9, 23))
    assert f.task("revisar_atraso_logro_acciones") is not None
    assert alarms(f, "accion_atrasada")[-1] == ("escalation", date(2026, 9, 23))
    f.wait_until(date(2026, 9, 24))
    f.complete("logro_acciones", logro_acciones(f.today, ["M1.A1"]))
    assert f.task("revisar_atraso_logro_acciones") is None  # closed by itself: step done
    assert f.task("logro_acciones") is None  # no action of the plan is left unrecorded
    [goal] = engine.current_plan(f.session, f.case.id, f.supervisor, f.forms).goals
    [action] = goal.actions  # the case file shows it
    assert (action.ref, action.achieved, action.recorded_on) == ("M1.A1", True, "2026-09-24")


def test_the_oldest_unrecorded_action_sets_the_step_deadline(family):
    f = family
    enter(f, plan_with(("2026-05-04", "2026-06-01"), ("2026-04-20",)))
    assert f.task("logro_acciones").due_at == local(date(2026, 5, 21), 0)  # 20 Apr + 30
    f.wait_until(date(2026, 4, 21))
    f.complete("logro_acciones", logro_acciones(f.today, ["M2.A1"], achieved=False))
    assert f.task("logro_acciones").due_at == local(date(2026, 6, 4), 0)  # 4 May + 30
    goals = engine.current_plan(f.session, f.case.id, f.supervisor, f.forms).goals
    assert [(a.ref, a.achieved) for g in goals for a in g.actions] == [
        ("M1.A1", None), ("M1.A2", None), ("M2.A1", False)]


class Gestor:
    """The Gestor Familiar files each monthly report the morning it opens."""

    def __init__(self, critical: list[str]):
        self.critical = critical

    def __call__(self, f: FamiliaCase) -> None:
        if f.task("seguimiento"):
            f.complete("seguimiento", {**seguimiento(f.today),
                                       "indicadores_criticos": self.critical}, hour=10)


def test_indicators_still_critical_after_6_months_and_the_semiannual_evaluation(family):
    f = family
    enter(f)
    jump_to(f, date(2026, 8, 31))  # then the Gestor files each report the day it opens
    f.wait_until(date(2026, 9, 28), Gestor(["i33"]))
    # 6 months from the diagnosis (25 March): Friday 25 September. 10 working days before:
    # 24, 23, 22, 21, 17, 16, 15, 14, 11, 10 (18 and 19 are holidays): Thursday 10 September
    assert alarms(f, "indicador_critico") == [("reminder", date(2026, 9, 10)),
                                              ("escalation", date(2026, 9, 26))]
    review = f.task("revisar_indicadores_criticos")
    assert review.role == "supervisor" and local_day(review.created_at) == date(2026, 9, 26)
    assert review.due_at == local(date(2026, 10, 3), 0)  # 5 working days: 28 Sep – 2 Oct
    assert step_data(f, review)["indicadores_escalados"] == ["i33"]  # p_ing_01 solved
    # the AFI's semiannual evaluation: 6 months from entry, the same days
    assert alarms(f, "evaluacion_semestral") == [("reminder", date(2026, 9, 10)),
                                                 ("escalation", date(2026, 9, 26))]
    [late] = [e for e in f.events("escalation") if e.data["deadline"] == "evaluacion_semestral"]
    assert late.data["escalate_to"] == "manager"  # to the programme's management
    f.complete("evaluacion_semestral_afi", evaluacion_semestral(f.today), hour=10)
    next_one = f.task("evaluacion_semestral_afi")
    assert next_one.due_at == local(date(2027, 3, 26), 0)  # the next semester: 25 March 2027


def test_indicators_no_longer_critical_raise_nothing(family):
    f = family
    enter(f)
    jump_to(f, date(2026, 8, 31))
    f.wait_until(date(2026, 9, 28), Gestor([]))
    assert alarms(f, "indicador_critico") == []
    assert f.task("revisar_indicadores_criticos") is None


def test_the_jefatura_is_warned_before_month_22_when_work_is_still_open(family):
    f = family
    enter(f)
    # 22 months from entry: Tuesday 25 January 2028; 20 working days before it (1 January and
    # 25 December fall on Saturdays): Tuesday 28 December 2027
    jump_to(f, date(2027, 12, 27))
    assert f.events("alert") == []
    f.wait_until(date(2027, 12, 28))
    [alert] = f.events("alert")
    assert local_day(alert.at) == date(2027, 12, 28) and alert.bpmn_id == "alertar_cierre_pendiente"
    assert alert.data == {"pendientes_cierre": {"acciones_abiertas": 1, "acciones_plan": 1,
                                                "sesiones_realizadas": 0, "sesiones_meta": 16}}
    f.wait_until(date(2028, 1, 26))  # the hard stop of month 22 still closes the phase
    assert f.bpmn_ids() == ["evaluacion_final"]
    assert len(f.events("alert")) == 1
    report = build_report(f.session, "familias", [f.case.territory_id])
    assert report.figure("alertas_cierre").value == 1


MESA = {"fecha": "2026-09-14", "motivo": "Acciones del plan atrasadas"}
SESSION_OF_THE_MESA = {
    "fecha": "2026-09-28", "analisis": "Avance del plan y redes de apoyo",
    "participantes": [{"nombre": "Jorge Alvarado", "rol": "Jefe de Unidad"},
                      {"nombre": "Ana Castro", "rol": "AFI"},
                      {"nombre": "Rosa Díaz", "rol": "CESFAM"}],
    "acuerdos": [{"acuerdo": "Postular a Más Capaz", "responsable": "Ana Castro",
                  "fecha_limite": "2026-10-30"},
                 {"acuerdo": "Control de salud", "responsable": "CESFAM",
                  "fecha_limite": "2026-10-15"}]}


def test_the_mesa_de_analisis_de_caso_is_a_step_with_its_participants_and_agreements(family):
    f = family
    enter(f)
    jump_to(f, date(2026, 9, 14))
    record_act(f, "mesa_analisis", MESA, f.supervisor)
    row = f.task("mesa_analisis_caso")
    assert row.role == "supervisor" and row.assignee is None  # the Jefatura's pool
    # 10 working days from Monday 14 September: 15, 16, 17, 21, 22, 23, 24, 25, 28, 29
    assert row.due_at == local(date(2026, 9, 30), 0)
    f.wait_until(date(2026, 9, 28))
    assert alarms(f, "mesa_analisis") == [("reminder", date(2026, 9, 25))]  # 2 working days
    refused = _refused(f, "mesa_analisis_caso", {**SESSION_OF_THE_MESA, "participantes": []})
    assert "participantes" in refused
    f.complete("mesa_analisis_caso", SESSION_OF_THE_MESA)
    [held] = f.submitted("mesa_analisis_caso")
    assert [p["rol"] for p in held["participantes"]] == ["Jefe de Unidad", "AFI", "CESFAM"]
    assert len(held["acuerdos"]) == 2


def _refused(f: FamiliaCase, bpmn_id: str, data: dict) -> set[str]:
    row = f.task(bpmn_id)
    with pytest.raises(engine.InvalidTaskData) as refused, unit_of_work(f.session):
        if row.assignee is None:
            engine.claim(f.session, row.id, f.supervisor)
        engine.complete(f.session, f.forms, row.id, data, f.supervisor)
    return {error.field for error in refused.value.errors}


def test_a_household_change_is_a_decision_point(family):
    f = family
    enter(f)
    jump_to(f, date(2026, 9, 14))
    record_act(f, "cambio_hogar", {"fecha": "2026-09-14", "tipo": "nuevo_integrante",
                                   "descripcion": "Nació Tomás"}, f.caseworker)
    update = f.task("actualizar_integrantes")
    assert update.role == "caseworker" and update.assignee == f.caseworker.id
    assert f.task("decidir_division") is None
    record_act(f, "cambio_hogar", {"fecha": "2026-09-14", "tipo": "division",
                                   "descripcion": "La pareja se separa"}, f.caseworker)
    split = f.task("decidir_division")
    assert split.role == "supervisor" and split.due_at == local(date(2026, 9, 30), 0)
    f.complete("decidir_division", {"fecha": "2026-09-15", "decision": "continua_hogar_titular",
                                    "proponer_nueva_asignacion": True,
                                    "fundamento": "Los niños viven con la titular"})
    f.complete("actualizar_integrantes", {"fecha": "2026-09-15", "registro_actualizado": True,
                                          "plan_requiere_ajuste": False})
    assert "sesion" in f.bpmn_ids()  # the accompaniment goes on


ALERT = {"fecha": "2026-09-14", "gravedad": "alta", "descripcion": "Relato de maltrato"}


@pytest.mark.parametrize(("decision", "sent"), [("oln", 1), ("tribunal_familia", 1),
                                                ("seguimiento", 0)])
def test_a_protection_referral_is_a_message_to_another_process(family, decision, sent):
    f = family
    enter(f)
    jump_to(f, date(2026, 9, 14))
    record_act(f, "alerta_proteccion", ALERT, f.caseworker)
    f.complete("atender_alerta_proteccion", {"fecha_atencion": "2026-09-14",
                                             "derivacion": decision, "medidas": "Derivada"})
    messages = f.events("message_sent")
    assert len(messages) == sent
    if sent:
        assert messages[0].data == {"message": "derivacion_proteccion", "payload": {
            "destino": decision, "fecha": "2026-09-14", "medidas": "Derivada",
            "gravedad": "alta", "descripcion": "Relato de maltrato"}}
        assert messages[0].code == "event.message_sent"
    assert f.task("atender_alerta_proteccion") is None


def test_a_year_two_session_follows_the_year_two_cadence_and_carries_its_label(family):
    f = family
    enter(f)
    jump_to(f, date(2027, 4, 1))  # year two began on 25 March 2027
    f.complete("sesion", sesion(f.today))
    row = f.task("sesion")
    # every 6–8 weeks: due by the cadence on 27 May (8 weeks), the AFI reminded on 13 May
    # (6 weeks); overdue for the Jefatura after 75 days without a session: 15 June
    assert step_data(f, row)["proxima_sesion"] == "2027-05-27"
    assert row.deadline_key == "sesion_anio2"
    assert local_day(row.remind_at) == date(2027, 5, 13)
    assert row.due_at == local(date(2027, 6, 16), 0)
    f.wait_until(date(2027, 6, 16))
    assert [a for a in f.alarms() if a[2] > date(2027, 4, 1)] == [
        ("reminder", "cadencia_sesion_anio2", date(2027, 5, 13)),
        ("escalation", "sesion_anio2", date(2027, 6, 16))]


def test_a_review_that_takes_the_case_to_the_mesa_convenes_it_as_a_step(family):
    f = family
    enter(f)
    jump_to(f, date(2026, 9, 14))  # the plan action is late since 13 September
    f.complete("revisar_atraso_logro_acciones", {"accion": "mesa_analisis_caso",
                                                 "comentario": "Dos meses sin avances"})
    [convened] = f.events("act_recorded")
    assert convened.data["submitted"] == {
        "fecha": "2026-09-14",
        "motivo": "Revisión de atraso: Registrar el logro de las acciones del plan. "
                  "Dos meses sin avances"}
    row = f.task("mesa_analisis_caso")
    assert row.role == "supervisor" and row.due_at == local(date(2026, 9, 30), 0)
