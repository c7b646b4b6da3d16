"""Shared fixtures: a real database (SQLite file and PostgreSQL), the app, a session, actors.

Every integration test runs on both databases; the web's and the API's tests (``tests/e2e``,
``tests/api``) run on PostgreSQL, the deployed database, except modules marked
``both_databases`` (the core pages, on the embedded SQLite default too). A test marked
``postgresql_only`` (a multi-year simulation whose subject is not the database) runs on
PostgreSQL alone. The schema is made by the Alembic migration, so the migration is
exercised by every run. A test whose data
takes long to build overrides ``database_seed`` with a :class:`tests.templates.Seed`: the
data is built once per database kind into a template, and each test gets a fresh copy
(``seed_data`` is what the build returned); a ``cheap`` seed is built into each PostgreSQL
test's own database instead. PostgreSQL is the local server (127.0.0.1:5432) unless
``ACOMPANA_TEST_PG`` names another admin URL.
"""

import os
import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from sqlalchemy import create_engine, select, text
from sqlalchemy.orm import Session

import engine
import web.api.models  # noqa: F401 - registers the API's tables
import web.auth.models  # noqa: F401 - registers the people tables
import web.notifications.models  # noqa: F401
from engine.definitions import catalog
from engine.persistence.models import Base, Territory
from tests.templates import (  # noqa: F401
    PG_ADMIN,
    Templates,
    build_in,
    pg_admin,
    pg_clone,
    pg_drop,
    pg_url,
)
from web import create_app
from web.extensions import db

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = Path(__file__).parent / "fixtures"
PG_TEST_DB = f"acompana_test_{os.getpid()}"
TABLES = [t.name for t in reversed(Base.metadata.sorted_tables)]


def pytest_collection_modifyitems(config, items):
    """Leave out the SQLite runs of the web's tests and of ``postgresql_only`` tests (see the
    module docstring): the engine's tests cover both databases."""
    kept, dropped = [], []
    for item in items:
        kept_on_sqlite = not _postgresql_only(item)
        on_sqlite = getattr(item, "callspec", None) and \
            item.callspec.params.get("migrated_database") == "sqlite"
        (kept if kept_on_sqlite or not on_sqlite else dropped).append(item)
    if dropped:
        config.hook.pytest_deselected(items=dropped)
        items[:] = kept


def _postgresql_only(item) -> bool:
    if item.get_closest_marker("postgresql_only"):
        return True
    web_test = {"e2e", "api"} & set(item.path.relative_to(ROOT / "tests").parts[:1])
    return web_test and not item.get_closest_marker("both_databases")


def _postgres_url() -> str:
    pg_drop(PG_TEST_DB)
    pg_admin(f'CREATE DATABASE "{PG_TEST_DB}"')
    return pg_url(PG_TEST_DB)


def _drop_postgres() -> None:
    pg_drop(PG_TEST_DB, f"{PG_TEST_DB}_empty")


def _migrate(url: str) -> None:
    app = create_app({"SQLALCHEMY_DATABASE_URI": url, "TESTING": True})
    with app.app_context():
        from flask_migrate import upgrade

        upgrade(directory=str(ROOT / "migrations"))
        db.engine.dispose()


@pytest.fixture(scope="session", params=["sqlite", "postgresql"])
def migrated_database(request, tmp_path_factory):
    """A migrated, empty database of each kind (for SQLite: a template file)."""
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path_factory.mktemp('db') / 'template.db'}"
    else:
        url = _postgres_url()
        request.addfinalizer(_drop_postgres)
    _migrate(url)
    if request.param == "postgresql":  # an idle copy for seeds: the test database is in use
        pg_clone(PG_TEST_DB, f"{PG_TEST_DB}_empty")
    return url


@pytest.fixture(scope="session")
def seed_templates(migrated_database, tmp_path_factory):
    """The seeded template databases of this database kind (see tests/templates.py)."""
    sqlite = migrated_database.startswith("sqlite")
    empty = migrated_database if sqlite else pg_url(f"{PG_TEST_DB}_empty")
    templates = Templates(empty, tmp_path_factory.mktemp("seeds"), PG_TEST_DB)
    yield templates
    templates.drop_all()


