"""The modeler page and its JSON endpoints, for the programme's managers and administrators.

``GET /programmes/<key>/modeler`` is the page; under it, JSON: ``GET draft`` (opens one from
the published version if there is none), ``PUT draft`` (with the ``revision`` it is based
on; 409 when someone saved in between), ``POST validate``, ``POST check-code`` (one script or
condition, as it is typed), ``POST publish`` (a comment) and ``POST discard``. CSRF travels
in the ``X-CSRFToken`` header. Every refusal is a 4xx JSON answer
``{"error": code, "message": worded}``; nothing answers 500.
"""

import logging

from flask import Blueprint, current_app, jsonify, render_template, request
from flask_babel import gettext as _
from flask_login import login_required
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException

import engine
from engine import policy, unit_of_work
from engine.commands import process_drafts, process_import
from engine.core.roles import ROLES
from engine.definitions import catalog

from ..access import actor, require
from ..extensions import db
from ..field_errors import translated
from ..messages import word_error
from .problems import as_json

bp = Blueprint("modeler", __name__, url_prefix="/programmes")
api = Blueprint("modeler_api", __name__, url_prefix="/programmes/<key>/modeler")
log = logging.getLogger("acompana.modeler")
CODE_PLACE = "(editor)"  # where engine.definitions.draft_checks.code_problems says code is


@bp.route("/<key>/modeler")
@login_required
def page(key: str):
    """The modeler of programme ``key``."""
    require(policy.MANAGE_PROGRAMME)
    programme = catalog.programme(db.session, key)
    require(policy.MANAGE_PROGRAMME, programme)
    from .history import history_lines

    return render_template("modeler/page.html", programme=programme,
                           history=history_lines(key),
                           versions=process_import.versions_of(db.session, key, actor()))


@api.get("/draft")
@login_required
def get_draft(key: str):
    """The open draft (a new one from the published version when there is none)."""
    with unit_of_work(db.session):
        draft = process_drafts.open_draft(db.session, key, actor())
        body = _draft_json(draft)
    return jsonify(body)


@api.put("/draft")
@login_required
def put_draft(key: str):
    """Save the draft's parts given; answers its new revision and every problem."""
    body = _body()
    with unit_of_work(db.session):
        draft = process_drafts.save_draft(
            db.session, key, actor(), revision=_revision(body), sources=body.get("sources"),
            forms=body.get("forms"), settings=body.get("settings"))
        problems = process_drafts.validate_draft(db.session, draft, _library())
        answer = {"revision": draft.revision, "saved_by": draft.saved_by,
                  "saved_at": draft.saved_at.isoformat(),
                  "form_titles": _form_titles(draft),
                  "problems": [as_json(p) for p in problems]}
    return jsonify(answer)


@api.post("/validate")
@login_required
def validate(key: str):
    """Every problem of the saved draft at once."""
    draft = process_drafts.current_draft(db.session, key, actor())
    if draft is None:
        raise engine.NotFound("no draft", code="draft.not_found", programme=key)
    problems = process_drafts.validate_draft(db.session, draft, _library())
    return jsonify({"revision": draft.revision, "problems": [as_json(p) for p in problems]})


@api.post("/check-code")
@login_required
def check_code(key: str):
    """The restricted check of one script or condition, as the manager types it."""
    body = _body()
    problems = process_drafts.check_code(db.session, key, actor(), body.get("code"),
                                         body.get("mode"))
    answers = [as_json(p) for p in problems]
    for answer in answers:  # the place is the field being typed in: only the reason is said
        answer["text"] = answer["text"].split(f"{CODE_PLACE}: ", 1)[-1]
    return jsonify({"problems": answers})


