"""Programa Familias money transfers: one row per family, kind and period (due, paid,
withheld with its reason, who marked it paid and when)

Revision ID: 0027_familias_transfers
Revises: 0029_pippi_frame
"""
import sqlalchemy as sa
from alembic import op

revision = "0027_familias_transfers"
down_revision = "0029_pippi_frame"
branch_labels = None
depends_on = None


def _moment(name: str, nullable: bool = True) -> sa.Column:
    return sa.Column(name, sa.DateTime(timezone=True), nullable=nullable)


def upgrade() -> None:
    op.create_table(
        "transfer",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("case_id", sa.Integer, sa.ForeignKey("case_file.id"), nullable=False),
        sa.Column("household_id", sa.Integer, sa.ForeignKey("household.id"), nullable=False),
        sa.Column("programme_key", sa.String(64), nullable=False),
        sa.Column("territory_id", sa.Integer, sa.ForeignKey("territory.id"), nullable=False),
        sa.Column("kind", sa.String(32), nullable=False),
        sa.Column("period", sa.Integer, nullable=False),
        sa.Column("detail", sa.String(200), nullable=False),
        sa.Column("step", sa.Integer),
        _moment("period_start", nullable=False),
        sa.Column("amount", sa.Integer, nullable=False),
        sa.Column("beneficiaries", sa.Integer, nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("reason", sa.String(64)),
        _moment("next_at"),
        _moment("proof_due"),
        _moment("reminded_at"),
        _moment("proof_at"),
        sa.Column("proof_by", sa.String(128)),
        _moment("due_at"),
        _moment("paid_at"),
        sa.Column("paid_by", sa.String(128)),
        _moment("created_at", nullable=False),
        sa.UniqueConstraint("case_id", "kind", "period", "detail"),
    )
    op.create_index("ix_transfer_next", "transfer", ["next_at"])
    op.create_index("ix_transfer_case", "transfer", ["case_id", "period"])
    op.create_index("ix_transfer_report", "transfer", ["programme_key", "territory_id", "kind"])


def downgrade() -> None:
    op.drop_table("transfer")