@pytest.fixture
def database_seed():
    """The :class:`~tests.templates.Seed` the test's database starts from; ``None`` (the
    default) for an empty one. A module or conftest overrides this fixture to seed."""
    return None


@pytest.fixture
def seed_data(database_url, request):
    """What the seed's build returned (case ids and the like), the same for every copy."""
    return request.node.stash[_SEED_DATA]


_SEED_DATA = pytest.StashKey[object]()


@pytest.fixture
def database_url(migrated_database, database_seed, request, tmp_path):
    """The test's own migrated database: empty (a copy of the SQLite template, or the
    PostgreSQL test database, truncated afterwards), or a fresh copy of ``database_seed``'s
    template when the test asks for one."""
    catalog.forget()
    sqlite = migrated_database.startswith("sqlite")
    if database_seed is not None and (sqlite or not database_seed.cheap):
        templates = request.getfixturevalue("seed_templates")
        url, request.node.stash[_SEED_DATA] = templates.copy_for_test(database_seed, tmp_path)
        catalog.forget()
        yield url
        templates.drop_test_copy(url)
    elif sqlite:
        copy = tmp_path / "acompana.db"
        shutil.copyfile(migrated_database.removeprefix("sqlite:///"), copy)
        yield f"sqlite:///{copy}"
    else:
        if database_seed is not None:  # a cheap seed, built here rather than copied
            request.node.stash[_SEED_DATA] = build_in(database_seed, migrated_database)
            catalog.forget()
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


TERRITORIES = (
    {"code": "antofagasta", "name": "Antofagasta", "country": "CL", "region": "AN",
     "timezone": "America/Santiago"},
    {"code": "somma_lombardo", "name": "Ambito di Somma Lombardo", "country": "IT",
     "region": "VA", "timezone": "Europe/Rome"},
)


def add_territories(session) -> dict[str, Territory]:
    """Add the two territories of :func:`territories` (also for seeds' builds)."""
    rows = [Territory(**row) for row in TERRITORIES]
    session.add_all(rows)
    session.commit()
    return {t.code: t for t in rows}


@pytest.fixture
def territories(session, database_seed):
    """A Chilean comuna and an Italian Ambito, with their holiday calendars (in a seeded
    database, the seed's build has added them with :func:`add_territories`)."""
    if database_seed is None:
        return add_territories(session)
    codes = [row["code"] for row in TERRITORIES]
    return {t.code: t for t in session.scalars(select(Territory).where(Territory.code.in_(codes)))}


@contextmanager
def seed_session(url: str) -> Iterator[Session]:
    """A session on a seed's template database, for a build."""
    options = {"connect_args": {"timeout": 30}} if url.startswith("sqlite") else {}
    sql = create_engine(url, **options)
    try:
        with Session(sql, expire_on_commit=False) as s:
            yield s
    finally:
        sql.dispose()


@pytest.fixture
def fixture_forms():
    """The forms of the small test processes."""
    return engine.FormLibrary(FIXTURES / "forms")


@pytest.fixture
def real_forms():
    """The real programme forms."""
    return engine.FormLibrary(ROOT / "forms")


def ana(territories) -> engine.Actor:
    """Ana, caseworker in Antofagasta (the :func:`caseworker` fixture, also for builds)."""
    return engine.Actor("ana", frozenset({"caseworker"}),
                        frozenset({territories["antofagasta"].id}))


def jorge(territories) -> engine.Actor:
    """Jorge, head of the Antofagasta unit (the :func:`supervisor` fixture)."""
    return engine.Actor("jorge", frozenset({"supervisor"}),
                        frozenset({territories["antofagasta"].id}))


@pytest.fixture
def caseworker(territories):
    """Ana, caseworker in Antofagasta."""
    return ana(territories)


@pytest.fixture
def supervisor(territories):
    """Jorge, head of the Antofagasta unit."""
    return jorge(territories)


@pytest.fixture
def manager(territories):
    """Marta, who manages the programmes of Antofagasta (Chile)."""
    return engine.Actor("marta", frozenset({"manager"}),
                        frozenset({territories["antofagasta"].id}))


@pytest.fixture
def deployed(session, real_forms, territories):
    """Programa Familias deployed from processes/familias (its first version)."""
    with engine.unit_of_work(session):
        return engine.deploy_folder(session, ROOT / "processes" / "familias", real_forms,
                                    "equipo-procesos")
