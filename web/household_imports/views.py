"""Bulk household import in the browser: upload a registry export, choose which column holds
what, read the dry run row by row, run it in the background with a progress bar, download the
per-row report. Who may is the engine's policy (``import_households``); the work is
engine.commands.household_imports, its run web.import_runs."""

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
from flask_login import login_required
from werkzeug.exceptions import RequestEntityTooLarge

import engine
from engine import unit_of_work
from engine.commands import household_imports as commands
from engine.core.errors import InvalidInput
from engine.definitions import household_files, household_mapping
from engine.queries import household_imports as queries

from .. import import_runs
from ..access import actor, may, refuse
from ..csv_export import csv_response
from ..extensions import db
from . import words

bp = Blueprint("household_imports", __name__, url_prefix="/households/imports")
REQUEST_LIMIT = household_files.MAX_BYTES + 64 * 1024
PREVIEW_ROWS = 5
SHOWN_ROWS = 200
HEADER = ("fila", "resultado", "documento", "familia", "cambios", "errores")


@bp.app_template_global("may_import_households")
def may_import_households() -> bool:
    """Whether the signed-in person imports households anywhere (the menu's link)."""
    return may(engine.policy.IMPORT_HOUSEHOLDS, None)


@bp.url_value_preprocessor
def _upload_limit(endpoint: str | None, _values) -> None:
    """The upload takes files up to the import's own limit (other requests keep the app's)."""
    if endpoint != "household_imports.upload":
        return
    request.max_content_length = REQUEST_LIMIT  # (the 413 page names this limit)
    if request.content_length is not None and request.content_length > REQUEST_LIMIT:
        raise RequestEntityTooLarge()


@bp.get("/")
@login_required
def index():
    """Where the person may import, the upload form and the recent imports."""
    return _index()


def _index(status: int = 200, error: str | None = None, chosen: str = ""):
    who = actor()
    places = queries.places(db.session, who)
    if not places:
        engine.policy.require(db.session, who, engine.policy.IMPORT_HOUSEHOLDS, None)
        refuse(403, "imports households into no programme of any territory")
    return render_template("household_imports/index.html", places=places, chosen=chosen,
                           imports=queries.recent(db.session, who), error=error,
                           limit_mb=household_files.MAX_BYTES // (1024 * 1024),
                           statuses=words.STATUSES), status


@bp.post("/")
@login_required
def upload():
    """Keep the uploaded file and open its mapping."""
    place = (request.form.get("place") or "")[:200]
    programme, _sep, territory = place.partition("|")
    upload_file = request.files.get("file")
    if not programme or not territory:
        return _index(422, _("Elija el programa y el territorio."), place)
    if upload_file is None or not upload_file.filename:
        return _index(422, _("Elija el archivo que va a importar."), place)
    content = upload_file.read(household_files.MAX_BYTES + 1)
    try:
        with unit_of_work(db.session):
            import_id = commands.upload(db.session, actor(), programme, territory,
                                        upload_file.filename[:200], content)
    except InvalidInput as refused:
        return _index(422, " ".join(words.file_error(e) for e in refused.errors), place)
    return redirect(url_for(".show", import_id=import_id))


@bp.get("/<id:import_id>")
@login_required
def show(import_id: int):
    """The import: its mapping while it waits, its progress and report once it runs."""
    return _show(import_id)


def _show(import_id: int, status: int = 200, **context):
    who = actor()
    found = queries.one(db.session, who, import_id)
    territory = queries.territory_of(db.session, found)
    page = {"found": found, "territory": territory, "targets": words.TARGETS,
            "needed": household_mapping.NEEDED, "words": words, **context}
    if found.status == "uploaded":
        page["preview"] = _preview(found)
        page.setdefault("mapping", found.mapping)
    else:
        page["progress"] = queries.progress(db.session, who, import_id)
        page["failed"] = queries.rows(db.session, who, import_id, failed_only=True,
                                      limit=SHOWN_ROWS)
    return render_template("household_imports/show.html", **page), status


def _preview(found) -> list[dict]:
    table = household_files.read(found.content.encode("utf-8"),
                                 "file.json" if found.kind == "json" else "file.csv")
    return [row for _n, row in table.rows[:PREVIEW_ROWS]]


@bp.post("/<id:import_id>/mapping")
@login_required
def mapping(import_id: int):
    """Keep the mapping chosen and show the dry run: what each row would do."""
    who = actor()
    found = queries.one(db.session, who, import_id)
    chosen = {t: (request.form.get(f"map-{t}") or "")[:200] for t in household_mapping.TARGETS}
    chosen = {t: c for t, c in chosen.items() if c}
    try:
        with unit_of_work(db.session):
            commands.set_mapping(db.session, who, found.id, chosen)
    except InvalidInput as refused:
        errors = {e.field.removeprefix("mapping."): words.message(e, words.IMPORT_MESSAGES)
                  for e in refused.errors}
        return _show(import_id, 422, mapping=chosen, mapping_errors=errors)
    dry = commands.dry_run(db.session, who, found.id)
    shown = [pair for pair in dry.rows if pair[1].status == "failed"][:SHOWN_ROWS]
    shown += [pair for pair in dry.rows if pair[1].status != "failed"][:max(
        0, 20 - len(shown))]
    shown.sort(key=lambda pair: pair[0].number)
    return _show(import_id, dry=dry, dry_rows=shown)


@bp.get("/<id:import_id>/dry-run.csv")
@login_required
def dry_run_csv(import_id: int):
    """The dry run, every row, as a spreadsheet."""
    who = actor()
    found = queries.one(db.session, who, import_id)
    dry = commands.dry_run(db.session, who, found.id)
    lines = [(row.number, words.outcome(o.status), row.data.get("national_id"),
              row.data.get("family_name"), words.parts(o.changed),
              words.errors_text([commands.error_json(e) for e in o.errors], found.mapping))
             for row, o in dry.rows]
    return csv_response(f"ensayo-importacion-{found.id}", HEADER, lines)


@bp.post("/<id:import_id>/run")
@login_required
def run(import_id: int):
    """Start the import in the background (one unit of work per row)."""
    who = actor()
    try:
        with unit_of_work(db.session):
            commands.start(db.session, who, import_id)
    except engine.Conflict:
        return redirect(url_for(".show", import_id=import_id))
    import_runs.start(current_app._get_current_object(), import_id)
    flash(_("La importación sigue en segundo plano: cada fila se guarda por separado."),
          "success")
    return redirect(url_for(".show", import_id=import_id))


@bp.get("/<id:import_id>/progress")
@login_required
def progress(import_id: int):
    """How far the import is, for the progress bar."""
    found = queries.progress(db.session, actor(), import_id)
    return jsonify(status=found.status, total=found.total, done=found.done,
                   finished=found.finished, **found.counts)


@bp.get("/<id:import_id>/report.csv")
@login_required
def report(import_id: int):
    """What became of every row, as a spreadsheet (cells made safe: a family named
    ``=HYPERLINK(…)`` stays text)."""
    who = actor()
    found = queries.one(db.session, who, import_id)
    lines = [(r.row_number, words.outcome(r.status, done=True), r.national_id, r.family_name,
              words.parts(r.changed), words.errors_text(r.errors, found.mapping))
             for r in queries.rows(db.session, who, import_id)]
    return csv_response(f"importacion-{found.id}", HEADER, lines)
