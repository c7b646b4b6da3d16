"""background rollback of a migration batch: the batch keeps who asked for its rollback, when,
and which round it is; a case the round could not restore keeps the round and why

Revision ID: 0033_background_rollback
Revises: 0026_migration_speed
"""

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects.postgresql import JSONB

revision = "0033_background_rollback"
down_revision = "0026_migration_speed"
branch_labels = None
depends_on = None
JSON = sa.JSON().with_variant(JSONB(), "postgresql")


def upgrade():
    with op.batch_alter_table("migration_batch") as batch:
        batch.add_column(sa.Column("rollback_round", sa.Integer(), nullable=False,
                                   server_default="0"))
        batch.add_column(sa.Column("rollback_by", sa.String(128), nullable=True))
        batch.add_column(sa.Column("rollback_requested_at", sa.DateTime(timezone=True),
                                   nullable=True))
    with op.batch_alter_table("case_migration") as batch:
        batch.add_column(sa.Column("rollback_round", sa.Integer(), nullable=True))
        batch.add_column(sa.Column("rollback_refusal", JSON, nullable=True))


def downgrade():
    with op.batch_alter_table("case_migration") as batch:
        batch.drop_column("rollback_refusal")
        batch.drop_column("rollback_round")
    with op.batch_alter_table("migration_batch") as batch:
        batch.drop_column("rollback_requested_at")
        batch.drop_column("rollback_by")
        batch.drop_column("rollback_round")
