"""Configuration defaults; every value can be overridden from the environment."""

import os
import secrets
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def default_config(instance_path: str) -> dict:
    """The configuration used unless a test or the environment says otherwise."""
    sqlite = f"sqlite:///{Path(instance_path) / 'acompana.db'}"
    max_hours = int(os.environ.get("ACOMPANA_SESSION_MAX_HOURS", "12"))
    return {
        "SECRET_KEY": os.environ.get("SECRET_KEY") or _instance_secret(Path(instance_path)),
        "SQLALCHEMY_DATABASE_URI": _database_url(os.environ.get("DATABASE_URL", sqlite)),
        "SQLALCHEMY_ENGINE_OPTIONS": {"pool_pre_ping": True},
        "PROCESSES_DIR": os.environ.get("ACOMPANA_PROCESSES", str(ROOT / "processes")),
        "FORMS_DIR": os.environ.get("ACOMPANA_FORMS", str(ROOT / "forms")),
        "REDIS_URL": os.environ.get("REDIS_URL"),
        # the rq queue workers listen to (as web.scheduler reads it): a migration chain's next
        # job and a resumed batch go there too
        "ACOMPANA_QUEUE": os.environ.get("ACOMPANA_QUEUE"),
        # the address of the app in links e-mailed from the command line (invitations)
        "ACOMPANA_BASE_URL": os.environ.get("ACOMPANA_BASE_URL"),
        "MAIL_SERVER": os.environ.get("MAIL_SERVER"),
        "MAIL_PORT": int(os.environ.get("MAIL_PORT", "25")),
        "MAIL_FROM": os.environ.get("MAIL_FROM", "acompana@localhost"),
        "SESSION_COOKIE_HTTPONLY": True,
        "SESSION_COOKIE_SAMESITE": "Lax",
        "SESSION_COOKIE_SECURE": os.environ.get("ACOMPANA_INSECURE_COOKIES") != "1",
        "REMEMBER_COOKIE_SECURE": os.environ.get("ACOMPANA_INSECURE_COOKIES") != "1",
        "REMEMBER_COOKIE_HTTPONLY": True,
        "SESSION_IDLE_MINUTES": int(os.environ.get("ACOMPANA_SESSION_IDLE_MINUTES", "60")),
        "SESSION_MAX_HOURS": max_hours,
        "PERMANENT_SESSION_LIFETIME": 3600 * max_hours,  # the cookie; the server decides anyway
        "MAX_CONTENT_LENGTH": _max_request_bytes(),
        "MAX_FORM_MEMORY_SIZE": _max_request_bytes(),
        "BABEL_DEFAULT_LOCALE": "es",
        "BABEL_TRANSLATION_DIRECTORIES": str(ROOT / "web" / "translations"),
        # limits on every script and expression a process runs (engine.runtime.limits)
        "ACOMPANA_SCRIPT_SECONDS": float(os.environ.get("ACOMPANA_SCRIPT_SECONDS", "2")),
        "ACOMPANA_SCRIPT_MEMORY_MB": float(os.environ.get("ACOMPANA_SCRIPT_MEMORY_MB", "128")),
        "ACOMPANA_CASE_DATA_MB": float(os.environ.get("ACOMPANA_CASE_DATA_MB", "2")),
        "ACOMPANA_MAX_INSTANCES": int(os.environ.get("ACOMPANA_MAX_INSTANCES", "1000")),
    }


def _max_request_bytes() -> int:
    """The largest request body accepted (413 beyond it); 1 MB unless configured."""
    return int(os.environ.get("ACOMPANA_MAX_REQUEST_BYTES", 1024 * 1024))


def engine_limits(config) -> dict:
    """The engine's script limits (engine.runtime.limits.configure) from the app's configuration."""
    return {"seconds": config["ACOMPANA_SCRIPT_SECONDS"],
            "memory_mb": config["ACOMPANA_SCRIPT_MEMORY_MB"],
            "case_data_mb": config["ACOMPANA_CASE_DATA_MB"],
            "instances": config["ACOMPANA_MAX_INSTANCES"]}


def _instance_secret(instance: Path) -> str:
    """A random secret kept in the instance folder, made on first start."""
    path = instance / "secret_key"
    if not path.exists():
        instance.mkdir(parents=True, exist_ok=True)
        path.write_text(secrets.token_hex(32), encoding="utf-8")
        path.chmod(0o600)
    return path.read_text(encoding="utf-8").strip()


def _database_url(url: str) -> str:
    """Use psycopg 3 for PostgreSQL URLs given in the common short form."""
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix):]
    return url


def engine_options(url: str) -> dict:
    """Per-database engine options: SQLite waits for a lock instead of failing at once;
    PostgreSQL plans for solid-state storage (``random_page_cost`` 1.1, the usual setting for
    SSDs, instead of the spinning-disk default 4; ``ACOMPANA_PG_RANDOM_PAGE_COST`` changes it).
    With the default, a name search matching thousands of households read every case row
    instead of the index on their household (measured 62 → 44 ms on 100,000 cases)."""
    if url.startswith("sqlite"):
        return {"connect_args": {"timeout": 30}}
    cost = float(os.environ.get("ACOMPANA_PG_RANDOM_PAGE_COST", "1.1"))
    return {"pool_pre_ping": True,
            "connect_args": {"options": f"-c random_page_cost={cost:g}"}}
