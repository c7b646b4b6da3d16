"""documents attached to a completed step (the signed Carta de Compromiso, a consent), kept
in the database with their case

Revision ID: 0019_recorded
Revises: 0018_case_search
"""
import sqlalchemy as sa
from alembic import op

revision = "0019_recorded"
down_revision = "0018_case_search"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "document",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("case_id", sa.Integer(), nullable=False),
        sa.Column("task_id", sa.String(length=36), nullable=False),
        sa.Column("kind", sa.String(length=32), nullable=False),
        sa.Column("filename", sa.String(length=200), nullable=False),
        sa.Column("content_type", sa.String(length=64), nullable=False),
        sa.Column("size", sa.Integer(), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("uploaded_by", sa.String(length=128), nullable=False),
        sa.Column("uploaded_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("content", sa.LargeBinary(), nullable=False),
        sa.ForeignKeyConstraint(["case_id"], ["case_file.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_document_task", "document", ["task_id", "id"])
    op.create_index("ix_document_case", "document", ["case_id", "id"])


def downgrade() -> None:
    op.drop_index("ix_document_case", table_name="document")
    op.drop_index("ix_document_task", table_name="document")
    op.drop_table("document")
