"""Importing a file into the programme's draft from the modeler, and downloading a version.

``POST /programmes/<key>/modeler/import`` (multipart: ``file``, the draft's ``revision``, and
once the person chose among the file's pools, ``process``) reads the file with the engine's
import (the code ``flask process import`` runs) and makes it the open draft; it answers the
draft's new revision with every problem and note, or ``{"choose": true, "processes": [...]}``
when the file has several processes, or a 4xx JSON refusal (the file unusable, too large, the
draft saved meanwhile) that changed nothing. CSRF travels in ``X-CSRFToken`` as for the other
modeler requests. ``GET /programmes/<key>/modeler/export?version=N`` downloads a version's zip
(the bytes ``flask process export`` writes), the newest when no version is given.
"""

from flask import Response, current_app, jsonify, request
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_babel import ngettext
from flask_login import login_required
from werkzeug.exceptions import NotFound

from engine import policy, unit_of_work
from engine.commands import process_import

from ..access import actor, require
from ..extensions import db
from ..names import person_name
from ..problem_words import word_problem
from .problems import as_json
from .views import BadBody, _refusal, _revision, api, bp

LIMIT_MB = process_import.MAX_BYTES // (1024 * 1024)
REQUEST_LIMIT = process_import.MAX_BYTES + 256 * 1024  # the file and the form around it
MAX_PROCESS_ID = 200
MAX_SHOWN = 300  # problems sent to the page (the message says how many there are in all)
REASONS = {
    "empty": _l("el archivo está vacío."),
    "too_large": _l("el archivo supera el tamaño máximo de %(mb)s MB."),
    "dtd": _l("declara un DTD o entidades XML, que un archivo BPMN nunca necesita; por "
              "seguridad no se lee."),
    "truncated": _l("el archivo está cortado (incompleto): expórtelo de nuevo desde la "
                    "otra herramienta."),
    "not_xml": _l("no es un archivo XML bien formado."),
    "not_bpmn": _l("es XML, pero no un diagrama BPMN 2.0."),
    "no_process": _l("no tiene ningún proceso con pasos."),
    "no_such_process": _l("no tiene el proceso elegido."),
    "not_zip": _l("no es un archivo .zip que se pueda leer."),
    "unsafe_zip": _l("el .zip tiene archivos fuera de su carpeta; por seguridad no se lee."),
    "not_bundle": _l("el .zip no es una versión exportada por Acompaña."),
}


class TooLarge(Exception):
    """The upload is over the import's size limit."""


@bp.app_context_processor
def _limits() -> dict:
    return {"import_limit_mb": LIMIT_MB}


@api.url_value_preprocessor
def _upload_limit(endpoint: str | None, _values) -> None:
    """The import takes files up to its own limit (other requests keep the app's)."""
    if endpoint != "modeler_api.import_file":
        return
    if request.content_length is not None and request.content_length > REQUEST_LIMIT:
        raise TooLarge()
    request.max_content_length = REQUEST_LIMIT


@api.post("/import")
@login_required
def import_file(key: str):
    """Import the uploaded file into the programme's open draft."""
    upload = request.files.get("file")
    if upload is None:
        raise BadBody()
    revision = _revision({"revision": _number(request.form.get("revision"))})
    process_id = (request.form.get("process") or "").strip()[:MAX_PROCESS_ID] or None
    data = upload.read(process_import.MAX_BYTES + 1)
    name = process_import.file_name(upload.filename)
    try:
        with unit_of_work(db.session):
            outcome = process_import.import_into_draft(
                db.session, key, actor(), data, name, revision=revision,
                process_id=process_id, fallback=current_app.extensions["acompana.forms"])
            answer = _answer(outcome)
    except process_import.UnusableImport as error:
        return _unusable(name, error)
    return jsonify(answer)


@bp.get("/<key>/modeler/export")
@login_required
def export(key: str):
    """A version of the programme as a zip file (the newest unless ``version`` is given)."""
    require(policy.MANAGE_PROGRAMME)
    version = _number(request.args.get("version")) if request.args.get("version") else None
    if request.args.get("version") and version is None:
        raise NotFound()
    with unit_of_work(db.session):
        definition, data = process_import.export_version(db.session, key, actor(), version)
    response = Response(data, mimetype="application/zip")
    response.headers["Content-Disposition"] = (
        f'attachment; filename="{key}-v{definition.version}.zip"')
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Cache-Control"] = "no-store"
    return response


def _answer(outcome: process_import.ImportOutcome) -> dict:
    if outcome.chosen is None:
        return {"choose": True, "file": outcome.file,
                "processes": [{"id": p.id, "name": p.name or "", "pool": p.pool or "",
                               "steps": p.steps} for p in outcome.processes if p.steps],
                "message": _("%(file)s tiene varios procesos: elija cuál importar.",
                             file=outcome.file)}
    count = len(outcome.problems)
    message = ngettext("%(file)s importado en el borrador (revisión %(revision)s): "
                       "%(num)d problema por corregir antes de publicar.",
                       "%(file)s importado en el borrador (revisión %(revision)s): "
                       "%(num)d problemas por corregir antes de publicar.", count,
                       file=outcome.file, revision=outcome.draft.revision)
    if not count:
        message = _("%(file)s importado en el borrador (revisión %(revision)s), sin "
                    "problemas.", file=outcome.file, revision=outcome.draft.revision)
    return {"choose": False, "file": outcome.file, "process": outcome.chosen,
            "revision": outcome.draft.revision, "message": message,
            "history": " · ".join((current_app.jinja_env.filters["when"](outcome.draft.saved_at),
                                   person_name(outcome.draft.saved_by),
                                   imported_line(outcome.file, outcome.chosen, count))),
            "problems": [as_json(p) for p in outcome.problems[:MAX_SHOWN]],
            "notes": [{"element": n.element, "line": n.line, "text": word_problem(n)}
                      for n in outcome.notes]}


@bp.app_template_global()
def imported_line(file: str, process: str | None, problems: int) -> str:
    """What the page's history says of an import."""
    return ngettext("importó %(file)s (proceso %(process)s, %(num)d problema)",
                    "importó %(file)s (proceso %(process)s, %(num)d problemas)", problems,
                    file=file, process=process or "—")


def _unusable(name: str, error: process_import.UnusableImport):
    reason = REASONS.get(error.reason)
    said = reason % {"mb": LIMIT_MB} if reason is not None else _("no se puede leer.")
    return _refusal(422, "import.unusable",
                    _("%(file)s no se puede importar: %(reason)s El borrador quedó como "
                      "estaba.", file=name, reason=said),
                    reason=error.reason, detail=str(error.params.get("detail", "")))


@api.errorhandler(TooLarge)
def _too_large(_error):
    return _refusal(413, "import.too_large",
                    _("El archivo supera el tamaño máximo de %(mb)s MB: no se importó y el "
                      "borrador quedó como estaba.", mb=LIMIT_MB))


def _number(text: str | None) -> int | None:
    text = (text or "").strip()
    return int(text) if text.isdigit() and len(text) < 10 else None
