"""A fresh, migrated PostgreSQL database for a benchmark run.

``ACOMPANA_BENCH_DB_SUFFIX`` (say ``hotpath``) is appended to every database name, so that
several people benchmarking on one server never drop each other's databases."""

import os
from pathlib import Path

from sqlalchemy import create_engine, text

from web import create_app

ROOT = Path(__file__).resolve().parent.parent


def named(name: str) -> str:
    """``name`` with the ``ACOMPANA_BENCH_DB_SUFFIX`` of this run, if any."""
    suffix = os.environ.get("ACOMPANA_BENCH_DB_SUFFIX", "").strip()
    return f"{name}_{suffix}" if suffix and not name.endswith(f"_{suffix}") else name


def fresh_database(admin_url: str, name: str) -> str:
    """Drop and recreate database ``name``, migrate it, and return its URL."""
    name = named(name)
    admin = create_engine(admin_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    admin.dispose()
    return migrate(database_url(admin_url, name))


def migrate(url: str) -> str:
    """Bring database ``url`` to the newest schema (a reused database gets new migrations)."""
    app = create_app({"SQLALCHEMY_DATABASE_URI": url})
    with app.app_context():
        from flask_migrate import upgrade

        from web.extensions import db

        upgrade(directory=str(ROOT / "migrations"))
        db.engine.dispose()
    return url


def database_url(admin_url: str, name: str) -> str:
    """The URL of database ``name`` on the server of ``admin_url``."""
    name = named(name)
    return admin_url.rsplit("/", 1)[0] + "/" + name


def exists(admin_url: str, name: str) -> bool:
    """Whether database ``name`` is on the server."""
    name = named(name)
    admin = create_engine(admin_url)
    with admin.connect() as conn:
        found = conn.scalar(text("SELECT 1 FROM pg_database WHERE datname = :n"), {"n": name})
    admin.dispose()
    return found is not None


def copy_database(admin_url: str, template: str, name: str) -> str:
    """A fresh copy of database ``template`` called ``name``; return its URL."""
    template, name = named(template), named(name)
    admin = create_engine(admin_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        conn.execute(text("SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                          "WHERE datname = :t AND pid <> pg_backend_pid()"), {"t": template})
        conn.execute(text(f'CREATE DATABASE "{name}" TEMPLATE "{template}"'))
    admin.dispose()
    return database_url(admin_url, name)
