"""One place that turns errors into HTTP answers: engine errors, HTTP errors and crashes.

Every error page is the app's own (``error.html``), in the person's language. The page itself
needs no database; when the database is what failed, even the language comes without a query
(what the request already chose, the person if loaded, else the browser).
"""

import logging

from flask import Flask, current_app, g, request
from flask_babel import force_locale, get_locale
from flask_babel import lazy_gettext as _l
from flask_wtf.csrf import CSRFError
from sqlalchemy import inspect
from sqlalchemy.exc import SQLAlchemyError
from werkzeug.exceptions import HTTPException, InternalServerError

import engine

from .access import log_refusal
from .i18n import COUNTRY_LANGUAGE, LANGUAGES
from .messages import known, word_error

STATUS = {
    engine.NotFound: 404,
    engine.NotAllowed: 403,
    engine.Conflict: 409,
    engine.InvalidTaskData: 422,
    engine.InvalidProcess: 422,
    engine.ScriptFailure: 500,
}
HTTP_CODES = (400, 403, 404, 405, 413, 429)
DATABASE_FAILURES = (SQLAlchemyError, OSError)
TITLES = {
    400: _l("Solicitud no válida"),
    403: _l("No permitido"),
    404: _l("No encontrado"),
    405: _l("Acción no disponible"),
    409: _l("Otra persona se adelantó"),
    413: _l("Envío demasiado grande"),
    429: _l("Demasiados intentos"),
    500: _l("Error del sistema"),
}
TEXTS = {
    400: _l("La solicitud no se pudo entender. Revise los datos e inténtelo de nuevo."),
    403: _l("Su rol no permite esta acción."),
    404: _l("Esta página no existe o no tiene acceso a ella."),
    405: _l("Esta dirección no admite esa acción."),
    413: _l("Lo enviado supera el tamaño máximo permitido."),
    429: _l("Espere un momento antes de volver a intentarlo."),
    500: _l("Algo falló de nuestro lado y quedó registrado. Inténtelo de nuevo en unos minutos."),
}
CSRF_TEXT = _l("El formulario caducó o no es válido. Vuelva a cargar la página e inténtelo "
               "de nuevo.")
log = logging.getLogger("acompana.errors")


def status_of(error: engine.EngineError) -> int:
    """The HTTP status for an engine error."""
    return next((code for kind, code in STATUS.items() if isinstance(error, kind)), 400)


def _loaded(obj, name: str):
    """``obj.name`` if it is already loaded (reading it needs no query), else ``None``."""
    state = inspect(obj, raiseerr=False)
    if state is None or name in state.unloaded:
        return None
    return getattr(obj, name)


def offline_locale() -> str:
    """The page language without touching the database: the one this request already chose,
    else the signed-in person's if loaded, else the browser's."""
    chosen = getattr(g.get("_flask_babel"), "babel_locale", None)
    if chosen is not None:
        return str(chosen)
    user = g.get("_login_user")
    if user is not None and _loaded(user, "locale") in LANGUAGES:
        return user.locale
    for territory in (_loaded(user, "territories") if user is not None else None) or []:
        return COUNTRY_LANGUAGE.get(_loaded(territory, "country"), "es")
    return request.accept_languages.best_match(list(LANGUAGES)) or "es"


def _locale(database_failed: bool) -> str:
    if not database_failed:
        try:
            return str(get_locale())
        except DATABASE_FAILURES:
            pass  # the database failed while finding the person: fall back to what is at hand
    return offline_locale()


def render_error(code: int, message: str | None = None, database_failed: bool = False):
    """The app's error page for ``code`` (with an optional detail), and the status. With
    ``database_failed`` the page is made without a single query. Under /api/ the answer is
    problem+json instead (web.api.problems)."""
    from .api import problems

    if problems.for_api():
        return problems.response(code, detail=str(message) if message else None)
    locale = _locale(database_failed)
    template = current_app.jinja_env.get_template("error.html")  # no context processors:
    with force_locale(locale):  # they would load the signed-in person from the database
        page = template.render(code=code, lang=locale, text=message or TEXTS.get(code),
                               title=TITLES.get(code, _l("No se pudo completar")))
    return page, code


def _log_exception(exc_info) -> None:
    """Flask's hook for an unhandled exception: one log line with the request and traceback."""
    log.error("%s %s failed with an unhandled %s", request.method, request.path,
              exc_info[0].__name__, exc_info=exc_info)


def _detail(error: engine.EngineError, code: int) -> str | None:
    """What the page says about ``error`` in the reader's language: its own wording, or for a
    code with no wording yet (and always for 404, which never confirms what exists) the
    status's general text."""
    specific = known(error.code) and error.code != engine.EngineError.code
    return word_error(error) if code != 404 and specific else None


def _engine_answer(error: engine.EngineError, code: int):
    """The page for an engine error, or under /api/ its problem+json (web.api.problems)."""
    from .api import problems

    if problems.for_api():
        return problems.engine_problem(error, code)
    return render_error(code, _detail(error, code))


def register(app: Flask) -> None:
    """Install the error handlers."""

    @app.errorhandler(engine.EngineError)
    def engine_error(error: engine.EngineError):
        code = status_of(error)
        if code in (403, 404):
            log_refusal(code, str(error))
        elif code >= 500:
            log.error("%s %s failed: %s", request.method, request.path, error)
        return _engine_answer(error, code)

    @app.errorhandler(CSRFError)
    def csrf_error(error: CSRFError):
        return render_error(400, CSRF_TEXT)

    def http_error(error: HTTPException):
        return render_error(error.code)

    def server_error(error: InternalServerError):
        cause = getattr(error, "original_exception", None)
        return render_error(500, database_failed=cause is None or isinstance(
            cause, DATABASE_FAILURES))

    for code in HTTP_CODES:
        app.register_error_handler(code, http_error)
    app.register_error_handler(InternalServerError, server_error)
    app.log_exception = _log_exception
