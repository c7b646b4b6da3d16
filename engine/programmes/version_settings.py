"""A version's settings: its schema's defaults overlaid with the programme's live values.

Pure functions on parsed settings (``{"plazos": {...}, "ciclos": {...}, ...}``), no database.
A case reads, for every key its version's schema has, the live value if the programme has
one and the version's default otherwise, so a key a later version dropped never goes
missing. Live values are checked against each version still in use.
"""

import copy

from ..core.errors import FieldError
from .settings import STEP_START

PROGRAMME_TABLE = "programa"


def resolve(schema: dict | None, live: dict) -> dict:
    """The settings a case of the version with ``schema`` runs with (``live`` when the version
    predates bundles)."""
    if schema is None:
        return live
    resolved = {name: _table(name, default, live.get(name)) for name, default in schema.items()}
    resolved[PROGRAMME_TABLE] = copy.deepcopy(live.get(PROGRAMME_TABLE, {}))
    return resolved


def _table(name: str, default, live):
    if not isinstance(default, dict):
        return copy.deepcopy(default if live is None else live)
    live = live if isinstance(live, dict) else {}
    table = {key: copy.deepcopy(live.get(key, value)) for key, value in default.items()}
    if name == "plazos":
        return {key: _anchored(rule, default[key]) for key, rule in table.items()}
    return table


def _anchored(rule, default):
    """A deadline counts from the start of its step or from the field the version's diagram
    was deployed with; a live anchor the version does not know keeps the version's."""
    if not isinstance(rule, dict) or not isinstance(default, dict):
        return rule
    if rule.get("desde", STEP_START) in anchors_of(default):
        return rule
    return {**rule, "desde": default.get("desde", STEP_START)}


def anchors_of(default_rule: dict) -> list[str]:
    """What a version's deadline may count from: its step's start or its deployed anchor."""
    anchor = default_rule.get("desde", STEP_START)
    return [STEP_START] if anchor == STEP_START else [STEP_START, anchor]


def problems_in_use(versions: list[tuple[int, dict]], before: dict,
                    after: dict) -> list[FieldError]:
    """What is wrong with live settings ``after`` (changed from ``before``) for the versions
    still in use, given as ``(version number, settings schema)``: an anchor a version's
    cases do not fill in, or a value a version needs that was removed."""
    problems = []
    for number, schema in versions:
        problems += _anchor_problems(number, schema, before, after)
        problems += _removed(number, schema, before, after)
    return problems


def _anchor_problems(number: int, schema: dict, before: dict, after: dict) -> list[FieldError]:
    """A changed anchor must be one the version's cases fill in."""
    problems = []
    for key, rule in after.get("plazos", {}).items():
        default = schema.get("plazos", {}).get(key)
        if not isinstance(default, dict) or not isinstance(rule, dict):
            continue
        if rule.get("desde") == before.get("plazos", {}).get(key, {}).get("desde"):
            continue
        allowed = anchors_of(default)
        if rule.get("desde", STEP_START) not in allowed:
            problems.append(FieldError(
                f"plazos.{key}.desde", "version_anchor",
                f"plazos.{key}.desde: cases of version {number} count this deadline from one "
                f"of {allowed}", allowed))
    return problems


def _removed(number: int, schema: dict, before: dict, after: dict) -> list[FieldError]:
    problems = []
    for name, table in schema.items():
        if not isinstance(table, dict) or name == PROGRAMME_TABLE:
            continue
        for key in table:
            if key in before.get(name, {}) and key not in after.get(name, {}):
                problems.append(FieldError(
                    f"{name}.{key}", "needed_by_version",
                    f"{name}.{key} cannot be removed: cases of version {number} use it",
                    number))
    return problems


def keep_needed(merged: dict, live: dict, schemas: list[dict]) -> dict:
    """``merged`` (a redeployed file's settings) with every key the ``schemas`` of versions
    still running need put back, with its live value (or the version's default)."""
    kept = copy.deepcopy(merged)
    for schema in schemas:
        for name, table in schema.items():
            if not isinstance(table, dict) or name == PROGRAMME_TABLE:
                continue
            target = kept.setdefault(name, {})
            for key, default in table.items():
                if key not in target:
                    target[key] = copy.deepcopy(live.get(name, {}).get(key, default))
    return kept
