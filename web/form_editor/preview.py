"""A form drawn exactly as the caseworker sees it, or the problems that keep it from being
drawn; the problems worded in the reader's language."""

import logging
from collections.abc import Callable, Mapping

from markupsafe import Markup

from engine.definitions.form_checks import FormProblem, form_problems
from engine.definitions.forms import REFERENCE_KEY, BundledForms

from ..formkit import render_form
from ..messages import word

log = logging.getLogger("acompana.form_editor")


def problems_json(problems: list[FormProblem]) -> list[dict]:
    """Each problem with its pointer, code, params and sentence in the reader's language."""
    return [{**p.as_json(), "message": word(p.code, {**p.params, "path": p.path})}
            for p in problems]


def expanded(schema: dict, references: Mapping[str, dict]):
    """``schema`` with every ``{"x-reference": name}`` grid expanded (as in a version)."""
    library = BundledForms({}, dict(references))

    def walk(node):
        if isinstance(node, dict):
            if REFERENCE_KEY in node:
                return library.reference_schema(node[REFERENCE_KEY], node)
            return {k: walk(v) for k, v in node.items()}
        if isinstance(node, list):
            return [walk(v) for v in node]
        return node

    return walk(schema)


def preview(schema, data, references: Mapping[str, dict],
            translate: Callable[[str], str]) -> tuple[Markup | None, list[FormProblem]]:
    """``(html, [])`` for a form without problems, ``(None, problems)`` otherwise."""
    problems = form_problems(schema, references)
    if problems:
        return None, problems
    full = expanded(schema, references)
    grids = {name: references[name] for name in _grid_names(full)}
    try:
        return render_form(full, data if isinstance(data, dict) else {}, {},
                           translate=translate, references=grids), []
    except (Exception, RecursionError) as error:  # noqa: BLE001 - the meta-schema should stop it
        log.warning("form preview failed: %r", error)
        return None, [FormProblem("", "form.invalid", "the renderer cannot draw this form",
                                  {"detail": type(error).__name__})]


def _grid_names(node) -> set[str]:
    found = set()
    if isinstance(node, dict):
        if isinstance(node.get(REFERENCE_KEY), str):
            found.add(node[REFERENCE_KEY])
        for value in node.values():
            found |= _grid_names(value)
    elif isinstance(node, list):
        for value in node:
            found |= _grid_names(value)
    return found