@api.post("/publish")
@login_required
def publish(key: str):
    """Publish the saved draft as the next version, with a comment."""
    body = _body()
    comment = body.get("comment") if isinstance(body.get("comment"), str) else ""
    with unit_of_work(db.session):
        result = process_drafts.publish_draft(db.session, key, actor(), revision=_revision(body),
                                              comment=comment, fallback=_library())
    message = (_("Publicada la versión %(version)s: los casos nuevos empiezan en ella; los "
                 "casos en curso siguen en la suya.", version=result.version)
               if result.created else
               _("El borrador era igual a la versión %(version)s: no se creó otra.",
                 version=result.version))
    return jsonify({"version": result.version, "created": result.created, "message": message})


@api.post("/discard")
@login_required
def discard(key: str):
    """Throw the open draft away."""
    body = _body()
    with unit_of_work(db.session):
        process_drafts.discard_draft(db.session, key, actor(), revision=_revision(body))
    return jsonify({"message": _("Borrador descartado.")})


def _library() -> engine.FormLibrary:
    return current_app.extensions["acompana.forms"]


class BadBody(Exception):
    """The request body is not the JSON object expected."""


def _body() -> dict:
    body = request.get_json(silent=True)
    if not isinstance(body, dict):
        raise BadBody()
    return body


def _revision(body: dict) -> int:
    revision = body.get("revision")
    if not isinstance(revision, int) or isinstance(revision, bool):
        raise BadBody()
    return revision


def _draft_json(draft) -> dict:
    settings = draft.settings or {}
    plazos, ciclos = settings.get("plazos"), settings.get("ciclos")
    deadlines = {str(key): str(table.get("titulo") or key)
                 for key, table in (plazos.items() if isinstance(plazos, dict) else ())
                 if isinstance(table, dict)}
    forms = _form_titles(draft)
    return {"programme": draft.programme_key, "revision": draft.revision,
            "based_on_version": draft.based_on_version, "saved_by": draft.saved_by,
            "saved_at": draft.saved_at.isoformat(), "sources": draft.sources,
            "forms": draft.forms, "form_titles": forms, "settings": settings,
            "deadlines": deadlines,
            "cycles": sorted(map(str, ciclos)) if isinstance(ciclos, dict) else [],
            "roles": list(ROLES)}


def _form_titles(draft) -> dict[str, str]:
    return {key: str(schema.get("title") or key) for key, schema in (draft.forms or {}).items()
            if isinstance(schema, dict)}


def _refusal(status: int, code: str, message: str, **extra):
    return jsonify({"error": code, "message": message, **extra}), status


@api.errorhandler(engine.EngineError)
def _engine_error(error: engine.EngineError):
    from ..errors import status_of

    extra = {}
    if isinstance(error, engine.InvalidProcess):
        extra["problems"] = [as_json(p) for p in error.problems]
    if isinstance(error, engine.InvalidTaskData):
        extra["fields"] = translated(error.errors)
    return _refusal(status_of(error), error.code, word_error(error), **extra)


@api.errorhandler(BadBody)
def _bad_body(_error):
    return _refusal(400, "request.bad_body",
                    _("La solicitud no es un objeto JSON con la revisión del borrador."))


def _http(error: HTTPException):
    if isinstance(error, CSRFError):
        return _refusal(400, "request.csrf", _("La página caducó: vuelva a cargarla. Sus "
                                               "cambios sin guardar se perderán."))
    messages = {413: _("Lo enviado supera el tamaño máximo permitido."),
                404: _("Esta dirección no existe."),
                405: _("Esta dirección no admite esa acción.")}
    return _refusal(error.code or 400, f"http.{error.code}",
                    messages.get(error.code, _("La solicitud no se pudo entender.")))


# by code as well as by class: Flask prefers a handler of the code anywhere (the app's
# error pages) to a blueprint's handler of the class
for _code in (400, 403, 404, 405, 413, 429):
    api.register_error_handler(_code, _http)
api.register_error_handler(HTTPException, _http)


@api.errorhandler(Exception)
def _crash(error: Exception):
    log.exception("modeler request failed", exc_info=error)
    return _refusal(500, "server.error", _("Algo falló de nuestro lado y quedó registrado."))
