"""Indicator grids (e.g. the Matriz de Bienestar): a table per dimension, a radio per state.

On a wide screen each dimension is a table (indicators as rows, states as columns); under
640 px formkit.css turns every row into a card whose states are labelled buttons.
"""

from markupsafe import Markup

from .context import Context
from .markup import el, error_paragraph, legend, notes, provenance_badge, wrapper
from .messages import INDICATOR
from .paths import child, dom_id
from .schema import as_text, options, title


def _titles(entries) -> dict[str, str]:
    return {str(e.get("codigo")): str(e.get("titulo") or e.get("codigo"))
            for e in entries or [] if isinstance(e, dict)}


def _by_dimension(indicators: dict) -> dict[str, list[str]]:
    groups: dict[str, list[str]] = {}
    for code, indicator in indicators.items():
        groups.setdefault(str(indicator.get("x-dimension") or ""), []).append(code)
    return groups


def grid_field(ctx: Context, node: dict, path: str, value, required: bool) -> Markup:
    """The whole grid, with the grid's own help and error above the tables."""
    reference = ctx.references.get(node.get("x-reference")) or {}
    labels = (_titles(reference.get("estados")), _titles(reference.get("dimensiones")))
    indicators = {code: ind for code, ind in (node.get("properties") or {}).items()
                  if isinstance(ind, dict)}
    answers = value if isinstance(value, dict) else {}
    first = next(iter(indicators), "")
    info = notes(ctx, node, path, f"{dom_id(child(path, first))}-0", title(node, path))
    tables = [_table(ctx, path, (dimension, codes), indicators, answers, labels)
              for dimension, codes in _by_dimension(indicators).items()]
    return wrapper("fieldset", "grid", info.invalid, legend(ctx, title(node, path), required, node),
                   info.html, *tables,
                   extra={"id": dom_id(path), "aria-describedby": " ".join(info.ids) or None})


def _table(ctx, path, group, indicators, answers, labels) -> Markup:
    dimension, codes = group
    states, dimensions = labels
    columns = list(dict.fromkeys(text for code in codes
                                 for _v, text, _l in options(indicators[code])))
    head = el("tr", {}, el("th", {"scope": "col"}, ctx.t(INDICATOR)),
              *(el("th", {"scope": "col"}, states.get(c, c)) for c in columns))
    rows = [_row(ctx, child(path, code), (code, indicators[code]), answers.get(code),
                 (columns, states)) for code in codes]
    caption = el("caption", {}, dimensions.get(dimension, dimension)) if dimension else None
    return el("table", {"class": "formkit-grid"}, caption, el("thead", {}, head),
              el("tbody", {}, *rows))


def _row(ctx, path, indicator, current, columns) -> Markup:
    code, node = indicator
    state_codes, state_titles = columns
    base = dom_id(path)
    text = node.get("title") or code
    message = ctx.error(path, f"{base}-0", _short(f"{code} {text}"))
    allowed = {submitted for _v, submitted, _l in options(node)}
    checked = None if current is None else as_text(current)
    aria = {"aria-describedby": f"{base}-error" if message is not None else None,
            "aria-invalid": "true" if message is not None else None}
    cells = [_cell(path, n, (state, state_titles.get(state, state)), checked, aria)
             if state in allowed else el("td", {}) for n, state in enumerate(state_codes)]
    classes = "formkit-grid-row" + (" formkit-grid-row--error" if message is not None else "")
    header = el("th", {"scope": "row"},
                el("span", {"class": "formkit-grid-indicator", "id": f"{base}-title"},
                   el("span", {"class": "formkit-grid-code"}, code), " ", text,
                   *((" ", badge) if (badge := provenance_badge(ctx, node)) else ())),
                None if message is None else error_paragraph(path, message))
    return el("tr", {"class": classes}, header, *cells)


def _short(text: str, limit: int = 70) -> str:
    return text if len(text) <= limit else text[:limit].rsplit(" ", 1)[0] + "…"


def _cell(path, n, state, checked, aria) -> Markup:
    value, shown = state
    base = dom_id(path)
    radio = el("input", {"type": "radio", "id": f"{base}-{n}", "name": path, "value": value,
                         "checked": value == checked,
                         "aria-labelledby": f"{base}-title {base}-{n}-state", **aria})
    return el("td", {"data-label": shown},
              el("label", {"class": "formkit-grid-choice", "for": f"{base}-{n}"}, radio,
                 el("span", {"class": "formkit-grid-state", "id": f"{base}-{n}-state"}, shown)))
