"""``/api/v1/cases/{id}/household``: a case's household, read (``ETag``) and replaced
(``If-Match``): family name, address and members, the members checked against the
household schema of the version the case runs on (engine.update_household), as on the
household page. The case's caseworker and the supervisors of its territory may change it."""

from flask_smorest import Blueprint
from sqlalchemy import select

import engine
from engine.persistence.models import Case, Household

from ...extensions import db
from .. import etags
from ..auth import current_actor
from .case_schemas import HouseholdSchema, HouseholdUpdateSchema
from .cases import household_of

bp = Blueprint("api_households", __name__, url_prefix="/api/v1/cases",
               description="The household a case follows (shared by its other cases).")


def shown_household(case_id: int) -> tuple[dict, str]:
    """The case's household and its ETag (of the JSON it dumps to)."""
    shown = household_of(engine.show_case(db.session, case_id, current_actor()))
    return shown, etags.etag_of(HouseholdSchema().dump(shown))


@bp.route("/<id:case_id>/household")
@bp.response(200, HouseholdSchema, headers=etags.HEADER)
def get_household(case_id: int):
    """The case's household."""
    shown, tag = shown_household(case_id)
    return shown, 200, {"ETag": tag}


@bp.route("/<id:case_id>/household", methods=["PUT"])
@bp.arguments(HouseholdUpdateSchema)
@bp.doc(parameters=[etags.IF_MATCH])
@bp.response(200, HouseholdSchema, headers=etags.HEADER)
def put_household(body, case_id: int):
    """Replace the household's family name, address and members (``If-Match``: its ETag;
    nothing changes on a 412, 422 or 403)."""
    try:
        with engine.unit_of_work(db.session):
            _lock(case_id)
            etags.check_if_match(shown_household(case_id)[1])
            engine.update_household(db.session, case_id, current_actor(),
                                    family_name=body["family_name"], address=body["address"],
                                    members=body["members"])
    except etags.Precondition as failed:
        return failed.response()
    shown, tag = shown_household(case_id)
    return shown, 200, {"ETag": tag}


def _lock(case_id: int) -> None:
    """Hold the household's row, so the ETag checked is the one replaced."""
    household = select(Case.household_id).where(Case.id == case_id).scalar_subquery()
    db.session.execute(select(Household.id).where(Household.id == household)
                       .with_for_update())
