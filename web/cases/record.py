"""What the case file shows of what was recorded: the assessments over time (the Matriz de
Bienestar, Il Mondo del Bambino) and the current plan, for ``cases/_record.html``."""

from dataclasses import dataclass

from flask import current_app

import engine
from engine import policy
from engine.core import clock

from ..access import actor, may
from ..auth.people import full_name
from ..extensions import db
from ..tasks.recorded import day
from .views import bp


@bp.app_template_filter("isoday")
def isoday(text: str | None) -> str:
    """An ISO date from a form (``2025-03-05``) as the reader writes dates."""
    return day(text) if text else ""


@dataclass(frozen=True)
class CaseRecord:
    """The parts of the case file read from its completed steps."""

    trajectory: engine.Trajectory | None
    plan: engine.Plan | None
    planner: str | None
    today: str
    may_edit_household: bool = False


@bp.app_template_global("case_record")
def case_record(case) -> CaseRecord:
    """The trajectory and the current plan of ``case`` (the page already checked access;
    the queries check it again)."""
    forms = current_app.extensions["acompana.forms"]
    who = actor()
    plan = engine.current_plan(db.session, case.id, who, forms)
    return CaseRecord(engine.trajectory(db.session, case.id, who, forms), plan,
                      full_name(plan.by) if plan else None, clock.now().date().isoformat(),
                      may(policy.EDIT_HOUSEHOLD, case))
