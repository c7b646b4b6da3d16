"""notifications are made by a handler of the engine's Recorded event, in the unit of work
that records the event: the cursor of the old delivery job goes

Events recorded after the old job's last run and before this upgrade (at most one sweep
period) are not turned into notifications; they stay in the cases' histories.

Revision ID: 0015_drop_job_cursor
Revises: 0014_households
"""
import sqlalchemy as sa
from alembic import op

revision = "0015_drop_job_cursor"
down_revision = "0014_households"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.drop_table("job_cursor")


def downgrade() -> None:
    op.create_table(
        "job_cursor",
        sa.Column("name", sa.String(length=64), nullable=False),
        sa.Column("last_id", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("name"),
    )
    # the old job starts after the newest event: what the handler already notified is not
    # notified again
    op.execute("INSERT INTO job_cursor (name, last_id) "
               "SELECT 'notifications', COALESCE(MAX(id), 0) FROM event")
