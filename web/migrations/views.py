"""The migration batches of a programme, for its managers (engine policy MIGRATE_CASES; others
are refused by the engine: 403, or 404 for what they may not see).

``GET /programmes/<key>/migrations`` lists the batches; ``GET …/migrations/new`` chooses the
versions, the cases and the mapping, and with ``simulate`` shows the dry run case by case
(engine plan_migration); ``POST …/migrations/new`` checks the same values again and starts the
batch (engine start_batch, then web.migration_runs in the background); ``GET …/<batch_id>``
shows its progress and cases (``…/progress``: the figures as JSON for the progress bar);
``POST …/<batch_id>/rollback`` and ``…/<batch_id>/cases/<case_id>/rollback`` give the cases
their state before the batch back, or say why not.
"""

from flask import (
    Blueprint,
    current_app,
    flash,
    jsonify,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import login_required

import engine
from engine import unit_of_work
from engine.commands import migrations
from engine.queries import migration_batches

from .. import migration_runs
from ..access import actor
from ..errors import render_error
from ..extensions import db
from ..messages import word, word_error
from ..names import step_name
from . import selection

bp = Blueprint("migrations", __name__, url_prefix="/programmes")
SHOWN_CODES = ("version.not_found", "migration.batch_not_found", "case.not_found")


@bp.errorhandler(engine.NotFound)
def _not_found(error: engine.NotFound):
    """A version, batch or case the programme does not have, said plainly (the person manages
    the programme); anything else not found is the general 404."""
    if error.code in SHOWN_CODES:
        return render_error(404, word_error(error))
    return render_error(404)


@bp.errorhandler(selection.BadInput)
def _bad_input(error: selection.BadInput):
    return render_error(422, error.text)


def _label(key: str):
    return lambda bpmn_id, name=None: step_name(key, bpmn_id, name)


@bp.route("/<key>/migrations")
@login_required
def index(key: str):
    """The programme's migration batches, newest first."""
    found = migration_batches.batches(db.session, actor(), key)
    return render_template("migrations/index.html", key=key, batches=found)


@bp.route("/<key>/migrations/new")
@login_required
def new(key: str):
    """Choose what to migrate; with ``simulate``, the dry run of it."""
    asked = selection.read(request.args)
    choices = migration_batches.migration_choices(db.session, actor(), key)
    note = None
    if asked.to_version is not None and asked.to_version not in choices.targets \
            and "simulate" not in request.args:
        note = _("La versión %(n)s todavía no está publicada: publique el borrador y vuelva "
                 "a esta página.", n=asked.to_version)
        asked.to_version = None
    if asked.from_version is None and choices.sources:
        asked.from_version = choices.sources[0].version
    if asked.to_version is None and choices.targets:
        asked.to_version = next((v for v in choices.targets if v != asked.from_version), None)
    if "simulate" not in request.args:
        return _form(key, asked, _choices(key, asked), note=note)
    return _simulated(key, asked)


def _choices(key: str, asked: selection.Asked):
    return migration_batches.migration_choices(db.session, actor(), key, asked.from_version,
                                               asked.to_version)


def _form(key: str, asked, choices, *, status: int = 200, **context):
    return render_template("migrations/new.html", key=key, asked=asked, choices=choices,
                           **context), status


def _simulated(key: str, asked: selection.Asked):
    choices = _choices(key, asked)
    errors = selection.problems(asked, choices, _label(key))
    if errors:
        return _form(key, asked, choices, status=422, errors=errors)
    try:
        with unit_of_work(db.session, dry_run=True):
            plan = migrations.plan_migration(db.session, actor(), asked.request(key))
    except engine.Conflict as refused:
        return _form(key, asked, choices, status=422, errors=[word_error(refused)])
    labels = migration_batches.case_labels(db.session, actor(), [c.case_id for c in plan.cases])
    return _form(key, asked, choices, plan=plan, labels=labels)


@bp.route("/<key>/migrations/new", methods=["POST"])
@login_required
def start(key: str):
    """Start the batch the dry run showed (the same values, checked again)."""
    asked = selection.read(request.form)
    choices = _choices(key, asked)
    errors = selection.problems(asked, choices, _label(key))
    if errors:
        return _form(key, asked, choices, status=422, errors=errors)
    try:
        with unit_of_work(db.session):
            batch_id = migrations.start_batch(db.session, actor(), asked.request(key))
            _same_cases(batch_id, request.form.get("expected", ""))
    except _Changed:
        return _form(key, asked, choices, status=409, errors=[_(
            "Los casos elegidos cambiaron desde la simulación: no se migró nada. Vuelva a "
            "simular para ver qué pasaría ahora.")])
    except engine.Conflict as refused:
        return _form(key, asked, choices, status=422, errors=[word_error(refused)])
    migration_runs.start(current_app._get_current_object(), batch_id)
    flash(_("Migración %(n)s iniciada.", n=batch_id), "success")
    return redirect(url_for(".show", key=key, batch_id=batch_id))


class _Changed(Exception):
    """The selection holds other cases than the dry run showed (the batch is not started)."""


def _same_cases(batch_id: int, expected: str) -> None:
    """Refuse (rolling the new batch back) when the dry run counted another number of cases."""
    if expected.isascii() and expected.isdigit() and \
            migrations.batch_progress(db.session, batch_id).total != int(expected):
        raise _Changed()


@bp.route("/<key>/migrations/<id:batch_id>")
@login_required
def show(key: str, batch_id: int):
    """A batch: its progress, its cases and what became of each."""
    return _batch_page(key, batch_id)


def _batch_page(key: str, batch_id: int, status: int = 200, **context):
    found = migration_batches.batch(db.session, actor(), key, batch_id)
    progress = migrations.batch_progress(db.session, batch_id)
    cases = migration_batches.batch_cases(db.session, actor(), key, batch_id)
    if "refusals" not in context:
        context["refusals"] = [] if progress.status == "rolling_back" else _refusals(
            migrations.rollback_refusals(db.session, batch_id))
    return render_template("migrations/show.html", key=key, batch=found, progress=progress,
                           cases=cases, **context), status


@bp.route("/<key>/migrations/<id:batch_id>/progress")
@login_required
def progress(key: str, batch_id: int):
    """How far the batch is, for the progress bar."""
    migration_batches.batch(db.session, actor(), key, batch_id)
    found = migrations.batch_progress(db.session, batch_id)
    return jsonify(status=found.status, total=found.total, done=found.done,
                   migrated=found.migrated, skipped=found.skipped, failed=found.failed,
                   pending=found.pending, rolled_back=found.rolled_back,
                   to_roll_back=found.to_roll_back, finished=found.finished)


@bp.route("/<key>/migrations/<id:batch_id>/rollback", methods=["POST"])
@login_required
def rollback_batch(key: str, batch_id: int):
    """Have every migrated case of the batch given its state before back, in the background
    (one per transaction, the progress bar follows it); the cases that moved on since are
    listed with why once it ends."""
    who = actor()
    migration_batches.batch(db.session, who, key, batch_id)
    try:
        with unit_of_work(db.session):
            migrations.request_rollback(db.session, who, batch_id)
    except engine.Conflict as refusal:
        return _batch_page(key, batch_id, 409, refusal=word(refusal.code, refusal.params))
    migration_runs.start(current_app._get_current_object(), batch_id)
    flash(_("La migración se está deshaciendo en segundo plano: cada caso vuelve a su "
            "versión anterior, salvo los que avanzaron después de migrar."), "success")
    return redirect(url_for(".show", key=key, batch_id=batch_id))


@bp.route("/<key>/migrations/<id:batch_id>/cases/<id:case_id>/rollback", methods=["POST"])
@login_required
def rollback_case(key: str, batch_id: int, case_id: int):
    """Give one case of the batch its state before it back, or say why not (409)."""
    migration_batches.batch(db.session, actor(), key, batch_id)
    with unit_of_work(db.session):
        result = migrations.rollback_case(db.session, actor(), batch_id, case_id)
    if not result.restored:
        return _batch_page(key, batch_id, 409, refusals=_refusals([result]))
    flash(_("El caso volvió a la versión que tenía antes de la migración."), "success")
    return redirect(url_for(".show", key=key, batch_id=batch_id))


CASE_STATUSES = {"pending": _l("pendiente"), "skipped": _l("no migrado"), "failed": _l("falló"),
                 "rolled_back": _l("devuelto a su versión"), "migrated": _l("migrado")}


def _refusals(results) -> list[tuple[int, str]]:
    """Each refused rollback's case and why, in words (a case's status named too)."""
    found = []
    for r in results:
        if r.restored:
            continue
        params = dict(r.params or {})
        if params.get("status") in CASE_STATUSES:
            params["status"] = str(CASE_STATUSES[params["status"]])
        found.append((r.case_id, word(r.reason, params)))
    return found


@bp.app_template_global("word_code")
def word_code(code: str | None, params: dict | None = None) -> str:
    """An engine code (a migration reason) worded in the reader's language."""
    return word(code, params)


@bp.app_template_global("migration_where")
def migration_where(key: str, plan, steps) -> str:
    """Where a planned case sits: its open steps by name (``steps``: the source version's
    steps a case may wait at; the timers on them are left out)."""
    ids = {s.bpmn_id for s in steps}
    shown = [step_name(key, e.bpmn_id, e.name) for e in plan.open if e.bpmn_id in ids]
    return ", ".join(dict.fromkeys(shown)) or "—"
