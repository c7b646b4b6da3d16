"""The instruments page of a programme, for its managers and administrators.

- ``GET  /programmes/<key>/instruments``: each instrument, whether its items are official,
  provisional or reconstructed (and why: its ``fuente``), its forms (to the form editor) and
  its reference list;
- ``POST /programmes/<key>/instruments/<name>/load``: a CSV or JSON file of indicators put
  into the draft (``engine.commands.reference_loads``); a wrong file is shown row by row and
  changes nothing;
- ``GET  /programmes/<key>/instruments/<name>.csv``: the list as the page shows it, in the
  format the upload reads;
- ``POST /programmes/<key>/instruments/publish``: the draft published as the next version.
"""

from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import gettext as _
from flask_login import login_required

import engine
from engine import policy, unit_of_work
from engine.commands import process_drafts, programme_settings, reference_loads
from engine.core.errors import InvalidInput
from engine.definitions import catalog, reference_files

from ..access import actor, require
from ..csv_export import csv_response
from ..extensions import db
from ..field_errors import message
from ..messages import word_error
from ..problem_words import word_problem
from . import source

bp = Blueprint("instruments", __name__, url_prefix="/programmes")
CSV_HEADER = ("codigo", "dimension", "texto", "programas", "oficial", "fuente")


def _managed(key: str):
    """The programme, if the signed-in person manages it (403/404 otherwise)."""
    require(policy.MANAGE_PROGRAMME)
    programme = catalog.programme(db.session, key)
    programme_settings.check_may_manage(db.session, actor(), programme)
    return programme


def _library() -> engine.FormLibrary:
    return current_app.extensions["acompana.forms"]


@bp.route("/<key>/instruments")
@login_required
def index(key: str):
    """Every instrument of the programme, its items' provenance, its reference list."""
    return _page(_managed(key))


def _page(programme, errors: list[tuple[str, str]] | None = None, status: int = 200,
          failed: str | None = None):
    shown = source.page(db.session, programme.key, actor(), _library())
    return render_template("instruments/index.html", programme=programme, page=shown,
                           errors=errors or [], failed=failed, columns=CSV_HEADER,
                           max_kb=reference_files.MAX_BYTES // 1024), status


@bp.route("/<key>/instruments/<name>/load", methods=["POST"])
@login_required
def load(key: str, name: str):
    """Put the uploaded list into the draft; the page again, with each wrong cell if any."""
    programme = _managed(key)
    upload = request.files.get("archivo")
    content = upload.read(reference_files.MAX_BYTES + 1) if upload else b""
    try:
        with unit_of_work(db.session):
            draft = reference_loads.load_reference(
                db.session, key, actor(), name, content, upload.filename if upload else "",
                revision=_revision(), fallback=_library())
            count = len(draft.reference_data[name]["indicadores"])
    except InvalidInput as refused:
        db.session.rollback()
        return _page(programme, [(_where(e.field), message(e)) for e in refused.errors], 422,
                     failed=name)
    except engine.Conflict as conflict:
        db.session.rollback()
        flash(word_error(conflict), "error")
        return redirect(url_for("instruments.index", key=key))
    flash(_("Lista cargada en el borrador: %(count)s indicadores. Publique el borrador para "
            "que la usen los casos nuevos.", count=count), "success")
    return redirect(url_for("instruments.index", key=key))


def _revision() -> int | None:
    text = request.form.get("revision", "")
    return int(text) if text.isdigit() and len(text) < 10 else None


def _where(field: str) -> str:
    """``fila 4.dimension`` as the person reads it: "Fila 4, columna dimension"."""
    head, _dot, column = field.partition(".")
    if head.startswith("fila ") and head[5:].isdigit():
        row = head[5:]
        return (_("Fila %(row)s, columna %(column)s", row=row, column=column) if column
                else _("Fila %(row)s", row=row))
    return _("Archivo") if head == "archivo" else field


@bp.route("/<key>/instruments/<name>.csv")
@login_required
def download(key: str, name: str):
    """The reference list of instrument ``name`` as a CSV the upload reads back."""
    programme = _managed(key)
    shown = source.page(db.session, programme.key, actor(), _library())
    found = next((s for s in shown.shown if s.item.reference == name), None)
    if found is None:
        abort(404)
    rows = [(i.get("codigo"), i.get("dimension"), i.get("texto"),
             "|".join(i.get("programas") or []), "sí" if i.get("conocido", True) else "no",
             i.get("fuente", "")) for i in found.indicators]
    return csv_response(f"{key}-{name}", CSV_HEADER, rows)


@bp.route("/<key>/instruments/publish", methods=["POST"])
@login_required
def publish(key: str):
    """Publish the draft as the next version (running cases stay on theirs)."""
    programme = _managed(key)
    revision = _revision()
    if revision is None:
        abort(400)
    comment = request.form.get("comentario", "")[:process_drafts.MAX_COMMENT + 1]
    try:
        with unit_of_work(db.session):
            result = process_drafts.publish_draft(db.session, key, actor(), revision=revision,
                                                  comment=comment, fallback=_library())
    except engine.InvalidProcess as refused:
        db.session.rollback()
        return _page(programme, [(p.file, word_problem(p)) for p in refused.problems],
                     422)
    except (engine.Conflict, InvalidInput, engine.NotFound) as refused:
        db.session.rollback()
        flash(word_error(refused), "error")
        return redirect(url_for("instruments.index", key=key))
    flash(_("Publicada la versión %(version)s: los casos nuevos empiezan en ella; los casos "
            "en curso siguen en la suya.", version=result.version), "success")
    return redirect(url_for("instruments.index", key=key))
