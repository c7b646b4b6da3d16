"""Comunidad Crece (componente 2) walked through day by day with a moving clock, in Coquimbo.

Every date below is hand-computed with Chile's national holidays (the Coquimbo region has no
regional one): Good Friday 3 April, 1 May, 21 May, 12 October, 8 December and 25 December
2026, 1 January 2027. Working days skip weekends and those days. A reminder fires at 08:00
local on its day; an escalation at 00:00 local the day after the step's due day.
"""

from datetime import date

import pytest
from sqlalchemy import select

import engine
import web.notifications.delivery  # noqa: F401 - notifies on the engine's events
from engine import unit_of_work
from tests.conftest import ROOT
from tests.integration.crece_driver import CreceCase, Team, add_coquimbo, team
from tests.integration.familias_driver import local, local_day
from tests.unit.act_samples import SAMPLES as ACTS
from tests.unit.test_formkit_roundtrip import BrowserSubmission, submitted
from web.auth.models import User
from web.demo_data_crece import (
    FACTORES,
    atender_alerta,
    derivacion,
    desistimiento,
    evaluacion_egreso,
    evaluacion_ingreso,
    no_ingresa,
    pii,
    revision_pii,
    tutoria,
    vinculacion_redes,
)
from web.formkit import parse_form, render_form
from web.notifications.models import Notification

FORMS = ROOT / "forms" / "comunidad_crece"


@pytest.fixture
def coquimbo(session):
    return add_coquimbo(session)


@pytest.fixture
def people(coquimbo):
    return team(coquimbo)


@pytest.fixture
def received(session, real_forms, people):
    """Start a case on the day its referral is received (the coordinator opens it)."""
    with unit_of_work(session):
        engine.deploy_folder(session, ROOT / "processes" / "comunidad_crece", real_forms, "manager")
    opened = []

    def start(day: date, name: str = "Matías Rojas") -> CreceCase:
        opened.append(CreceCase(session, real_forms, people, day, name))
        return opened[-1]

    yield start
    for case in opened:
        case.close()


def enter(c: CreceCase, registered: date, evaluated: date, planned: date, *, nivel="medio",
          con_derivacion=True, habits=None) -> None:
    """Referral registered, entry evaluation (the entry date), PII: each on its day."""
    c.wait_until(registered, habits)
    c.complete("registrar_derivacion", derivacion(c.case.opened_at.date()))
    c.wait_until(evaluated, habits)
    c.complete("evaluacion_ingreso", evaluacion_ingreso(c.today, nivel))
    c.wait_until(planned, habits)
    c.complete("pii", pii(c.today, con_derivacion))


