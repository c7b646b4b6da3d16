"""A browser's submission → the JSON data the engine validates.

Empty answers are left out (so ``required`` names them); numbers that do not parse and
choices that are not options are kept as typed (so the validator names the field).
"""

import math
import re

from .paths import child, item
from .schema import kind, node_type, options


class _Submission:
    """The submitted fields, with the keys listed once for the repeating rows' indexes."""

    def __init__(self, form):
        self.form = form
        self.keys = [str(key) for key in form]

    def text(self, path: str) -> str | None:
        return _clean(self.form.get(path))

    def texts(self, path: str) -> list[str]:
        return [t for t in (_clean(v) for v in self.form.getlist(path)) if t is not None]

    def indexes(self, path: str) -> list[int]:
        pattern = re.compile(re.escape(path) + r"\[(\d+)\]")
        return sorted({int(m.group(1)) for key in self.keys if (m := pattern.match(key))})


def _clean(raw) -> str | None:
    if raw is None:
        return None
    text = str(raw).replace("\r\n", "\n").strip()
    return text or None


def parse_form(schema: dict, form) -> dict:
    """The task data from ``form`` (a werkzeug MultiDict or anything with get/getlist/iter).

    Strings are trimmed and empty answers omitted; numbers converted when they parse;
    Sí/No radios become booleans; checkboxes an array; repeating rows are rebuilt in index
    order without the empty ones; grids become ``{indicator: state}``. Fields the schema does
    not know (the CSRF token, the submit button) are ignored.
    """
    return _object(schema, "", _Submission(form)) or {}


def _object(schema: dict, path: str, sent: _Submission) -> dict | None:
    data = {}
    for name, node in (schema.get("properties") or {}).items():
        if not isinstance(node, dict):
            continue
        value = value_of(node, child(path, name), sent)
        if value is not None:
            data[name] = value
    return data or None


def value_of(node: dict, path: str, sent: _Submission):
    """The value of the field at ``path``, or ``None`` when nothing was entered."""
    return READERS[kind(node)](node, path, sent)


def _text(node, path, sent):
    return sent.text(path)


def _number(node, path, sent):
    text = sent.text(path)
    if text is None:
        return None
    try:
        return int(text)
    except ValueError:
        pass
    if node_type(node) == "integer":
        return text
    try:
        number = float(text if "." in text else text.replace(",", "."))
    except ValueError:
        return text
    return number if math.isfinite(number) else text


def _boolean(node, path, sent):
    return {"true": True, "false": False}.get(sent.text(path) or "")


def _option(node: dict, text: str | None):
    for value, submitted, _label in options(node):
        if submitted == text:
            return value
    return text


def _choice(node, path, sent):
    text = sent.text(path)
    return None if text is None else _option(node, text)


def _choices(node, path, sent):
    items = node.get("items") or {}
    chosen = list(dict.fromkeys(sent.texts(path)))
    return [_option(items, text) for text in chosen] or None


def _list(node, path, sent):
    items = node.get("items") or {}
    entries = (value_of(items, item(path, n), sent) for n in sent.indexes(path))
    return [entry for entry in entries if entry is not None] or None


def _group(node, path, sent):
    items = node.get("items") or {}
    rows = (_object(items, item(path, n), sent) for n in sent.indexes(path))
    return [row for row in rows if row] or None


READERS = {"text": _text, "date": _text, "number": _number, "boolean": _boolean,
           "choice": _choice, "choices": _choices, "list": _list, "group": _group,
           "grid": _object, "object": _object}
