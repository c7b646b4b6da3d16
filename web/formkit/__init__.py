"""Server-side HTML forms from JSON Schema, and the submitted fields back to JSON."""

from .parse import parse_form
from .render import render_form

__all__ = ["parse_form", "render_form"]
