"""Sensitive fields: who reads the health, violence, income and child-protection answers a
form marks ``x-sensitive`` (with ``x-sensitive-roles``, the roles that need them).

- ``read_sensitive`` (:class:`Sensitive`: a field in a case's territory): a person holding
  one of the field's roles there (``policy.sensitive_not_allowed``); a field without
  ``x-sensitive-roles`` is needed by caseworkers and supervisors
  (:data:`DEFAULT_SENSITIVE_ROLES`). Whoever may work a step fills its fields, so a form
  being filled is never masked to its worker (the pages ask this rule only for reading).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from sqlalchemy.orm import Session

from ..core.roles import CASEWORKER, ROLES, SUPERVISOR
from .rules import Refusal, _rule, not_allowed
from .scope import is_system

if TYPE_CHECKING:
    from ..core.actors import Actor

READ_SENSITIVE = "read_sensitive"
SENSITIVE, SENSITIVE_ROLES = "x-sensitive", "x-sensitive-roles"
DEFAULT_SENSITIVE_ROLES = frozenset({CASEWORKER, SUPERVISOR})
ROWS = "[]"  # a path's step into every row of an array (``metas[].nota``)


@dataclass(frozen=True)
class Sensitive:
    """A sensitive field (or report column) in ``territory_id``, needed by ``roles``."""

    territory_id: int | None  # None: anywhere the reader works (a report over territories)
    roles: frozenset[str] = DEFAULT_SENSITIVE_ROLES


@_rule(READ_SENSITIVE)
def _read_sensitive(session: Session, actor: Actor, field: Sensitive) -> Refusal:
    """A sensitive field: shown to those whose role in its territory needs it."""
    held = actor.roles if field.territory_id is None else actor.roles_in(field.territory_id)
    if is_system(actor) or held & field.roles:
        return None
    return not_allowed(actor, READ_SENSITIVE, "the field is sensitive and the role does not "
                       "need it", code="policy.sensitive_not_allowed",
                       roles=sorted(field.roles))


# The columns of the outcome reports' CSV (engine.reports) read from sensitive answers:
# money a family receives (income), a child's placement (child protection), a young
# person's risk level, offences and rights alerts (violence, justice). Caseworkers and
# supervisors need them; managers and administrators read the file masked.
REPORT_COLUMNS: dict[str, frozenset[str]] = {
    "familias": frozenset({"monto_pagado", "monto_por_pagar"}),
    "pippi": frozenset({"bambino_in_famiglia"}),
    "comunidad_crece": frozenset({"nivel_riesgo", "nuevas_infracciones", "alertas"}),
}


def hidden_report_columns(session: Session, actor: Actor, programme: str,
                          columns) -> frozenset[str]:
    """The columns of ``programme``'s report CSV masked for ``actor``."""
    if _read_sensitive(session, actor, Sensitive(None)) is None:
        return frozenset()
    return frozenset(REPORT_COLUMNS.get(programme, frozenset()) & set(columns))


def sensitive_fields(schema: dict | None) -> dict[str, frozenset[str]]:
    """The fields of a form marked ``x-sensitive`` (by path: ``motivo``, ``salud.nota``;
    ``metas[].nota`` for a field of a repeating row, an array of objects), each with the
    roles that need it."""
    found: dict[str, frozenset[str]] = {}
    _collect(schema or {}, "", found)
    return found


def _collect(node: dict, path: str, found: dict) -> None:
    for name, child in (node.get("properties") or {}).items():
        if not isinstance(child, dict):
            continue
        where = f"{path}.{name}" if path else name
        if child.get(SENSITIVE) is True:
            roles = frozenset(r for r in child.get(SENSITIVE_ROLES) or () if r in ROLES)
            found[where] = roles or DEFAULT_SENSITIVE_ROLES
        elif child.get("properties"):
            _collect(child, where, found)
        elif isinstance(child.get("items"), dict):  # the rows of a repeating group or grid
            _collect(child["items"], f"{where}{ROWS}", found)


def hidden_fields(session: Session, actor: Actor, schema: dict | None,
                  territory_id: int) -> frozenset[str]:
    """The sensitive fields of ``schema`` that ``actor`` may not read in ``territory_id``
    (what the pages and exports mask)."""
    return frozenset(path for path, roles in sensitive_fields(schema).items()
                     if _read_sensitive(session, actor, Sensitive(territory_id, roles))
                     is not None)
