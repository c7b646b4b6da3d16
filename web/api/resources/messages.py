"""``/api/v1/cases/<id>/messages``: news from another service for the case that waits for it.

A case's process may wait for a message (documents another service sends, a referral the
referring network sends): ``POST /api/v1/cases/<id>/messages/<name>`` with a JSON object
delivers it to that case alone (routed by its id), the object becoming case data; the engine
refuses it (409, ``message.not_awaited``, with what the case waits for instead) when nothing
in the case waits for that message, and checks it against the event's form (422, field by
field). ``GET`` lists what the case waits for now.
"""

from flask_smorest import Blueprint
from marshmallow import Schema, fields

import engine
from engine import unit_of_work
from engine.queries import tasks as task_queries

from ...extensions import db
from ..auth import current_actor
from .tasks import TaskSchema, _library, refusals, shown

bp = Blueprint("api_messages", __name__, url_prefix="/api/v1/cases",
               description="Messages from other services to the case that waits for them.")


class AwaitedSchema(Schema):
    """A message the case waits for: its name, the event waiting for it and who sends it."""

    message = fields.String(required=True)
    event = fields.String(required=True, attribute="bpmn_id")
    name = fields.String(required=True)
    sent_by = fields.String(allow_none=True)
    form_key = fields.String(allow_none=True)


class DeliveredSchema(Schema):
    """The message delivered, and the case's open steps the caller sees now."""

    case_id = fields.Integer(required=True)
    message = fields.String(required=True)
    event = fields.String(required=True)
    open_tasks = fields.List(fields.Nested(TaskSchema), required=True)


class PayloadSchema(Schema):
    """Any JSON object: the message's payload, which becomes case data (the waiting event's
    form, when it has one, says which fields)."""

    class Meta:
        unknown = "include"


def _awaited(waiting) -> dict:
    props = waiting.properties
    return {"message": waiting.message, "bpmn_id": waiting.bpmn_id, "name": waiting.name,
            "sent_by": props.get("sentBy"), "form_key": props.get("formKey")}


@bp.route("/<id:case_id>/messages")
@refusals(bp, 404)
@bp.response(200, AwaitedSchema(many=True))
def awaited(case_id: int):
    """The messages the case waits for now (none on a closed case); 404 outside the
    caller's territories."""
    return [_awaited(w) for w in engine.awaited_messages(db.session, case_id, current_actor())]


@bp.route("/<id:case_id>/messages/<name>", methods=["POST"])
@refusals(bp, 403, 404, 409)
@bp.arguments(PayloadSchema, description="The message's payload (a JSON object).")
@bp.response(200, DeliveredSchema)
def deliver(payload: dict, case_id: int, name: str):
    """Deliver the message ``name`` to the case with the body as its payload; the case's
    caseworker or a supervisor of its territory may (403 otherwise, 404 outside the
    caller's territories); 409 when nothing in the case waits for it."""
    who = current_actor()
    with unit_of_work(db.session):
        waiting = engine.deliver_message(db.session, _library(), case_id, name, dict(payload),
                                         who)
    following = task_queries.case_tasks(db.session, who, case_id)
    return {"case_id": case_id, "message": name, "event": waiting.bpmn_id,
            "open_tasks": shown(following)}
