"""``/api/v1/tasks``: the caller's steps and their roles' pool; claim, release, save a draft,
complete.

Every action is the engine command the task page runs (engine.commands.tasks, drafts), with
the same form check: the data a client completes a step with is validated against the form
of the version the case runs on, exactly as the page's submission is, and refused field by
field (422). A step completed a moment earlier answers 409 with who completed it and when.
"""

from http import HTTPStatus

from flask import current_app
from flask_smorest import Blueprint
from marshmallow import Schema, fields
from sqlalchemy import select

import engine
from engine import unit_of_work
from engine.persistence.models import HumanTask, Territory
from engine.queries import tasks as task_queries

from ...auth.people import staff_member
from ...extensions import db
from ...names import step_name
from .. import pagination, problems
from ..auth import current_actor
from ..pagination import PageArgs

bp = Blueprint("api_tasks", __name__, url_prefix="/api/v1/tasks",
               description="Steps to do: the caller's own and their roles' pool.")


class TaskSchema(Schema):
    """An open step of a case."""

    id = fields.String(required=True)
    case_id = fields.Integer(required=True)
    programme = fields.String(required=True, attribute="programme_key")
    territory = fields.String(required=True, metadata={"description": "territory code"})
    step = fields.String(required=True, attribute="bpmn_id",
                         metadata={"description": "the step's BPMN id"})
    title = fields.String(required=True, metadata={"description": "in the client's language"})
    role = fields.String(allow_none=True)
    assignee = fields.String(allow_none=True, metadata={"description": "None: in the pool"})
    form_key = fields.String(allow_none=True)
    created_at = fields.DateTime(required=True)
    claimed_at = fields.DateTime(allow_none=True)
    due_at = fields.DateTime(allow_none=True)


class DraftSchema(Schema):
    """A step's saved draft: the form's fields, who saved it and when."""

    data = fields.Dict(required=True)
    author = fields.String(allow_none=True)
    saved_at = fields.DateTime(allow_none=True)


class TaskDetailSchema(TaskSchema):
    """A step with its form (the JSON Schema its data must satisfy) and its draft (for those
    who may read it)."""

    form = fields.Dict(allow_none=True, metadata={"description": "JSON Schema of the data"})
    draft = fields.Nested(DraftSchema, allow_none=True)


class DataSchema(Schema):
    """What a step is completed (or its draft saved) with: the form's fields."""

    data = fields.Dict(required=True, metadata={"description": "the form's fields"})


class CompletedSchema(Schema):
    """A completed step, and the case's open steps the caller sees now."""

    task_id = fields.String(required=True)
    case_id = fields.Integer(required=True)
    open_tasks = fields.List(fields.Nested(TaskSchema), required=True)


def refusals(blueprint: Blueprint, *statuses: int):
    """Document the refusals a view may answer (problem+json): 403, 404, 409..."""

    def decorate(view):
        for status in statuses:
            view = blueprint.alt_response(status, response=HTTPStatus(status).name)(view)
        return view

    return decorate


def _library() -> engine.FormLibrary:
    return current_app.extensions["acompana.forms"]


def _territory_codes(rows) -> dict[int, str]:
    ids = {row.territory_id for row in rows}
    if not ids:
        return {}
    query = select(Territory.id, Territory.code).where(Territory.id.in_(sorted(ids)))
    return dict(db.session.execute(query).all())


def shown(rows: list[HumanTask]) -> list[dict]:
    """Tasks as :class:`TaskSchema` reads them (territory code, title in the client's
    language)."""
    codes = _territory_codes(rows)
    with problems.in_client_language():
        return [{**{c.key: getattr(row, c.key) for c in HumanTask.__table__.columns},
                 "territory": codes.get(row.territory_id), "title": step_name(row)}
                for row in rows]


def _page(mine: bool, pool: bool, args: dict):
    page, per_page = args["page"], args["per_page"]
    rows, total = task_queries.task_page(db.session, current_actor(), mine=mine, pool=pool,
                                         offset=(page - 1) * per_page, limit=per_page)
    return pagination.answer(pagination.Paged(shown(rows), total, page, per_page))


@bp.route("/mine")
@bp.arguments(PageArgs, location="query")
@bp.response(200, TaskSchema(many=True), headers=pagination.HEADERS)
def mine(args):
    """The steps assigned to the caller, the soonest due first."""
    return _page(True, False, args)


@bp.route("/pool")
@bp.arguments(PageArgs, location="query")
@bp.response(200, TaskSchema(many=True), headers=pagination.HEADERS)
def pool(args):
    """The unclaimed steps of the caller's roles in their territories, the soonest due
    first."""
    return _page(False, True, args)


@bp.route("/<task_id>")
@refusals(bp, 404)
@bp.response(200, TaskDetailSchema)
def show(task_id: str):
    """One open step, with its form and (for its holder and the territory's supervisors) its
    draft; 404 outside the caller's territories."""
    return _detail(task_id)


def _detail(task_id: str) -> dict:
    who = current_actor()
    row = engine.get_task(db.session, task_id, who)
    forms = engine.forms_for_instance(db.session, row.instance_id, _library())
    draft = engine.draft_for(db.session, row, who)
    return {**shown([row])[0], "form": forms.schema(row.form_key) if row.form_key else None,
            "draft": draft}


@bp.route("/<task_id>/claim", methods=["POST"])
@refusals(bp, 403, 404, 409)
@bp.response(200, TaskSchema)
def claim(task_id: str):
    """Take an unclaimed step of one of the caller's roles (409 if someone holds it)."""
    with unit_of_work(db.session):
        row = engine.claim(db.session, task_id, current_actor())
    return shown([row])[0]


@bp.route("/<task_id>/release", methods=["POST"])
@refusals(bp, 403, 404, 409)
@bp.response(200, TaskSchema)
def release(task_id: str):
    """Give a held step back to its role's pool (its holder or a supervisor)."""
    who = current_actor()
    with unit_of_work(db.session):
        engine.release(db.session, task_id, who)
    return shown([engine.get_task(db.session, task_id, who)])[0]


@bp.route("/<task_id>/draft", methods=["PUT"])
@refusals(bp, 403, 404, 409)
@bp.arguments(DataSchema)
@bp.response(200, TaskDetailSchema)
def save_draft(body: dict, task_id: str):
    """Keep the form's fields as the step's draft (a pool step is taken by the caller)."""
    who = current_actor()
    with unit_of_work(db.session):
        engine.save_draft(db.session, _library(), task_id, body["data"], who)
    return _detail(task_id)


@bp.route("/<task_id>/complete", methods=["POST"])
@refusals(bp, 403, 404, 409)
@bp.arguments(DataSchema)
@bp.response(200, CompletedSchema)
def complete(body: dict, task_id: str):
    """Complete the step with the form's fields, checked exactly as the task page checks
    them (422 naming each field); 409 when someone completed it first."""
    who = current_actor()
    row = db.session.get(HumanTask, task_id)
    case_id = row.case_id if row is not None else None  # the row goes once it is completed
    with unit_of_work(db.session):
        engine.complete(db.session, _library(), task_id, body["data"], who, staff=staff_member)
    following = task_queries.case_tasks(db.session, who, case_id)
    return {"task_id": task_id, "case_id": case_id, "open_tasks": shown(following)}
