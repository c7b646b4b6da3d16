"""The form editor's pages and JSON endpoints, for the programme's managers and admins.

- ``GET  /programmes/<key>/forms``: the forms of the programme's published version;
- ``GET  /programmes/<key>/forms/<form>/edit``: the editor (an unknown key of the programme
  opens an empty form, to create it);
- ``POST /programmes/<key>/forms/preview``: ``{schema, data?}`` → ``{html, problems}``;
- ``POST /programmes/<key>/forms/<form>``: ``{schema, revision?}``, checked, then kept in the
  programme's draft (``drafts.save_form``).

The JSON endpoints need the ``X-CSRFToken`` header, refuse bodies over
:data:`MAX_BODY_BYTES` and answer every input with JSON (never a 500).
"""

import json

from flask import Blueprint, abort, current_app, jsonify, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import login_required
from markupsafe import Markup

import engine
from engine import policy, unit_of_work
from engine.commands import programme_settings
from engine.definitions import catalog
from engine.definitions.form_checks import MAX_DEPTH, FormProblem, form_problems

from ..access import actor, require
from ..extensions import db
from ..messages import word_error
from . import drafts
from .preview import preview, problems_json
from .source import ProgrammeForms, valid_key
from .words import editor_words

bp = Blueprint("form_editor", __name__, url_prefix="/programmes")
MAX_BODY_BYTES = 256 * 1024
EMPTY_FORM = {"$schema": "https://json-schema.org/draft/2020-12/schema", "title": "",
              "type": "object", "additionalProperties": False, "properties": {}}


def _managed(key: str):
    """The programme, if the signed-in person manages it (403/404 otherwise)."""
    require(policy.MANAGE_PROGRAMME)
    programme = catalog.programme(db.session, key)
    programme_settings.check_may_manage(db.session, actor(), programme)
    return programme


def _forms(key: str) -> ProgrammeForms:
    """The forms being worked on: the open draft's, else the published version's."""
    forms = ProgrammeForms(db.session, key, current_app.extensions["acompana.forms"])
    schemas, revision = drafts.draft_forms(db.session, key, actor())
    if schemas is not None:
        forms.schemas, forms.revision = schemas, revision
        forms.references.update(drafts.draft_references(db.session, key, actor()))
    return forms


@bp.route("/<key>/forms")
@login_required
def index(key: str):
    """The programme's forms, each with a link to the editor."""
    programme = _managed(key)
    forms = _forms(key)
    return render_template("form_editor/index.html", programme=programme, forms=forms.titles(),
                           version=forms.version)


@bp.route("/<key>/forms/<path:form_key>/edit")
@login_required
def edit(key: str, form_key: str):
    """The editor on one form (a new, empty form for a key the version does not have)."""
    programme = _managed(key)
    if not valid_key(key, form_key):
        abort(404)
    forms = _forms(key)
    schema = forms.editable(form_key)
    config = {"formKey": form_key, "schema": schema or EMPTY_FORM, "isNew": schema is None,
              "previewUrl": url_for("form_editor.preview_form", key=key),
              "saveUrl": url_for("form_editor.save", key=key, form_key=form_key),
              "revision": forms.revision, "programme": key,
              "fromModeler": request.args.get("from") == "modeler",
              "modelerUrl": url_for("modeler.page", key=key),
              "references": sorted(forms.references), "words": editor_words()}
    return render_template("form_editor/edit.html", programme=programme, form_key=form_key,
                           config=config, config_json=script_json(config),
                           version=forms.version)


def script_json(value) -> Markup:
    """``value`` as JSON for a ``<script type="application/json">``, keys in their order
    (a form's fields are in property order; Flask's ``tojson`` would sort them)."""
    text = json.dumps(value, ensure_ascii=False)
    for char, escaped in (("&", "\\u0026"), ("<", "\\u003c"), (">", "\\u003e"),
                          ("'", "\\u0027")):
        text = text.replace(char, escaped)
    return Markup(text)


@bp.route("/<key>/forms/preview", methods=["POST"])
@login_required
def preview_form(key: str):
    """The form drawn as the caseworker sees it, or its problems (always JSON)."""
    _managed(key)
    body, refused = _body()
    if refused:
        return refused
    html, problems = preview(body.get("schema"), body.get("data"), _forms(key).references, _)
    return jsonify(html=None if html is None else str(html), problems=problems_json(problems))


@bp.route("/<key>/forms/<path:form_key>", methods=["POST"])
@login_required
def save(key: str, form_key: str):
    """Check the form and keep it in the programme's draft."""
    _managed(key)
    if not valid_key(key, form_key):
        abort(404)
    body, refused = _body()
    if refused:
        return refused
    schema = body.get("schema")
    problems = form_problems(schema, _forms(key).references)
    if problems:
        return jsonify(saved=False, problems=problems_json(problems),
                       message=_("El formulario tiene problemas: no se guardó.")), 422
    try:
        with unit_of_work(db.session):
            saved = drafts.save_form(db.session, key, actor(), form_key, schema,
                                     body.get("revision"))
    except engine.Conflict as conflict:
        return jsonify(saved=False, problems=[], message=word_error(conflict)), 409
    revision = getattr(saved, "revision", None)
    return jsonify(saved=True, problems=[], revision=revision,
                   previous_revision=None if revision is None else revision - 1,
                   message=_("Formulario guardado en el borrador."))


def _body() -> tuple[dict, object]:
    """The request's JSON object, or the JSON answer refusing it (too large, not JSON)."""
    if (request.content_length or 0) > MAX_BODY_BYTES:
        return {}, _refusal("form.too_large", 413, limit=MAX_BODY_BYTES // 1024)
    raw = request.get_data(cache=False)
    if len(raw) > MAX_BODY_BYTES:
        return {}, _refusal("form.too_large", 413, limit=MAX_BODY_BYTES // 1024)
    try:
        body = json.loads(raw.decode("utf-8"), parse_constant=_no_constant)
    except (ValueError, RecursionError, UnicodeDecodeError):
        return {}, _refusal("form.not_json", 400)
    if not isinstance(body, dict):
        return {}, _refusal("form.not_json", 400)
    data = body.get("data")
    if data is not None and _nesting(data) > MAX_DEPTH:
        return {}, _refusal("form.too_deep", 400, limit=MAX_DEPTH)
    return body, None


def _no_constant(name: str):
    raise ValueError(f"{name} is not JSON")


def _nesting(value) -> int:
    deepest, stack = 0, [(value, 0)]
    while stack:
        node, depth = stack.pop()
        deepest = max(deepest, depth)
        if depth > MAX_DEPTH:
            break
        children = node.values() if isinstance(node, dict) else (
            node if isinstance(node, list) else ())
        stack += [(child, depth + 1) for child in children]
    return deepest


def _refusal(code: str, status: int, **params):
    problem = FormProblem("", code, code, params)
    return jsonify(html=None, saved=False, problems=problems_json([problem])), status
