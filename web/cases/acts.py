"""The case file's "Acciones": acts outside the schedule, each with its short form.

The menu lists the acts the case's process version offers the person (engine.case_acts); each
opens its form; submitting it records the act through the engine, and the steps it starts
appear on the case file. A move's form offers, instead of free text, the territories the
programme may move to and the caseworkers working there.
"""

import copy

from flask import current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import login_required
from sqlalchemy import select

import engine
from engine import unit_of_work
from engine.core.errors import InvalidInput

from ..access import actor, may
from ..auth.models import User
from ..auth.people import staff_member
from ..extensions import db
from ..field_errors import translated
from ..formkit import parse_form, render_form
from ..messages import word, word_error
from .views import bp


@bp.app_template_global()
def case_acts_for(case) -> list:
    """The acts the signed-in person may record on ``case`` now (for the Acciones menu)."""
    return engine.case_acts(db.session, case.id, actor())


def _library() -> engine.FormLibrary:
    return current_app.extensions["acompana.forms"]


def _act(case_id: int, key: str):
    """The case (404 unless visible) and its act ``key`` (404 when it offers no such act)."""
    case = engine.visible_case(db.session, case_id, actor())
    found = next((a for a in engine.case_acts(db.session, case.id, actor()) if a.key == key),
                 None)
    return case, found


def _schema(case, act) -> dict:
    """The act's form; a move's destination and caseworker fields become choices."""
    forms = engine.forms_for_case(db.session, case.id, _library())
    schema = copy.deepcopy(forms.schema(act.form_key)) if act.form_key else {"properties": {}}
    if act.move_field:
        _offer_destinations(schema, case, act)
    return schema


def _offer_destinations(schema: dict, case, act) -> None:
    places = engine.move_destinations(db.session, case)
    fields = schema.get("properties", {})
    if act.move_field in fields:
        fields[act.move_field].update(enum=[t.code for t in places],
                                      **{"x-labels": {t.code: t.name for t in places}})
    if act.caseworker_field in fields:
        people = _caseworkers_in({t.id: t.name for t in places})
        fields[act.caseworker_field].update(enum=[u for u, _ in people],
                                            **{"x-labels": dict(people)})


def _caseworkers_in(territories: dict[int, str]) -> list[tuple[str, str]]:
    """(username, "Full Name — Territory") of the active caseworkers of ``territories``."""
    users = db.session.scalars(select(User).where(User.active.is_(True))
                               .order_by(User.full_name)).all()
    found = []
    for user in users:
        if not user.has_role(engine.policy.CASEWORKER):
            continue
        where = sorted(territories[t] for t in user.territory_ids if t in territories)
        if where:
            found.append((user.username, f"{user.full_name} — {', '.join(where)}"))
    return found


def _page(case, act, values: dict, errors: dict, status: int = 200, refusal: str | None = None):
    schema = _schema(case, act)
    fields = render_form(schema, values, errors, translate=_)
    return render_template("cases/act.html", case=case, act=act, fields=fields,
                           description=schema.get("description"), errors=errors,
                           refusal=refusal), status


@bp.route("/<id:case_id>/acts/<key>")
@login_required
def act_form(case_id: int, key: str):
    """The short form of one act of the case."""
    case, act = _act(case_id, key)
    if act is None:
        return _not_offered(case, key)
    return _page(case, act, {}, {})


@bp.route("/<id:case_id>/acts/<key>", methods=["POST"])
@login_required
def act_submit(case_id: int, key: str):
    """Record the act; bad answers come back beside their fields, a refusal is worded."""
    case, act = _act(case_id, key)
    if act is None:
        return _not_offered(case, key)
    data = parse_form(_schema(case, act), request.form)
    try:
        with unit_of_work(db.session):
            engine.perform_act(db.session, _library(), case.id, act.key, data, actor(),
                               staff=staff_member)
    except (InvalidInput, engine.InvalidTaskData) as invalid:
        flash(_("Revise los campos marcados: no se registró nada."), "error")
        return _page(_fresh(case_id), act, data, translated(invalid.errors), 422)
    except (engine.Conflict, engine.NotAllowed) as refused:
        status = 403 if isinstance(refused, engine.NotAllowed) else 409
        return _page(_fresh(case_id), act, data, {}, status, word_error(refused))
    flash(_("Acción registrada: %(act)s.", act=act.name), "success")
    if not may(engine.policy.SEE_CASE, _moved(case_id)):  # moved out of the person's territories
        flash(_("El caso pasó a otro territorio: ya no está entre sus casos."), "info")
        return redirect(url_for("inbox.index"))
    return redirect(url_for("cases.show", case_id=case_id))


def _moved(case_id: int):
    """The case as it is now (perhaps in another territory), whoever may see it."""
    return engine.visible_case(db.session, case_id, engine.SYSTEM)


def _fresh(case_id: int):
    """The case as it is after a refused act (the unit of work undid everything)."""
    return engine.visible_case(db.session, case_id, actor())


def _not_offered(case, key: str):
    """A closed case, an act this version lacks, or a person who may not act: said so."""
    if case.status != "open":
        message = word("act.case_closed", {"case": case.id})
        status = 409
    elif not engine.may_act(case, actor()):
        message = word("policy.act_not_allowed", {"case": case.id})
        status = 403
    else:
        message = word("act.not_offered", {"case": case.id, "act": key[:64]})
        status = 404
    return render_template("cases/act.html", case=case, act=None, fields=None,
                           description=None, errors={}, refusal=message), status
