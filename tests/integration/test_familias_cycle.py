"""Programa Familias, walked through its 24 months day by day with a moving clock.

Dates are hand-computed for Antofagasta (Chile): allocation on Monday 2 March 2026.
Reminders fire at 08:00 local on their day; an escalation at 00:00 local the day after the
step's due day.
"""

from datetime import date, timedelta

import pytest

import engine
from engine import unit_of_work
from engine.commands import migrations
from engine.programmes.calendars import add_months
from tests.conftest import ROOT
from tests.integration.familias_driver import FamiliaCase, local_day
from tests.integration.familias_versions import familias_v2_migration
from tests.integration.stored_states import STATE_LIMIT, stored_states
from web.demo_data import (
    contacto,
    diagnostico,
    evaluacion_final,
    evaluacion_semestral,
    ingreso,
    logro_acciones,
    plan,
    revision_indicadores,
    seguimiento,
    sesion,
)

ALLOCATED = date(2026, 3, 2)
ENTRY = date(2026, 3, 30)
YEAR_TWO = date(2027, 3, 30)


@pytest.fixture
def family(session, real_forms, territories, caseworker, supervisor):
    with unit_of_work(session):
        engine.deploy_folder(session, ROOT / "processes" / "familias", real_forms, "manager")
    case = FamiliaCase(session, real_forms, caseworker, supervisor, ALLOCATED)
    yield case
    case.close()


@pytest.fixture
def state_sizes():
    """The size in bytes of every workflow state stored during the test."""
    sizes = []
    with stored_states(lambda state: sizes.append(len(state.encode()))):
        yield sizes


def enter_programme(f: FamiliaCase, *, adultos_sin_empleo=1, interes_laboral=True) -> None:
    """Contact (late, on 25 March), entry on 30 March, diagnosis 10 May, plan 1 June."""
    f.wait_until(date(2026, 3, 25), FamiliaCase.review_overdue_steps)
    f.complete("primer_contacto", contacto(f.today))
    f.wait_until(ENTRY, FamiliaCase.review_overdue_steps)
    f.complete("ingreso", ingreso(f.today))
    f.wait_until(date(2026, 5, 10))
    f.complete("diagnostico", diagnostico(f.today, adultos_sin_empleo, interes_laboral))
    f.wait_until(date(2026, 6, 1))
    f.complete("plan", plan(f.today))


def keep_up_with_the_plan_and_the_evaluations(f: FamiliaCase) -> None:
    """The AFI records each plan action the day before its due date; the Jefe/a evaluates the
    AFI three weeks before each semester ends and reviews critical indicators the day they
    come."""
    actions = f.task("logro_acciones")
    if actions and f.today >= local_day(actions.remind_at) - timedelta(days=1):
        f.complete("logro_acciones", logro_acciones(f.today, ["M1.A1"]))
    evaluation = f.task("evaluacion_semestral_afi")
    if evaluation and (local_day(evaluation.due_at) - f.today).days <= 21:
        f.complete("evaluacion_semestral_afi", evaluacion_semestral(f.today), hour=10)
    if f.task("revisar_indicadores_criticos"):
        f.complete("revisar_indicadores_criticos", revision_indicadores(f.today), hour=10)


class Accompaniment:
    """The AFI's and the Gestor's habits during the 24 months (one session is left late)."""

    def __init__(self, late_session: int = 4):
        self.sessions: list[date] = []
        self.late_session = late_session

    def __call__(self, f: FamiliaCase) -> None:
        f.review_overdue_steps()
        keep_up_with_the_plan_and_the_evaluations(f)
        report = f.task("seguimiento")
        if report and (f.today - local_day(report.created_at)).days >= 3:
            f.complete("seguimiento", seguimiento(f.today))
        visit = f.task("sesion")
        if visit and (f.today - local_day(visit.created_at)).days >= self.wait(visit):
            f.complete("sesion", self.session_data(f))
            self.sessions.append(f.today)

    def session_data(self, f: FamiliaCase) -> dict:
        """What the AFI enters for a session."""
        return sesion(f.today)

    def wait(self, visit) -> int:
        if len(self.sessions) + 1 == self.late_session:
            return 50  # beyond the 45-day limit of year 1
        return 30 if local_day(visit.created_at) < YEAR_TWO else 55


