"""The indicator grid: a table on a wide screen, stacked cards on a phone."""

from markupsafe import escape

from .paths import child, dom_id
from .widgets import help_and_error, label_text, wrap


def _titles(entries: list[dict] | None) -> dict[str, str]:
    return {e["codigo"]: e.get("titulo", e["codigo"]) for e in entries or []}


def grid_html(ctx, node: dict, path: str, value: dict, required: bool) -> str:
    """All indicators of the grid, grouped by dimension."""
    reference = ctx.references.get(node.get("x-reference"), {})
    states = _titles(reference.get("estados"))
    dimensions = _titles(reference.get("dimensiones"))
    codes = node.get("properties", {})
    state_codes = next((p.get("enum", []) for p in codes.values()), [])
    notes, _ids, invalid = help_and_error(ctx, node, path)
    head = "".join(f'<th scope="col">{escape(states.get(s, s))}</th>' for s in state_codes)
    body = ""
    for dimension in dict.fromkeys(p.get("x-dimension") for p in codes.values()):
        body += (f'<tr class="formkit-grid-dimension"><th scope="rowgroup" colspan="'
                 f'{len(state_codes) + 1}">{escape(dimensions.get(dimension, dimension or ""))}'
                 "</th></tr>")
        for code, indicator in codes.items():
            if indicator.get("x-dimension") == dimension:
                body += _row(ctx, child(path, code), indicator, value.get(code), state_codes,
                             states)
    table = (f'<table class="formkit-grid"><thead><tr><th scope="col">'
             f"{escape(ctx.translate('Indicador'))}</th>{head}</tr></thead>"
             f"<tbody>{body}</tbody></table>")
    legend = f"<legend>{label_text(ctx, node, path, required)}</legend>"
    return wrap("fieldset", legend + notes + table, invalid, " formkit-grid-field")


def _row(ctx, path, indicator, current, state_codes, states) -> str:
    message = ctx.error(path)
    error = (f'<p class="formkit-error" id="{dom_id(path)}-error">{escape(message)}</p>'
             if message else "")
    cells, invalid = "", ' aria-invalid="true"' if message else ""
    for state in state_codes:
        checked = " checked" if current == state else ""
        cells += (f'<td data-label="{escape(states.get(state, state))}"><input type="radio"'
                  f' name="{escape(path)}" value="{escape(state)}"{checked}'
                  f' aria-label="{escape(indicator.get("title", ""))}: '
                  f'{escape(states.get(state, state))}"'
                  f"{invalid}></td>")
    return (f'<tr class="formkit-grid-row{" formkit-field--error" if message else ""}">'
            f'<th scope="row">{escape(indicator.get("title", ""))}{error}</th>{cells}</tr>')
