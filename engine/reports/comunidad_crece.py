"""Comunidad Crece (componente 2): PII goals achieved, exits by type, young people in school
or work at exit, no new offences, and tutorías delivered against those their risk level asks.

Everything is read from each case's audit trail: the data submitted at
``evaluacion_ingreso``, ``pii``, ``tutoria``, ``revision_pii``, ``evaluacion_egreso`` and the
exit steps, the ``decision`` event of the risk table (``nivel_riesgo``), the firing of the
12-month timer, and the case's outcome. The tutoring interval of each level is the live
programme setting (``plazos.tutoria_<nivel>.dias``), so the expectation follows the settings.
"""

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime
from zoneinfo import ZoneInfo

from sqlalchemy.orm import Session

from ..core import clock
from ..definitions import catalog, manifest
from ..persistence.models import Case, Event
from . import marks, register
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

PROGRAMME = "comunidad_crece"
STEPS = manifest.steps(PROGRAMME)  # the steps read, by the names of the manifest
TITLE = "Comunidad Crece — resultados del acompañamiento especializado"
EXITS = {  # outcomes of a young person who entered the component
    "egreso_exitoso": "Egreso exitoso (acompañamiento completo)",
    "desistimiento": "Desistimiento",
    "derivacion_proteccion": "Derivación a protección",
}
OUTCOMES = {**EXITS, "no_ingresa": "No ingresa al componente"}
LEVELS = {"alto": "Riesgo alto", "medio": "Riesgo medio", "bajo": "Riesgo bajo"}
IN_SCHOOL_OR_WORK = frozenset({"estudia", "trabaja", "estudia_y_trabaja"})
ACHIEVED = "logrado"
COLUMNS = ["caso", "joven", "territorio", "profesional", "resultado", "nivel_riesgo",
           "fecha_derivacion", "fecha_ingreso", "fecha_pii", "tutorias_realizadas",
           "tutorias_esperadas", "metas_pii", "metas_logradas", "situacion_ingreso",
           "situacion_egreso", "nuevas_infracciones", "alertas", "integrantes"]


@dataclass(frozen=True)
class YoungResult:
    """What one young person's case shows, read from its audit trail (None: not yet)."""

    case: Case
    level: str | None
    referred: str | None
    entered: str | None
    planned: str | None
    tutorings: int
    expected: int | None
    goals: int | None
    achieved: int | None
    situation_in: str | None
    situation_out: str | None
    new_offences: bool | None
    alerts: int

    @property
    def exited(self) -> bool:
        """Whether the young person entered and has left the component."""
        return self.case.outcome in EXITS


def read_young(case: Case, events: list[Event], intervals: dict[str, int],
               now: datetime) -> YoungResult:
    """The outcome figures of one case from its events."""
    level = next((e.data.get("nivel_riesgo") for e in reversed(events)
                  if e.kind == "decision"), None)
    referral = last(submitted(events, STEPS["referral"]))
    entry = last(submitted(events, STEPS["entry"]))
    plan = last(submitted(events, STEPS["individual_plan"]))
    exit_evaluation = last(submitted(events, STEPS["exit_evaluation"]))
    goals, achieved = goal_progress(events)
    tutorings = len(submitted(events, STEPS["tutoring"]))
    zone = ZoneInfo(case.territory.timezone)
    return YoungResult(
        case, level, referral.get("fecha_derivacion"), entry.get("fecha_ingreso"),
        plan.get("fecha_pii"), tutorings,
        expected_tutorings(events, intervals.get(level), now, zone),
        goals, achieved, entry.get("situacion_educacional_laboral"),
        exit_situation(case, events), exit_evaluation.get("nuevas_infracciones"),
        sum(1 for e in events if e.kind == "alert"))


def last(items: list[dict]) -> dict:
    """The last of ``items`` (an empty dict when there is none)."""
    return items[-1] if items else {}


