"""process drafts edited in the modeler, the programme's process history, a version's comment

Revision ID: 0016_process_drafts
Revises: 0015_drop_job_cursor
"""
import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision = "0016_process_drafts"
down_revision = "0015_drop_job_cursor"
branch_labels = None
depends_on = None

JSON = sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql")


def upgrade() -> None:
    op.add_column("process_definition", sa.Column("comment", sa.Text(), nullable=True))
    op.create_table(
        "process_draft",
        sa.Column("programme_key", sa.String(length=64), nullable=False),
        sa.Column("based_on_version", sa.Integer(), nullable=True),
        # json, not jsonb: a draft's forms keep their fields (and its settings their tables)
        # in the order the manager wrote them
        sa.Column("sources", sa.JSON(), nullable=False),
        sa.Column("forms", sa.JSON(), nullable=False),
        sa.Column("settings", sa.JSON(), nullable=False),
        sa.Column("household_schema", sa.JSON(), nullable=True),
        sa.Column("revision", sa.Integer(), nullable=False),
        sa.Column("created_by", sa.String(length=128), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("saved_by", sa.String(length=128), nullable=False),
        sa.Column("saved_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["programme_key"], ["programme.key"]),
        sa.PrimaryKeyConstraint("programme_key"),
    )
    op.create_table(
        "programme_event",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("programme_key", sa.String(length=64), nullable=False),
        sa.Column("kind", sa.String(length=32), nullable=False),
        sa.Column("actor", sa.String(length=128), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("data", JSON, nullable=False),
        sa.ForeignKeyConstraint(["programme_key"], ["programme.key"]),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_programme_event_programme", "programme_event", ["programme_key", "id"])


def downgrade() -> None:
    op.drop_index("ix_programme_event_programme", table_name="programme_event")
    op.drop_table("programme_event")
    op.drop_table("process_draft")
    op.drop_column("process_definition", "comment")
