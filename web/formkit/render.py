"""JSON Schema → the HTML fields of one task form (no <form>, no buttons, no CSRF token)."""

from collections.abc import Callable

from markupsafe import Markup

from . import fields, grid, repeat
from .context import Context
from .markup import PROVENANCE, el, join, legend, notes, wrapper
from .messages import SUMMARY
from .paths import child, dom_id
from .schema import kind, title

FORM_LEVEL = "(formulario)"


def render_form(schema: dict, values: dict, errors: dict[str, str], *,
                translate: Callable[[str], str] = lambda s: s,
                references: dict | None = None) -> Markup:
    """The fields of one task form, filled with ``values``, each error beside its field.

    ``errors`` maps field paths (``metas[0].acciones[1].fecha_limite``) to messages; form-level
    errors (``(formulario)``) and errors on paths that are not on the page are listed at the
    top, with links to the fields that have errors. ``translate`` receives formkit's own
    words (Sí, No, Agregar…); ``references`` holds reference data by name for grids (state
    and dimension titles). A fresh form (no values, no errors) shows the schema's defaults.
    Every text from the schema or the values is escaped.
    """
    ctx = Context(dict(errors or {}), translate, references or {})
    values = values if isinstance(values, dict) else {}
    if not values and not errors:
        values = _defaults(schema)
    body = object_fields(ctx, schema, "", values)
    return el("div", {"class": "formkit"}, summary(ctx), provenance_notes(ctx, schema), body)


def provenances(node) -> set[str]:
    """The ``x-provenance`` values anywhere in ``node``."""
    if isinstance(node, dict):
        found = {node["x-provenance"]} if node.get("x-provenance") in PROVENANCE else set()
        return found.union(*(provenances(v) for v in node.values()))
    if isinstance(node, list):
        return set().union(*(provenances(v) for v in node))
    return set()


def provenance_notes(ctx: Context, schema: dict) -> Markup | None:
    """One line at the top of a form with reconstructed or provisional items, saying what
    their badge means (the badge's tooltip says it again beside each item)."""
    kinds = [k for k in PROVENANCE if k in provenances(schema)]
    if not kinds:
        return None
    return el("div", {"class": "formkit-provenance-notes", "role": "note"},
              *(el("p", {}, el("span", {"class": f"badge formkit-provenance "
                                                 f"formkit-provenance--{k}"},
                               ctx.t(PROVENANCE[k][0])), " ", ctx.t(PROVENANCE[k][1]))
                for k in kinds))


def _defaults(schema: dict) -> dict:
    return {name: node["default"] for name, node in (schema.get("properties") or {}).items()
            if isinstance(node, dict) and "default" in node}


def object_fields(ctx: Context, schema: dict, path: str, values: dict) -> Markup:
    """Every property of an object schema, in schema order."""
    required = set(schema.get("required") or [])
    values = values if isinstance(values, dict) else {}
    return join(field(ctx, node, child(path, name), values.get(name), name in required)
                for name, node in (schema.get("properties") or {}).items()
                if isinstance(node, dict))


def field(ctx: Context, node: dict, path: str, value, required: bool) -> Markup:
    """One field of any kind."""
    field_kind = kind(node)
    if field_kind == "group":
        return repeat.group(ctx, node, path, value, required, object_fields)
    return RENDERERS[field_kind](ctx, node, path, value, required)


def _object_field(ctx: Context, node: dict, path: str, value, required: bool) -> Markup:
    """A nested object (not a grid): its fields inside a fieldset."""
    info = notes(ctx, node, path, dom_id(path), title(node, path))
    heading = legend(ctx, title(node, path), required, node)
    return wrapper("fieldset", "object", info.invalid, heading, info.html,
                   object_fields(ctx, node, path, value),
                   extra={"id": dom_id(path), "aria-describedby": " ".join(info.ids) or None})


RENDERERS = {"text": fields.single_field, "date": fields.single_field,
             "number": fields.single_field, "choice": fields.choice_field,
             "boolean": fields.boolean_field, "choices": fields.choices_field,
             "list": repeat.value_list, "grid": grid.grid_field, "object": _object_field}


def _form_level_first(entry: tuple[str, str]) -> bool:
    return entry[0] != FORM_LEVEL


def summary(ctx: Context) -> Markup | None:
    """Form-level errors, errors whose field is not on the page, and links to the others."""
    loose = [message for path, message in sorted(ctx.errors.items(), key=_form_level_first)
             if path not in ctx.shown]
    linked = [el("a", {"href": f"#{anchor}"}, f"{text}: {ctx.errors[path]}")
              for path, (anchor, text) in ctx.shown.items()]
    if not loose and not linked:
        return None
    items = [el("li", {}, message) for message in loose] + [el("li", {}, a) for a in linked]
    return el("div", {"class": "formkit-summary", "tabindex": "-1",
                      "aria-labelledby": "formkit-summary-title"},
              el("h2", {"id": "formkit-summary-title"}, ctx.t(SUMMARY)), el("ul", {}, *items))
