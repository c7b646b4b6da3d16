"""administrators run the installation: roles per territory, one-time password links, local
holidays of a territory, when a territory began a programme, the installation's audit trail

Revision ID: 0032_admin_people
Revises: 0031_instruments
"""
import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects.postgresql import JSONB

revision = "0032_admin_people"
down_revision = "0031_instruments"
branch_labels = None
depends_on = None

WHEN = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "user_territory_role",
        sa.Column("user_id", sa.Integer(), sa.ForeignKey("app_user.id", ondelete="CASCADE"),
                  primary_key=True),
        sa.Column("territory_id", sa.Integer(),
                  sa.ForeignKey("territory.id", ondelete="CASCADE"), primary_key=True),
        sa.Column("role", sa.String(32), primary_key=True))
    op.create_table(
        "one_time_link",
        sa.Column("id", sa.String(64), primary_key=True),
        sa.Column("user_id", sa.Integer(), sa.ForeignKey("app_user.id", ondelete="CASCADE"),
                  nullable=False),
        sa.Column("purpose", sa.String(16), nullable=False),
        sa.Column("created_by", sa.String(128), nullable=False),
        sa.Column("created_at", WHEN, nullable=False),
        sa.Column("expires_at", WHEN, nullable=False),
        sa.Column("used_at", WHEN, nullable=True))
    op.create_index("ix_one_time_link_user_id", "one_time_link", ["user_id"])
    op.create_table(
        "territory_holiday",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("territory_id", sa.Integer(),
                  sa.ForeignKey("territory.id", ondelete="CASCADE"), nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("yearly", sa.Boolean(), nullable=False))
    op.create_index("ix_territory_holiday_territory_id", "territory_holiday", ["territory_id"])
    with op.batch_alter_table("territory") as batch:
        batch.add_column(sa.Column("holidays_stamp", sa.String(32), nullable=True))
    op.create_table(
        "admin_event",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("at", WHEN, nullable=False),
        sa.Column("actor", sa.String(128), nullable=False),
        sa.Column("kind", sa.String(32), nullable=False),
        sa.Column("person", sa.String(64), nullable=True),
        sa.Column("territory", sa.String(64), nullable=True),
        sa.Column("country", sa.String(2), nullable=True),
        sa.Column("programme_key", sa.String(64), nullable=True),
        sa.Column("case_id", sa.Integer(), nullable=True),
        sa.Column("data", sa.JSON().with_variant(JSONB(), "postgresql"), nullable=False))
    op.create_index("ix_admin_event_at", "admin_event", ["at", "id"])
    op.create_index("ix_admin_event_person", "admin_event", ["person", "id"])
    op.create_index("ix_admin_event_kind", "admin_event", ["kind"])
    op.create_index("ix_admin_event_case_id", "admin_event", ["case_id"])
    with op.batch_alter_table("programme_territory") as batch:
        batch.add_column(sa.Column("starts_on", sa.Date(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("programme_territory") as batch:
        batch.drop_column("starts_on")
    op.drop_table("admin_event")
    with op.batch_alter_table("territory") as batch:
        batch.drop_column("holidays_stamp")
    op.drop_table("territory_holiday")
    op.drop_table("one_time_link")
    op.drop_table("user_territory_role")
