"""One function per kind of field; each returns escaped HTML."""

from markupsafe import escape

from .paths import dom_id, item
from .schema import options


def label_text(ctx, node: dict, path: str, required: bool) -> str:
    """The visible label, with a required marker."""
    text = str(escape(node.get("title") or path.rsplit(".", 1)[-1]))
    if required:
        text += (' <span class="formkit-required" aria-hidden="true">*</span>'
                 f'<span class="visually-hidden"> ({escape(ctx.translate("obligatorio"))})</span>')
    return text


def help_and_error(ctx, node: dict, path: str) -> tuple[str, list[str], bool]:
    """Help text and error paragraphs, the ids they use, and whether there is an error."""
    html, ids = "", []
    if node.get("description"):
        ids.append(dom_id(path) + "-help")
        html += f'<p class="formkit-help" id="{ids[-1]}">{escape(node["description"])}</p>'
    message = ctx.error(path)
    if message is not None:
        ids.append(dom_id(path) + "-error")
        html += f'<p class="formkit-error" id="{ids[-1]}">{escape(message)}</p>'
    return html, ids, message is not None


def aria(ids: list[str], invalid: bool) -> str:
    """``aria-describedby``/``aria-invalid`` attributes."""
    attrs = f' aria-describedby="{" ".join(ids)}"' if ids else ""
    return attrs + (' aria-invalid="true"' if invalid else "")


def wrap(tag: str, inner: str, invalid: bool, extra: str = "") -> str:
    """A field wrapper (div or fieldset) marked when the field has an error."""
    cls = "formkit-field" + (" formkit-field--error" if invalid else "") + extra
    return f'<{tag} class="{cls}">{inner}</{tag}>'


def text(ctx, node, path, value, required):
    """Text, textarea or date."""
    notes, ids, invalid = help_and_error(ctx, node, path)
    attrs = f'id="{dom_id(path)}" name="{escape(path)}"' + aria(ids, invalid)
    for key in ("minLength", "maxLength"):
        if key in node:
            attrs += f' {key.lower()}="{int(node[key])}"'
    shown = "" if value is None else escape(value)
    if node.get("maxLength", 0) > 200 or node.get("x-widget") == "textarea":
        control = f"<textarea {attrs} rows=\"4\">{shown}</textarea>"
    else:
        kind = "date" if node.get("format") == "date" else "text"
        control = f'<input type="{kind}" {attrs} value="{shown}">'
    label = f'<label for="{dom_id(path)}">{label_text(ctx, node, path, required)}</label>'
    return wrap("div", label + control + notes, invalid)


def number(ctx, node, path, value, required):
    """Integer or number input."""
    notes, ids, invalid = help_and_error(ctx, node, path)
    step = "1" if node.get("type") == "integer" else "any"
    limits = "".join(f' {html}="{node[key]}"' for key, html in
                     (("minimum", "min"), ("maximum", "max")) if key in node)
    shown = "" if value is None else escape(value)
    control = (f'<input type="number" id="{dom_id(path)}" name="{escape(path)}" step="{step}"'
               f' inputmode="numeric"{limits} value="{shown}"{aria(ids, invalid)}>')
    label = f'<label for="{dom_id(path)}">{label_text(ctx, node, path, required)}</label>'
    return wrap("div", label + control + notes, invalid)


def option_set(ctx, node, path, required, input_type, pairs, chosen: set[str]):
    """A fieldset of radio buttons or checkboxes, one per ``(value, label)`` pair."""
    notes, ids, invalid = help_and_error(ctx, node, path)
    inputs = ""
    for n, (option, label) in enumerate(pairs):
        checked = " checked" if option in chosen else ""
        input_id = f"{dom_id(path)}-{n}"
        inputs += (f'<label class="formkit-option" for="{input_id}"><input type="{input_type}"'
                   f' id="{input_id}" name="{escape(path)}" value="{escape(option)}"{checked}'
                   f'{aria(ids, invalid)}> {escape(label)}</label>')
    legend = f"<legend>{label_text(ctx, node, path, required)}</legend>"
    return wrap("fieldset", legend + f'<div class="formkit-options">{inputs}</div>' + notes,
                invalid)


def radios(ctx, node, path, value, required, pairs):
    """A fieldset of radio buttons."""
    chosen = set() if value is None else {str(value)}
    return option_set(ctx, node, path, required, "radio", pairs, chosen)


