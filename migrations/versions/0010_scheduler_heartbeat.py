"""scheduler heartbeat: the timer driver's last tick, read by /readyz

Revision ID: 0010_scheduler_heartbeat
Revises: 0009_user_sessions
"""
import sqlalchemy as sa
from alembic import op

revision = "0010_scheduler_heartbeat"
down_revision = "0009_user_sessions"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "scheduler_heartbeat",
        sa.Column("name", sa.String(length=32), nullable=False),
        sa.Column("beat_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("name"),
    )


def downgrade():
    op.drop_table("scheduler_heartbeat")
