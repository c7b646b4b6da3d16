"""version bundles: each process version keeps its forms and settings schema, and a status

Revision ID: 0013_version_bundles
Revises: 0012_programme_territories
"""
import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision = "0013_version_bundles"
down_revision = "0012_programme_territories"
branch_labels = None
depends_on = None

JSON = sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql")

# Until now the newest version of a programme was the one new cases started on.
RETIRE_OLDER = """
UPDATE process_definition SET status = 'retired'
WHERE version < (SELECT MAX(newer.version) FROM process_definition AS newer
                 WHERE newer.programme_key = process_definition.programme_key)
"""


def upgrade():
    op.add_column("process_definition", sa.Column("forms", JSON, nullable=True))
    op.add_column("process_definition", sa.Column("settings_schema", JSON, nullable=True))
    op.add_column("process_definition",
                  sa.Column("status", sa.String(length=16), nullable=False,
                            server_default="published"))
    op.execute(RETIRE_OLDER)
    op.create_index("ix_process_definition_status", "process_definition",
                    ["programme_key", "status"])


def downgrade():
    op.drop_index("ix_process_definition_status", table_name="process_definition")
    op.drop_column("process_definition", "status")
    op.drop_column("process_definition", "settings_schema")
    op.drop_column("process_definition", "forms")
