"""The case file's people: who holds the case (transfer it to a colleague) and, later, the
people named in it; each chosen with a picker of the people the engine policy lets take it."""

from flask import flash, redirect, request, url_for
from flask_babel import gettext as _
from flask_login import login_required

import engine
from engine import policy, unit_of_work

from ..access import actor, may
from ..auth.people import full_name, staff_member, who_may
from ..extensions import db
from ..messages import word_error
from .views import bp

REFUSALS = (engine.NotAllowed, engine.Conflict, engine.InvalidTaskData)


def about_the_person(refused: engine.EngineError) -> bool:
    """Whether a refusal is about the person chosen (worded beside the picker) rather than
    about the reader (a 403/404 of the policy, logged by the error handler)."""
    return (refused.code or "").startswith("routing.") or isinstance(refused,
                                                                      engine.InvalidTaskData)


@bp.app_template_global("case_routing")
def case_routing(case) -> dict:
    """What the case file's people panel shows: the holder, and whom the transfer picker
    offers (empty when the reader may not transfer the case)."""
    transfer = []
    if case.status == "open" and may(policy.TRANSFER_CASE, case):
        post = policy.Post(case, policy.CASEWORKER)
        transfer = [u for u in who_may(policy.TAKE_POST, post) if u.username != case.caseworker]
    return {"holder": full_name(case.caseworker), "transfer": transfer}


@bp.route("/<id:case_id>/transfer", methods=["POST"])
@login_required
def transfer(case_id: int):
    """Give the whole case to another caseworker; their open steps follow it."""
    try:
        with unit_of_work(db.session):
            case = engine.transfer_case(db.session, case_id, request.form.get("to", ""),
                                        actor(), staff=staff_member)
            holder = case.caseworker
    except REFUSALS as refused:
        if not about_the_person(refused):
            raise
        flash(word_error(refused), "error")
    else:
        flash(_("Caso transferido a %(name)s.", name=full_name(holder)), "success")
    return redirect(url_for("cases.show", case_id=case_id))
