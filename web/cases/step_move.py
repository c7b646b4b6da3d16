"""The case file's "Mover a otro paso": an administrator moves a running case back to a step
it passed (a repair), after seeing what the move would do.

``GET /cases/<id>/move`` lists the steps the case may go back to; choosing one (``POST``
with ``preview``) shows the dry run (engine.plan_case_move): which open steps close, which
opens, which deadlines end and start, which completions are undone; confirming it with a
reason (``POST``) moves the case (engine.move_case) as planned, or says why it did not: the
case changed meanwhile (409), the reason is missing or the step unknown (422), the person is
no administrator (403) or the case is not theirs to see (404).
"""

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import login_required

import engine
from engine import unit_of_work
from engine.core.errors import InvalidInput

from ..access import actor
from ..extensions import db
from ..field_errors import translated
from ..messages import word_error
from ..names import step_name
from .views import bp


@bp.app_template_global()
def may_move_case_step(case) -> bool:
    """Whether the signed-in person may move ``case`` to another step (for its menu)."""
    return case.status == "open" and engine.policy.may(db.session, actor(),
                                                       engine.policy.MOVE_CASE_STEP, case)


def _page(case, status: int = 200, **context):
    context.setdefault("refusal", None)
    return render_template("cases/step_move.html", case=case, **context), status


def _refused(case_id: int, error: engine.EngineError, status: int, **context):
    case = engine.visible_case(db.session, case_id, actor())
    return _page(case, status, refusal=word_error(error), destinations=[], **context)


@bp.route("/<id:case_id>/move")
@login_required
def step_move(case_id: int):
    """The steps the case may be moved back to."""
    case = engine.visible_case(db.session, case_id, actor())
    engine.policy.require(db.session, actor(), engine.policy.MOVE_CASE_STEP, case)
    try:
        destinations = engine.step_destinations(db.session, actor(), case.id)
    except engine.Conflict as refused:
        return _refused(case_id, refused, 409)
    return _page(case, destinations=destinations)


@bp.route("/<id:case_id>/move", methods=["POST"])
@login_required
def step_move_submit(case_id: int):
    """``preview``: the dry run of moving to the chosen step; otherwise the move itself."""
    case = engine.visible_case(db.session, case_id, actor())
    engine.policy.require(db.session, actor(), engine.policy.MOVE_CASE_STEP, case)
    to = request.form.get("to", "").strip()
    reason = request.form.get("reason", "")
    try:
        if "preview" in request.form:
            plan = engine.plan_case_move(db.session, actor(), case.id, to)
            db.session.rollback()
            return _page(case, plan=plan, reason=reason)
        return _move(case, to, reason)
    except InvalidInput as invalid:
        db.session.rollback()
        errors = translated(invalid.errors)
        return _invalid(case_id, to, reason, errors)
    except engine.Conflict as refused:
        db.session.rollback()
        return _refused(case_id, refused, 409)


def _move(case, to: str, reason: str):
    version = request.form.get("lock_version", "")
    if not version.isdigit():
        raise InvalidInput("move_case", [engine.FieldError(
            "lock_version", "required", "Falta la versión del caso que se planificó.")])
    with unit_of_work(db.session):
        plan = engine.move_case(db.session, actor(), case.id, to, reason, int(version))
    flash(_("Caso movido al paso «%(step)s».",
            step=_step(case, plan.to.bpmn_id, plan.to.name)), "success")
    return redirect(url_for("cases.show", case_id=case.id))


def _invalid(case_id: int, to: str, reason: str, errors: dict):
    """A missing reason comes back beside the dry run; an unknown step with the list."""
    case = engine.visible_case(db.session, case_id, actor())
    if "to" not in errors:
        try:
            plan = engine.plan_case_move(db.session, actor(), case.id, to)
            db.session.rollback()
            return _page(case, 422, plan=plan, reason=reason, errors=errors)
        except engine.EngineError:
            db.session.rollback()
    message = _("Ese paso no es uno por el que el caso haya pasado: elija uno de la lista.")
    return _page(case, 422, refusal=message,
                 destinations=engine.step_destinations(db.session, actor(), case.id))


def _step(case, bpmn_id: str, name: str) -> str:
    return step_name(case.programme_key, bpmn_id, name)
