"""The supervisor dashboard: overdue steps, their age, caseloads, the trend, and CSV.

What it counts is the engine's (engine.queries.dashboard), over what the person may see."""

from flask import Blueprint, render_template, request
from flask_login import login_required

from engine import policy, queries
from engine.core import clock

from ..access import actor, require
from ..admin import access_log
from ..auth.people import full_name, pickers
from ..csv_export import csv_response
from ..extensions import db
from ..i18n import due_day
from ..names import person_name, programme_name, remember_people, step_name

bp = Blueprint("dashboard", __name__, url_prefix="/dashboard")
LISTED = 25  # the late steps shown per page, most late first; the CSV has them all
LISTED_COUNTS = 25  # the largest counts shown per card (people, territories); the rest summed
CSV_COLUMNS = ("familia", "territorio", "programa", "paso", "asignada_a", "vence",
               "dias_de_atraso", "caso", "tarea")


@bp.route("/")
@login_required
def index():
    """Every overdue step in the supervisor's territories, counted and listed."""
    require(policy.SUPERVISE)
    who, now = actor(), clock.now()
    figures = queries.summary(db.session, who, now)
    pages = max(1, -(-figures.total // LISTED))
    page = min(_page_number(request.args.get("page")), pages)
    tasks = queries.overdue_tasks(db.session, who, now, limit=LISTED, offset=(page - 1) * LISTED)
    peak = max([count for _, count in figures.weekly] + [1])
    troubled = queries.cases_with_open_incident(db.session, who)
    remember_people([row.task.assignee for row in tasks]
                    + [name for counter in (figures.by_person, figures.caseload)
                       for name, _n in counter.most_common(LISTED_COUNTS)])
    return render_template("dashboard/index.html", tasks=tasks, figures=figures,
                           listed_counts=LISTED_COUNTS, page=page, pages=pages,
                           buckets=[name for name, *_ in queries.BUCKETS], peak=peak,
                           incident_cases=troubled,
                           people=pickers([row.task for row in tasks]), full_name=full_name)


def _page_number(text: str | None) -> int:
    """The page asked for (1 when it is not a whole number)."""
    text = (text or "").strip()
    return max(1, min(int(text), 100_000)) if text.isascii() and text.isdigit() and len(
        text) <= 6 else 1


@bp.route("/overdue.csv")
@login_required
def overdue_csv():
    """The overdue steps as a spreadsheet: the programme, step and person in the reader's
    language (the header keeps its stable column names)."""
    require(policy.SUPERVISE)
    overdue = queries.overdue_tasks(db.session, actor(), clock.now())
    access_log.exported("atrasos", [row.task.case_id for row in overdue])
    rows = ([row.family_name, row.territory_name, programme_name(row.task.programme_key),
             step_name(row.task), person_name(row.task.assignee),
             due_day(row.task.due_at).isoformat(), row.days_late,
             row.task.case_id, row.task.id]
            for row in overdue)
    return csv_response("atrasos", CSV_COLUMNS, rows)
