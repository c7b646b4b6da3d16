"""notifications, e-mail addresses, escalation flag on tasks

Revision ID: 0003_notifications
Revises: 0002_users
"""
import sqlalchemy as sa
from alembic import op

revision = "0003_notifications"
down_revision = "0002_users"
branch_labels = None
depends_on = None


def upgrade():
    op.add_column("app_user", sa.Column("email", sa.String(length=200), nullable=True))
    op.add_column("human_task", sa.Column("escalated_at", sa.DateTime(timezone=True),
                                          nullable=True))
    op.create_table(
        "notification",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("username", sa.String(length=64), nullable=False),
        sa.Column("event_id", sa.Integer(), nullable=False),
        sa.Column("case_id", sa.Integer(), nullable=False),
        sa.Column("task_id", sa.String(length=36), nullable=True),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("title", sa.String(length=300), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("read_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("emailed_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(["case_id"], ["case_file.id"]),
        sa.ForeignKeyConstraint(["event_id"], ["event.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("event_id", "username"),
    )
    op.create_index("ix_notification_inbox", "notification", ["username", "read_at", "id"])
    op.create_table(
        "job_cursor",
        sa.Column("name", sa.String(length=64), nullable=False),
        sa.Column("last_id", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("name"),
    )


def downgrade():
    op.drop_table("job_cursor")
    op.drop_index("ix_notification_inbox", table_name="notification")
    op.drop_table("notification")
    op.drop_column("human_task", "escalated_at")
    op.drop_column("app_user", "email")
