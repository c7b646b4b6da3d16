"""Changing a programme's settings as data: apply a manager's edits, list what changed, and
merge a redeployed settings file into settings a manager has edited.

Pure functions on the parsed TOML (``{"plazos": {...}, "ciclos": {...}, ...}``); no database.
"""

import copy
import re
from collections.abc import Mapping

from ..core.errors import FieldError
from .settings import STEP_START, rule_problems, settings_problems

TRANSFERS = "transferencias"  # amounts and periods of the family transfers (Programa Familias)
RULE_FIELDS = ("titulo", "dias", "meses", "tipo", "desde", "aviso_dias", "escala_a")
AMOUNTS = ("dias", "meses")
# What a deploy compares as one value: changing the unit of a deadline changes its amount too.
RULE_GROUPS = (("titulo",), ("dias", "meses", "tipo"), ("desde",), ("aviso_dias",),
               ("escala_a",))
DURATION = re.compile(r"P(?=\d)(?:(\d+)Y)?(?:(\d+)M)?(?:(\d+)W)?(?:(\d+)D)?")


def apply_changes(live: dict, changes: Mapping[str, object],
                  deployed: dict) -> tuple[dict, list[FieldError]]:
    """A copy of ``live`` with ``changes`` (``{"plazos.diagnostico.dias": 45}``) made, and
    every problem they cause; ``deployed`` is the settings file as last deployed."""
    changed = copy.deepcopy(live)
    problems = []
    for path, value in changes.items():
        problems += _apply(changed, path, value, deployed)
    problems = sorted(problems + settings_problems(changed), key=lambda e: e.field)
    return (live, problems) if problems else (changed, [])


def _apply(settings: dict, path: str, value, deployed: dict) -> list[FieldError]:
    parts = path.split(".")
    if len(parts) == 3 and parts[0] == "plazos" and parts[2] in RULE_FIELDS:
        return _apply_rule_field(settings, parts[1], parts[2], value, deployed)
    if len(parts) == 2 and parts[0] == "ciclos":
        return _apply_cycle(settings, parts[1], value)
    if parts[0] == TRANSFERS and _is_amount(_at(settings, parts)):
        return _apply_amount(settings, parts, value)
    return [FieldError(path, "unknown", f"{path} is not a setting a manager can change: use "
                       f"plazos.<clave>.<{'|'.join(RULE_FIELDS)}>, ciclos.<clave> or an "
                       "amount of transferencias.<clave>")]


def _apply_rule_field(settings: dict, key: str, name: str, value, deployed: dict) -> list:
    rule = settings.get("plazos", {}).get(key)
    where = f"plazos.{key}.{name}"
    if rule is None:
        return [FieldError(where, "unknown", f"plazos.{key}: the programme has no such deadline")]
    allowed = anchors_allowed(settings, deployed, key)
    if name == "desde" and value not in allowed:
        return [FieldError(where, "enum", f"{where} must be one of {allowed}", allowed)]
    if name in AMOUNTS:
        for amount in AMOUNTS:
            rule.pop(amount, None)
    rule[name] = value.strip() if isinstance(value, str) else value
    return []


def _at(settings: dict, parts: list[str]):
    """The value at ``parts`` of ``settings``, None if there is none."""
    node = settings
    for part in parts:
        node = node.get(part) if isinstance(node, dict) else None
    return node


def _is_amount(value) -> bool:
    """A transfer's amount, month count or threshold: a whole number or a list of them."""
    if isinstance(value, list):
        return bool(value) and all(_is_amount(v) for v in value)
    return isinstance(value, int) and not isinstance(value, bool)


def _apply_amount(settings: dict, parts: list[str], value) -> list[FieldError]:
    """A transfer's amount or period (``transferencias.proteccion.montos``), checked as a
    whole by :func:`settings_problems` (engine.programmes.transfers)."""
    where = ".".join(parts)
    if not _is_amount(value) or isinstance(value, list) != isinstance(_at(settings, parts), list):
        return [FieldError(where, "whole_number", f"{where} must be whole numbers ≥ 0, "
                           "as many as before" if isinstance(value, list) else
                           f"{where} must be a whole number ≥ 0")]
    _at(settings, parts[:-1])[parts[-1]] = value
    return []


