"""Reading what kind of field a JSON Schema node describes."""


def kind(node: dict) -> str:
    """One of grid, group, choices, strings, boolean, choice, number, date, text."""
    if "x-reference" in node:
        return "grid"
    if node.get("type") == "array":
        items = node.get("items", {})
        if items.get("type") == "object":
            return "group"
        return "choices" if "enum" in items else "strings"
    if node.get("type") == "boolean":
        return "boolean"
    if "enum" in node or "oneOf" in node:
        return "choice"
    if node.get("type") in ("integer", "number"):
        return "number"
    if node.get("format") == "date":
        return "date"
    return "text"


def options(node: dict) -> list[tuple[str, str]]:
    """``(value, label)`` pairs of an enum, labelled by ``x-labels`` or ``oneOf`` titles."""
    if "oneOf" in node:
        return [(str(o["const"]), o.get("title", str(o["const"]))) for o in node["oneOf"]]
    labels = node.get("x-labels", {})
    return [(str(v), labels.get(v, str(v))) for v in node.get("enum", [])]
