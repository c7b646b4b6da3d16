"""The follow-up figures of the Programa Familias report, against a count made by hand.

Two families of Antofagasta live on one clock (dates as in test_familias_followup.py: entry,
diagnosis with i33 and p_ing_01 critical, and plan on 25 March 2026), and nobody touches
either case until Monday 14 September, when:

=============  ====================================================================
Rojas Pérez    plan of 3 actions (M1.A1 and M1.A2 due 13 August, M2.A1 due 30
               December): M1.A1 achieved, M1.A2 not achieved, M2.A1 not recorded; the
               Gestor reports no critical indicator; the Jefe/a evaluates the AFI; a
               Mesa de Análisis de Caso with 2 agreements; a new member and a split of
               the household; a protection alert referred to the OLN.
Díaz Soto      plan of 1 action (due 13 August), never recorded; no monthly report; no
               evaluation of the AFI.
=============  ====================================================================

On 27 September: both families had an action 30 days late (13 September); only Díaz Soto
still has critical indicators at 6 months (26 September, p_ing_01 and i33 never reported
solved) and a semiannual evaluation escalated (26 September).
"""

from datetime import date

from engine.reports import build_report
from tests.integration.acts_driver import record_act
from tests.integration.familias_driver import LaterFamily
from tests.integration.test_familias_followup import (  # noqa: F401 - the fixture
    ALERT,
    ENTRY,
    MESA,
    SESSION_OF_THE_MESA,
    family,
    jump_to,
    plan_with,
)
from web.demo_data import (
    contacto,
    diagnostico,
    evaluacion_semestral,
    ingreso,
    logro_acciones,
    seguimiento,
)
from web.demo_data import plan as one_action_plan

ROJAS_PLAN = plan_with(("2026-08-13", "2026-08-13"), ("2026-12-30",))


def test_each_follow_up_figure_matches_the_hand_count(family, territories):  # noqa: F811
    rojas = family
    diaz = LaterFamily(rojas, "Díaz Soto")
    rojas.wait_until(date(2026, 3, 20))
    for case in (rojas, diaz):
        case.complete("primer_contacto", contacto(rojas.today))
    rojas.wait_until(ENTRY)
    for case, plan in ((rojas, ROJAS_PLAN), (diaz, one_action_plan(date(2026, 6, 14)))):
        case.complete("ingreso", ingreso(ENTRY))
        case.complete("diagnostico", diagnostico(ENTRY))
        case.complete("plan", plan)
    jump_to(rojas, date(2026, 9, 14))
    rojas.complete("seguimiento", {**seguimiento(rojas.today), "indicadores_criticos": []})
    rojas.complete("logro_acciones", {"logros": [
        *logro_acciones(rojas.today, ["M1.A1"])["logros"],
        *logro_acciones(rojas.today, ["M1.A2"], achieved=False)["logros"]]})
    rojas.complete("evaluacion_semestral_afi", evaluacion_semestral(rojas.today))
    record_act(rojas, "mesa_analisis", MESA, rojas.supervisor)
    rojas.complete("mesa_analisis_caso", SESSION_OF_THE_MESA)
    for kind in ("nuevo_integrante", "division"):
        record_act(rojas, "cambio_hogar", {"fecha": "2026-09-14", "tipo": kind,
                                           "descripcion": "Cambio"}, rojas.caseworker)
    record_act(rojas, "alerta_proteccion", ALERT, rojas.caseworker)
    rojas.complete("atender_alerta_proteccion", {"fecha_atencion": "2026-09-14",
                                                 "derivacion": "oln", "medidas": "Derivada"})
    rojas.wait_until(date(2026, 9, 27))

    report = build_report(rojas.session, "familias", [territories["antofagasta"].id])
    found = {f.key: (f.value, f.detail) for f in report.figures}
    assert {key: found[key] for key in EXPECTED} == EXPECTED


EXPECTED = {
    # 3 + 1 actions planned; Rojas: M1.A1 achieved, M1.A2 not, M2.A1 and Díaz's unrecorded
    "acciones_logradas": (1, "de 4 acciones en 2 planes familiares (1 no lograda, "
                             "2 sin registro)"),
    "acciones_logradas_pct": (25.0, "1 de 4 acciones"),
    # both had an action 30 days late on 13 September (due 13 August)
    "familias_accion_atrasada": (2, "de 2 familias"),
    # Rojas's Gestor reported none critical before 26 September; Díaz never reported
    "familias_indicador_critico": (1, "de 2 familias"),
    "alertas_cierre": (0, "avisadas a la Jefatura (acciones abiertas o sesiones bajo la meta)"),
    # Rojas's done on 14 September; Díaz's escalated on 26 September
    "evaluaciones_semestrales": (1, "1 familia con una evaluación atrasada"),
    "mesas_analisis": (1, "2 acuerdos"),
    "cambios_hogar": (2, "1 división de la familia"),
    "derivaciones_proteccion": (1, "por alertas de protección infantil"),
}