def _apply_cycle(settings: dict, key: str, value) -> list[FieldError]:
    where = f"ciclos.{key}"
    if key not in settings.get("ciclos", {}):
        return [FieldError(where, "unknown", f"{where}: the programme has no such cycle")]
    if not is_whole_period(value):
        return [FieldError(where, "duration", f"{where} must be an ISO 8601 duration of whole "
                           "years, months, weeks or days, e.g. P1M or P14D")]
    settings["ciclos"][key] = value
    return []


def is_whole_period(value) -> bool:
    """Whether ``value`` is a non-zero ISO 8601 duration in years, months, weeks or days."""
    found = DURATION.fullmatch(value) if isinstance(value, str) else None
    return bool(found) and any(int(n or 0) for n in found.groups())


def anchors_allowed(live: dict, deployed: dict, key: str) -> list[str]:
    """What deadline ``key`` may count from: the start of its step, or the date field the
    diagram was deployed with (a field the process is known to fill in before the step)."""
    anchors = [STEP_START]
    for settings in (deployed, live):
        anchor = settings.get("plazos", {}).get(key, {}).get("desde", STEP_START)
        if anchor not in anchors:
            anchors.append(anchor)
    return anchors


def differences(before: dict, after: dict) -> list[dict]:
    """Every value that differs, as ``{"field": "plazos.x.dias", "before": 60, "after": 45}``
    (``None`` for a value that is not there), by field name (JSONB keeps no key order)."""
    old, new = _flatten(before), _flatten(after)
    return [{"field": path, "before": old.get(path), "after": new.get(path)}
            for path in sorted(old.keys() | new.keys()) if old.get(path) != new.get(path)]


def _flatten(settings: dict, prefix: str = "") -> dict[str, object]:
    flat = {}
    for name, value in settings.items():
        if isinstance(value, dict):
            flat.update(_flatten(value, f"{prefix}{name}."))
        else:
            flat[f"{prefix}{name}"] = value
    return flat


def merge_deployed(live: dict, old_file: dict, new_file: dict) -> dict:
    """The live settings after deploying ``new_file`` over ``old_file``.

    The new file decides which deadlines, roles and cycles exist, and every value it changed
    since the last deploy wins; a value the file left alone keeps what a manager set. A rule
    whose merged values would not be valid together is taken from the new file whole.
    """
    merged = copy.deepcopy(new_file)
    for key, rule in merged.get("plazos", {}).items():
        mine = live.get("plazos", {}).get(key)
        before = old_file.get("plazos", {}).get(key)
        if mine is None or before is None:
            continue
        for group in RULE_GROUPS:
            if _pick(before, group) == _pick(rule, group):
                _put(rule, group, _pick(mine, group))
        if rule_problems(key, rule):
            merged["plazos"][key] = copy.deepcopy(new_file["plazos"][key])
    _merge_cycles_and_places(merged, live, old_file, new_file)
    _keep_amounts(merged, live, old_file)
    return merged


def _merge_cycles_and_places(merged: dict, live: dict, old_file: dict, new_file: dict) -> None:
    for key, period in merged.get("ciclos", {}).items():
        mine = live.get("ciclos", {}).get(key)
        if mine is not None and old_file.get("ciclos", {}).get(key) == period:
            merged["ciclos"][key] = mine
    places = _merged_places(live, old_file, new_file)
    if places:
        merged["cupos"] = places


def _merged_places(live: dict, old_file: dict, new_file: dict) -> dict:
    """``[cupos]`` after a deploy: a territory's places set by an administrator (or left
    alone by the file) stay; those the file changed since its last deploy win."""
    places = copy.deepcopy(new_file.get("cupos", {}))
    for code, mine in live.get("cupos", {}).items():
        if old_file.get("cupos", {}).get(code) == new_file.get("cupos", {}).get(code):
            places[code] = copy.deepcopy(mine)
    return places


def _keep_amounts(merged: dict, live: dict, old_file: dict) -> None:
    """A transfer amount the new file left alone keeps what a manager set."""
    old, mine = _flatten(old_file.get(TRANSFERS, {})), _flatten(live.get(TRANSFERS, {}))
    for path, value in _flatten(merged.get(TRANSFERS, {})).items():
        if path in mine and old.get(path) == value and _is_amount(mine[path]):
            parts = path.split(".")
            _at(merged, [TRANSFERS, *parts[:-1]])[parts[-1]] = mine[path]


def _pick(rule: dict, group: tuple[str, ...]) -> dict:
    return {name: rule[name] for name in group if name in rule}


def _put(rule: dict, group: tuple[str, ...], values: dict) -> None:
    for name in group:
        rule.pop(name, None)
    rule.update(values)
