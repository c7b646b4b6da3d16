"""instruments: a process draft keeps the reference data a manager loaded (the official
Matriz de Bienestar indicators), published with the draft into the version's bundle

Revision ID: 0031_instruments
Revises: 0030_group_sessions
"""

import sqlalchemy as sa
from alembic import op

revision = "0031_instruments"
down_revision = "0030_group_sessions"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("process_draft") as batch:
        batch.add_column(sa.Column("reference_data", sa.JSON(), nullable=True))


def downgrade():
    with op.batch_alter_table("process_draft") as batch:
        batch.drop_column("reference_data")
