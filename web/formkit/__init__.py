"""Server-side HTML forms from JSON Schema, and the submitted fields back to JSON.

``render_form`` writes the fields of one task form; ``parse_form`` turns what the browser
sends back into the data the engine validates. No Flask here: the app passes its own
``translate``; the browser side is web/static/formkit/formkit.{js,css}.
"""

from .answers import label_of, render_answers, shown_value
from .parse import parse_form
from .render import render_form

__all__ = ["label_of", "parse_form", "render_answers", "render_form", "shown_value"]
