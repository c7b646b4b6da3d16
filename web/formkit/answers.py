"""A submitted form read back: the same labels as the form, the answers as text.

Not disabled inputs (grey, skipped by screen readers, an empty row after every list) but a
description list: each field's label, then its answer; lists and plan goals as numbered
groups; an indicator grid (the Matriz) as a table of indicator and state, by dimension.
Options are shown by their labels, Sí/No in the reader's language; an unanswered field says
"Sin respuesta". ``changed`` (field paths) marks the fields a correction changed.
"""

from collections.abc import Callable
from dataclasses import dataclass

from markupsafe import Markup

from .context import Context
from .grid import _by_dimension, _titles
from .markup import el, join
from .messages import CORRECTED, INDICATOR, NO, STATE, UNANSWERED, YES
from .paths import child, item
from .schema import as_text, kind, options, title


@dataclass
class _Reading(Context):
    """A rendering context that also knows which fields a correction changed."""

    changed: frozenset[str] = frozenset()
    dates: Callable[[str], str] | None = None


def render_answers(schema: dict, values: dict, *, translate: Callable[[str], str] = lambda s: s,
                   references: dict | None = None, changed: frozenset[str] = frozenset(),
                   dates: Callable[[str], str] | None = None) -> Markup:
    """The answers of one completed form, read-only, in schema order; ``dates`` words an
    ISO date in the reader's language (else it is shown as submitted)."""
    ctx = _Reading({}, translate, references or {}, changed=frozenset(changed),
                   dates=dates)
    return el("div", {"class": "answers"}, _object(ctx, schema, "", values))


def _object(ctx: Context, schema: dict, path: str, values) -> Markup:
    values = values if isinstance(values, dict) else {}
    entries = [_entry(ctx, node, child(path, name), values.get(name))
               for name, node in (schema.get("properties") or {}).items()
               if isinstance(node, dict)]
    return el("dl", {"class": "answers-list"}, *entries)


def _touched(ctx: Context, path: str) -> bool:
    return any(p == path or p.startswith((f"{path}.", f"{path}[")) for p in ctx.changed)


def _entry(ctx: Context, node: dict, path: str, value) -> Markup:
    changed = _touched(ctx, path)
    mark = (el("span", {"class": "badge badge--corrected"}, ctx.t(CORRECTED))
            if changed else None)
    classes = f"answers-entry answers-entry--{kind(node)}" + (
        " answers-entry--changed" if changed else "")
    return el("div", {"class": classes, "data-field": path},
              el("dt", {}, title(node, path), " " if mark else None, mark),
              el("dd", {}, _value(ctx, node, path, value)))


def _value(ctx: Context, node: dict, path: str, value) -> Markup:
    field_kind = kind(node)
    if value is None or value == [] or value == {}:
        return el("span", {"class": "answers-none"}, ctx.t(UNANSWERED))
    if field_kind == "grid":
        return _grid(ctx, node, path, value)
    if field_kind == "object":
        return _object(ctx, node, path, value)
    if field_kind == "group":
        return _group(ctx, node, path, value)
    if field_kind in ("list", "choices"):
        items = node.get("items") or {}
        shown = [_plain(ctx, items, v) for v in (value if isinstance(value, list) else [value])]
        return el("ul", {"class": "answers-values"}, *(el("li", {}, s) for s in shown))
    return el("span", {"class": "answers-text"}, _plain(ctx, node, value))


def _plain(ctx: Context, node: dict, value) -> str:
    if node.get("format") == "date" and isinstance(value, str) and ctx.dates:
        return ctx.dates(value)
    if isinstance(value, bool):
        return ctx.t(YES) if value else ctx.t(NO)
    for option, _text, shown in options(node):
        if option == value or as_text(option) == as_text(value):
            return shown
    return as_text(value)


def _group(ctx: Context, node: dict, path: str, value) -> Markup:
    schema = node.get("items") or {}
    noun = schema.get("title") or title(node, path)
    rows = [r for r in (value if isinstance(value, list) else []) if isinstance(r, dict)]
    return el("ol", {"class": "answers-rows"},
              *(el("li", {"class": "answers-row"},
                   el("span", {"class": "answers-row-title"}, f"{noun} {n + 1}"),
                   _object(ctx, schema, item(path, n), row)) for n, row in enumerate(rows)))


def _grid(ctx: Context, node: dict, path: str, value) -> Markup:
    reference = ctx.references.get(node.get("x-reference")) or {}
    states, dimensions = _titles(reference.get("estados")), _titles(reference.get("dimensiones"))
    indicators = {code: ind for code, ind in (node.get("properties") or {}).items()
                  if isinstance(ind, dict)}
    answers = value if isinstance(value, dict) else {}
    tables = []
    for dimension, codes in _by_dimension(indicators).items():
        rows = [_grid_row(ctx, child(path, code), (code, indicators[code]), answers.get(code),
                          states) for code in codes]
        caption = el("caption", {}, dimensions.get(dimension, dimension)) if dimension else None
        tables.append(el("table", {"class": "answers-grid"}, caption,
                         el("thead", {}, el("tr", {},
                                            el("th", {"scope": "col"}, ctx.t(INDICATOR)),
                                            el("th", {"scope": "col"}, ctx.t(STATE)))),
                         el("tbody", {}, *rows)))
    return join(tables)


def _grid_row(ctx: Context, path: str, indicator: tuple, state, states: dict) -> Markup:
    code, node = indicator
    shown = ctx.t(UNANSWERED) if state is None else states.get(str(state), as_text(state))
    return el("tr", {"class": "answers-changed" if _touched(ctx, path) else None},
              el("th", {"scope": "row"}, el("span", {"class": "formkit-grid-code"}, code), " ",
                 node.get("title") or code),
              el("td", {"class": f"state state--{state or 'none'}"}, shown))


def node_at(schema: dict, path: str) -> list[dict]:
    """The schema nodes from the form down to the field at ``path`` (``metas[0].meta``)."""
    nodes, node = [], schema
    for part in path.replace("[", ".[").split("."):
        if not part:
            continue
        if part.startswith("["):
            node = node.get("items") or {}
            continue
        node = (node.get("properties") or {}).get(part)
        if not isinstance(node, dict):
            break
        nodes.append(node)
    return nodes


def label_of(schema: dict, path: str) -> str:
    """A changed field as the reader knows it: ``Metas 1 › Meta``, ``Matriz › i33 …``."""
    parts, names = [], [p for p in path.replace("[", ".[").split(".") if p]
    nodes = iter(node_at(schema, path))
    for name in names:
        if name.startswith("["):
            if parts:
                parts[-1] = f"{parts[-1]} {int(name.strip('[]')) + 1}"
            continue
        node = next(nodes, None)
        parts.append(title(node, name) if node else name)
    return " › ".join(parts)


def shown_value(schema: dict, path: str, value, translate: Callable[[str], str],
                dates: Callable[[str], str] | None = None) -> str:
    """One answer (before or after a correction) as text, options by their labels."""
    ctx = _Reading({}, translate, {}, dates=dates)
    if value is None or value == [] or value == {}:
        return ctx.t(UNANSWERED)
    nodes = node_at(schema, path)
    node = nodes[-1] if nodes else {}
    if isinstance(value, list):
        return ", ".join(_plain(ctx, node.get("items") or {}, v) for v in value)
    if isinstance(value, dict):
        return "; ".join(f"{k}: {as_text(v)}" for k, v in value.items())
    return _plain(ctx, node, value)
