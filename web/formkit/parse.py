"""Submitted form fields → the JSON data the engine validates."""

import re

from .paths import child, item
from .schema import kind


def parse_form(schema: dict, form) -> dict:
    """Rebuild task data from a browser's submission (a werkzeug MultiDict or alike).

    Empty answers are left out, so the validator reports them as missing; a number that
    does not parse is kept as typed, so the validator names the field.
    """
    keys = list(form.keys())
    return _object(schema, "", form, keys)


def _object(schema: dict, path: str, form, keys: list[str]) -> dict:
    data = {}
    for name, node in schema.get("properties", {}).items():
        value = _value(node, child(path, name), form, keys)
        if value is not None:
            data[name] = value
    return data


def _value(node: dict, path: str, form, keys: list[str]):
    reader = READERS[kind(node)]
    return reader(node, path, form, keys)


def _text(node, path, form, keys):
    value = (form.get(path) or "").strip()
    return value or None


def _number(node, path, form, keys):
    value = _text(node, path, form, keys)
    if value is None:
        return None
    try:
        number = float(value.replace(",", "."))
    except ValueError:
        return value
    return int(number) if node.get("type") == "integer" and number.is_integer() else number


def _boolean(node, path, form, keys):
    return {"true": True, "false": False}.get(form.get(path))


def _choices(node, path, form, keys):
    chosen = [v for v in form.getlist(path) if v]
    return chosen or None


def _indices(path: str, keys: list[str]) -> list[int]:
    pattern = re.compile(re.escape(path) + r"\[(\d+)\]")
    return sorted({int(m.group(1)) for k in keys if (m := pattern.match(k))})


def _strings(node, path, form, keys):
    entries = [(form.get(item(path, n)) or "").strip() for n in _indices(path, keys)]
    return [e for e in entries if e] or None


def _group(node, path, form, keys):
    rows = [_object(node.get("items", {}), item(path, n), form, keys)
            for n in _indices(path, keys)]
    return [row for row in rows if row] or None


def _grid(node, path, form, keys):
    answers = {code: form.get(child(path, code)) for code in node.get("properties", {})}
    return {code: state for code, state in answers.items() if state} or None


READERS = {"text": _text, "date": _text, "choice": _text, "number": _number,
           "boolean": _boolean, "choices": _choices, "strings": _strings, "group": _group,
           "grid": _grid}
