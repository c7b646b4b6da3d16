"""Families whose Programa Familias cases the outcome-report tests live through.

Each :class:`Story` is one case driven through the real engine with a moving clock
(:class:`FamiliaCase`): allocation Monday 2 March 2026, first contact 10 March, entry
30 March, diagnosis 10 May, plan signed 1 June 2026. After the plan the AFI holds a session
30 days after the previous one until the story's count is reached, and the Gestor Familiar
files each monthly report three days after it opens. A family that stays 22 months gets its
final evaluation (opened 31 January 2028) on 5 March 2028.
"""

from dataclasses import dataclass
from datetime import date, timedelta

from tests.integration.familias_driver import FamiliaCase, local_day
from web.demo_data import (
    contacto,
    diagnostico,
    evaluacion_final,
    ingreso,
    plan,
    seguimiento,
    sesion,
)

ALLOCATED = date(2026, 3, 2)
CONTACT, ENTRY, DIAGNOSIS, PLAN = (date(2026, 3, 10), date(2026, 3, 30), date(2026, 5, 10),
                                   date(2026, 6, 1))
STILL_OPEN_ON = date(2026, 10, 1)
WITHDRAWS_ON = date(2026, 10, 20)
FINAL_EVALUATION = date(2028, 3, 5)


@dataclass(frozen=True)
class Story:
    """What one family lives through, in the terms the report measures."""

    family: str
    exit: str  # "egreso", "desistimiento", "no_ubicada" or "en_curso"
    sessions: int = 0  # sessions held; a withdrawal is announced at the last one
    diagnosis: dict | None = None  # the Matriz at diagnosis
    finals: tuple[dict, ...] = ()  # the Matriz at each final evaluation; all but the last
    #                                are sent back by the Jefe/a
    jobless_adults: int = 1
    wants_work_support: bool = True  # with a jobless adult: trayectoria doble (16 sessions)
    actions_per_goal: tuple[int, ...] = (1,)  # the plan: one goal per entry, with n actions
    actions_reported: tuple[int, ...] = ()  # plan actions done per monthly report, then 0
    territory: str = "antofagasta"


class Habits:
    """The AFI's sessions and the Gestor's reports, every morning (overdue steps reviewed)."""

    def __init__(self, story: Story):
        self.story = story
        self.regular = story.sessions - (1 if story.exit == "desistimiento" else 0)
        self.held = self.reports = 0

    def __call__(self, f: FamiliaCase) -> None:
        f.review_overdue_steps()
        report = f.task("seguimiento")
        if report and (f.today - local_day(report.created_at)).days >= 3:
            done = self.story.actions_reported[self.reports:self.reports + 1] or (0,)
            f.complete("seguimiento", {**seguimiento(f.today), "acciones_realizadas": done[0]})
            self.reports += 1
        visit = f.task("sesion")
        if (visit and self.held < self.regular
                and (f.today - local_day(visit.created_at)).days >= 30):
            f.complete("sesion", sesion(f.today))
            self.held += 1


def plan_with(day: date, actions_per_goal: tuple[int, ...]) -> dict:
    """A Plan Familiar de Desarrollo with one goal per entry, each with that many actions."""
    template = plan(day)
    goal = template["metas"][0]
    goals = [{**goal, "meta": f"Meta {n + 1}",
              "acciones": [{**goal["acciones"][0], "accion": f"Acción {n + 1}.{k + 1}"}
                           for k in range(count)]}
             for n, count in enumerate(actions_per_goal)]
    return {**template, "metas": goals}


def live(f: FamiliaCase, story: Story) -> None:
    """Drive the case through the story."""
    f.wait_until(CONTACT)
    if story.exit == "no_ubicada":
        f.complete("primer_contacto", contacto(f.today, ubicada=False))
        return
    f.complete("primer_contacto", contacto(f.today))
    f.wait_until(ENTRY)
    f.complete("ingreso", ingreso(f.today))
    f.wait_until(DIAGNOSIS)
    f.complete("diagnostico", {**diagnostico(f.today, story.jobless_adults,
                                             story.wants_work_support),
                               "matriz": story.diagnosis})
    f.wait_until(PLAN)
    f.complete("plan", plan_with(f.today, story.actions_per_goal))
    ENDINGS[story.exit](f, story, Habits(story))


def _stays_open(f: FamiliaCase, story: Story, habits: Habits) -> None:
    f.wait_until(STILL_OPEN_ON, habits)


def _withdraws(f: FamiliaCase, story: Story, habits: Habits) -> None:
    f.wait_until(WITHDRAWS_ON, habits)
    f.complete("sesion", sesion(f.today, "desistimiento"))
    f.complete("registrar_desistimiento", {"fecha": f.today.isoformat(),
                                           "motivo": "Se muda con familiares",
                                           "mesa_analisis_caso": False})


def _graduates(f: FamiliaCase, story: Story, habits: Habits) -> None:
    f.wait_until(FINAL_EVALUATION, habits)
    for n, matrix in enumerate(story.finals):
        last = n == len(story.finals) - 1
        f.complete("evaluacion_final", {**evaluacion_final(f.today), "matriz": matrix})
        f.wait_until(f.today + timedelta(days=1))
        f.complete("aprobar_egreso", {"aprobado": True} if last else
                   {"aprobado": False, "observaciones": "Revisar la Matriz"})
        f.wait_until(f.today + timedelta(days=1))


ENDINGS = {"en_curso": _stays_open, "desistimiento": _withdraws, "egreso": _graduates}


def live_through(session, forms, story: Story, caseworker, supervisor) -> int:
    """Start the story's case, live it with a moving clock, and return the case id."""
    f = FamiliaCase(session, forms, caseworker, supervisor, ALLOCATED, story.family,
                    story.territory)
    try:
        live(f, story)
    finally:
        f.close()
    return f.case.id
