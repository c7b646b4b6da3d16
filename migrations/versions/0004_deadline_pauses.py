"""deadlines can be paused per case

Revision ID: 0004_deadline_pauses
Revises: 0003_notifications
"""
import sqlalchemy as sa
from alembic import op

revision = "0004_deadline_pauses"
down_revision = "0003_notifications"
branch_labels = None
depends_on = None


def upgrade():
    op.add_column("case_file", sa.Column("deadlines_paused_at", sa.DateTime(timezone=True),
                                         nullable=True))


def downgrade():
    op.drop_column("case_file", "deadlines_paused_at")
