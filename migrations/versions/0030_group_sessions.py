"""group sessions: a Triple P seminar or workshop session with its attendance list, whose
submission moves every attending family's case on (engine.commands.group_sessions)

Revision ID: 0030_group_sessions
Revises: 0033_background_rollback
"""

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision = "0030_group_sessions"
down_revision = "0033_background_rollback"
branch_labels = None
depends_on = None

JSON = sa.JSON().with_variant(postgresql.JSONB(), "postgresql")


def upgrade():
    op.create_table(
        "group_session",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("programme_key", sa.String(64), sa.ForeignKey("programme.key"), nullable=False),
        sa.Column("territory_id", sa.Integer(), sa.ForeignKey("territory.id"), nullable=False),
        sa.Column("modality", sa.String(64), nullable=False),
        sa.Column("step", sa.String(128), nullable=False),
        sa.Column("held_on", sa.String(10), nullable=False),
        sa.Column("place", sa.String(200), nullable=False),
        sa.Column("topic", sa.String(200), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("created_by", sa.String(128), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("saved_by", sa.String(128)),
        sa.Column("saved_at", sa.DateTime(timezone=True)),
        sa.Column("submitted_by", sa.String(128)),
        sa.Column("submitted_at", sa.DateTime(timezone=True)),
        sa.Column("lock_version", sa.Integer(), nullable=False),
    )
    op.create_index("ix_group_session_place", "group_session",
                    ["programme_key", "territory_id", "held_on"])
    op.create_table(
        "group_session_member",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("group_session_id", sa.Integer(), sa.ForeignKey("group_session.id"),
                  nullable=False),
        sa.Column("case_id", sa.Integer(), sa.ForeignKey("case_file.id"), nullable=False),
        sa.Column("task_id", sa.String(36), nullable=False),
        sa.Column("attended", sa.Boolean(), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("reason", sa.String(64)),
        sa.Column("params", JSON),
        sa.Column("done_at", sa.DateTime(timezone=True)),
        sa.UniqueConstraint("group_session_id", "case_id"),
    )
    op.create_index("ix_group_session_member_case_id", "group_session_member", ["case_id"])
    op.create_index("ix_group_session_member_next", "group_session_member",
                    ["group_session_id", "status", "id"])


def downgrade():
    op.drop_table("group_session_member")
    op.drop_table("group_session")
