"""The Alembic migration creates exactly the schema the models describe."""

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import create_engine

from engine.models import Base


def test_migrated_schema_matches_the_models(database_url):
    sql = create_engine(database_url)
    with sql.connect() as conn:
        differences = compare_metadata(MigrationContext.configure(conn), Base.metadata)
    sql.dispose()
    assert differences == []
