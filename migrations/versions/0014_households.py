"""households: a natural key per territory (the reference person's RUT or codice fiscale),
and every member in one shape (name, age, birth_date, relationship, national_id)

Revision ID: 0014_households
Revises: 0013_version_bundles
"""
import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision = "0014_households"
down_revision = "0013_version_bundles"
branch_labels = None
depends_on = None

# The member keys written before (the case page's nombre/edad, P.I.P.P.I.'s nome/eta) and
# their canonical names; a copy of engine.definitions.households.LEGACY_KEYS as it was at this
# revision.
LEGACY_KEYS = {"nombre": "name", "nome": "name", "edad": "age", "eta": "age", "età": "age",
               "parentesco": "relationship", "parentela": "relationship",
               "rut": "national_id", "codice_fiscale": "national_id"}
BACK = {"name": "nombre", "age": "edad"}

household = sa.table("household", sa.column("id", sa.Integer),
                     sa.column("members", sa.JSON().with_variant(postgresql.JSONB(),
                                                                  "postgresql")))


def _rename_members(keys: dict) -> None:
    connection = op.get_bind()
    for row in connection.execute(sa.select(household.c.id, household.c.members)).all():
        members = row.members or []
        renamed = [{keys.get(k, k): v for k, v in m.items()} if isinstance(m, dict) else m
                   for m in members]
        if renamed != members:
            connection.execute(household.update().where(household.c.id == row.id)
                               .values(members=renamed))


def upgrade():
    op.add_column("household", sa.Column("national_key", sa.String(length=32), nullable=True))
    op.create_index("ux_household_national_key", "household", ["territory_id", "national_key"],
                    unique=True)
    _rename_members(LEGACY_KEYS)


def downgrade():
    _rename_members(BACK)
    op.drop_index("ux_household_national_key", table_name="household")
    op.drop_column("household", "national_key")
