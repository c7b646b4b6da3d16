"""What kind of field a JSON Schema node describes, and the options of a choice."""

from .paths import humanized

_PYTHON_TYPES = ((bool, "boolean"), (int, "integer"), (float, "number"), (str, "string"))


def node_type(node: dict) -> str:
    """The JSON type of ``node``, declared (``null`` aside) or read from its constants."""
    declared = node.get("type")
    if isinstance(declared, list):
        declared = next((t for t in declared if t != "null"), None)
    if declared:
        return declared
    if "properties" in node or "x-reference" in node:
        return "object"
    if "items" in node:
        return "array"
    return _constant_type(node)


def _constant_type(node: dict) -> str:
    samples = [node["const"]] if "const" in node else list(node.get("enum", []))
    samples += [o["const"] for o in node.get("oneOf", []) if isinstance(o, dict) and "const" in o]
    for python_type, json_type in _PYTHON_TYPES:
        if samples and all(isinstance(s, python_type) for s in samples):
            return json_type
    return "string"


def has_choices(node: dict) -> bool:
    """Whether the value is one of a fixed list (``enum`` or ``oneOf`` of ``const``)."""
    return "enum" in node or any("const" in o for o in node.get("oneOf", []) if isinstance(o, dict))


def kind(node: dict) -> str:
    """grid, group, list, choices, object, boolean, choice, number, date or text."""
    if "x-reference" in node:
        return "grid"
    json_type = node_type(node)
    if json_type == "array":
        items = node.get("items") if isinstance(node.get("items"), dict) else {}
        if node_type(items) == "object":
            return "group"
        return "choices" if has_choices(items) else "list"
    if json_type == "object":
        return "object"
    if json_type == "boolean":
        return "boolean"
    if has_choices(node):
        return "choice"
    if json_type in ("integer", "number"):
        return "number"
    return "date" if node.get("format") == "date" else "text"


def as_text(value) -> str:
    """How a JSON value travels in an HTML form field."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def options(node: dict) -> list[tuple[object, str, str]]:
    """``(value, submitted text, label)`` per option; labels from ``x-labels`` or ``oneOf``."""
    if "enum" not in node:
        consts = [o for o in node.get("oneOf", []) if isinstance(o, dict) and "const" in o]
        return [(o["const"], as_text(o["const"]), o.get("title") or as_text(o["const"]))
                for o in consts]
    labels = node.get("x-labels") or {}
    return [(v, as_text(v), labels.get(as_text(v)) or as_text(v)) for v in node["enum"]]


def title(node: dict, path: str) -> str:
    """The label of a field: its ``title``, else its property name made readable."""
    return node.get("title") or humanized(path)
