"""Task pages: show the form, save a draft, submit through the engine."""

from flask import Blueprint, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import login_required

import engine
from engine.views import deadline_rule, instructions

from ..access import actor, refuse
from ..auth.people import candidates
from ..deadline_text import describe_rule
from ..extensions import db
from ..field_errors import translated
from ..formkit import parse_form, render_form

bp = Blueprint("tasks", __name__)


def _forms() -> engine.FormLibrary:
    return current_app.extensions["acompana.forms"]


def _workable(task_id: str):
    """The task, if the person may see it (404) and work it (403)."""
    who = actor()
    row = engine.get_task(db.session, task_id, who)
    if not who.may_work(row.role, row.territory_id) and not who.supervises(row.territory_id):
        refuse(403, f"task {task_id} needs role {row.role}")
    return row


def _page(row, values: dict, errors: dict, status: int = 200):
    forms = _forms()
    schema = forms.schema(row.form_key) if row.form_key else {"properties": {}}
    fields = render_form(schema, values, errors, translate=_,
                         references=_references(forms, schema))
    case = engine.visible_case(db.session, row.case_id, actor())
    return render_template("tasks/show.html", task=row, case=case, fields=fields,
                           instructions=instructions(db.session, row), errors=errors,
                           rule=_rule_text(row), people=candidates(row)), status


def _rule_text(row) -> str | None:
    rule = deadline_rule(db.session, row)
    return describe_rule(rule) if rule else None


def _references(forms: engine.FormLibrary, schema: dict) -> dict:
    names = {p["x-reference"] for p in schema.get("properties", {}).values()
             if isinstance(p, dict) and "x-reference" in p}
    return {name: forms.reference(name) for name in names}


@bp.route("/tasks/<task_id>")
@login_required
def show(task_id: str):
    """The step's instructions and form (with the saved draft, if any)."""
    row = _workable(task_id)
    return _page(row, row.draft or {}, {})


@bp.route("/tasks/<task_id>", methods=["POST"])
@login_required
def submit(task_id: str):
    """Save a draft, or complete the task; invalid data comes back with its errors."""
    row = _workable(task_id)
    schema = _forms().schema(row.form_key) if row.form_key else {"properties": {}}
    data = parse_form(schema, request.form)
    if request.form.get("action") == "draft":
        row.draft = data
        db.session.commit()
        flash(_("Borrador guardado."), "success")
        return redirect(url_for("tasks.show", task_id=task_id))
    try:
        engine.complete(db.session, _forms(), task_id, data, actor())
    except engine.InvalidTaskData as invalid:
        db.session.rollback()
        errors = translated(invalid.errors)
        flash(_("Revise los campos marcados: la tarea no se envió."), "error")
        return _page(_workable(task_id), data, errors, 422)
    except engine.Conflict:
        flash(_("Otra persona ya completó este paso; sus datos no se guardaron en él."), "error")
        return redirect(url_for("cases.show", case_id=row.case_id))
    flash(_("«%(title)s» completada.", title=row.title), "success")
    return redirect(url_for("inbox.index"))
