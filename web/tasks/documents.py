"""Documents attached to a completed step: uploaded from the step's read-only page, served
only to those who may see the case, always as a download (``Content-Disposition:
attachment``, ``nosniff``, the type the engine recognised from the file's first bytes).

The upload is the one request allowed past the app's 1 MB body limit (up to the engine's
:data:`engine.commands.documents.MAX_BYTES`); its CSRF token is therefore checked here,
after the limit is raised, instead of before every request.
"""

from urllib.parse import quote

from flask import Response, flash, redirect, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import login_required
from flask_wtf.csrf import CSRFError, validate_csrf

import engine
from engine import unit_of_work
from engine.commands.documents import KINDS, MAX_BYTES
from engine.core.errors import InvalidInput

from ..access import actor
from ..admin import access_log
from ..extensions import csrf, db
from ..field_errors import translated

REQUEST_LIMIT = MAX_BYTES + 64 * 1024  # the file and the few fields around it


@csrf.exempt
@login_required
def upload(task_id: str):
    """Attach the chosen file to the completed step; back to the step with what happened."""
    request.max_content_length = REQUEST_LIMIT
    try:
        validate_csrf(request.form.get("csrf_token"))
    except Exception as refused:  # noqa: BLE001 - wtforms' ValidationError: any bad token
        raise CSRFError(str(refused)) from refused
    chosen = request.files.get("file")
    content = chosen.read(MAX_BYTES + 1) if chosen else b""
    kind = request.form.get("kind", "")
    try:
        with unit_of_work(db.session):
            engine.attach_document(db.session, task_id, kind,
                                   chosen.filename if chosen else None, content, actor())
    except InvalidInput as invalid:
        flash(_("El documento no se adjuntó: %(why)s",
                why=" ".join(translated(invalid.errors).values())), "error")
        return redirect(url_for("tasks.show", task_id=task_id) + "#documents-title"), 303
    flash(_("Documento adjuntado."), "success")
    return redirect(url_for("tasks.show", task_id=task_id) + "#documents-title"), 303


@login_required
def download(document_id: int):
    """The document, as a download, to those who may see its case (404 for anyone else)."""
    found = engine.document(db.session, document_id, actor())
    access_log.viewed(access_log.STEP, f"{found.task_id} document {found.id}",
                      engine.visible_case(db.session, found.case_id, actor()))
    name = found.filename
    ascii_name = name.encode("ascii", "replace").decode().replace('"', "_")
    response = Response(found.content, mimetype=found.content_type)
    response.headers["Content-Disposition"] = (
        f'attachment; filename="{ascii_name}"; filename*=UTF-8\'\'{quote(name)}')
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Cache-Control"] = "private, no-store"
    response.headers["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response


KIND_LABELS = {"carta_compromiso": _l("Carta de Compromiso firmada"),
               "consentimiento": _l("Consentimiento"), "otro": _l("Otro documento")}


def kinds() -> list[tuple[str, str]]:
    """The kinds of document a step takes, with their labels, in the engine's order."""
    return [(kind, str(KIND_LABELS.get(kind, kind))) for kind in KINDS]
