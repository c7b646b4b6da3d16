"""Programa Familias: families graduated, Matriz indicators moved to *cumplido*, plan actions
done, sessions delivered against the 12 (simple) / 16 (doble) goal, and the families'
money transfers due, paid and withheld (engine.reports.familias_transfers).

Everything is read from each case's audit trail: the data submitted at ``diagnostico``,
``plan``, ``seguimiento``, ``sesion`` and ``evaluacion_final`` (the latest one counts when a
step was done twice), the ``decision`` event of the trajectory table (``trayectoria``,
``sesiones_meta``) and the case's outcome. A case is *closed* once its outcome is known.
"""

from collections.abc import Iterable
from dataclasses import dataclass

from sqlalchemy.orm import Session

from ..definitions import manifest
from ..persistence.models import Case, Event
from . import familias_followup, marks, register
from . import familias_transfers as transfers
from .base import (
    Breakdown,
    Figure,
    Report,
    case_events,
    closures_by_type,
    counted,
    members,
    programme_cases,
    share,
    submitted,
)

STEPS = manifest.steps("familias")  # the steps read, by the names of the manifest
TITLE = "Programa Familias — resultados del acompañamiento"
OUTCOMES = {
    "egreso": "Egreso (acompañamiento completo)",
    "desistimiento": "Desistimiento",
    "traslado": "Traslado a otra comuna",
    "rechazo": "La familia rechaza participar",
    "no_ubicada": "Familia no ubicada",
}
TRAJECTORIES = {"simple": "Simple (APS)", "doble": "Doble (APS + ASL)"}
TO_ACHIEVE = frozenset({"a_trabajar", "critico"})  # Matriz states still to be worked on
ACHIEVED = "cumplido"
COLUMNS = ["caso", "familia", "territorio", "profesional", "resultado", "trayectoria",
           "sesiones_meta", "sesiones_realizadas", "acciones_plan", "acciones_realizadas",
           "indicadores_por_lograr", "indicadores_a_cumplido", "integrantes",
           *transfers.COLUMNS]


@dataclass(frozen=True)
class FamilyResult:
    """What one family's case achieved, read from its audit trail (None: not measured yet)."""

    case: Case
    trajectory: str | None
    session_goal: int | None
    sessions: int
    planned_actions: int | None
    actions_done: int | None
    to_achieve: int | None
    achieved: int | None

    @property
    def reached_goal(self) -> bool:
        """Whether the family had as many sessions as its trajectory's goal."""
        return self.session_goal is not None and self.sessions >= self.session_goal


def read_family(case: Case, events: list[Event]) -> FamilyResult:
    """The outcome figures of one case from its ``task_completed`` and ``decision`` events."""
    decisions = [e.data for e in events if e.kind == "decision"]
    trajectory = decisions[-1] if decisions else {}
    planned, done = plan_actions(events)
    to_achieve, achieved = matrix_moves(events)
    sessions = len(submitted(events, STEPS["session"]))
    return FamilyResult(case, trajectory.get("trayectoria"), trajectory.get("sesiones_meta"),
                        sessions, planned, done, to_achieve, achieved)


def plan_actions(events: list[Event]) -> tuple[int | None, int | None]:
    """The actions of the (latest) plan and how many were done, as the monthly reports say.

    Each ``seguimiento`` reports the plan actions done in its month; their sum, capped at the
    plan's size, is the actions done. (None, None) while there is no plan.
    """
    plans = submitted(events, STEPS["family_plan"])
    if not plans:
        return None, None
    planned = sum(len(goal.get("acciones", [])) for goal in plans[-1].get("metas", []))
    reported = sum(r.get("acciones_realizadas", 0) for r in submitted(events, STEPS["follow_up"]))
    return planned, min(reported, planned)


def matrix_moves(events: list[Event]) -> tuple[int | None, int | None]:
    """Indicators *a trabajar* or *crítico* at diagnosis, and how many of them are *cumplido*
    at the (latest) final evaluation; (None, None) until both Matrices exist."""
    diagnoses = submitted(events, STEPS["diagnosis"])
    finals = submitted(events, STEPS["final_evaluation"])
    if not diagnoses or not finals:
        return None, None
    before, after = diagnoses[-1].get("matriz", {}), finals[-1].get("matriz", {})
    pending = [code for code, state in before.items() if state in TO_ACHIEVE]
    return len(pending), sum(1 for code in pending if after.get(code) == ACHIEVED)


