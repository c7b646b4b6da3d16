"""the cases page: a household's search text (family name, members' names and ids, in one
normal form) backfilled and indexed (a trigram index on PostgreSQL), and the indexes the
page sorts and filters by

Revision ID: 0018_case_search
Revises: 0017_incident_messages
"""
import re
import unicodedata

import sqlalchemy as sa
from alembic import op

revision = "0018_case_search"
down_revision = "0017_incident_messages"
branch_labels = None
depends_on = None

NAME_KEYS = ("name", "nombre", "nome")
ID_KEYS = ("national_id", "rut", "codice_fiscale")


def _normal(text: str) -> str:
    """As engine.core.search_text.normal at this revision (a migration keeps its own copy)."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    plain = "".join(c for c in decomposed if not unicodedata.combining(c))
    return re.sub(r"[^0-9a-z]+", " ", plain.replace("ß", "ss")).strip()


def _search_text(family_name, members, national_key) -> str:
    parts = [family_name or "", (national_key or "").lower()]
    for member in members or []:
        if isinstance(member, dict):
            parts += [next((str(member[k]) for k in NAME_KEYS if member.get(k)), ""),
                      next((str(member[k]).lower() for k in ID_KEYS if member.get(k)), "")]
    words = " ".join(_normal(p) for p in parts if p).split()
    return " " + "".join(f"{word} " for word in words)


def upgrade() -> None:
    bind = op.get_bind()
    postgres = bind.dialect.name == "postgresql"
    with op.batch_alter_table("household") as table:
        table.add_column(sa.Column("search_text", sa.Text(), nullable=False, server_default=" "))
    household = sa.table("household", sa.column("id", sa.Integer),
                         sa.column("family_name", sa.String), sa.column("members", sa.JSON),
                         sa.column("national_key", sa.String),
                         sa.column("search_text", sa.Text))
    rows = bind.execute(sa.select(household.c.id, household.c.family_name,
                                  household.c.members, household.c.national_key)).all()
    updates = [{"key": row.id, "text": _search_text(row.family_name, row.members,
                                                     row.national_key)} for row in rows]
    if updates:
        bind.execute(household.update().where(household.c.id == sa.bindparam("key"))
                     .values(search_text=sa.bindparam("text")), updates)
    if postgres:
        op.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
        op.create_index("ix_household_search", "household", ["search_text"],
                        postgresql_using="gin", postgresql_ops={"search_text": "gin_trgm_ops"})
    else:
        op.create_index("ix_household_search", "household", ["search_text"])
    op.create_index("ix_household_key", "household", ["national_key"])
    op.create_index("ix_household_family", "household", ["family_name"])
    op.create_index("ix_case_opened", "case_file", ["opened_at", "id"])
    op.create_index("ix_case_household", "case_file", ["household_id"])
    op.create_index(op.f("ix_process_instance_updated_at"), "process_instance", ["updated_at"])


def downgrade() -> None:
    op.drop_index(op.f("ix_process_instance_updated_at"), table_name="process_instance")
    op.drop_index("ix_case_household", table_name="case_file")
    op.drop_index("ix_case_opened", table_name="case_file")
    op.drop_index("ix_household_family", table_name="household")
    op.drop_index("ix_household_key", table_name="household")
    op.drop_index("ix_household_search", table_name="household")
    with op.batch_alter_table("household") as table:
        table.drop_column("search_text")
