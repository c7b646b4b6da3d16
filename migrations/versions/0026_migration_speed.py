"""migration speed: a batch's next pending case is found in id order by an index (the runner
asks once per case; with (batch_id, status) alone PostgreSQL sorted every pending row)

Revision ID: 0026_migration_speed
Revises: 0021_case_migrations
"""

from alembic import op

revision = "0026_migration_speed"
down_revision = "0021_case_migrations"
branch_labels = None
depends_on = None


def upgrade():
    op.create_index("ix_case_migration_next", "case_migration", ["batch_id", "status", "id"])
    op.drop_index("ix_case_migration_status", table_name="case_migration")


def downgrade():
    op.create_index("ix_case_migration_status", "case_migration", ["batch_id", "status"])
    op.drop_index("ix_case_migration_next", table_name="case_migration")
