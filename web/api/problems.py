"""One error shape for the whole API: RFC 9457 ``application/problem+json``.

Every refusal under ``/api/`` answers ``{type, title, status, detail, instance, code,
errors}``:
``code`` is the engine's stable error code (``case.not_found``, ``policy.not_allowed``…) or
one of the API's own (``api.*`` below), ``detail`` words it in the client's language
(``Accept-Language`` first, then the person's), and ``errors`` names each field at fault
(``{"members[0].age": ["Debe ser mayor o igual que 0."]}``). A 404 never says more than
"not found": a case outside the client's territories reads like one that does not exist.

:func:`for_api` tells the app's error handlers (web/errors.py, web/input_checks.py) to answer
with :func:`response` / :func:`engine_problem` instead of the HTML error page.
"""

import re

from flask import Response, current_app, json, request
from flask_babel import force_locale, get_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from werkzeug.exceptions import HTTPException

import engine

from ..i18n import LANGUAGES

PREFIX = "/api/"
MEDIA_TYPE = "application/problem+json"
TYPE_BASE = "urn:acompana:problem:"  # a name, not a page: the code says what went wrong
TITLES = {
    400: _l("Solicitud no válida"),
    401: _l("Falta identificarse"),
    403: _l("No permitido"),
    404: _l("No encontrado"),
    405: _l("Acción no disponible"),
    409: _l("Otra persona se adelantó"),
    412: _l("El recurso cambió"),
    413: _l("Envío demasiado grande"),
    415: _l("Tipo de contenido no admitido"),
    422: _l("Datos no válidos"),
    428: _l("Falta la condición If-Match"),
    429: _l("Demasiadas solicitudes"),
    500: _l("Error del sistema"),
}
# the API's own codes (HTTP-level refusals), worded here; the engine's are worded by
# web.messages like everywhere else
CODES = {
    400: "api.bad_request", 401: "api.unauthenticated", 403: "policy.not_allowed",
    404: "api.not_found", 405: "api.method_not_allowed", 409: "api.conflict",
    412: "api.etag_mismatch", 413: "api.too_large", 415: "api.unsupported_media_type",
    422: "api.invalid_data", 428: "api.if_match_required", 429: "api.rate_limited",
    500: "api.server_error",
}
DETAILS = {
    "api.bad_request": _l("La solicitud no se pudo entender. Revise los datos e inténtelo "
                          "de nuevo."),
    "api.unauthenticated": _l("Envíe un token válido (Authorization: Bearer …) o inicie "
                              "sesión."),
    "api.token_expired": _l("El token de este cliente caducó: pida uno nuevo a la "
                            "administración."),
    "api.token_revoked": _l("El token de este cliente fue revocado: pida uno nuevo a la "
                            "administración."),
    "api.csrf_missing": _l("Con la sesión del navegador, toda escritura debe llevar la "
                           "cabecera X-CSRFToken con el token de la página."),
    "policy.not_allowed": _l("Su rol no permite esta acción."),
    "api.not_found": _l("No existe o no tiene acceso a ello."),
    "api.method_not_allowed": _l("Esta dirección no admite esa acción."),
    "api.conflict": _l("Otra persona cambió esto antes: vuelva a leerlo e inténtelo de "
                       "nuevo."),
    "api.etag_mismatch": _l("El recurso cambió desde que lo leyó (If-Match no coincide con "
                            "su ETag): vuelva a leerlo y aplique su cambio de nuevo."),
    "api.too_large": _l("Lo enviado supera el tamaño máximo permitido."),
    "api.unsupported_media_type": _l("Envíe el cuerpo como application/json."),
    "api.invalid_data": _l("Algunos datos no son válidos: vea «errors»."),
    "api.if_match_required": _l("Las modificaciones deben llevar la cabecera If-Match con el "
                                "ETag leído."),
    "api.rate_limited": _l("Este cliente hizo demasiadas solicitudes: espere los segundos "
                           "que indica Retry-After."),
    "api.idempotency_reused": _l("Esta Idempotency-Key ya se usó con otro contenido: use una "
                                 "clave nueva para cada solicitud distinta."),
    "api.server_error": _l("Algo falló de nuestro lado y quedó registrado. Inténtelo de "
                           "nuevo en unos minutos."),
}


def for_api() -> bool:
    """Whether the current request is the API's (its errors are problem+json)."""
    return request.path.startswith(PREFIX)


def client_locale() -> str:
    """The language of the answer: the client's ``Accept-Language``, else the person's."""
    if request.accept_languages:
        best = request.accept_languages.best_match(list(LANGUAGES))
        if best:
            return best
    try:
        return str(get_locale())
    except Exception:  # noqa: BLE001 - the database failed: the answer still goes out
        return "es"


def in_client_language():
    """A context in which gettext words in the client's language."""
    return force_locale(client_locale())


def response(status: int, code: str | None = None, detail: str | None = None,
             errors: dict | None = None, headers: dict | None = None,
             **extra) -> Response:
    """A problem+json response; ``detail`` defaults to the wording of ``code``."""
    code = code or CODES.get(status, "api.error")
    with force_locale(client_locale()):
        body = {"type": TYPE_BASE + code, "title": str(TITLES.get(status, TITLES[400])),
                "status": status, "detail": detail or str(DETAILS.get(code, "")) or None,
                "code": code, "errors": _worded(errors or {}), "instance": request.path,
                **extra}
    answer = current_app.response_class(json.dumps(body), status=status, mimetype=MEDIA_TYPE)
    for name, value in (headers or {}).items():
        answer.headers[name] = value
    return answer


