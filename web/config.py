"""Configuration defaults; every value can be overridden from the environment."""

import os
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def default_config(instance_path: str) -> dict:
    """The configuration used unless a test or the environment says otherwise."""
    sqlite = f"sqlite:///{Path(instance_path) / 'acompana.db'}"
    return {
        "SECRET_KEY": os.environ.get("SECRET_KEY", "dev-only-change-me"),
        "SQLALCHEMY_DATABASE_URI": _database_url(os.environ.get("DATABASE_URL", sqlite)),
        "SQLALCHEMY_ENGINE_OPTIONS": {"pool_pre_ping": True},
        "PROCESSES_DIR": os.environ.get("ACOMPANA_PROCESSES", str(ROOT / "processes")),
        "FORMS_DIR": os.environ.get("ACOMPANA_FORMS", str(ROOT / "forms")),
        "REDIS_URL": os.environ.get("REDIS_URL"),
    }


def _database_url(url: str) -> str:
    """Use psycopg 3 for PostgreSQL URLs given in the common short form."""
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix):]
    return url


def engine_options(url: str) -> dict:
    """Per-database engine options (SQLite waits for a lock instead of failing at once)."""
    if url.startswith("sqlite"):
        return {"connect_args": {"timeout": 30}}
    return {"pool_pre_ping": True}