def boolean(ctx, node, path, value, required):
    """Sí / No radios, so that "no" is an answer too."""
    pairs = [("true", ctx.translate("Sí")), ("false", ctx.translate("No"))]
    shown = None if value is None else ("true" if value is True else "false")
    return radios(ctx, node, path, shown, required, pairs)


def choice(ctx, node, path, value, required):
    """Radios for a few options, a select for more."""
    pairs = options(node)
    if len(pairs) <= 4:
        return radios(ctx, node, path, value, required, pairs)
    notes, ids, invalid = help_and_error(ctx, node, path)
    opts = f'<option value="">{escape(ctx.translate("Elegir…"))}</option>'
    for option, label in pairs:
        selected = " selected" if value is not None and str(value) == option else ""
        opts += f'<option value="{escape(option)}"{selected}>{escape(label)}</option>'
    control = (f'<select id="{dom_id(path)}" name="{escape(path)}"{aria(ids, invalid)}>'
               f"{opts}</select>")
    label = f'<label for="{dom_id(path)}">{label_text(ctx, node, path, required)}</label>'
    return wrap("div", label + control + notes, invalid)


def choices(ctx, node, path, value, required):
    """Checkboxes for an array of enum values."""
    chosen = {str(v) for v in (value or [])}
    pairs = options(node.get("items", {}))
    return option_set(ctx, node, path, required, "checkbox", pairs, chosen)


def strings(ctx, node, path, value, required):
    """A list of text inputs, with one empty line to add another."""
    notes, ids, invalid = help_and_error(ctx, node, path)
    entries = [*(value or []), ""]
    inputs = ""
    for n, entry in enumerate(entries):
        entry_path = item(path, n)
        entry_error = ctx.error(entry_path)
        error = (f'<p class="formkit-error" id="{dom_id(entry_path)}-error">'
                 f"{escape(entry_error)}</p>") if entry_error else ""
        inputs += (f'<input type="text" id="{dom_id(entry_path)}" name="{escape(entry_path)}"'
                   f' value="{escape(entry)}" aria-label="{escape(node.get("title", ""))} {n + 1}"'
                   f'{aria(ids, invalid or bool(entry_error))}>{error}')
    legend = f"<legend>{label_text(ctx, node, path, required)}</legend>"
    return wrap("fieldset", legend + inputs + notes, invalid, " formkit-strings")


def group(ctx, node, path, rows, required, object_fields):
    """A repeating group of objects (e.g. plan goals, each with its actions)."""
    notes, _ids, invalid = help_and_error(ctx, node, path)
    items_schema = node.get("items", {})
    count = max(len(rows), int(node.get("minItems", 0)), 1)
    title = items_schema.get("title") or node.get("title", "")
    body = "".join(_row(ctx, items_schema, item(path, n), title, n,
                        rows[n] if n < len(rows) else {}, object_fields) for n in range(count))
    depth = path.count("[")
    token = f"__n{depth}__"
    template = _row(ctx, items_schema, item(path, token), title, token, {}, object_fields,
                    template=True)
    add = (f'<button type="button" class="formkit-add" data-formkit-add="{dom_id(path)}"'
           f' data-formkit-token="{token}">{escape(ctx.translate("Agregar"))}'
           f" {escape(title.lower())}</button>")
    legend = f"<legend>{label_text(ctx, node, path, required)}</legend>"
    rows_html = f'<div class="formkit-rows" id="{dom_id(path)}-rows">{body}</div>'
    template_html = f'<template id="{dom_id(path)}-template">{template}</template>'
    return wrap("fieldset", legend + notes + rows_html + template_html + add, invalid,
                " formkit-group")


def _row(ctx, schema, path, title, index, values, object_fields, template=False):
    number = "" if template else f" {index + 1}"
    remove = (f'<button type="button" class="formkit-remove" data-formkit-remove>'
              f'{escape(ctx.translate("Quitar"))}</button>')
    inner = object_fields(ctx if not template else _quiet(ctx), schema, path, values)
    return (f'<fieldset class="formkit-item"><legend>{escape(title)}'
            f'<span class="formkit-number">{number}</span></legend>{inner}{remove}</fieldset>')


def _quiet(ctx):
    from .render import Context

    return Context({}, ctx.translate, ctx.references)


def grid(ctx, node, path, value, required):
    """The indicator grid (e.g. Matriz de Bienestar): one row per indicator, a radio per state."""
    from .grid import grid_html

    return grid_html(ctx, node, path, value or {}, required)


RENDERERS = {"text": text, "date": text, "number": number, "boolean": boolean,
             "choice": choice, "choices": choices, "strings": strings, "grid": grid}
