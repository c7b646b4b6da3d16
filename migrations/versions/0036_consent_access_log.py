"""Consents per household member and purpose, and the append-only log of who looked at what

Revision ID: 0036_consent_access_log
Revises: 0035_household_imports
"""
import sqlalchemy as sa
from alembic import op

revision = "0036_consent_access_log"
down_revision = "0035_household_imports"
branch_labels = None
depends_on = None

APPEND_ONLY = """
CREATE FUNCTION access_log_append_only() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'the access log is append-only: % on access_log is not allowed', TG_OP;
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER access_log_append_only BEFORE UPDATE OR DELETE ON access_log
    FOR EACH ROW EXECUTE FUNCTION access_log_append_only();
"""

SQLITE_APPEND_ONLY = [
    f"""CREATE TRIGGER access_log_append_only_{action.lower()} BEFORE {action} ON access_log
    BEGIN SELECT RAISE(ABORT, 'the access log is append-only: {action} on access_log is not
    allowed'); END"""
    for action in ("UPDATE", "DELETE")
]


def _moment(name: str, nullable: bool = True) -> sa.Column:
    return sa.Column(name, sa.DateTime(timezone=True), nullable=nullable)


def upgrade() -> None:
    op.create_table(
        "consent",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("household_id", sa.Integer, sa.ForeignKey("household.id"), nullable=False),
        sa.Column("case_id", sa.Integer, sa.ForeignKey("case_file.id")),
        sa.Column("member_name", sa.String(200), nullable=False),
        sa.Column("member_index", sa.Integer),
        sa.Column("purpose", sa.String(32), nullable=False),
        sa.Column("service", sa.String(200)),
        sa.Column("document", sa.String(300), nullable=False),
        sa.Column("given_on", sa.Date, nullable=False),
        sa.Column("recorded_by", sa.String(128), nullable=False),
        _moment("recorded_at", nullable=False),
        sa.Column("withdrawn_on", sa.Date),
        sa.Column("withdrawn_by", sa.String(128)),
        _moment("withdrawn_at"),
        sa.Column("withdrawal_reason", sa.String(500)),
    )
    op.create_index("ix_consent_household", "consent", ["household_id", "purpose"])
    op.create_index("ix_consent_case_id", "consent", ["case_id"])
    op.create_table(
        "access_log",
        sa.Column("id", sa.Integer, primary_key=True),
        _moment("at", nullable=False),
        sa.Column("actor", sa.String(128), nullable=False),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("what", sa.String(200), nullable=False),
        sa.Column("case_id", sa.Integer),
        sa.Column("household_id", sa.Integer),
        sa.Column("territory_id", sa.Integer),
        sa.Column("reason", sa.String(300)),
    )
    op.create_index("ix_access_log_case", "access_log", ["case_id", "at"])
    op.create_index("ix_access_log_household", "access_log", ["household_id", "at"])
    op.create_index("ix_access_log_actor", "access_log", ["actor", "at"])
    op.create_index("ix_access_log_territory", "access_log", ["territory_id", "at"])
    _protect_access_log()


def _protect_access_log() -> None:
    """The database itself refuses to change or delete a logged view."""
    dialect = op.get_bind().dialect.name
    if dialect == "postgresql":
        op.execute(APPEND_ONLY)
    elif dialect == "sqlite":
        for statement in SQLITE_APPEND_ONLY:
            op.execute(statement)


def downgrade() -> None:
    op.drop_table("access_log")
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP FUNCTION IF EXISTS access_log_append_only()")
    op.drop_table("consent")
