"""places (cupos): a pool per programme, territory and modality, and each case's enrolment

Revision ID: 0005_places
Revises: 0004_deadline_pauses
"""
import sqlalchemy as sa
from alembic import op

revision = "0005_places"
down_revision = "0004_deadline_pauses"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "place_pool",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("programme_key", sa.String(length=64), nullable=False),
        sa.Column("territory_id", sa.Integer(), nullable=False),
        sa.Column("modality", sa.String(length=64), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["programme_key"], ["programme.key"]),
        sa.ForeignKeyConstraint(["territory_id"], ["territory.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("programme_key", "territory_id", "modality"),
    )
    op.create_table(
        "enrolment",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("pool_id", sa.Integer(), nullable=False),
        sa.Column("case_id", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("requested_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("assigned_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("ended_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(["case_id"], ["case_file.id"]),
        sa.ForeignKeyConstraint(["pool_id"], ["place_pool.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_enrolment_case_id", "enrolment", ["case_id"])
    op.create_index("ix_enrolment_queue", "enrolment", ["pool_id", "status", "requested_at"])


def downgrade():
    op.drop_index("ix_enrolment_queue", table_name="enrolment")
    op.drop_index("ix_enrolment_case_id", table_name="enrolment")
    op.drop_table("enrolment")
    op.drop_table("place_pool")
