"""The Acompaña web application (Flask application factory)."""

from pathlib import Path

from flask import Flask

from engine import FormLibrary, configure_limits

from . import heartbeat as _heartbeat  # noqa: F401 - registers the heartbeat table
from . import input_checks, logs
from .config import default_config, engine_limits, engine_options
from .extensions import babel, csrf, db, login_manager, migrate


def create_app(test_config: dict | None = None) -> Flask:
    """Build the app; ``test_config`` overrides the defaults (and the environment)."""
    app = Flask(__name__, instance_relative_config=True)
    app.config.from_mapping(default_config(app.instance_path))
    if test_config:
        app.config.from_mapping(test_config)
    app.config["SQLALCHEMY_ENGINE_OPTIONS"] = engine_options(app.config["SQLALCHEMY_DATABASE_URI"])
    Path(app.instance_path).mkdir(parents=True, exist_ok=True)
    logs.configure()
    configure_limits(**engine_limits(app.config))
    _extensions(app)
    input_checks.register_converters(app)
    _blueprints(app)
    input_checks.register(app)
    _transport(app)
    return app


def _extensions(app: Flask) -> None:
    from . import i18n, names
    from .auth import passwords, throttle
    from .auth.sessions import load_user
    from .notifications import delivery as _delivery  # noqa: F401 - subscribes to events
    from .notifications import models as _notifications  # noqa: F401 - registers tables

    db.init_app(app)
    migrate.init_app(app, db, directory=str(Path(__file__).parent.parent / "migrations"))
    csrf.init_app(app)
    login_manager.init_app(app)
    login_manager.login_view = "auth.login"
    login_manager.user_loader(load_user)
    throttle.init_app(app)
    passwords.init_app(app)
    babel.init_app(app, locale_selector=i18n.select_locale,
                   timezone_selector=i18n.select_timezone)
    i18n.register(app)
    names.register(app)
    app.extensions["acompana.forms"] = FormLibrary(Path(app.config["FORMS_DIR"]))


def _transport(app: Flask) -> None:
    from . import proxy, security_headers

    security_headers.register(app)
    proxy.trust_proxies(app)


def _blueprints(app: Flask) -> None:
    from . import cli, errors, health
    from .admin.access_views import bp as admin_access_bp
    from .admin.api_client_views import bp as admin_api_clients_bp
    from .admin.audit_views import bp as admin_audit_bp
    from .admin.password_views import bp as password_bp
    from .admin.territory_views import bp as admin_territories_bp
    from .admin.views import bp as admin_bp
    from .api import init_api
    from .auth.views import bp as auth_bp
    from .cases import acts as _acts  # noqa: F401 - its routes are on the cases blueprint
    from .cases import household as _household  # noqa: F401 - its routes are on cases
    from .cases import record as _case_record  # noqa: F401 - the case file's record parts
    from .cases import step_move as _step_move  # noqa: F401 - its routes are on cases
    from .cases import transfers as _transfers  # noqa: F401 - its routes are on cases
    from .cases.views import bp as cases_bp
    from .dashboard.views import bp as dashboard_bp
    from .form_editor.views import bp as form_editor_bp
    from .group_sessions.places import bp as places_bp
    from .group_sessions.views import bp as group_sessions_bp
    from .inbox.views import bp as inbox_bp
    from .incidents.views import bp as incidents_bp
    from .instruments.views import bp as instruments_bp
    from .migrations.impact import bp as migrations_bp  # the impact section with the pages
    from .modeler import (  # noqa: F401 - their routes are on the modeler's blueprints
        history,
        importing,
        new_programme,
    )
    from .modeler.views import api as modeler_api
    from .modeler.views import bp as modeler_bp
    from .notifications.views import bp as notifications_bp
    from .programmes.views import bp as programmes_bp
    from .reports.views import bp as reports_bp
    from .tasks.views import bp as tasks_bp
    from .versions.views import bp as versions_bp

    for blueprint in (auth_bp, inbox_bp, tasks_bp, cases_bp, notifications_bp, dashboard_bp,
                      programmes_bp, reports_bp, health.bp, incidents_bp, form_editor_bp,
                      modeler_bp, modeler_api, versions_bp, migrations_bp, group_sessions_bp,
                      places_bp, instruments_bp, password_bp, admin_bp, admin_territories_bp,
                      admin_audit_bp, admin_access_bp, admin_api_clients_bp):
        app.register_blueprint(blueprint)
    init_api(app)  # /api/v1 (web/api): its resources, OpenAPI document and docs page
    errors.register(app)
    cli.register(app)
