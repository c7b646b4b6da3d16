"""The cases page, the case file (household, tasks, timeline, diagram) and opening a new case."""

from flask import Blueprint, flash, jsonify, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

import engine
from engine import policy, queries, unit_of_work
from engine.core.errors import InvalidInput
from engine.queries import views as engine_views

from ..access import actor, may, require
from ..admin import access_log
from ..auth.people import staff_member, working_in
from ..extensions import db
from ..input_checks import describe
from ..names import programme_name
from .forms import RELATIONSHIP_LABELS, NewCaseForm, parse_members
from .household_errors import existing_household, placed_errors
from .listing import cases_page

bp = Blueprint("cases", __name__, url_prefix="/cases")


@bp.route("", strict_slashes=False)
@login_required
def index():
    """Every case the person may see, searchable, sorted and paged (web.cases.listing)."""
    return cases_page()


@bp.route("/<id:case_id>")
@login_required
def show(case_id: int):
    """Everything about one case, with its timeline and process diagram."""
    view = engine.show_case(db.session, case_id, actor())
    access_log.viewed(access_log.CASE_FILE, view.case.id, view.case, before_the_page=True)
    return render_template("cases/show.html", view=view, case=view.case,
                           case_views=access_log.case_views(view.case),
                           may_pause=may(policy.PAUSE_DEADLINES, view.case),
                           relationships=RELATIONSHIP_LABELS)


@bp.route("/<id:case_id>/diagram")
@login_required
def diagram(case_id: int):
    """The case's BPMN and its done/current elements, for the diagram viewer."""
    state = engine_views.diagram(db.session, case_id, actor())
    return jsonify(xml=state.bpmn_xml, done=state.done, current=state.current)


@bp.route("/<id:case_id>/pause", methods=["POST"])
@login_required
def pause(case_id: int):
    """Stop the case's deadlines while it waits on the family."""
    reason = request.form.get("reason", "").strip() or _("Espera a la familia")
    try:
        with unit_of_work(db.session):
            engine.pause_deadlines(db.session, case_id, actor(), reason)
    except engine.InvalidTaskData as invalid:
        flash(_("Los plazos no se pausaron: %(why)s", why=describe(invalid)),
              "error")
        return show(case_id), 422
    flash(_("Plazos en pausa."), "info")
    return redirect(url_for("cases.show", case_id=case_id))


@bp.route("/<id:case_id>/resume", methods=["POST"])
@login_required
def resume(case_id: int):
    """Restart the case's deadlines; each moves later by the length of the pause."""
    with unit_of_work(db.session):
        engine.resume_deadlines(db.session, case_id, actor())
    flash(_("Plazos reanudados."), "success")
    return redirect(url_for("cases.show", case_id=case_id))


@bp.route("/new", methods=["GET", "POST"])
@login_required
def new():
    """Register a household and start a programme for it (422 with the fields to fix)."""
    require(policy.START_CASE)
    form = _new_case_form()
    if not form.is_submitted():
        return render_template("cases/new.html", form=form)
    existing, post_errors = None, {}
    if form.validate():
        try:
            case = _start(form)
        except InvalidInput as invalid:
            post_errors = _place_errors(form, invalid)
            existing = existing_household(invalid)
        except engine.NotAllowed as refused:
            if refused.code != "policy.programme_not_enabled":
                raise
            form.programme.errors = [*form.programme.errors, _(
                "Este programa no está habilitado en %(territory)s.",
                territory=dict(form.territory.choices).get(form.territory.data, ""))]
        else:
            flash(_("Caso abierto para la familia %(name)s.", name=case.household.family_name),
                  "success")
            return redirect(url_for("cases.show", case_id=case.id))
    return render_template("cases/new.html", form=form, existing=existing,
                           post_errors=post_errors), 422


def _start(form: NewCaseForm):
    command = engine.StartCase(form.programme.data, form.territory.data,
                               form.caseworker.data, form.family_name.data.strip(),
                               members=parse_members(form.members.data),
                               address=form.address.data or None,
                               household_id=request.form.get("household_id", type=int),
                               national_id=form.national_id.data or None,
                               municipality=form.municipality.data or None,
                               people=routing.opening_people(request.form, form.programme.data))
    with unit_of_work(db.session):
        return engine.start_case(db.session, command, actor(), staff=staff_member)


def _place_errors(form: NewCaseForm, invalid: InvalidInput) -> dict[str, list[str]]:
    """Put each error beside its field; return those about a post's person (``post_<name>``,
    the engine's field for a tutor, a coordinator… the policy refuses), by post name, for
    the picker of that post."""
    posts: dict[str, list[str]] = {}
    for name, message in placed_errors(invalid.errors):
        if name.startswith(POST_FIELD) and name not in form._fields:
            posts.setdefault(name.removeprefix(POST_FIELD), []).append(message)
            continue
        field = form._fields.get(name, form.family_name)
        field.errors = [*field.errors, message]
    return posts


POST_FIELD = "post_"  # engine.commands.case_people: the field of a post's person


def _new_case_form() -> NewCaseForm:
    """The form, offering the person's territories, the programmes enabled there, and the
    caseworkers of those territories."""
    form = NewCaseForm()
    territories = queries.start_territories(db.session, actor())
    form.territory.choices = [(t.code, t.name) for t in territories]
    programmes = [(key, programme_name(key))
                  for key, _name in queries.startable_programmes(db.session, actor())]
    # nobody's programme is chosen for them: with more than one, the person picks
    form.programme.choices = (programmes if len(programmes) == 1
                              else [("", _("Elija un programa…")), *programmes])
    municipalities = queries.start_municipalities(db.session, actor())
    form.municipality.choices = [("", _("— el calendario del territorio —")), *municipalities]
    ids = {t.id for t in territories}
    form.caseworker.choices = [(u.username, u.full_name) for u in working_in(ids)
                               if u.has_role(policy.CASEWORKER)]
    if not form.is_submitted() and current_user.has_role(policy.CASEWORKER):
        form.caseworker.data = current_user.username
    return form


from . import routing  # noqa: E402, F401 - the people panel's routes (web.cases.routing)
