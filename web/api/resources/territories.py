"""``/api/v1/territories``: the territories whose cases the caller sees."""

from flask_smorest import Blueprint
from marshmallow import Schema, fields

from engine import queries

from ...extensions import db
from .. import pagination
from ..auth import current_actor
from ..pagination import PageArgs

bp = Blueprint("api_territories", __name__, url_prefix="/api/v1/territories",
               description="Comunas (Chile) and Ambiti Territoriali (Italy).")


class TerritorySchema(Schema):
    """A territory: its code (used everywhere in the API), name, country and calendar."""

    code = fields.String(required=True)
    name = fields.String(required=True)
    country = fields.String(required=True, metadata={"example": "CL"})
    region = fields.String(allow_none=True, metadata={"description": "holiday subdivision"})
    timezone = fields.String(required=True)


@bp.route("")
@bp.arguments(PageArgs, location="query")
@bp.response(200, TerritorySchema(many=True), headers=pagination.HEADERS)
def list_territories(args):
    """The territories whose cases the caller sees (a token: its own territories)."""
    rows = queries.case_territories(db.session, current_actor())
    return pagination.answer(pagination.paginate(rows, args["page"], args["per_page"]))
