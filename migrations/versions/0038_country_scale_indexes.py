"""country-scale indexes (a million cases): overdue steps by territory and due date with who
and which programme (the dashboard counts them from the index alone), escalated steps by
territory (the weekly trend), the people working in a comuna (pickers, the cases page's
filter), and on PostgreSQL households by territory and search text in
one trigram index (btree_gin; a comuna's name search no longer reads every match in the
country)

Revision ID: 0038_country_scale_indexes
Revises: 0036_consent_access_log
"""
import sqlalchemy as sa
from alembic import op

revision = "0038_country_scale_indexes"
down_revision = "0036_consent_access_log"
branch_labels = None
depends_on = None


def upgrade():
    postgres = op.get_bind().dialect.name == "postgresql"
    op.create_index("ix_human_task_overdue", "human_task", ["territory_id", "due_at"],
                    postgresql_include=["assignee", "programme_key"])
    op.create_index("ix_human_task_escalated", "human_task", ["territory_id", "escalated_at"],
                    postgresql_where=sa.text("escalated_at IS NOT NULL"),
                    sqlite_where=sa.text("escalated_at IS NOT NULL"))
    op.create_index("ix_user_territory_territory", "user_territory", ["territory_id", "user_id"])
    op.create_index("ix_user_territory_role_territory", "user_territory_role",
                    ["territory_id", "user_id"])
    if postgres:
        op.execute("CREATE EXTENSION IF NOT EXISTS btree_gin")
        op.create_index("ix_household_territory_search", "household",
                        ["territory_id", "search_text"], postgresql_using="gin",
                        postgresql_ops={"search_text": "gin_trgm_ops"})
    else:
        op.create_index("ix_household_territory_search", "household",
                        ["territory_id", "search_text"])


def downgrade():
    op.drop_index("ix_user_territory_role_territory", table_name="user_territory_role")
    op.drop_index("ix_user_territory_territory", table_name="user_territory")
    op.drop_index("ix_household_territory_search", table_name="household")
    op.drop_index("ix_human_task_escalated", table_name="human_task")
    op.drop_index("ix_human_task_overdue", table_name="human_task")
