"""Outcome reports: pick a programme, read its figures, download one CSV line per case.

Only supervisors, managers and admins read them, and only over their own territories.
"""

from flask import Blueprint, render_template, request
from flask_babel import get_timezone
from flask_login import current_user, login_required

from engine import clock
from engine.reports import Report, build_report

from ..access import refuse, require_role
from ..csv_export import csv_response
from ..extensions import db
from .queries import chosen_territories, reportable_programmes

bp = Blueprint("reports", __name__, url_prefix="/reports")
READERS = ("supervisor", "manager", "admin")


@bp.route("/")
@login_required
def index():
    """The programmes the reader's territories run that have an outcome report."""
    require_role(*READERS)
    programmes = reportable_programmes(db.session, current_user.territories)
    return render_template("reports/index.html", programmes=programmes)


@bp.route("/<programme>")
@login_required
def show(programme: str):
    """A programme's headline figures and breakdowns, optionally for one territory."""
    report, code = _report(programme)
    territories = sorted(current_user.territories, key=lambda t: t.name)
    return render_template("reports/show.html", report=report, territories=territories,
                           chosen=code, covered=chosen_territories(territories, code))


@bp.route("/<programme>.csv")
@login_required
def csv_file(programme: str):
    """The report's cases, one CSV line each (UTF-8 with a byte-order mark)."""
    report, code = _report(programme)
    day = clock.now().astimezone(get_timezone()).date().isoformat()
    name = "-".join(part for part in ("resultados", programme, code, day) if part)
    rows = ([row.get(column) for column in report.columns] for row in report.rows)
    return csv_response(name, report.columns, rows)


def _report(programme: str) -> tuple[Report, str | None]:
    """The report the reader asked for, over their territories (or the one they chose)."""
    require_role(*READERS)
    keys = {p.key for p in reportable_programmes(db.session, current_user.territories)}
    if programme not in keys:
        refuse(404, f"no outcome report of '{programme}' for this reader")
    code = request.args.get("territorio") or None
    territories = chosen_territories(current_user.territories, code)
    if not territories:
        refuse(404, f"territory '{code}' is not one of the reader's")
    return build_report(db.session, programme, [t.id for t in territories]), code
