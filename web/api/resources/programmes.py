"""``/api/v1/programmes``: the programmes enabled where the caller works, each with the
household schema new cases are checked against, and (for their managers) their versions."""

from flask_smorest import Blueprint
from marshmallow import Schema, fields

from engine import queries
from engine.core.errors import NotFound
from engine.definitions import catalog, households
from engine.definitions import versions as bundles
from engine.queries import versions as version_queries

from ...extensions import db
from ...names import programme_name
from .. import pagination
from ..auth import current_actor
from ..pagination import PageArgs

bp = Blueprint("api_programmes", __name__, url_prefix="/api/v1/programmes",
               description="Programmes (Familias, P.I.P.P.I., …) and their process versions.")
KEY = {"key": {"description": "the programme's key, e.g. familias"}}


class ProgrammeSchema(Schema):
    """A programme enabled in one of the caller's territories."""

    key = fields.String(required=True, metadata={"example": "familias"})
    name = fields.String(required=True)


class ProgrammeDetailSchema(ProgrammeSchema):
    """A programme with its published version and the JSON Schema a household's members
    must satisfy (the one ``POST /cases`` and ``PUT /cases/{id}/household`` check)."""

    version = fields.Integer(allow_none=True)
    household_schema = fields.Dict(required=True)


class VersionSchema(Schema):
    """One version of a programme's process: its status and how many cases run on it."""

    version = fields.Integer(required=True)
    status = fields.String(required=True, metadata={"enum": ["draft", "published", "retired"]})
    deployed_by = fields.String(required=True)
    deployed_at = fields.DateTime(required=True)
    comment = fields.String(allow_none=True)
    running = fields.Integer(required=True)


def _in_reach(key: str) -> str:
    """``key`` if the caller sees a territory running it; 404 (never confirming) otherwise."""
    names = dict(queries.programmes_in_reach(db.session, current_actor()))
    if key not in names:
        raise NotFound(f"no programme {key!r} in reach", code="programme.not_found",
                       programme=key)
    return key


@bp.route("")
@bp.arguments(PageArgs, location="query")
@bp.response(200, ProgrammeSchema(many=True), headers=pagination.HEADERS)
def list_programmes(args):
    """The programmes enabled in a territory the caller sees, by name."""
    rows = [{"key": key, "name": programme_name(key)}
            for key, _name in queries.programmes_in_reach(db.session, current_actor())]
    return pagination.answer(pagination.paginate(rows, args["page"], args["per_page"]))


@bp.route("/<string(maxlength=64):key>")
@bp.response(200, ProgrammeDetailSchema)
def get_programme(key: str):
    """One programme, its published version and its household schema."""
    _in_reach(key)
    try:
        definition = catalog.latest_definition(db.session, key)
    except NotFound:
        return {"key": key, "name": programme_name(key), "version": None,
                "household_schema": households.DEFAULT_SCHEMA}
    schema = bundles.household_schema_of(db.session, definition.id, key)
    return {"key": key, "name": programme_name(key), "version": definition.version,
            "household_schema": schema or households.DEFAULT_SCHEMA}


@bp.route("/<string(maxlength=64):key>/versions")
@bp.arguments(PageArgs, location="query")
@bp.response(200, VersionSchema(many=True), headers=pagination.HEADERS)
def list_versions(args, key: str):
    """Every version of the programme, newest first (its managers and administrators)."""
    overview = version_queries.overview(db.session, current_actor(), key)
    return pagination.answer(pagination.paginate(overview.versions, args["page"],
                                                 args["per_page"]))
