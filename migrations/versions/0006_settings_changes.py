"""programme settings a manager changes: the deployed file kept apart, and a history of changes

Revision ID: 0006_settings_changes
Revises: 0005_places
"""
import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision = "0006_settings_changes"
down_revision = "0005_places"
branch_labels = None
depends_on = None

JSON = sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql")

APPEND_ONLY = """
CREATE FUNCTION settings_change_append_only() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'the settings history is append-only: % on settings_change is not allowed',
        TG_OP;
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER settings_change_append_only BEFORE UPDATE OR DELETE ON settings_change
    FOR EACH ROW EXECUTE FUNCTION settings_change_append_only();
"""

SQLITE_APPEND_ONLY = [
    f"""CREATE TRIGGER settings_change_append_only_{action.lower()} BEFORE {action}
    ON settings_change BEGIN SELECT RAISE(ABORT,
    'the settings history is append-only: {action} on settings_change is not allowed'); END"""
    for action in ("UPDATE", "DELETE")
]


def upgrade():
    op.add_column("programme", sa.Column("file_settings", JSON, nullable=True))
    # Until now the live settings were exactly the deployed file.
    op.execute("UPDATE programme SET file_settings = settings")
    op.create_table(
        "settings_change",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("programme_key", sa.String(length=64), nullable=False),
        sa.Column("actor", sa.String(length=128), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("source", sa.String(length=16), nullable=False),
        sa.Column("changes", JSON, nullable=False),
        sa.ForeignKeyConstraint(["programme_key"], ["programme.key"]),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_settings_change_programme", "settings_change", ["programme_key", "id"])
    _protect_history()


def _protect_history():
    """The database itself refuses to change or delete a recorded settings change."""
    dialect = op.get_bind().dialect.name
    if dialect == "postgresql":
        op.execute(APPEND_ONLY)
    elif dialect == "sqlite":
        for statement in SQLITE_APPEND_ONLY:
            op.execute(statement)


def downgrade():
    op.drop_index("ix_settings_change_programme", table_name="settings_change")
    op.drop_table("settings_change")
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP FUNCTION IF EXISTS settings_change_append_only()")
    with op.batch_alter_table("programme") as batch_op:
        batch_op.drop_column("file_settings")
