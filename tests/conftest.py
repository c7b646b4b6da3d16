"""Shared fixtures: a real database (SQLite file and PostgreSQL), the app, a session, actors.

Every integration test runs on both databases. The schema is made by the Alembic migration,
so the migration is exercised by every run. PostgreSQL is the local server (127.0.0.1:5432)
unless ``ACOMPANA_TEST_PG`` names another admin URL.
"""

import os
import shutil
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.orm import Session

import engine
import web.auth.models  # noqa: F401 - registers the people tables
import web.notifications.models  # noqa: F401
from engine import catalog
from engine.models import Base, Territory
from web import create_app

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = Path(__file__).parent / "fixtures"
PG_ADMIN = os.environ.get("ACOMPANA_TEST_PG", "postgresql+psycopg://postgres@127.0.0.1:5432/postgres")
PG_TEST_DB = f"acompana_test_{os.getpid()}"
TABLES = [t.name for t in reversed(Base.metadata.sorted_tables)]


def _postgres_url() -> str:
    admin = create_engine(PG_ADMIN, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{PG_TEST_DB}" WITH (FORCE)'))
        conn.execute(text(f'CREATE DATABASE "{PG_TEST_DB}"'))
    admin.dispose()
    return PG_ADMIN.rsplit("/", 1)[0] + "/" + PG_TEST_DB


def _drop_postgres() -> None:
    admin = create_engine(PG_ADMIN, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{PG_TEST_DB}" WITH (FORCE)'))
    admin.dispose()


def _migrate(url: str) -> None:
    app = create_app({"SQLALCHEMY_DATABASE_URI": url, "TESTING": True})
    with app.app_context():
        from flask_migrate import upgrade

        upgrade(directory=str(ROOT / "migrations"))


@pytest.fixture(scope="session", params=["sqlite", "postgresql"])
def migrated_database(request, tmp_path_factory):
    """A migrated, empty database of each kind (for SQLite: a template file)."""
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path_factory.mktemp('db') / 'template.db'}"
    else:
        url = _postgres_url()
        request.addfinalizer(_drop_postgres)
    _migrate(url)
    return url


@pytest.fixture
def database_url(migrated_database, tmp_path):
    """An empty migrated database for one test: a copy of the SQLite template, or the
    PostgreSQL test database, truncated afterwards."""
    catalog.forget()
    if migrated_database.startswith("sqlite"):
        copy = tmp_path / "acompana.db"
        shutil.copyfile(migrated_database.removeprefix("sqlite:///"), copy)
        yield f"sqlite:///{copy}"
    else:
        yield migrated_database
        _truncate(migrated_database)


@pytest.fixture
def app(database_url):
    """The Flask app on the test database."""
    return create_app({"SQLALCHEMY_DATABASE_URI": database_url, "TESTING": True})


@pytest.fixture
def sql_engine(database_url):
    """A SQLAlchemy engine on the test database (emptied after the test)."""
    options = {"connect_args": {"timeout": 30}} if database_url.startswith("sqlite") else {}
    sql = create_engine(database_url, **options)
    yield sql
    sql.dispose()


@pytest.fixture
def session(sql_engine):
    """One session, as one person or worker would have."""
    with Session(sql_engine, expire_on_commit=False) as s:
        yield s


@pytest.fixture
def new_session(sql_engine):
    """Factory of extra sessions, for tests with several people or workers at once."""
    opened = []

    def make() -> Session:
        s = Session(sql_engine, expire_on_commit=False)
        opened.append(s)
        return s

    yield make
    for s in opened:
        s.close()


def _truncate(url: str) -> None:
    sql = create_engine(url)
    with sql.begin() as conn:
        conn.execute(text(f"TRUNCATE {', '.join(TABLES)} RESTART IDENTITY CASCADE"))
    sql.dispose()


@pytest.fixture
def territories(session):
    """A Chilean comuna and an Italian Ambito, with their holiday calendars."""
    rows = [
        Territory(code="antofagasta", name="Antofagasta", country="CL", region="AN",
                  timezone="America/Santiago"),
        Territory(code="somma_lombardo", name="Ambito di Somma Lombardo", country="IT",
                  region="VA", timezone="Europe/Rome"),
    ]
    session.add_all(rows)
    session.commit()
    return {t.code: t for t in rows}


@pytest.fixture
def fixture_forms():
    """The forms of the small test processes."""
    return engine.FormLibrary(FIXTURES / "forms")


@pytest.fixture
def real_forms():
    """The real programme forms."""
    return engine.FormLibrary(ROOT / "forms")


@pytest.fixture
def caseworker(territories):
    """Ana, caseworker in Antofagasta."""
    territory = territories["antofagasta"].id
    return engine.Actor("ana", frozenset({"caseworker"}), frozenset({territory}))


@pytest.fixture
def supervisor(territories):
    """Jorge, head of the Antofagasta unit."""
    return engine.Actor("jorge", frozenset({"supervisor"}),
                        frozenset({territories["antofagasta"].id}))
