"""Escaping HTML builders and the pieces every field shares (label, help, error, wrapper)."""

from dataclasses import dataclass

from markupsafe import Markup, escape

from .context import Context
from .messages import (
    PROVISIONAL,
    PROVISIONAL_NOTE,
    RECONSTRUCTED,
    RECONSTRUCTED_NOTE,
    REQUIRED,
    SENSITIVE,
    SENSITIVE_NOTE,
)
from .paths import dom_id

_VOID = {"input", "br", "hr", "img"}


def attributes(pairs: dict) -> Markup:
    """``key="value"`` pairs, escaped; ``True`` gives a bare attribute, ``None``/``False`` none."""
    out = Markup("")
    for key, value in pairs.items():
        if value is True:
            out += Markup(" ") + Markup(key)
        elif value is not None and value is not False:
            out += Markup(' {}="{}"').format(Markup(key), value)
    return out


def el(tag: str, pairs: dict | None = None, *children) -> Markup:
    """An element; string children are escaped, Markup children are kept."""
    opening = Markup("<") + Markup(tag) + attributes(pairs or {}) + Markup(">")
    if tag in _VOID:
        return opening
    return opening + join(children) + Markup("</") + Markup(tag) + Markup(">")


def join(parts) -> Markup:
    """Parts side by side, each escaped unless it is Markup; ``None`` is skipped."""
    return Markup("").join(p for p in parts if p is not None)


def hidden(*children) -> Markup:
    """Text for screen readers only."""
    return el("span", {"class": "visually-hidden"}, *children)


PROVENANCE = {"reconstructed": (RECONSTRUCTED, RECONSTRUCTED_NOTE),
              "provisional": (PROVISIONAL, PROVISIONAL_NOTE)}


def provenance_badge(ctx: Context, node: dict | None) -> Markup | None:
    """A small "reconstruido"/"provisional" badge for an item no published source gives
    (``x-provenance``), or "dato sensible" for a sensitive one (``x-sensitive``), its
    explanation as the tooltip and for screen readers."""
    sensitive = sensitive_badge(ctx, node)
    found = PROVENANCE.get((node or {}).get("x-provenance"))
    if found is None:
        return sensitive
    word, note = found
    badge = el("span", {"class": f"badge formkit-provenance formkit-provenance--"
                                 f"{node['x-provenance']}", "title": ctx.t(note)},
               ctx.t(word), hidden(f" — {ctx.t(note)}"))
    return join([badge, Markup(" "), sensitive]) if sensitive else badge


def sensitive_badge(ctx: Context, node: dict | None) -> Markup | None:
    """"dato sensible" beside a sensitive field (``x-sensitive``: engine.policy's
    ``read_sensitive`` masks it for roles that do not need it)."""
    if (node or {}).get("x-sensitive") is not True:
        return None
    return el("span", {"class": "badge formkit-sensitive", "title": ctx.t(SENSITIVE_NOTE)},
              ctx.t(SENSITIVE), hidden(f" — {ctx.t(SENSITIVE_NOTE)}"))


def label_content(ctx: Context, text: str, required: bool, node: dict | None = None) -> Markup:
    """A label's text, with a visible ``*`` and a spoken "(obligatorio)" when required, and
    the item's provenance badge when it has one."""
    badge = provenance_badge(ctx, node)
    if not required:
        return join([escape(text), Markup(" ") if badge else None, badge])
    return join([escape(text),
                 el("span", {"class": "formkit-required", "aria-hidden": "true"}, " *"),
                 hidden(f" ({ctx.t(REQUIRED)})"), Markup(" ") if badge else None, badge])


def label(ctx: Context, for_id: str, text: str, required: bool,
          node: dict | None = None) -> Markup:
    """``<label for>`` of a single control."""
    return el("label", {"class": "formkit-label", "for": for_id},
              label_content(ctx, text, required, node))


def legend(ctx: Context, text: str, required: bool, node: dict | None = None) -> Markup:
    """``<legend>`` of a fieldset."""
    return el("legend", {"class": "formkit-label"}, label_content(ctx, text, required, node))


@dataclass
class Notes:
    """A field's help and error paragraphs and what the control must say about them."""

    html: Markup
    ids: list[str]
    invalid: bool

    def aria(self, extra: list[str] | None = None) -> dict:
        """``aria-describedby`` / ``aria-invalid`` for a control of this field."""
        ids = [*self.ids, *(extra or [])]
        return {"aria-describedby": " ".join(ids) or None,
                "aria-invalid": "true" if self.invalid else None}


def notes(ctx: Context, node: dict, path: str, anchor: str, text: str) -> Notes:
    """Help text (``description``) and the error of ``path``, with their ids."""
    base, parts, ids = dom_id(path), [], []
    if node.get("description"):
        ids.append(f"{base}-help")
        parts.append(el("p", {"class": "formkit-help", "id": ids[-1]}, node["description"]))
    message = ctx.error(path, anchor, text)
    if message is not None:
        ids.append(f"{base}-error")
        parts.append(error_paragraph(path, message))
    return Notes(join(parts), ids, message is not None)


def error_paragraph(path: str, message: str) -> Markup:
    """The message shown beside the field at ``path``."""
    return el("p", {"class": "formkit-error", "id": f"{dom_id(path)}-error"}, message)


def wrapper(tag: str, kind: str, invalid: bool, *children, extra: dict | None = None) -> Markup:
    """The box around one field, marked ``formkit-field--error`` when it has an error."""
    classes = f"formkit-field formkit-field--{kind}" + (" formkit-field--error" if invalid else "")
    return el(tag, {"class": classes, **(extra or {})}, *children)