def goal_progress(events: list[Event]) -> tuple[int | None, int | None]:
    """The PII goals and how many are achieved, as the latest exit evaluation says, or else
    the latest quarterly review; (None, None) before any of them."""
    latest = (last(submitted(events, STEPS["exit_evaluation"]))
              or last(submitted(events, STEPS["review"])))
    if not latest:
        return None, None
    goals = latest.get("avance_metas", [])
    return len(goals), sum(1 for g in goals if g.get("estado") == ACHIEVED)


def exit_situation(case: Case, events: list[Event]) -> str | None:
    """School and work at exit: the last exit step's ``situacion_al_egreso`` (a returned exit
    evaluation is superseded by the next one)."""
    if case.outcome not in EXITS:
        return None
    found = [s["situacion_al_egreso"] for s in (e.data.get("submitted", {}) for e in events
                                                 if e.kind == "task_completed")
             if "situacion_al_egreso" in s]
    return found[-1] if found else None


def expected_tutorings(events: list[Event], interval: int | None, now: datetime,
                       zone: ZoneInfo) -> int | None:
    """Whole tutoring intervals between the PII and the end of the tutorings (local days).

    The tutorings end when the 12 months run out, when a tutoring records a withdrawal, when
    the coordinator refers the young person to protection, or else (still running) now.
    """
    plan = STEPS["individual_plan"]
    plans = [e for e in events if e.kind == "task_completed" and e.bpmn_id == plan]
    if not plans or not interval:
        return None
    end = next((e.at for e in events if _ends_tutoring(e)), now)
    days = (_day(end, zone) - _day(plans[-1].at, zone)).days
    return max(days, 0) // interval


def _ends_tutoring(event: Event) -> bool:
    if event.kind == "timer_fired":
        return event.bpmn_id == STEPS["end_of_tutoring"]  # the 12 months ran out
    data = event.data.get("submitted", {}) if event.kind == "task_completed" else {}
    return (data.get("novedad") not in (None, "ninguna")
            or data.get("decision_alerta") == "derivar_proteccion")


def _day(moment: datetime, zone: ZoneInfo) -> date:
    return clock.as_utc(moment).astimezone(zone).date()


def tutoring_intervals(cases: list[Case]) -> dict[str, int]:
    """Days between tutorings per risk level, from the programme's live settings."""
    if not cases:
        return {}
    settings = catalog.settings_of(cases[0].programme)
    rules = {level: settings.deadlines.get(f"tutoria_{level}") for level in LEVELS}
    return {level: rule.days for level, rule in rules.items() if rule and rule.days}


@register(PROGRAMME)
def build(session: Session, territory_ids: Iterable[int]) -> Report:
    """The Comunidad Crece outcome report over ``territory_ids``."""
    cases = programme_cases(session, PROGRAMME, territory_ids)
    events = case_events(session, [c.id for c in cases],
                         ("task_completed", "decision", "timer_fired", "alert"))
    intervals, now = tutoring_intervals(cases), clock.now()
    young = [read_young(case, events[case.id], intervals, now) for case in cases]
    report = Report(PROGRAMME, TITLE, figures=figures(young), columns=COLUMNS,
                    rows=[csv_row(y) for y in young],
                    breakdowns=[closures_by_type((y.case for y in young), OUTCOMES),
                                tutorings_by_level(young)])
    followed = [y.case for y in young if y.expected is not None]  # a risk level, a PII
    return marks.marked(session, report, cases, dict.fromkeys(
        ("tutorias", "tutorias_pct", "tutorias_por_nivel"), followed))


def figures(young: list[YoungResult]) -> list[Figure]:
    """The headline figures."""
    return (_case_figures(young) + _goal_figures(young) + _exit_figures(young)
            + _tutoring_figures(young))