def test_a_young_person_is_accompanied_twelve_months_to_a_successful_exit(received):
    # Referral received Thursday 26 March 2026; registered late, on Wednesday 1 April.
    c = received(date(2026, 3, 26))
    team_habits = Team(every=10, late={5: 23}, alert_at=12, review_delays=(13, 18, 7),
                       referral_on=date(2026, 6, 16))
    enter(c, date(2026, 4, 1), date(2026, 4, 16), date(2026, 6, 3), habits=team_habits)
    assert c.bpmn_ids() == ["tutoria", "vinculacion_redes"]
    c.wait_until(date(2027, 4, 28), team_habits)
    assert c.bpmn_ids() == ["evaluacion_egreso"]  # the 12 months closed the tutorings
    c.complete("evaluacion_egreso", evaluacion_egreso(c.today))
    c.wait_until(date(2027, 4, 29))
    c.complete("aprobar_egreso", {"aprobado": False, "observaciones": "Falta la meta de pares"})
    assert c.bpmn_ids() == ["evaluacion_egreso"]
    # sent back: 10 working days from Thu 29 April 2027 (1 May is a Saturday) → due Thu 13 May
    assert c.task("evaluacion_egreso").due_at == local(date(2027, 5, 14), 0)
    c.wait_until(date(2027, 4, 30))
    c.complete("evaluacion_egreso", evaluacion_egreso(c.today, "logrado", "logrado", "logrado"))
    c.wait_until(date(2027, 5, 3))
    c.complete("aprobar_egreso", {"aprobado": True})

    assert c.alarms() == [
        # 3 working days from Thu 26 March → due Tue 31 March
        ("reminder", "registro_derivacion", date(2026, 3, 30)),
        ("escalation", "registro_derivacion", date(2026, 4, 1)),
        # 15 working days from the referral (26 March), Good Friday skipped → due Fri 17 April
        ("reminder", "evaluacion_ingreso", date(2026, 4, 14)),
        # 30 working days from the entry (16 April), 1 and 21 May skipped → due Mon 1 June
        ("reminder", "pii", date(2026, 5, 25)),
        ("escalation", "pii", date(2026, 6, 2)),
        # 10 working days from the PII (3 June) → due Wed 17 June; filed on the 16th
        ("reminder", "vinculacion_redes", date(2026, 6, 15)),
        # medio: the next tutoring 14 days after the last (13 July), reminder 2 days before;
        # no tutoring for 21 days → escalation on the 22nd day
        ("reminder", "tutoria_medio", date(2026, 7, 25)),  # the rule applied
        ("escalation", "sin_tutoria", date(2026, 8, 4)),
        # review opened Thu 3 Sep → due Thu 17 Sep (10 working days); filed on the 16th
        ("reminder", "revision_pii", date(2026, 9, 15)),
        # the alert of 14 October (15:30) is due the next day; answered on it at 10:00
        ("reminder", "alerta_vulneracion", date(2026, 10, 15)),
        # review opened Thu 3 Dec, 8 December skipped → due Fri 18 Dec; filed on the 21st
        ("reminder", "revision_pii", date(2026, 12, 16)),
        ("escalation", "revision_pii", date(2026, 12, 19)),
        # the exit evaluation opened Sat 17 April 2027 → due Fri 30 April; filed on the 28th
        ("reminder", "evaluacion_egreso", date(2027, 4, 27)),
    ]
    case = c.refreshed_case()
    assert (case.status, case.outcome) == ("closed", "egreso_exitoso")
    assert local_day(case.closed_at) == date(2027, 5, 3)
    assert c.events("decision")[0].data == {"nivel_riesgo": "medio"}

    # the tutor held 30 tutorings, every 10 days but one (23 days), until the 12 months
    assert len(team_habits.tutorings) == 30
    assert team_habits.tutorings[4] == date(2026, 8, 5)
    assert team_habits.tutorings[-1] == date(2027, 4, 12)
    assert [e.actor for e in c.events("task_completed") if e.bpmn_id == "tutoria"] == (
        ["tomas"] * 30)
    cierre = [e for e in c.events("timer_fired") if e.bpmn_id == "cierre_por_plazo"]
    assert [local_day(e.at) for e in cierre] == [date(2027, 4, 17)]  # 12 months from 16 April

    # quarterly reviews open on the PII's day of the month (3 June) at 08:00
    reviews = [e for e in c.events("timer_fired") if e.bpmn_id == "espera_revision"]
    assert [e.at for e in reviews] == [local(date(2026, 9, 3), 8), local(date(2026, 12, 3), 8),
                                       local(date(2027, 3, 3), 8)]
    assert team_habits.reviews == [date(2026, 9, 16), date(2026, 12, 21), date(2027, 3, 10)]

    # what each step recorded
    data = c.data()
    assert (data["fecha_derivacion"], data["fecha_ingreso"], data["fecha_pii"]) == (
        "2026-03-26", "2026-04-16", "2026-06-03")
    assert (data["nivel_riesgo"], data["servicios_pii"], data["tutorias_realizadas"]) == (
        "medio", ["senda"], 30)
    assert data["aprobado"] is True
    assert c.submitted("evaluacion_ingreso")[0]["factores_riesgo"] == FACTORES["medio"][0]
    assert [s["avance_metas"][2]["estado"] for s in c.submitted("evaluacion_egreso")] == [
        "en_proceso", "logrado"]
    assert c.submitted("vinculacion_redes")[0]["derivaciones"][0]["servicio"] == "senda"
    assert len(c.submitted("revisar_atraso_tutoria")) == 1
    assert [e.data["submitted"]["decision_alerta"] for e in c.events("task_completed")
            if e.bpmn_id == "atender_alerta"] == ["continuar"]


