"""events are found by kind and time (the dashboard's weekly overdue chart)

Revision ID: 0007_event_kind_index
Revises: 0006_settings_changes
"""
from alembic import op

revision = "0007_event_kind_index"
down_revision = "0006_settings_changes"
branch_labels = None
depends_on = None


def upgrade():
    op.create_index("ix_event_kind_at", "event", ["kind", "at"])


def downgrade():
    op.drop_index("ix_event_kind_at", table_name="event")
