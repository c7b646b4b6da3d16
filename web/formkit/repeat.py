"""Repeating rows: a group of objects per row (plan goals and their actions), or one value.

The page shows the existing rows plus one empty row, so nothing needs JavaScript. Each
repeating field also carries a ``<template>`` of an empty row, an "Agregar" button and a
"Quitar" button per row; ``static/formkit.js`` uses them to add and remove rows and to
renumber names and ids (``metas[2]`` → ``metas[1]``). Empty rows are dropped by parse_form.
"""

from collections.abc import Callable

from markupsafe import Markup

from .context import Context
from .fields import control
from .markup import Notes, el, hidden, label_content, legend, notes, wrapper
from .messages import ADD, REMOVE
from .paths import dom_id, item
from .schema import title

# render_object(ctx, schema, path, values) -> the fields of one object
ObjectRenderer = Callable[[Context, dict, str, dict], Markup]


def _rows(value) -> list:
    return value if isinstance(value, list) else []


def row_count(node: dict, rows: list) -> int:
    """The existing rows plus one empty one, and at least ``minItems``."""
    return max(len(rows) + 1, int(node.get("minItems") or 0))


def _number(index: int | None) -> Markup:
    return el("span", {"class": "formkit-number"}, "" if index is None else str(index + 1))


def _remove_button(ctx: Context, noun: str, index: int | None) -> Markup:
    return el("button", {"type": "button", "class": "formkit-remove", "data-formkit-remove": True},
              ctx.t(REMOVE), hidden(f" {noun} ", _number(index)))


def _repeating(ctx: Context, node: dict, path: str, required: bool, parts: tuple) -> Markup:
    """The fieldset around rows, their template and the add button.

    ``parts`` is (field kind, rendered rows, template row, the row's noun, notes).
    """
    field_kind, rows, template_row, noun, info = parts
    base = dom_id(path)
    token = f"__n{path.count('[')}__"
    return wrapper(
        "fieldset", field_kind, info.invalid,
        legend(ctx, title(node, path), required, node), info.html,
        el("div", {"class": "formkit-rows", "id": f"{base}-rows", "data-formkit-path": path,
                   "data-formkit-min": int(node.get("minItems") or 0)}, *rows),
        el("template", {"id": f"{base}-template"}, template_row),
        el("button", {"type": "button", "class": "formkit-add", "data-formkit-add": base,
                      "data-formkit-token": token},
           ctx.t(ADD), " ", el("span", {"class": "formkit-add-noun"}, noun.lower())),
        extra={"id": base, "aria-describedby": " ".join(info.ids) or None})


def group(ctx: Context, node: dict, path: str, value, required: bool,
          render_object: ObjectRenderer) -> Markup:
    """A repeating group of objects: a fieldset per row with the row's own fields."""
    schema = node.get("items") or {}
    noun = schema.get("title") or title(node, path)
    rows = _rows(value)
    info = notes(ctx, node, path, dom_id(path), title(node, path))
    shown = [_group_row(ctx, schema, item(path, n), noun, n,
                        rows[n] if n < len(rows) and isinstance(rows[n], dict) else {},
                        render_object)
             for n in range(row_count(node, rows))]
    template = _group_row(ctx.silent(), schema, item(path, f"__n{path.count('[')}__"), noun,
                          None, {}, render_object)
    return _repeating(ctx, node, path, required, ("group", shown, template, noun, info))


def _group_row(ctx: Context, schema: dict, path: str, noun: str, index: int | None,
               values: dict, render_object: ObjectRenderer) -> Markup:
    info = notes(ctx, {}, path, dom_id(path), f"{noun} {'' if index is None else index + 1}")
    return el("fieldset", {"class": "formkit-item", "data-formkit-item": path, "id": dom_id(path),
                           "aria-describedby": " ".join(info.ids) or None},
              el("legend", {"class": "formkit-item-title"}, noun, " ", _number(index)),
              info.html, render_object(ctx, schema, path, values),
              _remove_button(ctx, noun, index))


def value_list(ctx: Context, node: dict, path: str, value, required: bool) -> Markup:
    """A list of single values (e.g. participants' names): one input per row."""
    schema = node.get("items") or {}
    noun = schema.get("title") or title(node, path)
    rows = _rows(value)
    info = notes(ctx, node, path, dom_id(item(path, 0)), title(node, path))
    shown = [_entry(ctx, schema, item(path, n), noun, (n, rows[n] if n < len(rows) else None),
                    info) for n in range(row_count(node, rows))]
    template = _entry(ctx.silent(), schema, item(path, f"__n{path.count('[')}__"), noun,
                      (None, None), Notes(Markup(""), info.ids, False))
    return _repeating(ctx, node, path, required, ("list", shown, template, noun, info))


def _entry(ctx: Context, schema: dict, path: str, noun: str, entry: tuple,
           info: Notes) -> Markup:
    """One row of a value list: a visually hidden "Participante 2" label, the input, Quitar."""
    index, value = entry
    own = notes(ctx, {}, path, dom_id(path), f"{noun} {'' if index is None else index + 1}")
    aria = info.aria(own.ids)
    if own.invalid:
        aria["aria-invalid"] = "true"
    text = el("label", {"class": "visually-hidden", "for": dom_id(path)},
              label_content(ctx, noun, False), " ", _number(index))
    return el("div", {"class": "formkit-item formkit-entry", "data-formkit-item": path},
              text, own.html, control(ctx, schema, path, value, aria),
              _remove_button(ctx, noun, index))
