"""Pickers inside a step's form: a text field marked ``x-people`` (an overdue review's
"reassign the step to", "transfer the case to") becomes a choice of the people the engine
policy lets take the late step (``late_step``) or hold the case (``caseworker``); one marked
``x-plan-actions`` (in a list's items too) a choice of the actions of the case's current plan,
by their code (``M1.A1``)."""

from copy import deepcopy

from flask import current_app

import engine
from engine import policy

from ..auth.people import who_may
from ..extensions import db


def with_pickers(schema: dict, row) -> dict:
    """``schema`` with each ``x-people`` field given its people as options, and each
    ``x-plan-actions`` field the plan's actions (a copy)."""
    schema = _with_plan_actions(schema, row)
    fields = schema.get("properties", {})
    if not any("x-people" in node for node in fields.values()):
        return schema
    schema = deepcopy(schema)
    for node in schema["properties"].values():
        kind = node.get("x-people")
        if kind:
            people = _people(kind, row)
            node["enum"] = [u.username for u in people]
            node["x-labels"] = {u.username: u.full_name for u in people}
    return schema


def _people(kind: str, row) -> list:
    if kind == "late_step":
        late = engine.reviewed_row(db.session, row)
        return [u for u in who_may(policy.TAKE_TASK, late) if u.username != late.assignee] \
            if late is not None else []
    case = engine.visible_case(db.session, row.case_id, engine.SYSTEM)
    return [u for u in who_may(policy.TAKE_POST, policy.Post(case, policy.CASEWORKER))
            if u.username != case.caseworker]


def _plan_fields(schema: dict) -> list[dict]:
    """The ``x-plan-actions`` fields of ``schema``, at the top or in a list's items."""
    found = []
    for node in (schema.get("properties") or {}).values():
        if "x-plan-actions" in node:
            found.append(node)
        elif node.get("type") == "array":
            found += _plan_fields(node.get("items") or {})
    return found


def _with_plan_actions(schema: dict, row) -> dict:
    if not _plan_fields(schema):
        return schema
    schema = deepcopy(schema)
    forms = engine.forms_for_instance(db.session, row.instance_id,
                                      current_app.extensions["acompana.forms"])
    plan = engine.current_plan(db.session, row.case_id, engine.SYSTEM, forms)
    actions = [a for goal in plan.goals for a in goal.actions if a.ref] if plan else []
    for node in _plan_fields(schema):
        node["enum"] = [a.ref for a in actions]
        node["x-labels"] = {a.ref: f"{a.ref} · {a.text}" for a in actions}
    return schema
