"""``/api/v1/cases/{id}/history``: the case's audit trail in the order things happened,
each event with its stable code and params and its wording in the client's language."""

from flask_smorest import Blueprint
from marshmallow import Schema, fields

import engine

from ...extensions import db
from ...messages import word_event
from .. import pagination, problems
from ..auth import current_actor
from ..pagination import PageArgs

bp = Blueprint("api_history", __name__, url_prefix="/api/v1/cases",
               description="What happened in a case: who, what, when.")


class EventSchema(Schema):
    """One event of a case's trail."""

    id = fields.Integer(required=True)
    kind = fields.String(required=True)
    code = fields.String(allow_none=True)
    params = fields.Dict(allow_none=True)
    text = fields.String(required=True, metadata={"description": "the event worded in the "
                                                               "client's language"})
    actor = fields.String(required=True)
    at = fields.DateTime(required=True)
    step = fields.String(allow_none=True, attribute="bpmn_id")
    task_id = fields.String(allow_none=True)


@bp.route("/<id:case_id>/history")
@bp.arguments(PageArgs, location="query")
@bp.response(200, EventSchema(many=True), headers=pagination.HEADERS)
def case_history(args, case_id: int):
    """The case's events, oldest first."""
    events = engine.case_history(db.session, case_id, current_actor())
    paged = pagination.paginate(events, args["page"], args["per_page"])
    with problems.in_client_language():
        rows = [{"id": e.id, "kind": e.kind, "code": e.code, "params": e.params,
                 "text": word_event(e), "actor": e.actor, "at": e.at, "bpmn_id": e.bpmn_id,
                 "task_id": e.task_id} for e in paged.items]
    return pagination.answer(pagination.Paged(rows, paged.total, paged.page, paged.per_page))
