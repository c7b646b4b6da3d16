"""incidents say what failed with a message code and parameters, worded for each reader;
the technical text stays for whoever fixes it

Revision ID: 0017_incident_messages
Revises: 0016_process_drafts
"""
import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision = "0017_incident_messages"
down_revision = "0016_process_drafts"
branch_labels = None
depends_on = None

JSON = sa.JSON().with_variant(postgresql.JSONB(), "postgresql")


def upgrade() -> None:
    with op.batch_alter_table("incident") as table:
        table.add_column(sa.Column("code", sa.String(length=64), nullable=True))
        table.add_column(sa.Column("params", JSON, nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("incident") as table:
        table.drop_column("params")
        table.drop_column("code")