def expected_alarms(late_opened: date) -> list[tuple[str, str, date]]:
    """Every reminder and escalation of the 24 months lived with :class:`Accompaniment`."""
    return [
        ("reminder", "contacto", date(2026, 3, 18)),     # 15 working days → due Mon 23 March
        ("escalation", "contacto", date(2026, 3, 24)),
        ("reminder", "ingreso", date(2026, 3, 27)),      # 30 days → due 1 April, 5 days before
        # the monthly cadence of year 1: a session opened 1 June is due 1 July, the AFI does
        # it 30 days later (1 July, after the 08:00 reminder); 1 Jul → 31 Jul, 31 Jul → 30 Aug
        # come before their month is up
        ("reminder", "cadencia_sesion_anio1", date(2026, 7, 1)),
        ("reminder", "cadencia_sesion_anio1", late_opened + timedelta(days=31)),  # 30 Sep
        ("escalation", "sesion_anio1", late_opened + timedelta(days=46)),  # 45 days: 14 Oct
        # i33 critical at the diagnosis (10 May) and in every monthly report: 6 months → Tue
        # 10 November; 10 working days before it (31 Oct and 1 Nov fall on a weekend): 27 Oct
        ("reminder", "indicador_critico", date(2026, 10, 27)),
        ("escalation", "indicador_critico", date(2026, 11, 11)),
        ("reminder", "cadencia_sesion_anio1", date(2026, 12, 18)),  # opened 18 Nov, 30 days
        ("reminder", "cadencia_sesion_anio1", date(2027, 3, 16)),   # opened 16 Feb (28 days)
        # year 2: every 6–8 weeks, the AFI reminded at 6 weeks (42 days); sessions take 55
        *[("reminder", "cadencia_sesion_anio2", day) for day in (
            date(2027, 5, 29), date(2027, 7, 23), date(2027, 9, 16), date(2027, 11, 10),
            date(2028, 1, 4))],
        ("reminder", "evaluacion_final", date(2028, 2, 29)),  # 24 months → 30 March 2028
    ]


def test_a_doble_family_is_accompanied_24_months_to_egreso(state_sizes, family):
    f = family
    enter_programme(f)
    habits = Accompaniment()
    f.wait_until(date(2028, 3, 5), habits)
    assert f.bpmn_ids() == ["evaluacion_final"]
    f.complete("evaluacion_final", evaluacion_final(f.today))
    f.wait_until(date(2028, 3, 6))
    f.complete("aprobar_egreso", {"aprobado": True, "observaciones": "Egreso exitoso"})

    late_opened = habits.sessions[2]  # the fourth session opened when the third was done
    assert late_opened == date(2026, 8, 30)
    assert f.alarms() == expected_alarms(late_opened)
    year_two = [day for day in habits.sessions if day >= date(2027, 4, 17)]
    assert [d + timedelta(days=42) for d in year_two[:5]] == [  # the reminders: 42 days on
        date(2027, 5, 29), date(2027, 7, 23), date(2027, 9, 16), date(2027, 11, 10),
        date(2028, 1, 4)]
    case = f.refreshed_case()
    assert (case.status, case.outcome) == ("closed", "egreso")
    assert local_day(case.closed_at) == date(2028, 3, 6)
    decision = f.events("decision")[0].data
    assert decision == {"trayectoria": "doble", "sesiones_meta": 16}
    completed = [e.bpmn_id for e in f.events("task_completed")]
    assert completed.count("sesion") == len(habits.sessions) == 15  # one short of the goal
    assert f.data()["sesiones_realizadas"] == 15
    assert completed.count("seguimiento") >= 18
    assert completed.count("revisar_atraso_primer_contacto") == 1
    assert completed.count("revisar_atraso_sesion") == 1
    monthly = [e for e in f.events("system_step") if e.bpmn_id == "transferencia_mensual"]
    # every month on the entry day (30 March), clamped in February; the first after the plan
    assert [local_day(e.at) for e in monthly] == [
        add_months(ENTRY, k) for k in range(3, 3 + len(monthly))]
    assert local_day(monthly[8].at) == date(2027, 2, 28)
    cierre = [e for e in f.events("timer_fired") if e.bpmn_id == "cierre_por_plazo"]
    assert [local_day(e.at) for e in cierre] == [date(2028, 1, 31)]  # month 22 from entry
    # every state stored in the 24 months (each save, the sweep's too) stays within 30 KB
    assert len(state_sizes) > 50 and max(state_sizes) <= STATE_LIMIT


def test_a_simple_family_gets_twelve_sessions_as_its_goal(family):
    enter_programme(family, adultos_sin_empleo=0, interes_laboral=False)
    assert family.events("decision")[0].data == {"trayectoria": "simple", "sesiones_meta": 12}
    # sessions, the plan's actions and the semester's evaluation of the AFI run side by side
    assert sorted(family.bpmn_ids()) == ["evaluacion_semestral_afi", "logro_acciones", "sesion"]


def test_a_family_not_found_closes_the_case(family):
    family.wait_until(date(2026, 3, 10))
    family.complete("primer_contacto", contacto(family.today, ubicada=False))
    case = family.refreshed_case()
    assert (case.status, case.outcome) == ("closed", "no_ubicada")
    assert family.open_tasks() == []


def test_a_refusal_closes_the_case_and_the_overdue_contact_review_closes_by_itself(family):
    family.wait_until(date(2026, 3, 25))
    assert "revisar_atraso_primer_contacto" in family.bpmn_ids()
    family.complete("primer_contacto", contacto(family.today))
    assert "revisar_atraso_primer_contacto" not in family.bpmn_ids()  # its step is done
    assert [e.code for e in family.events("review_closed")] == [
        "event.review_closed_step_done"]
    family.complete("ingreso", {"respuesta": "rechaza", "motivo_rechazo": "No desea participar"})
    case = family.refreshed_case()
    assert (case.status, case.outcome) == ("closed", "rechazo")


