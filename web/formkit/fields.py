"""Fields holding one value (text, textarea, date, number, choice, Sí/No) or a set of choices."""

import re

from markupsafe import Markup

from .context import Context
from .markup import el, label, legend, notes, wrapper
from .messages import CHOOSE, NO, YES
from .paths import dom_id
from .schema import as_text, kind, node_type, options, title

_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
_NUMBER = re.compile(r"-?\d+(\.\d+)?([eE][-+]?\d+)?")
MAX_RADIOS = 4  # more options than this become a <select>


def is_textarea(node: dict) -> bool:
    """Long text gets a ``<textarea>``."""
    return node.get("x-widget") == "textarea" or (node.get("maxLength") or 0) > 200


def _lengths(node: dict) -> dict:
    return {"minlength": node.get("minLength"), "maxlength": node.get("maxLength")}


def text_control(ctx: Context, node: dict, path: str, value, aria: dict) -> Markup:
    """``<input type=text|date>`` or ``<textarea>``; a value that is not a date stays visible."""
    shown = as_text(value)
    base = {"id": dom_id(path), "name": path}
    if is_textarea(node):
        rows = 3 if (node.get("maxLength") or 0) <= 500 else 5
        return el("textarea", {**base, "rows": rows, **_lengths(node), **aria}, Markup("\n"),
                  shown)
    dated = node.get("format") == "date" and (not shown or _ISO_DATE.fullmatch(shown))
    return el("input", {"type": "date" if dated else "text", **base, "value": shown,
                        **_lengths(node), **aria})


def number_control(ctx: Context, node: dict, path: str, value, aria: dict) -> Markup:
    """``<input type=number>``; text that is not a number is shown as typed, to be corrected."""
    shown = as_text(value)
    integer = node_type(node) == "integer"
    numeric = not shown or _NUMBER.fullmatch(shown)
    return el("input", {"type": "number" if numeric else "text", "id": dom_id(path),
                        "name": path, "value": shown,
                        "inputmode": "numeric" if integer else "decimal",
                        "min": node.get("minimum"), "max": node.get("maximum"),
                        "step": 1 if integer else node.get("multipleOf", "any"), **aria})


def choice_pairs(node: dict, chosen: list) -> list[tuple[str, str]]:
    """``(submitted text, label)`` per option, plus any chosen value not among them (kept)."""
    pairs = [(text, shown) for _value, text, shown in options(node)]
    known = {text for text, _label in pairs}
    extra = [as_text(v) for v in chosen if v is not None and as_text(v) not in known]
    return pairs + [(text, text) for text in dict.fromkeys(extra)]


def select_control(ctx: Context, node: dict, path: str, value, aria: dict) -> Markup:
    """``<select>`` with an empty "Elegir…" first option."""
    current = None if value is None else as_text(value)
    entries = [el("option", {"value": ""}, ctx.t(CHOOSE))]
    entries += [el("option", {"value": text, "selected": text == current}, shown)
                for text, shown in choice_pairs(node, [value])]
    return el("select", {"id": dom_id(path), "name": path, **aria}, *entries)


CONTROLS = {"text": text_control, "date": text_control, "number": number_control,
            "choice": select_control}


def control(ctx: Context, node: dict, path: str, value, aria: dict) -> Markup:
    """The bare control for one value (fields and list entries use it)."""
    return CONTROLS.get(kind(node), text_control)(ctx, node, path, value, aria)


def single_field(ctx: Context, node: dict, path: str, value, required: bool) -> Markup:
    """Label, help, error and one control."""
    text, anchor = title(node, path), dom_id(path)
    info = notes(ctx, node, path, anchor, text)
    return wrapper("div", kind(node), info.invalid, label(ctx, anchor, text, required, node),
                   info.html, control(ctx, node, path, value, info.aria()))


def option_set(ctx: Context, node: dict, path: str, required: bool,
               choice: tuple[str, list[tuple[str, str]], set[str]]) -> Markup:
    """A fieldset of radios or checkboxes: ``choice`` is (input type, pairs, checked texts)."""
    input_type, pairs, checked = choice
    text, base = title(node, path), dom_id(path)
    info = notes(ctx, node, path, f"{base}-0", text)
    boxes = [el("label", {"class": "formkit-option", "for": f"{base}-{n}"},
                el("input", {"type": input_type, "id": f"{base}-{n}", "name": path,
                             "value": value, "checked": value in checked, **info.aria()}),
                " ", shown)
             for n, (value, shown) in enumerate(pairs)]
    return wrapper("fieldset", "radios" if input_type == "radio" else "checkboxes",
                   info.invalid, legend(ctx, text, required, node), info.html,
                   el("div", {"class": "formkit-options"}, *boxes))


def choice_field(ctx: Context, node: dict, path: str, value, required: bool) -> Markup:
    """Radios for a few options, a ``<select>`` for more (and for a people picker)."""
    pairs = choice_pairs(node, [value])
    if len(pairs) > MAX_RADIOS or "x-people" in node:
        return single_field(ctx, node, path, value, required)
    checked = set() if value is None else {as_text(value)}
    return option_set(ctx, node, path, required, ("radio", pairs, checked))


def boolean_field(ctx: Context, node: dict, path: str, value, required: bool) -> Markup:
    """Sí / No radios, so that "no" is an answer that can be given (and required)."""
    pairs = [("true", ctx.t(YES)), ("false", ctx.t(NO))]
    checked = {as_text(value)} if isinstance(value, bool) else set()
    return option_set(ctx, node, path, required, ("radio", pairs, checked))


def choices_field(ctx: Context, node: dict, path: str, value, required: bool) -> Markup:
    """Checkboxes for an array of enum values (submitted under one repeated name)."""
    chosen = value if isinstance(value, list) else []
    pairs = choice_pairs(node.get("items") or {}, chosen)
    checked = {as_text(v) for v in chosen}
    return option_set(ctx, node, path, required, ("checkbox", pairs, checked))
