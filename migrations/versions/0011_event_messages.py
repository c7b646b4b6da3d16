"""event messages: each audit event stores a message code and parameters, worded when read

Revision ID: 0011_event_messages
Revises: 0010_scheduler_heartbeat

Events written before keep ``code`` NULL and show their stored ``title``.
"""
import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision = "0011_event_messages"
down_revision = "0010_scheduler_heartbeat"
branch_labels = None
depends_on = None


def upgrade():
    # plain ADD COLUMN (no table copy), so the append-only triggers on event stay in place
    op.add_column("event", sa.Column("code", sa.String(length=64), nullable=True))
    op.add_column("event", sa.Column(
        "params", sa.JSON().with_variant(postgresql.JSONB(), "postgresql"), nullable=True))


def downgrade():
    op.drop_column("event", "params")
    op.drop_column("event", "code")
