"""bulk household imports: a registry export uploaded for a programme in a territory, its
mapping, and one row per line of the file with what became of it

Revision ID: 0035_household_imports
Revises: 0034_api_clients
"""

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects.postgresql import JSONB

revision = "0035_household_imports"
down_revision = "0034_api_clients"
branch_labels = None
depends_on = None
JSON = sa.JSON().with_variant(JSONB(), "postgresql")
WHEN = sa.DateTime(timezone=True)


def upgrade():
    op.create_table(
        "household_import",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("programme_key", sa.String(64), sa.ForeignKey("programme.key"),
                  nullable=False),
        sa.Column("territory_id", sa.Integer(), sa.ForeignKey("territory.id"), nullable=False),
        sa.Column("filename", sa.String(200), nullable=False),
        sa.Column("kind", sa.String(8), nullable=False),
        sa.Column("encoding", sa.String(32), nullable=False),
        sa.Column("separator", sa.String(4), nullable=True),
        sa.Column("columns", JSON, nullable=False),
        sa.Column("mapping", JSON, nullable=False),
        sa.Column("content", sa.Text(), nullable=False),
        sa.Column("row_count", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("created_by", sa.String(128), nullable=False),
        sa.Column("created_at", WHEN, nullable=False),
        sa.Column("started_at", WHEN, nullable=True),
        sa.Column("finished_at", WHEN, nullable=True),
        sa.Column("counts", JSON, nullable=False),
    )
    op.create_index("ix_household_import_territory", "household_import",
                    ["territory_id", "id"])
    op.create_table(
        "household_import_row",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("import_id", sa.Integer(), sa.ForeignKey("household_import.id"),
                  nullable=False),
        sa.Column("row_number", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("national_id", sa.String(64), nullable=True),
        sa.Column("family_name", sa.String(200), nullable=True),
        sa.Column("data", JSON, nullable=True),
        sa.Column("errors", JSON, nullable=True),
        sa.Column("changed", JSON, nullable=True),
        sa.Column("household_id", sa.Integer(), sa.ForeignKey("household.id"), nullable=True),
        sa.Column("done_at", WHEN, nullable=True),
        sa.UniqueConstraint("import_id", "row_number"),
    )
    op.create_index("ix_household_import_row_next", "household_import_row",
                    ["import_id", "status", "id"])


def downgrade():
    op.drop_index("ix_household_import_row_next", table_name="household_import_row")
    op.drop_table("household_import_row")
    op.drop_index("ix_household_import_territory", table_name="household_import")
    op.drop_table("household_import")
