"""Unit-test fixtures: the app on an empty in-memory database (no services)."""

import pytest

from web import create_app
from web.extensions import db


@pytest.fixture(scope="module")
def app():
    """The app on an empty in-memory SQLite database, its tables made (people are named from
    its accounts: none)."""
    app = create_app({"SQLALCHEMY_DATABASE_URI": "sqlite://", "TESTING": True})
    with app.app_context():
        db.create_all()
    return app
