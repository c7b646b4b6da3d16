"""The settings compared: each deadline rule (``[plazos.X]``), each cycle (``[ciclos]``) and,
as a whole, every other table but the programme's own (``[programa]``)."""

from .common import Difference, changes

FIELDS = {"titulo": "title", "dias": "days", "meses": "months", "tipo": "kind",
          "desde": "anchor", "aviso_dias": "reminder_days", "escala_a": "escalate_to"}
DEFAULTS = {"kind": "corridos", "anchor": "inicio_paso", "reminder_days": 0,
            "escalate_to": "supervisor"}
OWN_TABLES = {"plazos", "ciclos", "programa"}


def differences(old: dict, new: dict) -> tuple[list[Difference], list[Difference]]:
    """``(deadline and cycle differences, other tables changed)``."""
    old, new = old or {}, new or {}
    found = _deadlines(_table(old, "plazos"), _table(new, "plazos"))
    found += _cycles(_table(old, "ciclos"), _table(new, "ciclos"))
    other = [Difference("settings.table_changed", {"table": name})
             for name in sorted((set(old) | set(new)) - OWN_TABLES)
             if old.get(name) != new.get(name)]
    return found, other


def _table(settings: dict, name: str) -> dict:
    table = settings.get(name)
    return table if isinstance(table, dict) else {}


def rule(table: dict, key: str) -> dict:
    """A deadline rule's fields by their English names, with the defaults filled in."""
    table = table if isinstance(table, dict) else {}
    found = {FIELDS[k]: v for k, v in table.items() if k in FIELDS}
    found.setdefault("title", key)
    return {**DEFAULTS, **found}


def _deadlines(old: dict, new: dict) -> list[Difference]:
    found = [Difference("deadline.removed", {"deadline": k, "title": rule(old[k], k)["title"]})
             for k in old if k not in new]
    found += [Difference("deadline.added", {"deadline": k, "title": rule(new[k], k)["title"],
                                            "rule": rule(new[k], k)})
              for k in new if k not in old]
    for key in (k for k in new if k in old):
        before, after = rule(old[key], key), rule(new[key], key)
        changed = changes(before, after, FIELDS.values())
        if changed:
            found.append(Difference("deadline.changed", {"deadline": key,
                                                         "title": after["title"],
                                                         "changes": changed}))
    return found


def _cycles(old: dict, new: dict) -> list[Difference]:
    found = []
    for key in [*old, *(k for k in new if k not in old)]:
        before, after = old.get(key), new.get(key)
        if before == after:
            continue
        code = ("cycle.added" if key not in old else "cycle.removed" if key not in new
                else "cycle.changed")
        found.append(Difference(code, {"cycle": key, "before": before, "after": after}))
    return found
