"""the people named in a case beside its caseworker (its tutor, its home educator, its
referent), whom the steps of those posts go to

Revision ID: 0020_routing
Revises: 0018_case_search
"""
import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects.postgresql import JSONB

revision = "0020_routing"
down_revision = "0019_recorded"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("case_file") as batch:
        batch.add_column(sa.Column("people", sa.JSON().with_variant(JSONB(), "postgresql"),
                                   nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("case_file") as batch:
        batch.drop_column("people")
