"""Outcome reports: pick a programme, read its figures, download one CSV line per case.

Who reads which report over which territories is the engine's (engine.queries.reports and
the policy's ``read_reports``): supervisors, managers and admins, over their own territories.
"""

from flask import Blueprint, render_template, request
from flask_babel import get_timezone
from flask_login import login_required

from engine import policy, queries
from engine.core import clock
from engine.reports import Report

from ..access import actor, require
from ..admin import access_log
from ..csv_export import csv_response
from ..extensions import db
from ..names import outcome_name, person_name
from ..tasks import sensitive
from . import words

bp = Blueprint("reports", __name__, url_prefix="/reports")


@bp.app_context_processor
def _report_words() -> dict:
    return {"report_word": words.report_word, "report_detail": words.report_detail,
            "report_provenance": words.provenance,
            "report_title": words.report_title}


@bp.route("/")
@login_required
def index():
    """The programmes the reader's territories run that have an outcome report."""
    require(policy.READ_REPORTS)
    programmes = queries.reportable_programmes(db.session, actor())
    return render_template("reports/index.html", programmes=programmes)


@bp.route("/<programme>")
@login_required
def show(programme: str):
    """A programme's headline figures and breakdowns, optionally for one territory."""
    report, code, covered = _report(programme)
    access_log.viewed(access_log.REPORT, "-".join(p for p in (programme, code) if p))
    territories = queries.reader_territories(db.session, actor())
    return render_template("reports/show.html", report=report, territories=territories,
                           chosen=code, covered=covered)


@bp.route("/<programme>.csv")
@login_required
def csv_file(programme: str):
    """The report's cases, one CSV line each (UTF-8 with a byte-order mark)."""
    report, code, _ = _report(programme)
    day = clock.now().astimezone(get_timezone()).date().isoformat()
    name = "-".join(part for part in ("resultados", programme, code, day) if part)
    access_log.exported(name, [row.get("caso") for row in report.rows])
    hidden = sensitive.hidden_columns(report.programme, report.columns)
    rows = ([sensitive.MASK if column in hidden else _cell(report.programme, column,
                                                           row.get(column))
             for column in report.columns]
            for row in report.rows)
    return csv_response(name, report.columns, rows)


PEOPLE_COLUMNS = frozenset({"profesional", "operatore", "facilitador"})
OUTCOME_COLUMNS = frozenset({"resultado", "esito"})


def _cell(programme: str, column: str, value):
    """A CSV cell as the reader reads it: people by name, outcomes in their language (the
    header keeps the report's stable column names)."""
    if value and column in PEOPLE_COLUMNS:
        return person_name(value)
    if value and column in OUTCOME_COLUMNS:
        return outcome_name(programme, value)
    return value


def _report(programme: str) -> tuple[Report, str | None, list]:
    """The report the reader asked for, over their territories (or the one they chose)."""
    code = request.args.get("territorio") or None
    report, covered = queries.outcome_report(db.session, actor(), programme, code)
    return report, code, covered
