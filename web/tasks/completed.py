"""A step someone completed a moment earlier: say who and when, keep what the person typed.

Losing a race (or double-clicking) is not an access problem, so nothing here is logged as a
refusal; the answer is 409 with the explanation and the person's own values on screen.
"""

from flask import render_template
from flask_babel import format_date, format_time
from flask_babel import gettext as _
from markupsafe import Markup

import engine

from ..access import actor
from ..auth.people import full_name
from ..extensions import db
from ..formkit import parse_form, render_form


def explanation(done: engine.Completion) -> str:
    """"Pedro Soto completó este paso el 1 dic 2026 a las 10:42." (or "Usted ya …")."""
    day, time = format_date(done.at, "medium"), format_time(done.at, "short")
    if done.by == actor().id:
        return _("Usted ya completó este paso el %(day)s a las %(time)s.", day=day, time=time)
    return _("%(name)s completó este paso el %(day)s a las %(time)s.",
             name=full_name(done.by), day=day, time=time)


def completed_page(forms: engine.FormLibrary, done: engine.Completion, submitted=None,
                   status: int = 409):
    """The explanation page; ``submitted`` (the request's form) is shown back, not saved."""
    fields = _typed_fields(forms, done.form_key, submitted)
    case = engine.visible_case(db.session, done.case_id, actor())
    return render_template("tasks/completed.html", done=done, case=case, fields=fields,
                           message=explanation(done)), status


def _typed_fields(forms: engine.FormLibrary, form_key: str | None, submitted) -> Markup | None:
    if not submitted or not form_key or not forms.exists(form_key):
        return None
    schema = forms.schema(form_key)
    values = parse_form(schema, submitted)
    if not values:
        return None
    return render_form(schema, values, {}, translate=_, references=references(forms, schema))


def references(forms: engine.FormLibrary, schema: dict) -> dict:
    """The reference data (indicator grids) a form's fields name."""
    names = {p["x-reference"] for p in schema.get("properties", {}).values()
             if isinstance(p, dict) and "x-reference" in p}
    return {name: forms.reference(name) for name in names}
