"""The supervisor dashboard: overdue steps, their age, caseloads, the trend, and CSV."""

from flask import Blueprint, render_template
from flask_login import login_required

from engine import clock, incidents

from ..access import actor, require_role
from ..csv_export import csv_response
from ..extensions import db
from .queries import BUCKETS, overdue_tasks, summary

bp = Blueprint("dashboard", __name__, url_prefix="/dashboard")
LISTED = 100  # the most late steps shown on the page; the CSV has them all
CSV_COLUMNS = ("familia", "territorio", "programa", "paso", "asignada_a", "vence",
               "dias_de_atraso", "caso", "tarea")


@bp.route("/")
@login_required
def index():
    """Every overdue step in the supervisor's territories, counted and listed."""
    require_role("supervisor", "manager", "admin")
    who, now = actor(), clock.now()
    tasks = overdue_tasks(db.session, who.territories, now, limit=LISTED)
    figures = summary(db.session, who.territories, now)
    peak = max([count for _, count in figures.weekly] + [1])
    troubled = incidents.cases_with_open_incident(db.session, who.territories)
    return render_template("dashboard/index.html", tasks=tasks, figures=figures,
                           buckets=[name for name, *_ in BUCKETS], peak=peak,
                           incident_cases=troubled)


@bp.route("/overdue.csv")
@login_required
def overdue_csv():
    """The overdue steps as a spreadsheet."""
    require_role("supervisor", "manager", "admin")
    rows = ([row.family_name, row.territory_name, row.task.programme_key, row.task.title,
             row.task.assignee or "", row.task.due_at.date().isoformat(), row.days_late,
             row.task.case_id, row.task.id]
            for row in overdue_tasks(db.session, actor().territories, clock.now()))
    return csv_response("atrasos", CSV_COLUMNS, rows)
