"""people: accounts with roles, territories, language and sign-in lock-out

Revision ID: 0002_users
Revises: 6492d2e2eead
"""
import sqlalchemy as sa
from alembic import op

revision = "0002_users"
down_revision = "6492d2e2eead"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "app_user",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("username", sa.String(length=64), nullable=False),
        sa.Column("full_name", sa.String(length=200), nullable=False),
        sa.Column("password_hash", sa.String(length=200), nullable=False),
        sa.Column("roles", sa.String(length=200), nullable=False),
        sa.Column("locale", sa.String(length=8), nullable=True),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("failed_logins", sa.Integer(), nullable=False),
        sa.Column("locked_until", sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("username"),
    )
    op.create_table(
        "user_territory",
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("territory_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["territory_id"], ["territory.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["user_id"], ["app_user.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("user_id", "territory_id"),
    )


def downgrade():
    op.drop_table("user_territory")
    op.drop_table("app_user")
