"""Open incidents for administrators and the managers of each programme.

A person sees the incidents of the programmes they manage (engine.commands.programme_settings:
administrators, and managers of the programmes of their countries); anyone else gets 403.
Retry makes the case due for the next sweep; Cancel stops the retries and needs a reason,
which goes to the case's trail.
"""

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import login_required

import engine
from engine import policy, unit_of_work
from engine.commands import incidents, programme_settings
from engine.core import clock

from ..access import actor, refuse, require
from ..extensions import db

bp = Blueprint("incidents", __name__, url_prefix="/incidents")


def _programmes() -> list[str]:
    return [p.key for p in programme_settings.managed_programmes(db.session, actor())]


@bp.route("")
@login_required
def index():
    """The open incidents of the programmes this person manages."""
    require(policy.MANAGE_PROGRAMME)
    rows = incidents.open_incidents(db.session, _programmes())
    return render_template("incidents/index.html", rows=rows)


def _visible(incident_id: int):
    incident = incidents.get(db.session, incident_id)
    case = db.session.get(engine.persistence.models.Case, incident.case_id)
    if case.programme_key not in _programmes():
        refuse(404, f"incident {incident_id} is not in a programme this person manages")
    return incident


@bp.route("/<int:incident_id>/retry", methods=["POST"])
@login_required
def retry(incident_id: int):
    """Make the incident's case due now: the next sweep tries it again."""
    require(policy.MANAGE_PROGRAMME)
    _visible(incident_id)
    with unit_of_work(db.session):
        incidents.retry_now(db.session, incident_id, actor(), clock.now())
    flash(_("Se volverá a intentar en el próximo barrido de plazos."), "success")
    return redirect(url_for("incidents.index"))


@bp.route("/<int:incident_id>/cancel", methods=["POST"])
@login_required
def cancel(incident_id: int):
    """Stop retrying; the reason is required and recorded in the case's trail."""
    require(policy.MANAGE_PROGRAMME)
    _visible(incident_id)
    reason = request.form.get("reason", "")
    try:
        with unit_of_work(db.session):
            incidents.cancel(db.session, incident_id, reason, actor(), clock.now())
    except engine.InvalidTaskData:
        flash(_("Indique por qué se cancela el incidente."), "error")
        rows = incidents.open_incidents(db.session, _programmes())
        return render_template("incidents/index.html", rows=rows), 422
    flash(_("Incidente cancelado; los plazos de ese caso quedan detenidos."), "success")
    return redirect(url_for("incidents.index"))
