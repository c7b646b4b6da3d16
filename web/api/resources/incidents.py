"""``/api/v1/incidents``: the open incidents (a timer, step or message that failed) of the
programmes the caller manages, in the caller's territories."""

from flask_smorest import Blueprint
from marshmallow import Schema, fields

from engine.queries import incidents

from ...extensions import db
from ...messages import word_incident
from .. import pagination, problems
from ..auth import current_actor
from ..pagination import PageArgs
from .tasks import refusals

bp = Blueprint("api_incidents", __name__, url_prefix="/api/v1/incidents",
               description="What failed while cases ran, and is retried.")


class IncidentSchema(Schema):
    """An open incident: where it happened, what failed (its code, worded) and its
    retries."""

    id = fields.Integer(required=True)
    case_id = fields.Integer(required=True)
    programme = fields.String(required=True)
    territory = fields.String(required=True)
    kind = fields.String(required=True, metadata={"description": "timer, step or message"})
    element = fields.String(required=True, metadata={"description": "the BPMN element's id"})
    element_name = fields.String(allow_none=True)
    code = fields.String(allow_none=True)
    params = fields.Dict(allow_none=True)
    detail = fields.String(allow_none=True, metadata={"description": "in the client's "
                                                                     "language"})
    attempts = fields.Integer(required=True)
    first_seen_at = fields.DateTime(required=True)
    last_seen_at = fields.DateTime(required=True)
    next_retry_at = fields.DateTime(allow_none=True)


def _shown(incident, case) -> dict:
    return {"id": incident.id, "case_id": case.id, "programme": case.programme_key,
            "territory": case.territory.code, "kind": incident.kind,
            "element": incident.element_id, "element_name": incident.element_name,
            "code": incident.code, "params": incident.params,
            "detail": word_incident(incident),
            "attempts": incident.attempts, "first_seen_at": incident.first_seen_at,
            "last_seen_at": incident.last_seen_at, "next_retry_at": incident.next_retry_at}


@bp.route("")
@refusals(bp, 403)
@bp.arguments(PageArgs, location="query")
@bp.response(200, IncidentSchema(many=True), headers=pagination.HEADERS)
def open_incidents(args):
    """The open incidents the caller may see, the newest failure first (403 for someone who
    manages no programme)."""
    page, per_page = args["page"], args["per_page"]
    rows, total = incidents.incident_page(db.session, current_actor(),
                                          offset=(page - 1) * per_page, limit=per_page)
    with problems.in_client_language():
        items = [_shown(incident, case) for incident, case in rows]
    return pagination.answer(pagination.Paged(items, total, page, per_page))
