"""Forms compared by form key, and each form's fields by their path (``ninos.nombre`` for a
field of the items of a list of objects)."""

from .common import Difference, changes

FIELD_ATTRIBUTES = ("title", "type", "required", "format", "enum")


def differences(old: dict[str, dict], new: dict[str, dict]) -> list[Difference]:
    """Forms removed, added and changed, and their fields."""
    old, new = _schemas(old), _schemas(new)
    found = [Difference("form.removed", {"form": k, "title": _title(old[k], k)})
             for k in sorted(old) if k not in new]
    found += [Difference("form.added", {"form": k, "title": _title(new[k], k)})
              for k in sorted(new) if k not in old]
    for key in sorted(k for k in new if k in old):
        found += _form(key, old[key], new[key])
    return found


def _schemas(forms) -> dict[str, dict]:
    return {str(k): v for k, v in (forms or {}).items() if isinstance(v, dict)}


def _title(schema: dict, key: str) -> str:
    title = schema.get("title")
    return title.strip() if isinstance(title, str) and title.strip() else key


def _form(key: str, old: dict, new: dict) -> list[Difference]:
    title = _title(new, key)
    found = []
    if _title(old, key) != title:
        found.append(Difference("form.changed", {"form": key, "title": title, "changes": [
            {"attribute": "title", "before": _title(old, key), "after": title}]}))
    before, after = fields(old), fields(new)
    found += [Difference("form.field_removed", {"form": key, "form_title": title,
                                                "field": path, "title": attrs["title"]})
              for path, attrs in before.items() if path not in after]
    found += [Difference("form.field_added", {"form": key, "form_title": title, "field": path,
                                              **{a: attrs[a] for a in ("title", "type",
                                                                       "required")}})
              for path, attrs in after.items() if path not in before]
    for path in (p for p in after if p in before):
        changed = changes(before[path], after[path], FIELD_ATTRIBUTES)
        for change in changed:
            if change["attribute"] == "enum":
                was, now = change["before"] or [], change["after"] or []
                change["added"] = [v for v in now if v not in was]
                change["removed"] = [v for v in was if v not in now]
        if changed:
            found.append(Difference("form.field_changed", {
                "form": key, "form_title": title, "field": path,
                "title": after[path]["title"], "changes": changed}))
    return found


def fields(schema: dict, prefix: str = "") -> dict[str, dict]:
    """``{path: {title, type, required, format, enum}}`` of every field of a form schema, in
    the schema's order, nested objects and lists of objects included."""
    found: dict[str, dict] = {}
    properties = schema.get("properties")
    if not isinstance(properties, dict):
        return found
    required = set(schema.get("required") or ()) if isinstance(schema.get("required"),
                                                               list) else set()
    for name, field in properties.items():
        if not isinstance(field, dict):
            continue
        path = f"{prefix}{name}"
        items = field.get("items") if isinstance(field.get("items"), dict) else {}
        enum = field.get("enum", items.get("enum"))
        title = field.get("title")
        found[path] = {"title": title if isinstance(title, str) and title else name,
                       "type": _type(field), "required": name in required,
                       "format": field.get("format"),
                       "enum": list(enum) if isinstance(enum, list) else None}
        for nested in (field, items):
            if nested.get("type") == "object":
                found.update(fields(nested, f"{path}."))
    return found


def _type(field: dict) -> str | None:
    kind = field.get("type")
    if isinstance(kind, list):
        kind = "/".join(str(k) for k in kind)
    return kind if isinstance(kind, str) else None
