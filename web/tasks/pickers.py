"""People pickers inside a step's form: a text field marked ``x-people`` (an overdue review's
"reassign the step to", "transfer the case to") becomes a choice of the people the engine
policy lets take the late step (``late_step``) or hold the case (``caseworker``)."""

from copy import deepcopy

import engine
from engine import policy

from ..auth.people import who_may
from ..extensions import db


def with_pickers(schema: dict, row) -> dict:
    """``schema`` with each ``x-people`` field given its people as options (a copy)."""
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