def test_withdrawal_in_year_two_goes_to_the_head_of_unit(family):
    enter_programme(family)
    family.wait_until(date(2027, 5, 3), Accompaniment(late_session=0))
    family.complete("sesion", sesion(family.today, "desistimiento"))
    assert "registrar_desistimiento" in family.bpmn_ids()
    assert "sesion" not in family.bpmn_ids() and "seguimiento" not in family.bpmn_ids()
    family.complete("registrar_desistimiento", {"fecha": family.today.isoformat(),
                                                "motivo": "Cambio de ciudad sin aviso",
                                                "mesa_analisis_caso": True})
    assert family.refreshed_case().outcome == "desistimiento"


def test_a_move_to_another_comuna_transfers_the_case(family):
    enter_programme(family)
    family.wait_until(date(2026, 9, 15), Accompaniment(late_session=0))
    family.complete("sesion", sesion(family.today, "traslado", comuna_destino="Calama"))
    case = family.refreshed_case()
    assert (case.status, case.outcome) == ("closed", "traslado")
    assert family.events("case_closed")[0].data == {"outcome": "traslado"}


def test_an_egreso_sent_back_reopens_the_final_evaluation(family):
    enter_programme(family)
    family.wait_until(date(2028, 2, 10), Accompaniment(late_session=0))
    family.complete("evaluacion_final", evaluacion_final(family.today))
    family.complete("aprobar_egreso", {"aprobado": False, "observaciones": "Falta la Matriz"})
    assert family.bpmn_ids() == ["evaluacion_final"]
    assert family.refreshed_case().status == "open"


class AfterVersionTwo(Accompaniment):
    """The same habits; once the case is on version 2 its session form asks where it was."""

    migrated = False

    def session_data(self, f: FamiliaCase) -> dict:
        extra = {"lugar_sesion": "domicilio"} if self.migrated else {}
        return sesion(f.today, **extra)


def test_a_family_migrated_in_its_sixth_month_lives_its_24_months_on_version_two(
        family, sql_engine, manager, tmp_path):
    f = family
    enter_programme(f)
    habits = AfterVersionTwo()
    f.wait_until(date(2026, 9, 2), habits)  # month 6: the late fourth session is open
    assert "sesion" in f.bpmn_ids() and len(habits.sessions) == 3
    folder, v2_forms = familias_v2_migration(tmp_path)
    with unit_of_work(f.session):
        engine.deploy_folder(f.session, folder, v2_forms, "equipo-procesos")
    with unit_of_work(f.session):
        batch_id = migrations.start_batch(f.session, manager,
                                          migrations.MigrationRequest("familias", 1, 2))
    progress = migrations.run_batch(sql_engine, batch_id)
    assert (progress.migrated, progress.skipped, progress.failed) == (1, 0, 0)
    habits.migrated = True
    f.session.expire_all()
    assert "sesion" in f.bpmn_ids()  # the same open session, its deadline kept

    f.wait_until(date(2028, 3, 5), habits)
    assert f.bpmn_ids() == ["evaluacion_final"]
    f.complete("evaluacion_final", evaluacion_final(f.today))
    f.wait_until(date(2028, 3, 6))
    f.complete("aprobar_egreso", {"aprobado": True, "observaciones": "Egreso exitoso"})
    assert f.bpmn_ids() == ["encuesta_egreso"]  # version 2's new last step
    assert f.refreshed_case().status == "open"
    f.complete("encuesta_egreso", {"satisfaccion": 5})

    late_opened = habits.sessions[2]
    assert late_opened == date(2026, 8, 30)
    assert f.alarms() == expected_alarms(late_opened)  # those after the migration too
    case = f.refreshed_case()
    assert (case.status, case.outcome) == ("closed", "egreso")
    assert local_day(case.closed_at) == date(2028, 3, 6)
    migrated = f.events("case_migrated")
    assert [(e.data["from"], e.data["to"], local_day(e.at)) for e in migrated] == [
        (1, 2, date(2026, 9, 2))]
    kinds = [e.kind for e in f.events()]
    before, after = kinds[:kinds.index("case_migrated")], kinds[kinds.index("case_migrated"):]
    assert "decision" in before and "case_closed" in after
    completed = [e.bpmn_id for e in f.events("task_completed")]
    assert completed.count("sesion") == len(habits.sessions) == 15
    assert completed[-1] == "encuesta_egreso"
    assert f.submitted("sesion")[-1]["lugar_sesion"] == "domicilio"
    assert f.data()["sesiones_realizadas"] == 15
    assert completed.count("revisar_atraso_sesion") == 1
    monthly = [e for e in f.events("system_step") if e.bpmn_id == "transferencia_mensual"]
    assert [local_day(e.at) for e in monthly] == [
        add_months(ENTRY, k) for k in range(3, 3 + len(monthly))]
    cierre = [e for e in f.events("timer_fired") if e.bpmn_id == "cierre_por_plazo"]
    assert [local_day(e.at) for e in cierre] == [date(2028, 1, 31)]
