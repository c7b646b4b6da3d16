"""Privacy: requests (erasure, export, retention run) and a controlled unlock of the audit
trail: the append-only triggers on ``event`` now let an UPDATE through only for a case with a
``privacy_audit_unlock`` row (the erasure inserts it, scrubs and deletes it in one
transaction) and only when the row stays the same event (case, kind, actor, moment);
DELETE stays refused.

Revision ID: 0037_retention_erasure
Revises: 0027_familias_transfers
"""
import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision = "0037_retention_erasure"
down_revision = "0027_familias_transfers"
branch_labels = None
depends_on = None

JSON = sa.JSON().with_variant(postgresql.JSONB(), "postgresql")

PG_GUARD = """
CREATE OR REPLACE FUNCTION event_append_only() RETURNS trigger AS $$
BEGIN
    IF TG_OP = 'UPDATE'
       AND NEW.id = OLD.id AND NEW.case_id = OLD.case_id AND NEW.kind = OLD.kind
       AND NEW.actor = OLD.actor AND NEW.at = OLD.at
       AND EXISTS (SELECT 1 FROM privacy_audit_unlock u WHERE u.case_id = OLD.case_id) THEN
        RETURN NEW;
    END IF;
    RAISE EXCEPTION 'the audit trail is append-only: % on event is not allowed', TG_OP;
END;
$$ LANGUAGE plpgsql;
"""

PG_ORIGINAL = """
CREATE OR REPLACE FUNCTION event_append_only() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'the audit trail is append-only: % on event is not allowed', TG_OP;
END;
$$ LANGUAGE plpgsql;
"""

SQLITE_GUARD = """CREATE TRIGGER event_append_only_update BEFORE UPDATE ON event
    WHEN NOT (NEW.id = OLD.id AND NEW.case_id = OLD.case_id AND NEW.kind = OLD.kind
              AND NEW.actor = OLD.actor AND NEW.at = OLD.at
              AND EXISTS (SELECT 1 FROM privacy_audit_unlock u WHERE u.case_id = OLD.case_id))
    BEGIN SELECT RAISE(ABORT, 'the audit trail is append-only: UPDATE on event is not allowed');
    END"""

SQLITE_ORIGINAL = """CREATE TRIGGER event_append_only_update BEFORE UPDATE ON event
    BEGIN SELECT RAISE(ABORT, 'the audit trail is append-only: UPDATE on event is not allowed');
    END"""


def upgrade() -> None:
    op.create_table(
        "privacy_request",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("household_id", sa.Integer, sa.ForeignKey("household.id")),
        sa.Column("member", sa.Integer),
        sa.Column("territory_id", sa.Integer, sa.ForeignKey("territory.id")),
        sa.Column("requested_by", sa.String(128), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("reason", sa.String(64)),
        sa.Column("params", JSON),
        sa.Column("counts", JSON, nullable=False),
    )
    op.create_index("ix_privacy_request_at", "privacy_request", ["at", "id"])
    op.create_index("ix_privacy_request_household_id", "privacy_request", ["household_id"])
    op.create_table(
        "privacy_audit_unlock",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("case_id", sa.Integer, sa.ForeignKey("case_file.id"), nullable=False),
        sa.Column("request_id", sa.Integer, sa.ForeignKey("privacy_request.id"), nullable=False),
    )
    op.create_index("ix_privacy_audit_unlock_case_id", "privacy_audit_unlock", ["case_id"])
    _guard(PG_GUARD, SQLITE_GUARD)


def downgrade() -> None:
    _guard(PG_ORIGINAL, SQLITE_ORIGINAL)
    op.drop_table("privacy_audit_unlock")
    op.drop_table("privacy_request")


def _guard(postgresql_function: str, sqlite_trigger: str) -> None:
    dialect = op.get_bind().dialect.name
    if dialect == "postgresql":
        op.execute(postgresql_function)
    elif dialect == "sqlite":
        op.execute("DROP TRIGGER IF EXISTS event_append_only_update")
        op.execute(sqlite_trigger)