def _worded(errors: dict) -> dict[str, list[str]]:
    """``{field: [message, …]}`` with marshmallow's English messages in the client's
    language."""
    return {field: [str(_marshmallow(m)) for m in messages]
            for field, messages in errors.items()}


def engine_problem(error: engine.EngineError, status: int) -> Response:
    """An engine error as a problem: its code, its wording, its fields."""
    from ..field_errors import message
    from ..messages import known, word_error

    with force_locale(client_locale()):
        if status == 404:  # never confirms what exists, whatever the engine knew
            return response(404, "api.not_found")
        detail = word_error(error) if known(error.code) else None
        errors: dict[str, list[str]] = {}
        for field_error in getattr(error, "errors", None) or []:
            errors.setdefault(field_error.field, []).append(message(field_error))
        params = {k: v for k, v in (error.params or {}).items() if k != "fields"}
        return response(status, error.code, detail, errors, params=_plain(params))


def _plain(params: dict) -> dict:
    """Params as JSON can carry them (a moment as ISO text)."""
    return json.loads(json.dumps(params, default=str))


def http_problem(error: HTTPException) -> Response:
    """An HTTP error (a webargs 422 with its fields, a 405, a 429…) as a problem."""
    data = getattr(error, "data", None) or {}
    errors = _flattened(data.get("messages") or data.get("errors") or {})
    headers = dict(data.get("headers") or {})
    if error.code == 429:
        headers.update(_retry_after(error))
    code = data.get("code") if isinstance(data.get("code"), str) else None
    return response(error.code or 500, code, None, errors, headers)


def _retry_after(error: HTTPException) -> dict:
    try:
        seconds = [v for k, v in error.get_headers() if k.lower() == "retry-after"]
    except Exception:  # noqa: BLE001 - without a request the limit has no headers
        seconds = []
    return {"Retry-After": seconds[0] if seconds else "60"}


LOCATIONS = {"json", "query", "headers", "form", "files", "cookies", "view_args", "path"}


def _flattened(messages, path: str = "") -> dict[str, list[str]]:
    """webargs' nested ``{location: {field: {0: {name: [msg]}}}}`` as ``{"field[0].name":
    [msg]}``."""
    if isinstance(messages, list | tuple):
        return {path or "_schema": [str(m) for m in messages if isinstance(m, str)]
                or [str(messages)]}
    if not isinstance(messages, dict):
        return {path or "_schema": [str(messages)]}
    flat: dict[str, list[str]] = {}
    for key, value in messages.items():
        if not path and key in LOCATIONS and isinstance(value, dict):
            inner = ""
        elif isinstance(key, int) or str(key).isdigit():
            inner = f"{path}[{key}]"
        else:
            inner = f"{path}.{key}" if path else str(key)
        flat.update(_flattened(value, inner))
    return flat


MARSHMALLOW = {
    "Missing data for required field.": _l("Este campo es obligatorio."),
    "Field may not be null.": _l("Este campo no puede ser nulo."),
    "Unknown field.": _l("Este campo no existe aquí."),
    "Not a valid integer.": _l("Debe ser un número entero."),
    "Not a valid string.": _l("Debe ser un texto."),
    "Not a valid boolean.": _l("Debe ser true o false."),
    "Not a valid datetime.": _l("Debe ser una fecha y hora ISO 8601."),
    "Not a valid date.": _l("Debe ser una fecha (AAAA-MM-DD)."),
    "Not a valid list.": _l("Debe ser una lista."),
    "Not a valid mapping type.": _l("Debe ser un objeto JSON."),
    "Invalid input type.": _l("Tipo de dato incorrecto."),
    "Invalid value.": _l("Valor no válido."),
    "Not a valid number.": _l("Debe ser un número."),
    "Invalid JSON body.": _l("El cuerpo no es JSON válido."),
}
LENGTH = re.compile(r"^(?:Shorter than minimum length|Longer than maximum length) (\d+)\.$")
RANGE = re.compile(r"^Must be (?:greater than or equal to (\S+?))?(?: and )?"
                   r"(?:less than or equal to (\S+?))?\.$")


def _marshmallow(message: str):
    """One of marshmallow's (or webargs') English messages in the current language."""
    if message in MARSHMALLOW:
        return MARSHMALLOW[message]
    length = LENGTH.match(message)
    if length:
        return (_("Máximo %(limit)s caracteres.", limit=length.group(1))
                if message.startswith("Longer") else
                _("Mínimo %(limit)s caracteres.", limit=length.group(1)))
    bounds = RANGE.match(message)
    if bounds and (bounds.group(1) or bounds.group(2)):
        low, high = bounds.groups()
        return (_("Debe estar entre %(low)s y %(high)s.", low=low, high=high) if low and high
                else _("Debe ser mayor o igual que %(limit)s.", limit=low) if low
                else _("Debe ser menor o igual que %(limit)s.", limit=high))
    if message.startswith("Must be one of:"):
        return _("Elija una de las opciones: %(options)s.",
                 options=message.removeprefix("Must be one of:").strip().rstrip("."))
    return message
