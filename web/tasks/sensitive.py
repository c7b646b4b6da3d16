"""Sensitive answers masked for a reader whose role does not need them (engine.policy's
``read_sensitive``: the form's ``x-sensitive`` and ``x-sensitive-roles``): on a step read by
someone who is not filling it, on a completed step and its corrections, and in the report
CSV. The field keeps its label; its value reads as *reservado*."""

import copy
import re

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from engine import policy
from engine.policy import ROWS

from ..access import actor
from ..extensions import db

MASK = _l("[reservado]")


def hidden(schema: dict | None, territory_id: int) -> frozenset[str]:
    """The paths of ``schema``'s sensitive fields the signed-in person may not read."""
    return policy.hidden_fields(db.session, actor(), schema, territory_id)


def masked(schema: dict, values: dict, paths: frozenset[str]) -> tuple[dict, dict]:
    """``schema`` and ``values`` with each field of ``paths`` shown as reserved text (a
    path into repeating rows, ``metas[].nota``, masks that field in every row)."""
    if not paths:
        return schema, values
    schema, values = copy.deepcopy(schema), copy.deepcopy(values or {})
    for path in paths:
        parts = path.split(".")
        _mask_schema(schema, parts)
        _mask_values(values, parts)
    return schema, values


def _step(part: str) -> tuple[str, bool]:
    """A path part's field name, and whether the path goes on into its rows."""
    return (part[:-len(ROWS)], True) if part.endswith(ROWS) else (part, False)


def _mask_schema(node: dict, parts: list[str]) -> None:
    fields = node.get("properties") if isinstance(node, dict) else None
    name, rows = _step(parts[0])
    if not isinstance(fields, dict) or not isinstance(fields.get(name), dict):
        return
    if len(parts) == 1:
        fields[name] = {"type": "string", "title": fields[name].get("title", name),
                        "description": _("Dato reservado: su rol no lo necesita.")}
        return
    child = fields[name]
    _mask_schema(child.get("items") if rows else child, parts[1:])


def _mask_values(values, parts: list[str]) -> None:
    if not isinstance(values, dict):
        return
    name, rows = _step(parts[0])
    if len(parts) == 1:
        if values.get(name) not in (None, "", [], {}):
            values[name] = str(MASK)
        return
    inner = values.get(name)
    for row in (inner if rows and isinstance(inner, list) else [inner]):
        _mask_values(row, parts[1:])


def covers(hidden: frozenset[str], field: str) -> bool:
    """Whether a corrected field's path (``metas[0].nota``, ``metas``: a whole list) is, or
    holds, or sits inside a field of ``hidden``."""
    path = re.sub(r"\[\d+\]", ROWS, field)
    return any(path == h or path.startswith((f"{h}.", f"{h}{ROWS}"))
               or h.startswith((f"{path}.", f"{path}{ROWS}")) for h in hidden)


def hidden_columns(programme: str, columns) -> frozenset[str]:
    """The report CSV's columns masked for the signed-in person."""
    return policy.hidden_report_columns(db.session, actor(), programme, columns)
