"""``/api/v1/reports/<programme>``: a programme's outcome figures over the caller's
territories (the *Resultados* page's), for supervisors, managers and administrators."""

from flask_smorest import Blueprint
from marshmallow import Schema, fields

from engine import queries

from ...extensions import db
from ...reports import words
from .. import problems
from ..auth import current_actor
from .tasks import refusals

bp = Blueprint("api_reports", __name__, url_prefix="/api/v1/reports",
               description="Programme outcome figures.")


class ReportArgs(Schema):
    """``territory``: one of the caller's territories (a code); all of them unless given."""

    territory = fields.String(load_default=None)


class FigureSchema(Schema):
    """One headline figure: a stable key, its label in the client's language, its value."""

    key = fields.String(required=True)
    label = fields.String(required=True)
    value = fields.Raw(allow_none=True, metadata={"description": "a number, or null"})
    unit = fields.String(required=True, metadata={"description": "'%' for shares"})
    detail = fields.String(allow_none=True)
    provenance = fields.String(allow_none=True, metadata={
        "description": "provisional or reconstructed: computed from items no published "
                       "source gives"})


class BreakdownSchema(Schema):
    """A small table of the report: its columns and rows."""

    key = fields.String(required=True)
    label = fields.String(required=True)
    columns = fields.List(fields.String(), required=True)
    rows = fields.List(fields.List(fields.Raw()), required=True)
    provenance = fields.String(allow_none=True)


class ReportSchema(Schema):
    """A programme's outcome report over some territories."""

    programme = fields.String(required=True)
    title = fields.String(required=True)
    territories = fields.List(fields.String(), required=True)
    figures = fields.List(fields.Nested(FigureSchema), required=True)
    breakdowns = fields.List(fields.Nested(BreakdownSchema), required=True)


def _figure(figure) -> dict:
    return {"key": figure.key, "label": words.report_word(figure.label), "value": figure.value,
            "unit": figure.unit, "detail": words.report_detail(figure.detail),
            "provenance": figure.provenance}


def _breakdown(table) -> dict:
    return {"key": table.key, "label": words.report_word(table.label),
            "columns": [words.report_word(c) for c in table.columns],
            "rows": [list(row) for row in table.rows], "provenance": table.provenance}


@bp.route("/<programme>")
@refusals(bp, 403, 404)
@bp.arguments(ReportArgs, location="query")
@bp.response(200, ReportSchema)
def report(args, programme: str):
    """The outcome figures of ``programme`` over the caller's territories (or the one asked
    for); 403 for someone who may not read reports, 404 for a programme without a report
    where the caller works or a territory that is not theirs."""
    found, covered = queries.outcome_report(db.session, current_actor(), programme,
                                            args["territory"])
    with problems.in_client_language():
        return {"programme": found.programme, "title": words.report_title(found.programme),
                "territories": [t.code for t in covered],
                "figures": [_figure(f) for f in found.figures],
                "breakdowns": [_breakdown(b) for b in found.breakdowns]}