def test_an_alert_reaches_the_coordinator_at_once_and_can_end_in_protection(received, session,
                                                                            coquimbo, people):
    session.add_all([
        User(username="rodrigo", full_name="Rodrigo Cortés", roles="supervisor",
             password_hash="-", territories=[coquimbo]),
        User(username="valentina", full_name="Valentina Pizarro", roles="caseworker",
             password_hash="-", territories=[coquimbo])])
    session.commit()
    # Referral received Tuesday 15 December 2026, registered the next day.
    c = received(date(2026, 12, 15), "Diego Castillo")
    enter(c, date(2026, 12, 16), date(2027, 1, 5), date(2027, 1, 25), nivel="bajo",
          con_derivacion=False)
    assert c.bpmn_ids() == ["tutoria"]  # no referral in the PII: no vinculación a redes
    c.wait_until(date(2027, 2, 8))
    c.complete("tutoria", tutoria(c.today))
    c.wait_until(date(2027, 2, 22))
    raised = c.at(16, 45)
    c.complete("tutoria", tutoria(c.today, alerta=True), hour=(16, 45))

    alert = c.task("atender_alerta")
    # straight to the case's coordinator, named when it was opened: no pool nobody owns
    assert (alert.role, alert.assignee, alert.created_at) == ("supervisor", "rodrigo", raised)
    assert alert.id in [t.id for t in engine.list_tasks(session, people["rodrigo"])]
    assert alert.remind_at == local(date(2027, 2, 23), 8)  # 1 calendar day: due Tue 23 Feb
    assert alert.due_at == local(date(2027, 2, 24), 0)
    assert [e.at for e in c.events("alert")] == [raised]
    alerts = session.scalars(select(Notification).where(Notification.kind == "alert")).all()
    assert [(n.username, n.title, n.created_at) for n in alerts] == [
        ("rodrigo", "Alerta de vulneración de derechos · Diego Castillo", raised)]
    assert "tutoria" in c.bpmn_ids()  # the tutorings go on meanwhile

    c.wait_until(date(2027, 2, 24))  # nobody answers on the 23rd: reminder, then escalation
    assert "revisar_atraso_atender_alerta" in c.bpmn_ids()
    c.complete("atender_alerta", atender_alerta(c.today, "derivar_proteccion"), hour=10)
    case = c.refreshed_case()
    assert (case.status, case.outcome) == ("closed", "derivacion_proteccion")
    assert c.open_tasks() == []  # the open tutoring and the delay review end with the case
    assert c.alarms() == [
        # 15 working days from Tue 15 Dec 2026, 25 Dec and 1 Jan skipped → due Thu 7 Jan 2027
        ("reminder", "evaluacion_ingreso", date(2027, 1, 4)),
        ("reminder", "alerta_vulneracion", date(2027, 2, 23)),
        ("escalation", "alerta_vulneracion", date(2027, 2, 24)),
    ]
    assert c.events("decision")[0].data == {"nivel_riesgo": "bajo"}
    assert c.data()["tutorias_realizadas"] == 2
    handled = c.submitted("atender_alerta")[0]
    assert (handled["institucion_proteccion"], handled["situacion_al_egreso"]) == (
        "tribunal_familia", "estudia")


def test_an_early_withdrawal_goes_to_the_coordinator(received):
    # Referral received Friday 11 September 2026; Fiestas Patrias (18, 19 Sep) and
    # 12 October fall inside the evaluation's and the PII's working days.
    c = received(date(2026, 9, 11), "Fernanda Díaz")
    enter(c, date(2026, 9, 14), date(2026, 10, 7), date(2026, 11, 10), nivel="alto",
          habits=CreceCase.review_overdue_steps)
    c.wait_until(date(2026, 11, 17))
    c.complete("tutoria", tutoria(c.today))
    c.wait_until(date(2026, 11, 20))
    c.complete("tutoria", tutoria(c.today))
    c.wait_until(date(2026, 11, 24))
    c.complete("tutoria", tutoria(c.today, novedad="desistimiento"))
    assert c.bpmn_ids() == ["registrar_desistimiento"]  # referrals and tutoring are over
    c.wait_until(date(2026, 12, 2), CreceCase.review_overdue_steps)
    c.complete("registrar_desistimiento", desistimiento(c.today))

    case = c.refreshed_case()
    assert (case.status, case.outcome) == ("closed", "desistimiento")
    assert c.alarms() == [
        # 15 working days from Fri 11 Sep, 18 Sep skipped → due Mon 5 Oct
        ("reminder", "evaluacion_ingreso", date(2026, 9, 30)),
        ("escalation", "evaluacion_ingreso", date(2026, 10, 6)),
        # PII: 30 working days from Wed 7 Oct, 12 Oct skipped → due Thu 19 Nov; done 10 Nov
        # alto: next tutoring 7 days after the PII (10 Nov), reminder the day before
        ("reminder", "tutoria_alto", date(2026, 11, 16)),
        # referrals: 10 working days from the PII (10 Nov) → due Tue 24 Nov, never filed:
        # the withdrawal closes them
        ("reminder", "vinculacion_redes", date(2026, 11, 20)),
        # registering the withdrawal: 5 working days from Tue 24 Nov → due Tue 1 Dec
        ("reminder", "desistimiento", date(2026, 11, 30)),
        ("escalation", "desistimiento", date(2026, 12, 2)),
    ]
    assert c.data()["tutorias_realizadas"] == 3
    assert c.submitted("registrar_desistimiento")[0]["situacion_al_egreso"] == "ninguna"


