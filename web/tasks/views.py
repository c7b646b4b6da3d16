"""Task pages: show the form, save a draft, submit through the engine."""

from flask import Blueprint, current_app, flash, redirect, render_template, request, url_for
from flask_babel import format_datetime
from flask_babel import gettext as _
from flask_login import current_user, login_required

import engine
from engine import policy, unit_of_work
from engine.queries.views import deadline_rule, family_frame, instructions

from ..access import actor, may, require
from ..admin import access_log
from ..auth.people import candidates, full_name, staff_member
from ..consents.views import consents_needed
from ..deadline_text import describe_rule
from ..extensions import db
from ..field_errors import translated
from ..formkit import parse_form, render_form
from ..group_sessions.places import enrolment_places, waiting_notice
from ..messages import word_error
from ..names import step_name
from . import documents, recorded, sensitive
from .completed import completed_page, references
from .pickers import with_pickers

bp = Blueprint("tasks", __name__)
bp.add_url_rule("/tasks/<task_id>/correct", "correct", recorded.correct, methods=["GET", "POST"])
bp.add_url_rule("/tasks/<task_id>/documents", "upload", documents.upload, methods=["POST"])
bp.add_url_rule("/documents/<int:document_id>", "document", documents.download)


def _library() -> engine.FormLibrary:
    return current_app.extensions["acompana.forms"]


def _forms(row) -> engine.FormLibrary:
    """The forms of the version the task's case runs on."""
    return engine.forms_for_instance(db.session, row.instance_id, _library())


def _done_forms(done: engine.Completion) -> engine.FormLibrary:
    """The forms of the version the completed step's case runs on."""
    return engine.forms_for_case(db.session, done.case_id, _library())


def _workable(task_id: str):
    """The task, if the person may see it (404) and work it (403)."""
    row = engine.get_task(db.session, task_id, actor())
    require(policy.OPEN_TASK, row)
    return row


def _open_or_done(task_id: str):
    """``(task, None)`` for an open task, ``(None, completion)`` for one completed already
    (a lost race or a double click: not a refusal); 404 as usual otherwise."""
    try:
        return _workable(task_id), None
    except engine.NotFound:
        done = engine.completion_of(db.session, task_id, actor())
        if done is None:
            raise
        return None, done


def _schema(row) -> dict:
    return _forms(row).schema(row.form_key) if row.form_key else {"properties": {}}


def _page(row, values: dict, errors: dict, status: int = 200, draft=None, case=None):
    forms = _forms(row)
    schema = with_pickers(_schema(row), row)
    who = actor()
    editable = may(policy.WORK_TASK, row)
    if not editable:  # read by someone not filling it: sensitive answers masked
        schema, values = sensitive.masked(schema, values,
                                          sensitive.hidden(schema, row.territory_id))
    fields = render_form(schema, values, errors, translate=_,
                         references=references(forms, schema))
    case = case or engine.visible_case(db.session, row.case_id, who)
    return render_template("tasks/show.html", task=row, case=case, fields=fields,
                           instructions=instructions(db.session, row), errors=errors,
                           frame=family_frame(db.session, row),
                           consents_needed=consents_needed(case, schema) if editable else None,
                           rule=_rule_text(row), editable=editable,
                           people=candidates(row) if may(policy.REASSIGN_TASK, row) else [],
                           draft_label=_draft_label(draft), holder=_holder(row)), status


def _holder(row) -> str | None:
    """How the step's assignee reads on its page (no lookup when it is the reader)."""
    if row.assignee == current_user.username:
        return current_user.full_name
    return full_name(row.assignee)


def _draft_label(draft) -> str | None:
    """"Borrador de Ana Pérez, guardado el …" (or "Su borrador, …")."""
    if draft is None:
        return None
    if draft.author is None:
        return _("Borrador guardado.")
    when = format_datetime(draft.saved_at, "short")
    if draft.author == actor().id:
        return _("Su borrador, guardado el %(when)s.", when=when)
    return _("Borrador de %(name)s, guardado el %(when)s.", name=full_name(draft.author),
             when=when)


def _rule_text(row) -> str | None:
    rule = deadline_rule(db.session, row)
    return describe_rule(rule) if rule else None


