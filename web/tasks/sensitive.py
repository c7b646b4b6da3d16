"""Sensitive answers masked for a reader whose role does not need them (engine.policy's
``read_sensitive``: the form's ``x-sensitive`` and ``x-sensitive-roles``): on a step read by
someone who is not filling it, on a completed step and its corrections, and in the report
CSV. The field keeps its label; its value reads as *reservado*."""

import copy

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from engine import policy

from ..access import actor
from ..extensions import db

MASK = _l("[reservado]")


def hidden(schema: dict | None, territory_id: int) -> frozenset[str]:
    """The paths of ``schema``'s sensitive fields the signed-in person may not read."""
    return policy.hidden_fields(db.session, actor(), schema, territory_id)


def masked(schema: dict, values: dict, paths: frozenset[str]) -> tuple[dict, dict]:
    """``schema`` and ``values`` with each field of ``paths`` shown as reserved text."""
    if not paths:
        return schema, values
    schema, values = copy.deepcopy(schema), copy.deepcopy(values or {})
    for path in paths:
        _mask(schema, values, path.split("."))
    return schema, values


def _mask(schema: dict, values: dict, parts: list[str]) -> None:
    node = schema
    for part in parts[:-1]:
        node = (node.get("properties") or {}).get(part) or {}
        values = values.get(part) if isinstance(values.get(part), dict) else {}
    fields = node.get("properties") or {}
    name = parts[-1]
    if name not in fields:
        return
    fields[name] = {"type": "string", "title": fields[name].get("title", name),
                    "description": _("Dato reservado: su rol no lo necesita.")}
    if values.get(name) not in (None, "", [], {}):
        values[name] = str(MASK)


def hidden_columns(programme: str, columns) -> frozenset[str]:
    """The report CSV's columns masked for the signed-in person."""
    return policy.hidden_report_columns(db.session, actor(), programme, columns)
