"""``/api/v1/cases``: search the cases the caller sees, open one (``Idempotency-Key``), read
one (``ETag``) and transfer it to another caseworker (``If-Match``). The engine decides every
rule, as on the web pages: a case outside the caller's territories is a 404."""

from dataclasses import asdict

from flask import url_for
from flask_babel import gettext as _
from flask_smorest import Blueprint, abort
from sqlalchemy import select

import engine
from engine import queries
from engine.core import national_ids
from engine.persistence.models import Case

from ...auth.people import staff_member
from ...extensions import db
from .. import etags, idempotency, pagination
from ..auth import current_actor
from ..pagination import Paged
from .case_schemas import (
    CaseSchema,
    CaseSearchArgs,
    CaseSummarySchema,
    StartCaseSchema,
    TransferSchema,
)

bp = Blueprint("api_cases", __name__, url_prefix="/api/v1/cases",
               description="Cases: one household followed by one programme in a territory.")
CASE_ID = "<id:case_id>"
# what the engine does not find when opening a case is the request's field at fault (422)
OPENING_FIELDS = {"programme.not_found": "programme", "programme.not_deployed": "programme",
                  "territory.not_found": "territory", "household.not_found": "household_id"}


def case_summary(row) -> dict:
    """A row of the cases found (engine.queries.CaseRow) as the list shows it."""
    case = row.case
    return {"id": case.id, "programme": case.programme_key, "territory": case.territory.code,
            "caseworker": case.caseworker, "status": case.status, "paused": row.paused,
            "incident": row.incident, "family_name": case.household.family_name,
            "opened_at": case.opened_at, "closed_at": case.closed_at, "steps": row.steps}


def household_of(view: engine.CaseView) -> dict:
    """The household of a case as the API shows it."""
    household = view.case.household
    return {"id": household.id, "family_name": household.family_name,
            "address": household.address, "national_id": view.household_key or None,
            # only what each member has, so that a household read can be sent back as it is
            "members": [{k: v for k, v in asdict(m).items() if v is not None}
                        for m in view.members]}


def case_of(view: engine.CaseView) -> dict:
    """A case (engine.show_case) as the API shows it."""
    case = view.case
    return {"id": case.id, "programme": case.programme_key, "territory": case.territory.code,
            "municipality": case.municipality, "caseworker": case.caseworker,
            "people": {k: str(v) for k, v in (case.people or {}).items()},
            "status": case.status, "outcome": case.outcome,
            "paused": case.deadlines_paused_at is not None, "opened_at": case.opened_at,
            "closed_at": case.closed_at, "household": household_of(view),
            "steps": [{"id": t.id, "bpmn_id": t.bpmn_id, "title": t.title, "role": t.role,
                       "assignee": t.assignee, "due_at": t.due_at} for t in view.tasks]}


def shown_case(case_id: int) -> tuple[dict, str]:
    """The case's representation and its ETag (of the JSON it dumps to)."""
    shown = case_of(engine.show_case(db.session, case_id, current_actor()))
    return shown, etags.etag_of(CaseSchema().dump(shown))


def _search(args: dict) -> queries.CaseSearch:
    keys: list[str] = []
    if args["national_id"]:
        keys = national_ids.search_keys(args["national_id"])
        if not keys:
            abort(422, errors={"national_id": [_("No es un RUT ni un codice fiscale válido.")]})
    return queries.CaseSearch(name=args["q"] or None, national_keys=tuple(keys),
                              programme=args["programme"] or None,
                              status=args["status"] or None,
                              caseworker=args["caseworker"] or None,
                              territory=args["territory"] or None,
                              step=args["step"] or None, sort=args["sort"],
                              page=args["page"], limit=args["per_page"])


@bp.route("")
@bp.arguments(CaseSearchArgs, location="query")
@bp.response(200, CaseSummarySchema(many=True), headers=pagination.HEADERS)
def list_cases(args):
    """The cases the caller sees, filtered by name, national id, territory, programme,
    status, caseworker or current step; newest first unless ``sort`` says otherwise."""
    found = queries.case_page(db.session, current_actor(), _search(args))
    rows = [case_summary(r) for r in found.rows] if found.page == args["page"] else []
    return pagination.answer(Paged(rows, found.total, args["page"], args["per_page"]))


@bp.route("", methods=["POST"])
@bp.arguments(StartCaseSchema)
@bp.doc(parameters=[idempotency.HEADER])
@bp.response(201, CaseSchema, headers={"Location": {"schema": {"type": "string"}}})
def create_case(body):
    """Open a case: register the household (or take ``household_id``) and start the
    programme, checked exactly like the new-case page. With ``Idempotency-Key`` a retry
    gets the first answer instead of a second case."""
    command = engine.StartCase(body["programme"], body["territory"], body["caseworker"],
                               (body["family_name"] or "").strip(), members=body["members"],
                               address=body["address"] or None,
                               household_id=body["household_id"],
                               national_id=body["national_id"] or None,
                               municipality=body["municipality"] or None,
                               people=body["people"])

    def start() -> tuple[dict, str]:
        case = engine.start_case(db.session, command, current_actor(), staff=staff_member)
        shown = CaseSchema().dump(shown_case(case.id)[0])
        return shown, url_for("api_cases.get_case", case_id=case.id)

    try:
        return idempotency.create_once(start)
    except engine.NotFound as unknown:
        field = OPENING_FIELDS.get(unknown.code)
        if field is None:
            raise
        return _field_at_fault(unknown, field)


@bp.route(f"/{CASE_ID}")
@bp.response(200, CaseSchema, headers=etags.HEADER)
def get_case(case_id: int):
    """One case (404 when it does not exist or is outside the caller's territories)."""
    shown, tag = shown_case(case_id)
    return shown, 200, {"ETag": tag}


@bp.route(f"/{CASE_ID}/transfer", methods=["POST"])
@bp.arguments(TransferSchema)
@bp.doc(parameters=[etags.IF_MATCH])
@bp.response(200, CaseSchema, headers=etags.HEADER)
def transfer_case(body, case_id: int):
    """Give the whole case to another caseworker of its territory (a supervisor there);
    the steps the former one held follow it. ``If-Match``: the case's ETag."""
    try:
        with engine.unit_of_work(db.session):
            _lock(case_id)
            etags.check_if_match(shown_case(case_id)[1])
            engine.transfer_case(db.session, case_id, body["to"], current_actor(),
                                 staff=staff_member)
    except etags.Precondition as failed:
        return failed.response()
    except engine.NotAllowed as refused:
        if not (refused.code or "").startswith("routing."):
            raise
        return _about_the_person(refused)
    shown, tag = shown_case(case_id)
    return shown, 200, {"ETag": tag}


def _lock(case_id: int) -> None:
    """Hold the case's row until the unit of work ends, so the ETag checked is the one
    changed (the case is checked visible by the engine right after)."""
    db.session.execute(select(Case.id).where(Case.id == case_id).with_for_update())


def _about_the_person(refused: engine.EngineError):
    """A refused new caseworker is the request's ``to`` at fault (422), not the caller."""
    return _field_at_fault(refused, "to")


def _field_at_fault(error: engine.EngineError, field: str):
    """422 naming ``field`` with the engine error's wording."""
    from ...messages import word_error
    from .. import problems

    with problems.in_client_language():
        worded = word_error(error)
    return problems.response(422, error.code, worded, errors={field: [worded]})
