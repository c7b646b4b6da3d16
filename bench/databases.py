"""A fresh, migrated PostgreSQL database for a benchmark run."""

from pathlib import Path

from sqlalchemy import create_engine, text

from web import create_app

ROOT = Path(__file__).resolve().parent.parent


def fresh_database(admin_url: str, name: str) -> str:
    """Drop and recreate database ``name``, migrate it, and return its URL."""
    admin = create_engine(admin_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    admin.dispose()
    url = database_url(admin_url, name)
    app = create_app({"SQLALCHEMY_DATABASE_URI": url})
    with app.app_context():
        from flask_migrate import upgrade

        upgrade(directory=str(ROOT / "migrations"))
    return url


def database_url(admin_url: str, name: str) -> str:
    """The URL of database ``name`` on the server of ``admin_url``."""
    return admin_url.rsplit("/", 1)[0] + "/" + name
