"""The Acompaña web application (Flask application factory)."""

from pathlib import Path

from flask import Flask

from engine import FormLibrary

from .config import default_config, engine_options
from .extensions import db, migrate


def create_app(test_config: dict | None = None) -> Flask:
    """Build the app; ``test_config`` overrides the defaults (and the environment)."""
    app = Flask(__name__, instance_relative_config=True)
    app.config.from_mapping(default_config(app.instance_path))
    if test_config:
        app.config.from_mapping(test_config)
    url = app.config["SQLALCHEMY_DATABASE_URI"]
    app.config["SQLALCHEMY_ENGINE_OPTIONS"] = engine_options(url)
    Path(app.instance_path).mkdir(parents=True, exist_ok=True)
    db.init_app(app)
    migrate.init_app(app, db, directory=str(Path(__file__).parent.parent / "migrations"))
    app.extensions["acompana.forms"] = FormLibrary(Path(app.config["FORMS_DIR"]))
    from . import cli

    cli.register(app)
    return app
