"""Programa Familias: what the follow-up of each family adds to its outcome report.

Read from each case's audit trail, like the rest of the report (engine.reports.familias):

- the achievement the AFI recorded per plan action (``logro_acciones``: each action by its code,
  ``M1.A1`` the first action of the first goal; the latest record of an action counts), against
  the actions of the (latest) plan;
- the escalations of a plan action more than 30 days late (``accion_atrasada``) and of Matriz
  indicators still critical 6 months after the diagnosis (``indicador_critico``);
- the semiannual evaluations of the AFI done, and those escalated as late;
- the alerts to the Jefatura that the accompaniment neared its month 22 with work open;
- the Mesas de Análisis de Caso held (with their agreements), the changes in the household
  recorded (a member arrived or left, the family split) and the child-protection referrals
  sent to the Oficina Local de la Niñez or the Family Court.
"""

import re
from dataclasses import dataclass

from ..definitions import manifest
from ..persistence.models import Event
from .base import Figure, counted, share, submitted

STEPS = manifest.steps("familias")
ACTION_CODE = re.compile(r"^M(\d+)\.A(\d+)$")
LATE_ACTION, CRITICAL_INDICATOR, SEMIANNUAL = "accion_atrasada", "indicador_critico", \
    "evaluacion_semestral"
HOUSEHOLD_ACT, REFERRAL = "cambio_hogar", "derivacion_proteccion"
EVENT_KINDS = ("escalation", "alert", "message_sent", "act_recorded")


@dataclass(frozen=True)
class FollowUp:
    """One family's follow-up, read from its audit trail."""

    achieved: int
    not_achieved: int
    escalated_deadlines: frozenset[str]
    semiannual_done: int
    closing_alert: bool
    case_reviews: int
    agreements: int
    household_changes: tuple[str, ...]
    referrals: int


def read_follow_up(events: list[Event]) -> FollowUp:
    """The follow-up figures of one case."""
    achieved, not_achieved = action_achievement(events)
    reviews = submitted(events, STEPS["case_review"])
    return FollowUp(
        achieved, not_achieved,
        frozenset(e.data.get("deadline") for e in events if e.kind == "escalation"),
        len(submitted(events, STEPS["semiannual_evaluation"])),
        any(e.kind == "alert" and e.bpmn_id == STEPS["closing_alert"] for e in events),
        len(reviews), sum(len(r.get("acuerdos", [])) for r in reviews),
        tuple(e.data.get("submitted", {}).get("tipo", "") for e in events
              if e.kind == "act_recorded" and e.data.get("act") == HOUSEHOLD_ACT),
        sum(1 for e in events if e.kind == "message_sent" and e.data.get("message") == REFERRAL))


def action_achievement(events: list[Event]) -> tuple[int, int]:
    """How many actions of the (latest) plan were recorded achieved, and how many not."""
    plans = submitted(events, STEPS["family_plan"])
    if not plans:
        return 0, 0
    codes = {f"M{i}.A{j}" for i, goal in enumerate(plans[-1].get("metas", []), 1)
             for j, _ in enumerate(goal.get("acciones", []), 1)}
    latest: dict[str, bool] = {}
    for record in submitted(events, STEPS["plan_actions"]):
        for entry in record.get("logros", []):
            if entry.get("accion") in codes:
                latest[entry["accion"]] = bool(entry.get("logrado"))
    done = sum(1 for value in latest.values() if value)
    return done, len(latest) - done


def figures(planned_actions: int, plans: int, follow_ups: list[FollowUp]) -> list[Figure]:
    """The follow-up figures over the families (``planned_actions`` in ``plans`` plans)."""
    achieved = sum(f.achieved for f in follow_ups)
    missed = sum(f.not_achieved for f in follow_ups)
    unrecorded = planned_actions - achieved - missed
    return [
        Figure("acciones_logradas", "Acciones del plan logradas (registro por acción)", achieved,
               f"de {planned_actions} acciones en "
               f"{counted(plans, 'plan familiar', 'planes familiares')} "
               f"({counted(missed, 'no lograda', 'no logradas')}, {unrecorded} sin registro)"),
        Figure("acciones_logradas_pct", "Logro de las acciones de los planes",
               share(achieved, planned_actions), f"{achieved} de {planned_actions} acciones", "%"),
        *_escalation_figures(follow_ups),
        *_team_figures(follow_ups),
    ]


def _families(follow_ups: list[FollowUp], deadline: str) -> int:
    return sum(1 for f in follow_ups if deadline in f.escalated_deadlines)


def _escalation_figures(follow_ups: list[FollowUp]) -> list[Figure]:
    total = counted(len(follow_ups), "familia", "familias")
    return [
        Figure("familias_accion_atrasada", "Familias con una acción del plan más de 30 días "
               "atrasada", _families(follow_ups, LATE_ACTION), f"de {total}"),
        Figure("familias_indicador_critico", "Familias con indicadores aún críticos a los 6 "
               "meses del diagnóstico", _families(follow_ups, CRITICAL_INDICATOR), f"de {total}"),
        Figure("alertas_cierre", "Familias que llegaron al mes 22 con trabajo pendiente",
               sum(1 for f in follow_ups if f.closing_alert),
               "avisadas a la Jefatura (acciones abiertas o sesiones bajo la meta)"),
    ]


def _team_figures(follow_ups: list[FollowUp]) -> list[Figure]:
    changes = [kind for f in follow_ups for kind in f.household_changes]
    splits = sum(1 for kind in changes if kind == "division")
    return [
        Figure("evaluaciones_semestrales", "Evaluaciones semestrales del AFI realizadas",
               sum(f.semiannual_done for f in follow_ups),
               f"{counted(_families(follow_ups, SEMIANNUAL), 'familia', 'familias')} con una "
               "evaluación atrasada"),
        Figure("mesas_analisis", "Mesas de Análisis de Caso realizadas",
               sum(f.case_reviews for f in follow_ups),
               f"{counted(sum(f.agreements for f in follow_ups), 'acuerdo', 'acuerdos')}"),
        Figure("cambios_hogar", "Cambios en la composición de las familias", len(changes),
               f"{counted(splits, 'división', 'divisiones')} de la familia"),
        Figure("derivaciones_proteccion", "Derivaciones a la OLN o al Tribunal de Familia",
               sum(f.referrals for f in follow_ups), "por alertas de protección infantil"),
    ]
