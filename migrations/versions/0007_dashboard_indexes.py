"""dashboard indexes: events by kind and time (weekly chart), open steps by due date, open cases per caseworker

Revision ID: 0007_dashboard_indexes
Revises: 0006_settings_changes
"""
from alembic import op

revision = "0007_dashboard_indexes"
down_revision = "0006_settings_changes"
branch_labels = None
depends_on = None


def upgrade():
    op.create_index("ix_event_kind_at", "event", ["kind", "at"])
    op.create_index("ix_human_task_due", "human_task", ["due_at", "id"])
    op.create_index("ix_case_caseload", "case_file", ["territory_id", "status", "caseworker"])


def downgrade():
    op.drop_index("ix_case_caseload", table_name="case_file")
    op.drop_index("ix_human_task_due", table_name="human_task")
    op.drop_index("ix_event_kind_at", table_name="event")
