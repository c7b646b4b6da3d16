"""running cases moved in bulk to another version of their process, with what each had before

Revision ID: 0021_case_migrations
Revises: 0020_routing
"""
import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects.postgresql import JSONB

revision = "0021_case_migrations"
down_revision = "0020_routing"
branch_labels = None
depends_on = None

JSON = sa.JSON().with_variant(JSONB(), "postgresql")


def upgrade() -> None:
    op.create_table(
        "migration_batch",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("programme_key", sa.String(64), sa.ForeignKey("programme.key"), nullable=False),
        sa.Column("from_definition_id", sa.Integer, sa.ForeignKey("process_definition.id"),
                  nullable=False),
        sa.Column("to_definition_id", sa.Integer, sa.ForeignKey("process_definition.id"),
                  nullable=False),
        sa.Column("selection", JSON, nullable=False),
        sa.Column("mapping", JSON, nullable=False),
        sa.Column("deadlines", sa.String(16), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("created_by", sa.String(128), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("finished_at", sa.DateTime(timezone=True)),
        sa.Column("counts", JSON, nullable=False),
    )
    op.create_index("ix_migration_batch_programme", "migration_batch", ["programme_key", "id"])
    op.create_table(
        "case_migration",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("batch_id", sa.Integer, sa.ForeignKey("migration_batch.id"), nullable=False),
        sa.Column("case_id", sa.Integer, sa.ForeignKey("case_file.id"), nullable=False),
        sa.Column("instance_id", sa.Integer, sa.ForeignKey("process_instance.id"),
                  nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("outcome", sa.String(16)),
        sa.Column("reason", sa.String(64)),
        sa.Column("params", JSON),
        sa.Column("state_before", sa.Text),
        sa.Column("definition_before", sa.Integer),
        sa.Column("lock_version_before", sa.Integer),
        sa.Column("lock_version_after", sa.Integer),
        sa.Column("migrated_at", sa.DateTime(timezone=True)),
        sa.Column("rolled_back_at", sa.DateTime(timezone=True)),
        sa.Column("rolled_back_by", sa.String(128)),
        sa.UniqueConstraint("batch_id", "case_id"),
    )
    op.create_index("ix_case_migration_status", "case_migration", ["batch_id", "status"])
    op.create_index("ix_case_migration_case_id", "case_migration", ["case_id"])


def downgrade() -> None:
    op.drop_table("case_migration")
    op.drop_table("migration_batch")
