"""Administración → Accesos (``/admin/access-log``): who looked at what — every view of a
case file, a step, a report and every export line about a household — filtered by person,
case, kind and date, 50 a page, and as CSV; administrators only (policy
``read_access_log``), over the territories of their countries."""

from flask import Blueprint, render_template, request
from flask_babel import lazy_gettext as _l
from flask_login import login_required

from engine import policy
from engine.queries import access_log as log_queries

from ..access import actor
from ..csv_export import csv_response
from ..extensions import db
from .log_filter import log_filter

bp = Blueprint("admin_access_log", __name__, url_prefix="/admin/access-log")
KIND_NAMES = {"case_file": _l("Ficha del caso"), "step": _l("Paso"),
              "report": _l("Informe"), "export": _l("Línea de una exportación")}
CSV_COLUMNS = ["at", "actor", "kind", "what", "case", "household", "territory", "reason"]


@bp.before_request
@login_required
def _administrators_only():
    policy.require(db.session, actor(), policy.READ_ACCESS_LOG, None)


@bp.get("", strict_slashes=False)
def index():
    """A page of the log, newest first, or all of it as CSV (``format=csv``)."""
    chosen = log_filter(KIND_NAMES)
    if request.args.get("format") == "csv":
        rows = log_queries.access_rows(db.session, actor(), chosen)
        return csv_response("accesos", CSV_COLUMNS,
                            [[r.at.isoformat(), r.actor, r.kind, r.what, r.case_id,
                              r.household_id, r.territory_id, r.reason] for r in rows])
    found = log_queries.access_page(db.session, actor(), chosen)
    return render_template("admin/access_log.html", page=found, chosen=chosen,
                           kinds=KIND_NAMES, args=request.args)


@bp.app_template_global("access_kind_name")
def access_kind_name(kind: str) -> str:
    """A kind of view in the reader's language."""
    return str(KIND_NAMES.get(kind, kind))
