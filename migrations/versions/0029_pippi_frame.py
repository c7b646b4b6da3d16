"""a case's municipality (a P.I.P.P.I. comune of its Ambito): its deadlines count in that
comune's calendar, with its own patron saint's day

Revision ID: 0029_pippi_frame
Revises: 0032_admin_people
"""
import sqlalchemy as sa
from alembic import op

revision = "0029_pippi_frame"
down_revision = "0032_admin_people"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("case_file") as batch:
        batch.add_column(sa.Column("municipality", sa.String(64), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("case_file") as batch:
        batch.drop_column("municipality")