def test_a_young_person_who_does_not_consent_does_not_enter(received):
    # Referral received and registered Tuesday 28 April 2026.
    c = received(date(2026, 4, 28), "Camila Araya")
    c.complete("registrar_derivacion", derivacion(c.today))
    c.wait_until(date(2026, 5, 22), CreceCase.review_overdue_steps)
    c.complete("evaluacion_ingreso", no_ingresa(c.today))
    case = c.refreshed_case()
    assert (case.status, case.outcome) == ("closed", "no_ingresa")
    assert c.events("decision") == []  # no risk level without entry
    assert c.alarms() == [
        # 15 working days from Tue 28 April, 1 May skipped → due Wed 20 May (21 May is the
        # holiday, so the escalation comes at its midnight all the same)
        ("reminder", "evaluacion_ingreso", date(2026, 5, 15)),
        ("escalation", "evaluacion_ingreso", date(2026, 5, 21)),
    ]


@pytest.mark.parametrize(("riesgo", "protectores", "nivel", "reminder"), [
    (["infraccion_previa"], [], "alto", date(2026, 6, 25)),           # 7 days, 1 before
    (["desescolarizacion", "consumo_problematico", "pares_infractores", "conducta_agresiva"],
     ["adulto_significativo", "vinculo_escolar", "red_apoyo"], "alto", date(2026, 6, 25)),
    (["desescolarizacion", "pares_infractores"], ["adulto_significativo"], "medio",
     date(2026, 7, 1)),                                                # 14 days, 2 before
    (["desescolarizacion", "pares_infractores"],
     ["adulto_significativo", "vinculo_escolar", "red_apoyo"], "bajo", date(2026, 7, 7)),
    (["pares_infractores"], [], "bajo", date(2026, 7, 7)),            # 21 days, 3 before
    ([], [], "bajo", date(2026, 7, 7)),
])
def test_the_tutoring_cadence_follows_the_risk_level(received, riesgo, protectores, nivel,
                                                     reminder):
    c = received(date(2026, 6, 1))
    c.complete("registrar_derivacion", derivacion(c.today))
    c.wait_until(date(2026, 6, 8))
    entry = {**evaluacion_ingreso(c.today), "factores_riesgo": riesgo,
             "factores_protectores": protectores}
    # as a browser sends it: a checkbox group with nothing ticked is left out
    c.complete("evaluacion_ingreso", {k: v for k, v in entry.items() if v != []})
    assert c.events("decision")[0].data == {"nivel_riesgo": nivel}
    c.wait_until(date(2026, 6, 15))
    c.complete("pii", pii(c.today, con_derivacion=False))
    c.wait_until(date(2026, 6, 19))
    c.complete("tutoria", tutoria(c.today))  # then no tutoring at all
    nxt = c.task("tutoria")
    assert (nxt.remind_at, nxt.due_at) == (local(reminder, 8), local(date(2026, 7, 11), 0))
    c.wait_until(date(2026, 7, 12))
    assert c.alarms() == [("reminder", f"tutoria_{nivel}", reminder),  # the rule applied
                               ("escalation", "sin_tutoria", date(2026, 7, 11))]
    assert c.task("revisar_atraso_tutoria").role == "supervisor"


SAMPLES = {
    "derivacion": derivacion(date(2026, 3, 5)),
    "evaluacion_ingreso": evaluacion_ingreso(date(2026, 3, 5), "alto"),
    "pii": pii(date(2026, 3, 5)),
    "tutoria": tutoria(date(2026, 3, 5), alerta=True),
    "vinculacion_redes": vinculacion_redes(date(2026, 3, 5)),
    "revision_pii": revision_pii(date(2026, 3, 5), "logrado", "en_proceso", "no_logrado"),
    "atender_alerta": atender_alerta(date(2026, 3, 5), "derivar_proteccion"),
    "evaluacion_egreso": evaluacion_egreso(date(2026, 3, 5)),
    "aprobar_egreso": {"aprobado": False, "observaciones": "Falta la meta de pares"},
    "registrar_desistimiento": desistimiento(date(2026, 3, 5)),
    "revision_atraso": {"accion": "otro", "comentario": "Licencia médica del tutor"},
    **ACTS["comunidad_crece"],  # the acts recorded from the case file
}


@pytest.mark.parametrize("key", sorted(p.stem for p in FORMS.glob("*.json")))
def test_every_form_round_trips_through_a_browser(key):
    library = engine.FormLibrary(ROOT / "forms")
    schema = library.schema(f"comunidad_crece/{key}")
    html = str(render_form(schema, SAMPLES[key], {}))
    page = BrowserSubmission()
    page.feed(html)
    assert all(target in page.ids for target in page.labels_for)  # every input has a label
    assert library.validate(f"comunidad_crece/{key}", SAMPLES[key]) == []
    assert parse_form(schema, submitted(html)) == SAMPLES[key]
