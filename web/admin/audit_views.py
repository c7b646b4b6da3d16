"""Administración → Auditoría: the installation's audit trail (changes to people, roles,
territories, programmes, holidays), filtered by person, case, kind and date, paginated, and
as CSV (web.csv_export); only the changes of the administrator's countries."""

from flask import Blueprint, render_template, request
from flask_login import login_required

import engine
from engine import policy
from engine.commands.audit_trail import KINDS

from ..access import actor
from ..csv_export import csv_response
from ..extensions import db
from .log_filter import log_filter
from .words import KIND_NAMES

bp = Blueprint("admin_audit", __name__, url_prefix="/admin/audit")


@bp.before_request
@login_required
def _administrators_only():
    policy.require(db.session, actor(), policy.ADMINISTER, None)


@bp.get("")
def index():
    """A page of the trail, or all of it as CSV (``format=csv``)."""
    chosen = log_filter(KINDS)
    if request.args.get("format") == "csv":
        rows = engine.trail_rows(db.session, actor(), chosen)
        return csv_response("auditoria.csv", ["at", "actor", "kind", "person", "territory",
                                              "programme", "case", "data"],
                            [[r.at.isoformat(), r.actor, r.kind, r.person or "",
                              r.territory or "", r.programme_key or "", r.case_id or "",
                              str(r.data)] for r in rows])
    found = engine.trail_page(db.session, actor(), chosen)
    return render_template("admin/audit.html", page=found, chosen=chosen, kinds=KIND_NAMES,
                           args=request.args)
