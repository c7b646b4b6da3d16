"""Programme settings for managers: the deployed programmes, and each one's deadline rules.

Managers and administrators see the programmes of the countries they work in (settings apply
in every territory a programme runs in); everyone else is refused with 403.
"""

from datetime import UTC, datetime

from flask import Blueprint, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import login_required

import engine
from engine import policy, unit_of_work
from engine.commands import programme_settings
from engine.definitions import catalog, instruments
from engine.programmes.settings_changes import anchors_allowed

from ..access import actor, require
from ..extensions import db
from .forms import changes_from, place_errors, settings_form
from .queries import change_lines, in_process_order, overview

bp = Blueprint("programmes", __name__, url_prefix="/programmes")


@bp.route("")
@login_required
def index():
    """The programmes this person manages, with version and latest settings change."""
    require(policy.MANAGE_PROGRAMME)
    programmes = programme_settings.managed_programmes(db.session, actor())
    return render_template("programmes/index.html", rows=overview(db.session, programmes))


@bp.route("/<key>/settings", methods=["GET", "POST"])
@login_required
def settings(key: str):
    """Every deadline rule and cycle as a form; saving changes the deadlines made from now."""
    require(policy.MANAGE_PROGRAMME)
    programme = catalog.programme(db.session, key)
    programme_settings.check_may_manage(db.session, actor(), programme)
    live = catalog.settings_of(programme)
    deployed = programme.file_settings or programme.settings
    anchors = {k: anchors_allowed(programme.settings, deployed, k) for k in live.deadlines}
    form = settings_form(live, anchors, programme.updated_at.isoformat())
    if not form.validate_on_submit():
        return _page(programme, form, [])
    try:
        with unit_of_work(db.session):
            change = engine.update_settings(db.session, key, changes_from(form, live), actor(),
                                            based_on=_seen(form.based_on.data))
    except engine.InvalidSettings as error:
        flash(_("No se guardó ningún cambio: revise los campos marcados."), "error")
        return _page(programme, form, place_errors(form, error.errors)), 422
    except engine.Conflict:
        flash(_("Otra persona cambió estos plazos mientras usted editaba; no se guardó nada. "
                "Revise los valores actuales y vuelva a intentarlo."), "error")
        return redirect(url_for("programmes.settings", key=key))
    flash(_("Cambios guardados. Valen para los plazos que se creen desde ahora; los plazos que "
            "ya corren conservan su fecha.") if change else _("No había cambios que guardar."),
          "success" if change else "info")
    return redirect(url_for("programmes.settings", key=key))


def _seen(text: str | None) -> datetime:
    """When the settings the person edited were last changed (unreadable: long ago)."""
    try:
        return datetime.fromisoformat(text or "")
    except ValueError:
        return datetime.min.replace(tzinfo=UTC)


def _page(programme, form, problems: list[str]):
    live = catalog.settings_of(programme)
    version = catalog.latest_definition(db.session, programme.key).version
    changes = [(change, change_lines(change, live))
               for change in programme_settings.history(db.session, programme.key)]
    rules = [live.deadlines[k] for k in in_process_order(db.session, programme.key,
                                                          live.deadlines)]
    published = catalog.latest_definition(db.session, programme.key).settings_schema
    return render_template("programmes/settings.html", programme=programme, live=live,
                           rules=rules, form=form, version=version, history=changes,
                           problems=problems,
                           instruments=instruments.instruments_of(published))
