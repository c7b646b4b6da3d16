"""programmes enabled per territory: a case of a programme opens only where it is enabled

Existing programmes are enabled in every territory of their own country (the country in
their settings, ``programa.pais``), which is where they could be opened before; a territory
of another country never runs them.

Revision ID: 0012_programme_territories
Revises: 0011_event_messages
"""
import json

import sqlalchemy as sa
from alembic import op

revision = "0012_programme_territories"
down_revision = "0011_event_messages"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "programme_territory",
        sa.Column("programme_key", sa.String(length=64), nullable=False),
        sa.Column("territory_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["programme_key"], ["programme.key"]),
        sa.ForeignKeyConstraint(["territory_id"], ["territory.id"]),
        sa.PrimaryKeyConstraint("programme_key", "territory_id"),
    )
    op.create_index("ix_programme_territory_territory_id", "programme_territory",
                    ["territory_id"])
    _enable_existing()


def _enable_existing():
    connection = op.get_bind()
    territories = connection.execute(sa.text("SELECT id, country FROM territory")).all()
    rows = []
    for key, settings in connection.execute(sa.text("SELECT key, settings FROM programme")):
        if isinstance(settings, str):
            settings = json.loads(settings)
        country = (settings or {}).get("programa", {}).get("pais")
        rows += [{"programme_key": key, "territory_id": territory_id}
                 for territory_id, territory_country in territories
                 if territory_country == country]
    if rows:
        connection.execute(sa.text("INSERT INTO programme_territory (programme_key, "
                                   "territory_id) VALUES (:programme_key, :territory_id)"), rows)


def downgrade():
    op.drop_index("ix_programme_territory_territory_id", table_name="programme_territory")
    op.drop_table("programme_territory")