@bp.route("/tasks/<task_id>")
@login_required
def show(task_id: str):
    """The step's instructions and form (with the saved draft, for those who may read it);
    a completed step, read-only with its answers (web.tasks.recorded)."""
    row, done = _open_or_done(task_id)
    if done:
        return recorded.recorded_page(task_id)
    draft = engine.draft_for(db.session, row, actor())
    case = engine.visible_case(db.session, row.case_id, actor())
    access_log.viewed(access_log.STEP, task_id, case)
    return _page(row, draft.data if draft else {}, {}, draft=draft, case=case)


@bp.route("/tasks/<task_id>", methods=["POST"])
@login_required
def submit(task_id: str):
    """Save a draft, or complete the task; invalid data comes back with its errors, and a step
    completed a moment earlier comes back with who completed it and the person's values."""
    row, done = _open_or_done(task_id)
    if done:
        return completed_page(_done_forms(done), done, request.form)
    case_id, title = row.case_id, step_name(row)  # the row is gone once the step is completed
    enrols = enrolment_places(row) is not None
    data = parse_form(_schema(row), request.form)
    if request.form.get("action") == "draft":
        return _save_draft(row, data)
    try:
        with unit_of_work(db.session):
            engine.complete(db.session, _library(), task_id, data, actor(),
                            staff=staff_member)
            following = _next_held(case_id)
    except engine.InvalidTaskData as invalid:  # the unit of work undid everything
        flash(_("Revise los campos marcados: la tarea no se envió."), "error")
        errors = translated(invalid.errors)
        if (invalid.code or "").startswith("routing."):  # the person chosen, and why not
            errors = {e.field: word_error(invalid) for e in invalid.errors}
        return _page(_workable(task_id), data, errors, 422)
    except engine.Conflict:  # AlreadyCompleted, or the case changed under us
        return _lost(task_id, case_id)
    flash(_("«%(title)s» completada.", title=title), "success")
    notice = waiting_notice(engine.visible_case(db.session, case_id, engine.SYSTEM)) if enrols \
        else None
    if notice:
        flash(notice, "info")
    return _onwards(following)


def _next_held(case_id: int) -> tuple[str, str] | None:
    """``(id, name)`` of the case's next step when the person holds it too; read inside the
    completion's transaction (after its commit the row would be read again, on a connection
    taken from the pool again)."""
    following = engine.queries.next_step_held(db.session, actor(), case_id)
    return (following.id, step_name(following)) if following is not None else None


def _onwards(following: tuple[str, str] | None):
    """Where a person goes after completing a step: straight to the case's next step when it
    is theirs too (what they would open next anyway), else back to the inbox."""
    if following is None:
        return redirect(url_for("inbox.index"))
    task_id, name = following
    flash(_("Sigue «%(next)s» de la misma familia, también a su cargo.", next=name), "info")
    return redirect(url_for("tasks.show", task_id=task_id))


def _lost(task_id: str, case_id: int):
    """Someone else changed the step first: explain who completed it, or send to the case."""
    done = engine.completion_of(db.session, task_id, actor())
    if done:
        return completed_page(_done_forms(done), done, request.form)
    flash(_("Otra persona ya completó este paso; sus datos no se guardaron en él."), "error")
    return redirect(url_for("cases.show", case_id=case_id))


def _save_draft(row, data: dict):
    """Keep the draft through the engine (only the assignee; a pool task is claimed)."""
    task_id, was_free = row.id, row.assignee is None
    try:
        with unit_of_work(db.session):
            engine.save_draft(db.session, _library(), task_id, data, actor())
    except engine.InvalidTaskData:
        flash(_("El borrador no se guardó: supera %(kb)d KB o tiene datos que el formulario "
                "no admite.", kb=engine.MAX_DRAFT_BYTES // 1024), "error")
        return _page(_workable(task_id), data, {}, 422)
    except engine.AlreadyCompleted as lost:
        return completed_page(_done_forms(lost.completion), lost.completion, request.form)
    if was_free:
        flash(_("Borrador guardado; la tarea quedó asignada a usted."), "success")
    else:
        flash(_("Borrador guardado."), "success")
    return redirect(url_for("tasks.show", task_id=task_id))
