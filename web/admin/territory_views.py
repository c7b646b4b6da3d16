"""Administración → Territorios: creating and editing territories (country, holiday region,
time zone, all checked), the programmes each runs (from a start date), its local holidays
(which every working-day deadline counted there skips from then on), and who may do what
there, asked of the engine policy (engine.queries.permissions)."""

from datetime import date

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import login_required
from sqlalchemy import select

import engine
from engine import policy
from engine.commands import programme_territories, territory_admin, territory_places
from engine.commands.territories import add_territory
from engine.persistence.models import Programme
from engine.queries.permissions import permissions

from ..access import actor
from ..extensions import db
from ..messages import word_error
from .territory_choice import administered_territories
from .views import _WORDS

bp = Blueprint("admin_territories", __name__, url_prefix="/admin/territories")
FIELDS = ("code", "name", "country", "region", "timezone")


@bp.before_request
@login_required
def _administrators_only():
    policy.require(db.session, actor(), policy.ADMINISTER, None)


def _errors(error) -> dict[str, str]:
    from ..field_errors import message

    return {e.field: message(e, _WORDS) for e in error.errors}


@bp.route("", methods=["GET", "POST"])
def index():
    """The territories of the administrator's countries, and a new one."""
    errors = {}
    if request.method == "POST":
        values = {f: request.form.get(f, "").strip() for f in FIELDS}
        try:
            with engine.unit_of_work(db.session):
                add_territory(db.session, values["code"], values["name"], values["country"],
                              values["region"] or None, values["timezone"], actor())
        except engine.InvalidTaskData as error:
            errors = _errors(error)
        else:
            flash(_("Territorio %(name)s creado.", name=values["name"]), "success")
            return redirect(url_for("admin_territories.show", code=values["code"]))
    countries = policy.admin_countries(db.session, actor())
    return render_template("admin/territories.html", territories=administered_territories(),
                           errors=errors, form=request.form,
                           countries=sorted(countries) if countries is not None else
                           ["CL", "IT"]), 422 if errors else 200


def _territory(code: str):
    try:
        row = territory_admin.territory(db.session, code)
    except engine.NotFound:
        abort(404)
    if not policy.may(db.session, actor(), policy.ADMINISTER_TERRITORY, row):
        abort(404)
    return row


def _programmes(row) -> list[Programme]:
    return [p for p in db.session.scalars(select(Programme).order_by(Programme.key))
            if policy.may(db.session, actor(), policy.ENABLE_PROGRAMME,
                          policy.opening(db.session, p.key, row.code))]


@bp.route("/<code>", methods=["GET", "POST"])
def show(code: str):
    """A territory: its details, programmes and local holidays."""
    row = _territory(code)
    errors = {}
    if request.method == "POST":
        changes = {f: request.form.get(f, "").strip() for f in territory_admin.EDITABLE}
        try:
            with engine.unit_of_work(db.session):
                territory_admin.edit_territory(db.session, code, changes, actor())
        except engine.InvalidTaskData as error:
            errors = _errors(error)
        else:
            flash(_("Cambios guardados."), "success")
            return redirect(url_for("admin_territories.show", code=code))
    running = dict(programme_territories.programmes_of(db.session, code))
    shown = _programmes(row)
    places = {p.key: territory_places.places_of(p, code) for p in shown if p.key in running}
    return render_template("admin/territory.html", territory=row, errors=errors,
                           form=request.form, programmes=shown, running=running,
                           places={k: v for k, v in places.items() if v}), \
        422 if errors else 200


@bp.post("/<code>/places")
def places(code: str):
    """Set the places of a programme's modalities in the territory."""
    _territory(code)
    key = request.form.get("programme", "")[:64]
    values = {name[len("places."):]: value[:12] for name, value in request.form.items()
              if name.startswith("places.")}
    try:
        with engine.unit_of_work(db.session):
            territory_places.set_places(db.session, key, code, values, actor())
    except engine.InvalidTaskData as error:
        flash("; ".join(f"{e.field}: {v}" for e, v in zip(error.errors,
                                                          _errors(error).values(),
                                                          strict=False)), "error")
    except (engine.NotAllowed, engine.NotFound) as error:
        flash(word_error(error), "error")
    else:
        flash(_("Cambios guardados."), "success")
    return redirect(url_for("admin_territories.show", code=code))


def _day(value: str | None) -> date | None:
    try:
        return date.fromisoformat(value) if value else None
    except ValueError:
        return None


@bp.post("/<code>/programmes")
def programmes(code: str):
    """Enable (from a start date) or disable a programme in the territory."""
    _territory(code)
    key = request.form.get("programme", "")[:64]
    starts_on = _day(request.form.get("starts_on"))
    try:
        with engine.unit_of_work(db.session):
            if request.form.get("action") == "disable":
                engine.disable_programme(db.session, key, code, actor())
            elif not engine.enable_programme(db.session, key, code, actor(), starts_on):
                territory_admin.set_programme_start(db.session, key, code, starts_on, actor())
    except (engine.NotAllowed, engine.NotFound) as error:
        flash(word_error(error), "error")
    else:
        flash(_("Cambios guardados."), "success")
    return redirect(url_for("admin_territories.show", code=code))


@bp.post("/<code>/holidays")
def holidays(code: str):
    """Add a local holiday (or remove one)."""
    _territory(code)
    try:
        with engine.unit_of_work(db.session):
            if request.form.get("remove"):
                territory_admin.remove_holiday(db.session, code,
                                               _int(request.form.get("remove")), actor())
            else:
                territory_admin.add_holiday(db.session, code, _day(request.form.get("day")),
                                            request.form.get("name", ""),
                                            request.form.get("yearly") == "1", actor())
    except engine.InvalidTaskData as error:
        flash("; ".join(_errors(error).values()), "error")
    except engine.NotFound as error:
        flash(word_error(error), "error")
    else:
        flash(_("Cambios guardados."), "success")
    return redirect(url_for("admin_territories.show", code=code))


def _int(value) -> int:
    return int(value) if value and value.isdigit() and len(value) < 10 else 0


@bp.get("/<code>/access")
def access(code: str):
    """Who may do what in the territory (for a programme, when one is chosen): the policy's
    answers for each role, and the people holding each role there."""
    row = _territory(code)
    key = request.args.get("programme", "")[:64]
    programme = db.session.get(Programme, key) if key else None
    from .access_views import people_by_role

    return render_template("admin/access.html", territory=row, programme=programme,
                           table=permissions(db.session, row, programme),
                           people=people_by_role(row.id),
                           roles=policy.ROLES, programmes=_programmes(row))
