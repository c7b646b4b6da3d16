"""Input hygiene for every request: database ids in URLs bounded to the column range, no
character the database cannot store in any field, a body size limit, and clean 400/404/413/422
answers (in the person's language) instead of server errors.
"""

from flask import Flask, jsonify, request
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from werkzeug.routing import IntegerConverter

from engine.core.errors import InvalidInput
from engine.core.inputs import MAX_DATABASE_ID, has_unstorable

from .errors import render_error
from .field_errors import translated

LABELS = {
    "family_name": _l("Familia (apellidos)"), "address": _l("Dirección"),
    "members": _l("Integrantes (uno por línea: nombre, edad, parentesco, documento)"),
    "national_id": _l("RUT o codice fiscale de la persona de referencia"), "caseworker":
    _l("Profesional a cargo"), "reason": _l("Motivo"), "programme": _l("Programa"),
    "territory": _l("Territorio"), "username": _l("Usuario"), "password": _l("Contraseña"),
}
# pages that check their own query string and word each problem beside its field
CHECKS_OWN_ARGS = frozenset({"cases.index"})


class DatabaseId(IntegerConverter):
    """``<id:case_id>``: a positive whole number that fits an INTEGER column (else 404)."""

    def __init__(self, url_map, max: int = MAX_DATABASE_ID):  # noqa: A002 - werkzeug's name
        super().__init__(url_map, min=1, max=max)


def register_converters(app: Flask) -> None:
    """Make ``<id:...>`` available to the routes (call before registering blueprints)."""
    app.url_map.converters["id"] = DatabaseId


JSON_BLUEPRINTS = {"modeler_api"}  # blueprints whose refusals are JSON, not the error page


def register(app: Flask) -> None:
    """Install the request check and the answers for oversized and invalid input."""
    app.before_request(refuse_unstorable)
    app.register_error_handler(413, too_large)
    app.register_error_handler(InvalidInput, invalid_input)


def unstorable_field() -> str | None:
    """The name of the first URL part, query parameter, form field or JSON value holding a
    NUL or a lone surrogate, if any (``json`` for a JSON body nested too deep to read)."""
    try:
        for name, value in _named_values():
            if has_unstorable(name) or (isinstance(value, str) and has_unstorable(value)):
                return name
    except RecursionError:  # json.loads (and the walk) give up on very deep nesting
        return "json"
    return None


def _named_values():
    yield from (request.view_args or {}).items()
    if request.endpoint not in CHECKS_OWN_ARGS:
        yield from request.args.items(multi=True)
    if request.method in ("POST", "PUT", "PATCH", "DELETE"):
        yield from request.form.items(multi=True)
        if request.is_json:
            yield from _json_values("json", request.get_json(silent=True))


def _json_values(path: str, value):
    if isinstance(value, dict):
        for key, item in value.items():
            yield (key if has_unstorable(key) else f"{path}.{key}"), ""
            yield from _json_values(f"{path}.{key}", item)
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from _json_values(f"{path}[{index}]", item)
    else:
        yield path, value


def refuse_unstorable():
    """400, naming the field, for characters the database cannot store; nothing runs."""
    field = unstorable_field()
    if field is None:
        return None
    shown = LABELS.get(field) or field.encode("utf-8", "backslashreplace").decode(
        "utf-8").replace("\x00", "\\x00")
    message = _("El campo «%(field)s» contiene caracteres no válidos (por ejemplo, un carácter "
                "nulo); no se guardó nada.", field=shown)
    if request.blueprint in JSON_BLUEPRINTS:  # JSON endpoints answer in JSON
        return jsonify({"error": "request.unstorable", "message": message, "field": shown}), 400
    return render_error(400, message)


def too_large(error):
    """413 with the app's page when the request body is over the limit."""
    limit = request.max_content_length or 0
    message = _("La solicitud es demasiado grande (máximo %(size)s KB); no se guardó nada.",
                size=limit // 1024)
    return render_error(413, message)


def invalid_input(error: InvalidInput):
    """422 listing each refused field and why, in the person's language (problem+json with
    each field under /api/)."""
    from .api import problems

    if problems.for_api():
        return problems.engine_problem(error, 422)
    return render_error(422, describe(error))


def describe(error: InvalidInput) -> str:
    """``«Motivo»: Máximo 200 caracteres.`` for each field of ``error``."""
    messages = translated(error.errors)
    return " ".join(f"«{LABELS.get(field, field)}»: {text}" for field, text in messages.items())
