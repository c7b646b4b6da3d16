"""Acompaña's HTTP API, ``/api/v1``: the web pages' rules for other systems.

flask-smorest builds it from marshmallow schemas, one blueprint per resource
(``web/api/resources``, listed in ``BLUEPRINTS``); the OpenAPI 3 document is generated from
the same schemas at ``/api/v1/openapi.json`` and shown at ``/api/v1/docs`` (Swagger UI from
npm, no CDN). Every view asks the engine, as the caller's :class:`~engine.Actor`
(:mod:`.auth`: a token client or a person's session), through its one access policy; every
refusal is problem+json (:mod:`.problems`); lists are paged (:mod:`.pagination`), updates
need ``If-Match`` (:mod:`.etags`), creates accept ``Idempotency-Key`` (:mod:`.idempotency`),
and each client has its rate limit (:mod:`.limits`).
"""

from flask import Blueprint, Flask, render_template, request, url_for
from flask_login import current_user
from flask_smorest import Api
from werkzeug.exceptions import HTTPException

from engine.core.inputs import MAX_DATABASE_ID

from ..extensions import csrf
from ..input_checks import DatabaseId
from . import auth, limits, problems
from . import models as _models  # noqa: F401 - registers the API's tables
from .schemas import ProblemSchema

PREFIX = "/api/v1"
SPEC = {
    "API_TITLE": "Acompaña API",
    "API_VERSION": "v1",
    "OPENAPI_VERSION": "3.0.3",
    "OPENAPI_URL_PREFIX": PREFIX,
    "OPENAPI_JSON_PATH": "openapi.json",
}
SECURITY = {
    "bearer": {"type": "http", "scheme": "bearer",
               "description": "A client's token (flask tokens create, or Administración → "
                              "Clientes de la API)."},
    "session": {"type": "apiKey", "in": "cookie", "name": "session",
                "description": "A person's session; writes also need X-CSRFToken."},
}


class AcompanaApi(Api):
    """flask-smorest's Api answering errors as problem+json through the app's one error
    handler (web/errors.py), and documenting them so."""

    ERROR_SCHEMA = ProblemSchema

    def _register_error_handlers(self):
        """The app's error handlers already answer the API's errors (see :func:`_fallback`)."""

    def _register_responses(self):
        super()._register_responses()
        for name, response in self.spec.components.responses_lazy.items():
            content = response.get("content") or {}
            if "application/json" in content:
                response["content"] = {problems.MEDIA_TYPE: content["application/json"]}
                self.spec.components.responses_lazy[name] = response


docs = Blueprint("api_documentation", __name__, url_prefix=PREFIX)


@docs.route("/docs")
def documentation():
    """The interactive documentation of the API (Swagger UI)."""
    from flask_babel import get_locale

    return render_template("api/docs.html", lang=str(get_locale()),
                           spec_url=url_for("api-docs.openapi_json"),
                           signed_in=current_user.is_authenticated)


def _fallback(error: HTTPException):
    """An HTTP error no other handler takes: problem+json under /api/, as it was elsewhere."""
    return problems.http_problem(error) if problems.for_api() else error


def init_api(app: Flask) -> AcompanaApi:
    """Build the API on ``app``: the spec, the docs page and every resource blueprint, each
    authenticated, exempt from the form CSRF check (its own for sessions) and rate-limited."""
    from .resources import BLUEPRINTS

    for key, value in SPEC.items():
        app.config.setdefault(key, value)
    app.config.setdefault("API_SPEC_OPTIONS", {
        "security": [{"bearer": []}, {"session": []}],
        "info": {"description": "Acompaña's cases, households and programmes for other "
                                "systems, with exactly the web pages' rules."}})
    api = AcompanaApi(app)
    api.register_converter(DatabaseId, lambda converter: {
        "type": "integer", "minimum": 1, "maximum": MAX_DATABASE_ID})
    for name, scheme in SECURITY.items():
        api.spec.components.security_scheme(name, scheme)
    limiter = limits.init_app(app)
    names = frozenset(blueprint.name for blueprint in BLUEPRINTS)
    for blueprint in BLUEPRINTS:
        csrf.exempt(blueprint)
        limits.limit(limiter, blueprint)
        api.register_blueprint(blueprint)
    app.before_request(lambda: auth.authenticate() if request.blueprint in names else None)
    app.register_blueprint(docs)
    app.register_error_handler(HTTPException, _fallback)
    app.extensions["acompana.api"] = api
    return api