@register("familias")
def build(session: Session, territory_ids: Iterable[int]) -> Report:
    """The Programa Familias outcome report over ``territory_ids`` (four queries: the
    cases, their events, their transfers, their versions' instruments)."""
    cases = programme_cases(session, "familias", territory_ids)
    events = case_events(session, [c.id for c in cases],
                         ("task_completed", "decision", *familias_followup.EVENT_KINDS))
    paid = transfers.totals_by_case(session, [c.id for c in cases])
    families = [read_family(case, events[case.id]) for case in cases]
    follow_ups = [familias_followup.read_follow_up(events[case.id]) for case in cases]
    planned = [f.planned_actions for f in families if f.planned_actions is not None]
    report = Report("familias", TITLE, columns=COLUMNS,
                    figures=(figures(families) + familias_followup.figures(
                        sum(planned), len(planned), follow_ups)
                        + transfers.figures(cases, paid)),
                    rows=[csv_row(f) | transfers.csv_columns(paid.get(f.case.id, {}))
                          for f in families],
                    breakdowns=[closures_by_type((f.case for f in families), OUTCOMES),
                                sessions_by_trajectory(families),
                                transfers.by_kind(cases, paid)])
    evaluated = [f.case for f in families if f.to_achieve is not None]  # both Matrices
    return marks.marked(session, report, cases, {"indicadores_cumplidos": evaluated,
                                                 "indicadores_pct": evaluated})


def figures(families: list[FamilyResult]) -> list[Figure]:
    """The headline figures."""
    return (_exit_figures(families) + _matrix_figures(families) + _action_figures(families)
            + _session_figures(families))


def _exit_figures(families: list[FamilyResult]) -> list[Figure]:
    closed = [f for f in families if f.case.outcome]
    graduated = sum(1 for f in closed if f.case.outcome == "egreso")
    return [
        Figure("casos", "Casos del programa", len(families),
               f"{len(families) - len(closed)} en curso, "
               f"{counted(len(closed), 'cerrado', 'cerrados')}"),
        Figure("egresadas", "Familias egresadas", graduated,
               f"de {counted(len(closed), 'caso cerrado', 'casos cerrados')}"),
        Figure("egreso_pct", "Egreso sobre los casos cerrados", share(graduated, len(closed)),
               f"{graduated} de {len(closed)}", "%"),
    ]


def _matrix_figures(families: list[FamilyResult]) -> list[Figure]:
    evaluated = [f for f in families if f.to_achieve is not None]
    to_achieve = sum(f.to_achieve for f in evaluated)
    achieved = sum(f.achieved for f in evaluated)
    return [
        Figure("indicadores_cumplidos", "Indicadores de la Matriz que pasaron a cumplido",
               achieved, f"de {to_achieve} a trabajar o críticos en el diagnóstico, "
               f"en {counted(len(evaluated), 'familia', 'familias')} con evaluación final"),
        Figure("indicadores_pct", "Indicadores por lograr que se cumplieron",
               share(achieved, to_achieve), f"{achieved} de {to_achieve}", "%"),
    ]


def _action_figures(families: list[FamilyResult]) -> list[Figure]:
    planned = [f for f in families if f.planned_actions is not None]
    total = sum(f.planned_actions for f in planned)
    done = sum(f.actions_done for f in planned)
    return [
        Figure("acciones", "Acciones del plan realizadas", done,
               f"de {total} acciones en "
               f"{counted(len(planned), 'plan familiar', 'planes familiares')}"),
        Figure("acciones_pct", "Avance de los planes familiares", share(done, total),
               f"{done} de {total} acciones", "%"),
    ]


def _session_figures(families: list[FamilyResult]) -> list[Figure]:
    followed = [f for f in families if f.session_goal is not None]
    held = sum(f.sessions for f in followed)
    goal = sum(f.session_goal for f in followed)
    reached = sum(1 for f in followed if f.reached_goal)
    return [
        Figure("sesiones", "Sesiones realizadas", held,
               f"de una meta de {goal} "
               f"({counted(len(followed), 'familia', 'familias')} con trayectoria)"),
        Figure("meta_sesiones", "Familias que alcanzaron su meta de sesiones", reached,
               f"de {len(followed)} (meta: 12 en trayectoria simple, 16 en doble)"),
    ]


def sessions_by_trajectory(families: list[FamilyResult]) -> Breakdown:
    """Per trajectory: families, their sessions held against the goal, and who reached it."""
    rows = []
    for key, label in TRAJECTORIES.items():
        group = [f for f in families if f.trajectory == key]
        rows.append((label, len(group), sum(f.sessions for f in group),
                     sum(f.session_goal for f in group), sum(f.reached_goal for f in group)))
    return Breakdown("trayectorias", "Sesiones por trayectoria",
                     ("Trayectoria", "Familias", "Sesiones realizadas", "Meta de sesiones",
                      "Alcanzaron la meta"), tuple(rows))


def csv_row(family: FamilyResult) -> dict:
    """One CSV line: the case and its figures (blank where nothing is measured yet)."""
    case = family.case
    return {"caso": case.id, "familia": case.household.family_name,
            "territorio": case.territory.name, "profesional": case.caseworker,
            "resultado": case.outcome or "", "trayectoria": family.trajectory,
            "sesiones_meta": family.session_goal, "sesiones_realizadas": family.sessions,
            "acciones_plan": family.planned_actions, "acciones_realizadas": family.actions_done,
            "indicadores_por_lograr": family.to_achieve,
            "indicadores_a_cumplido": family.achieved, "integrantes": members(case)}
