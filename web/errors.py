"""One place that turns engine errors into HTTP answers."""

from flask import Flask, render_template
from flask_wtf.csrf import CSRFError

import engine

from .access import log_refusal

STATUS = {
    engine.NotFound: 404,
    engine.NotAllowed: 403,
    engine.Conflict: 409,
    engine.InvalidTaskData: 422,
    engine.InvalidProcess: 422,
    engine.ScriptFailure: 500,
}


def status_of(error: engine.EngineError) -> int:
    """The HTTP status for an engine error."""
    return next((code for kind, code in STATUS.items() if isinstance(error, kind)), 400)


def register(app: Flask) -> None:
    """Install the error handlers."""

    @app.errorhandler(engine.EngineError)
    def engine_error(error: engine.EngineError):
        code = status_of(error)
        if code in (403, 404):
            log_refusal(code, str(error))
        return render_template("error.html", code=code, message=str(error)), code

    @app.errorhandler(CSRFError)
    def csrf_error(error: CSRFError):
        return render_template("error.html", code=400, message=error.description), 400

    for code in (403, 404, 405):
        app.register_error_handler(
            code, lambda e, c=code: (render_template("error.html", code=c, message=None), c))
