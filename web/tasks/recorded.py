"""A completed step read back (its answers, who and when, its corrections), and correcting it.

``/tasks/<id>`` of a completed step shows :func:`recorded_page`; ``/tasks/<id>/correct``
(the step's author or a supervisor of the case's territory) records a correction with its
reason through the engine: a new event in the trail, the original kept.
"""

from datetime import date

from flask import current_app, flash, redirect, render_template, request, url_for
from flask_babel import format_date
from flask_babel import gettext as _
from flask_login import login_required

import engine
from engine import unit_of_work
from engine.commands.documents import MAX_BYTES

from ..access import actor, refuse
from ..admin import access_log
from ..auth.people import full_name
from ..extensions import db
from ..field_errors import translated
from ..formkit import label_of, parse_form, render_answers, render_form, shown_value
from . import documents, sensitive
from .completed import explanation

REASON = "reason"


def _library() -> engine.FormLibrary:
    return current_app.extensions["acompana.forms"]


def day(iso: str) -> str:
    """An ISO date as the reader writes it (the text as it is when it is not a date)."""
    try:
        return format_date(date.fromisoformat(iso), "medium")
    except ValueError:
        return iso


def _step(task_id: str) -> engine.RecordedStep:
    return engine.recorded_step(db.session, task_id, actor(), _library())


def _history(step: engine.RecordedStep, hidden: frozenset[str] = frozenset()) -> list[dict]:
    """Each correction with its changes worded: label, before, after (a sensitive field the
    reader may not read, ``hidden``, reads as reserved)."""
    schema = step.schema or {"properties": {}}

    def shown(field: str, value) -> str:
        if sensitive.covers(hidden, field):
            return str(sensitive.MASK)
        return shown_value(schema, field, value, _, day)

    return [{"by": full_name(c.by), "at": c.at, "reason": c.reason,
             "changes": [{"label": label_of(schema, change.field),
                          "before": shown(change.field, change.before),
                          "after": shown(change.field, change.after)}
                         for change in c.changes]}
            for c in step.corrections]


def recorded_page(task_id: str):
    """The completed step, read-only: its current answers with the labels of its form."""
    step = _step(task_id)
    access_log.viewed(access_log.STEP, task_id, step.case)
    changed = frozenset(change.field for c in step.corrections for change in c.changes)
    hidden = sensitive.hidden(step.schema, step.case.territory_id)
    schema, values = sensitive.masked(step.schema or {}, step.answers, hidden)
    answers = (render_answers(schema, values, translate=_,
                              references=step.references, changed=changed, dates=day)
               if step.schema else None)
    may_correct = step.schema is not None and engine.may_correct(db.session, actor(), step)
    documents_here = engine.documents_of(db.session, task_id, actor())
    may_attach = engine.policy.may(db.session, actor(), engine.policy.ATTACH_DOCUMENT,
                                   engine.policy.Authored(step.case, step.by))
    said = explanation(engine.Completion(step.task_id, step.case.id, step.title, step.form_key,
                                         step.by, step.at))
    return render_template("tasks/recorded.html", step=step, case=step.case, answers=answers,
                           author=full_name(step.by), corrections=_history(step, hidden),
                           may_correct=may_correct, message=said, documents=documents_here,
                           may_attach=may_attach, kinds=documents.kinds(),
                           kind_labels=dict(documents.kinds()), people=full_name,
                           max_mb=MAX_BYTES // (1024 * 1024))


@login_required
def correct(task_id: str):
    """The step's form filled with its current answers, and a reason; POST records it."""
    step = _step(task_id)
    if step.schema is None or not engine.may_correct(db.session, actor(), step):
        refuse(403, "may not correct this step")
    if request.method == "GET":
        return _correction_form(step, step.answers, {}, "")
    values = parse_form(step.schema, request.form)
    reason = request.form.get(REASON, "")
    try:
        with unit_of_work(db.session):
            engine.correct_step(db.session, _library(), task_id, values, reason, actor())
    except engine.InvalidTaskData as invalid:  # InvalidInput too: nothing was written
        flash(_("Revise los campos marcados: la corrección no se guardó."), "error")
        return _correction_form(step, values, translated(invalid.errors), reason, 422)
    flash(_("Corrección registrada."), "success")
    return redirect(url_for("tasks.show", task_id=task_id))


def _correction_form(step: engine.RecordedStep, values: dict, errors: dict, reason: str,
                     status: int = 200):
    reason_error = errors.pop(REASON, None)
    fields = render_form(step.schema, values, errors, translate=_, references=step.references)
    return render_template("tasks/correct.html", step=step, case=step.case, fields=fields,
                           reason=reason, reason_error=reason_error,
                           author=full_name(step.by)), status
