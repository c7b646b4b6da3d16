"""``/api/v1/overdue``: the overdue open steps of the caller's territories (the *Atrasos*
dashboard's list), for supervisors, managers and administrators."""

from flask_smorest import Blueprint
from marshmallow import fields

from engine import policy
from engine.core import clock
from engine.queries import dashboard

from ...extensions import db
from .. import pagination
from ..auth import current_actor
from ..pagination import PageArgs
from .tasks import TaskSchema, refusals, shown

bp = Blueprint("api_overdue", __name__, url_prefix="/api/v1/overdue",
               description="Overdue steps, the most late first.")


class OverdueSchema(TaskSchema):
    """An overdue step: the step, its family and how many days late it is."""

    family_name = fields.String(required=True)
    territory_name = fields.String(required=True)
    days_late = fields.Integer(required=True)


@bp.route("")
@refusals(bp, 403)
@bp.arguments(PageArgs, location="query")
@bp.response(200, OverdueSchema(many=True), headers=pagination.HEADERS)
def overdue(args):
    """The overdue open steps the caller supervises, the most late first (403 for someone
    who supervises nothing)."""
    who, now = current_actor(), clock.now()
    policy.require(db.session, who, policy.SUPERVISE)
    page, per_page = args["page"], args["per_page"]
    rows = dashboard.overdue_tasks(db.session, who, now, limit=per_page,
                                   offset=(page - 1) * per_page)
    items = [{**task, "family_name": row.family_name, "territory_name": row.territory_name,
              "days_late": row.days_late}
             for task, row in zip(shown([r.task for r in rows]), rows, strict=True)]
    total = dashboard.overdue_count(db.session, who, now)
    return pagination.answer(pagination.Paged(items, total, page, per_page))
