"""Administración → Clientes de la API: the systems that call /api/v1 (a national registry, a
mobile app, a data warehouse). An administrator creates one (name, territories of their
countries, roles, expiry) and sees its token once; the list shows each client's state and
last use; a client is revoked with one button. Tokens are kept hashed (web.api.tokens)."""

from datetime import UTC, date, datetime, time

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import login_required

import engine
from engine import policy
from engine.core.errors import InvalidInput

from ..access import actor
from ..api import tokens
from ..extensions import db
from .territory_choice import administered_territories
from .views import _WORDS

bp = Blueprint("admin_api_clients", __name__, url_prefix="/admin/api-clients")


@bp.before_request
@login_required
def _administrators_only():
    policy.require(db.session, actor(), policy.ADMINISTER, None)


def _page(status: int = 200, errors: dict | None = None, token: str | None = None,
          created: str | None = None):
    return render_template("admin/api_clients.html", clients=tokens.clients(db.session,
                                                                            actor()),
                           territories=administered_territories(), roles=policy.ROLES,
                           state=tokens.state, errors=errors or {}, form=request.form,
                           token=token, created=created), status


@bp.route("")
def index():
    """Every client the administrator administers, and the form for a new one."""
    return _page()


def _expiry(text: str) -> datetime | None:
    if not text:
        return None
    return datetime.combine(date.fromisoformat(text), time.max, tzinfo=UTC)


@bp.route("", methods=["POST"])
def create():
    """Create a client; the page shows its token this once (422 with what to fix)."""
    from ..field_errors import message

    try:
        expires = _expiry(request.form.get("expires", "").strip())
    except ValueError:
        return _page(422, {"expires": _("Formato inválido (use p. ej. 2026-03-31).")})
    try:
        with engine.unit_of_work(db.session):
            client, token = tokens.create_client(
                db.session, request.form.get("name", ""), request.form.getlist("territory"),
                request.form.getlist("role"), expires, actor())
            name = client.name
    except InvalidInput as invalid:
        return _page(422, {e.field: message(e, _WORDS) for e in invalid.errors})
    return _page(201, token=token, created=name)


@bp.route("/<string(maxlength=64):name>/revoke", methods=["POST"])
def revoke(name: str):
    """Refuse the client's token from now on."""
    with engine.unit_of_work(db.session):
        tokens.revoke(db.session, name, actor())
    flash(_("Cliente %(name)s revocado: su token ya no funciona.", name=name), "success")
    return redirect(url_for("admin_api_clients.index"), 303)
