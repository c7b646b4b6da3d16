"""incidents: timers, steps and messages whose processing failed, retried with back-off

Revision ID: 0008_incidents
Revises: 0007_dashboard_indexes
"""
import sqlalchemy as sa
from alembic import op

revision = "0008_incidents"
down_revision = "0007_dashboard_indexes"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "incident",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("case_id", sa.Integer(), nullable=False),
        sa.Column("instance_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("element_id", sa.String(length=128), nullable=False),
        sa.Column("element_name", sa.String(length=300), nullable=True),
        sa.Column("error", sa.Text(), nullable=False),
        sa.Column("first_seen_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("last_seen_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("next_retry_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("closed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("cancel_reason", sa.Text(), nullable=True),
        sa.Column("cancelled_by", sa.String(length=128), nullable=True),
        sa.ForeignKeyConstraint(["case_id"], ["case_file.id"]),
        sa.ForeignKeyConstraint(["instance_id"], ["process_instance.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_incident_case_id", "incident", ["case_id"])
    op.create_index("ix_incident_instance_id", "incident", ["instance_id"])
    op.create_index("ix_incident_status", "incident", ["status", "next_retry_at"])


def downgrade():
    op.drop_index("ix_incident_status", table_name="incident")
    op.drop_index("ix_incident_instance_id", table_name="incident")
    op.drop_index("ix_incident_case_id", table_name="incident")
    op.drop_table("incident")
