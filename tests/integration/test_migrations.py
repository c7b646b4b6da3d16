"""The Alembic migration creates exactly the schema the models describe."""

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import create_engine

from engine import unit_of_work
from engine.persistence.models import Base


def test_migrated_schema_matches_the_models(database_url):
    sql = create_engine(database_url)
    with sql.connect() as conn:
        differences = compare_metadata(MigrationContext.configure(conn), Base.metadata)
    sql.dispose()
    assert differences == []


def test_the_audit_trail_cannot_be_rewritten(session, fixture_forms, caseworker):
    from datetime import UTC, datetime

    import pytest
    from sqlalchemy import text
    from sqlalchemy.exc import DBAPIError

    import engine
    from tests.conftest import FIXTURES

    with unit_of_work(session):
        engine.deploy_folder(session, FIXTURES / "mini", fixture_forms, "tester")
    with unit_of_work(session):
        engine.start_case(session, engine.StartCase("mini", "antofagasta", "ana", "Pérez"),
                          caseworker, datetime(2026, 3, 2, tzinfo=UTC))
    for statement in ("UPDATE event SET actor = 'mallory'", "DELETE FROM event"):
        with pytest.raises(DBAPIError, match="append-only"):
            session.execute(text(statement))
        session.rollback()
    assert [e.actor for e in session.query(engine.persistence.models.Event)] == ["ana"]