def _case_figures(young: list[YoungResult]) -> list[Figure]:
    closed = sum(1 for y in young if y.case.outcome)
    entered = Counter(y.level for y in young if y.level)
    levels = ", ".join(f"{level} {entered[level]}" for level in LEVELS)
    exits = Counter(y.case.outcome for y in young if y.exited)
    total = sum(exits.values())
    return [
        Figure("casos", "Jóvenes derivados", len(young),
               f"{len(young) - closed} en curso, {counted(closed, 'cerrado', 'cerrados')}"),
        Figure("ingresos", "Ingresaron al componente", sum(entered.values()),
               f"por nivel de riesgo: {levels}"),
        Figure("egresos", "Egresos", total,
               f"{counted(exits['egreso_exitoso'], 'exitoso', 'exitosos')}, "
               f"{exits['desistimiento']} por desistimiento, "
               f"{counted(exits['derivacion_proteccion'], 'derivado', 'derivados')} a protección"),
        Figure("egreso_exitoso_pct", "Egresos exitosos", share(exits["egreso_exitoso"], total),
               f"{exits['egreso_exitoso']} de {total}", "%"),
    ]


def _goal_figures(young: list[YoungResult]) -> list[Figure]:
    assessed = [y for y in young if y.goals is not None]
    goals = sum(y.goals for y in assessed)
    achieved = sum(y.achieved for y in assessed)
    return [Figure("metas_logradas", "Metas del PII logradas", share(achieved, goals),
                   f"{achieved} de {goals} metas, en "
                   f"{counted(len(assessed), 'joven', 'jóvenes')} con revisión o egreso", "%")]


def _exit_figures(young: list[YoungResult]) -> list[Figure]:
    known = [y for y in young if y.exited and y.situation_out]
    out = sum(1 for y in known if y.situation_out in IN_SCHOOL_OR_WORK)
    before = sum(1 for y in known if y.situation_in in IN_SCHOOL_OR_WORK)
    evaluated = [y for y in young if y.case.outcome == "egreso_exitoso"
                 and y.new_offences is not None]
    clean = sum(1 for y in evaluated if not y.new_offences)
    return [
        Figure("estudia_o_trabaja", "Estudian o trabajan al egreso", share(out, len(known)),
               f"{out} de {len(known)} egresados (al ingreso: {before} de {len(known)})", "%"),
        Figure("sin_nuevas_infracciones", "Sin nuevas infracciones al egreso exitoso",
               share(clean, len(evaluated)), f"{clean} de {len(evaluated)}", "%"),
    ]


def _tutoring_figures(young: list[YoungResult]) -> list[Figure]:
    followed = [y for y in young if y.expected is not None]
    held = sum(y.tutorings for y in followed)
    expected = sum(y.expected for y in followed)
    return [
        Figure("tutorias", "Tutorías realizadas", held,
               f"de {expected} esperadas según el nivel de riesgo "
               f"({counted(len(followed), 'joven', 'jóvenes')} con PII)"),
        Figure("tutorias_pct", "Tutorías realizadas sobre las esperadas",
               share(held, expected), f"{held} de {expected}", "%"),
    ]


def tutorings_by_level(young: list[YoungResult]) -> Breakdown:
    """Per risk level: young people with a PII, tutorings held, tutorings expected."""
    rows = []
    for level, label in LEVELS.items():
        group = [y for y in young if y.level == level and y.expected is not None]
        rows.append((label, len(group), sum(y.tutorings for y in group),
                     sum(y.expected for y in group)))
    return Breakdown("tutorias_por_nivel", "Tutorías por nivel de riesgo",
                     ("Nivel de riesgo", "Jóvenes con PII", "Tutorías realizadas",
                      "Tutorías esperadas"), tuple(rows))


def csv_row(y: YoungResult) -> dict:
    """One CSV line: the case and its figures (blank where nothing is measured yet)."""
    case = y.case
    return {"caso": case.id, "joven": case.household.family_name,
            "territorio": case.territory.name, "profesional": case.caseworker,
            "resultado": case.outcome or "", "nivel_riesgo": y.level,
            "fecha_derivacion": y.referred, "fecha_ingreso": y.entered, "fecha_pii": y.planned,
            "tutorias_realizadas": y.tutorings, "tutorias_esperadas": y.expected,
            "metas_pii": y.goals, "metas_logradas": y.achieved,
            "situacion_ingreso": y.situation_in, "situacion_egreso": y.situation_out,
            "nuevas_infracciones": y.new_offences, "alertas": y.alerts,
            "integrantes": members(case)}
