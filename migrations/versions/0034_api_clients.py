"""The API's machine clients (hashed tokens, territories, roles, expiry, revocation, last
use) and the answers kept for retried creates (Idempotency-Key)

Revision ID: 0034_api_clients
Revises: 0027_familias_transfers
"""
import sqlalchemy as sa
from alembic import op

revision = "0034_api_clients"
down_revision = "0027_familias_transfers"
branch_labels = None
depends_on = None


def _moment(name: str, nullable: bool = True) -> sa.Column:
    return sa.Column(name, sa.DateTime(timezone=True), nullable=nullable)


def upgrade() -> None:
    op.create_table(
        "api_client",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("name", sa.String(64), nullable=False, unique=True),
        sa.Column("token_hash", sa.String(64), nullable=False, unique=True),
        sa.Column("prefix", sa.String(16), nullable=False),
        sa.Column("territories", sa.JSON, nullable=False),
        sa.Column("roles", sa.JSON, nullable=False),
        _moment("created_at", nullable=False),
        sa.Column("created_by", sa.String(128), nullable=False),
        _moment("expires_at"),
        _moment("revoked_at"),
        _moment("last_used_at"),
    )
    op.create_table(
        "api_idempotency",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("caller", sa.String(140), nullable=False),
        sa.Column("key", sa.String(200), nullable=False),
        sa.Column("request_hash", sa.String(64), nullable=False),
        sa.Column("status", sa.Integer, nullable=False),
        sa.Column("body", sa.Text, nullable=False),
        sa.Column("location", sa.String(300)),
        _moment("created_at", nullable=False),
        sa.UniqueConstraint("caller", "key"),
    )
    op.create_index("ix_api_idempotency_created", "api_idempotency", ["created_at"])


def downgrade() -> None:
    op.drop_table("api_idempotency")
    op.drop_table("api_client")
