"""JSON Schema → accessible HTML fields (no <form> tag, no buttons, no CSRF token)."""

from collections.abc import Callable
from dataclasses import dataclass, field

from markupsafe import Markup, escape

from . import widgets
from .paths import child
from .schema import kind


@dataclass
class Context:
    """What every widget needs: errors by path, translation, reference data."""

    errors: dict[str, str]
    translate: Callable[[str], str]
    references: dict = field(default_factory=dict)
    shown: set = field(default_factory=set)

    def error(self, path: str) -> str | None:
        """The error message of ``path``, remembering it was shown next to its field."""
        message = self.errors.get(path)
        if message is not None:
            self.shown.add(path)
        return message


def render_form(schema: dict, values: dict, errors: dict[str, str], *,
                translate: Callable[[str], str] = lambda s: s,
                references: dict | None = None) -> Markup:
    """The fields of one task form, with ``values`` filled in and ``errors`` beside them."""
    ctx = Context(dict(errors), translate, references or {})
    body = object_fields(ctx, schema, "", values or {})
    return Markup(summary(ctx) + body)


def object_fields(ctx: Context, schema: dict, path: str, values: dict) -> str:
    """Every property of an object schema."""
    required = set(schema.get("required", []))
    return "".join(
        field_html(ctx, node, child(path, name), values.get(name), name in required)
        for name, node in schema.get("properties", {}).items()
    )


def field_html(ctx: Context, node: dict, path: str, value, required: bool) -> str:
    """One field of any kind."""
    if kind(node) == "group":
        return widgets.group(ctx, node, path, value or [], required, object_fields)
    return widgets.RENDERERS[kind(node)](ctx, node, path, value, required)


def summary(ctx: Context) -> str:
    """Form-level errors, and errors whose field is not on the page, at the top."""
    lonely = [(p, m) for p, m in ctx.errors.items() if p == "(formulario)"]
    if not lonely:
        return ""
    items = "".join(f"<li>{escape(m)}</li>" for _, m in lonely)
    return f'<div class="formkit-summary" role="alert"><ul>{items}</ul></div>'
