"""An erasure reaches the reasons of the access log: the append-only trigger on
``access_log`` now lets an UPDATE through only for a case with a ``privacy_audit_unlock``
row (the erasure inserts it, scrubs and deletes it in one transaction, as for ``event`` in
0037_retention_erasure) and only when the row stays the same view (who, what, when, which
case, household and territory): the reason alone may change. DELETE stays refused.

Revision ID: 0042_access_log_erasure
Revises: 0036_consent_access_log
"""
from alembic import op

revision = "0042_access_log_erasure"
down_revision = "0038_country_scale_indexes"
branch_labels = None
depends_on = None

SAME_VIEW = """NEW.id = OLD.id AND NEW.at = OLD.at AND NEW.actor = OLD.actor
       AND NEW.kind = OLD.kind AND NEW.what = OLD.what
       AND NEW.case_id IS NOT DISTINCT FROM OLD.case_id
       AND NEW.household_id IS NOT DISTINCT FROM OLD.household_id
       AND NEW.territory_id IS NOT DISTINCT FROM OLD.territory_id
       AND EXISTS (SELECT 1 FROM privacy_audit_unlock u WHERE u.case_id = OLD.case_id)"""

PG_GUARD = f"""
CREATE OR REPLACE FUNCTION access_log_append_only() RETURNS trigger AS $$
BEGIN
    IF TG_OP = 'UPDATE' AND {SAME_VIEW} THEN
        RETURN NEW;
    END IF;
    RAISE EXCEPTION 'the access log is append-only: % on access_log is not allowed', TG_OP;
END;
$$ LANGUAGE plpgsql;
"""

PG_ORIGINAL = """
CREATE OR REPLACE FUNCTION access_log_append_only() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'the access log is append-only: % on access_log is not allowed', TG_OP;
END;
$$ LANGUAGE plpgsql;
"""

SQLITE_GUARD = f"""CREATE TRIGGER access_log_append_only_update BEFORE UPDATE ON access_log
    WHEN NOT ({SAME_VIEW.replace("IS NOT DISTINCT FROM", "IS")})
    BEGIN SELECT RAISE(ABORT, 'the access log is append-only: UPDATE on access_log is not
    allowed'); END"""

SQLITE_ORIGINAL = """CREATE TRIGGER access_log_append_only_update BEFORE UPDATE ON access_log
    BEGIN SELECT RAISE(ABORT, 'the access log is append-only: UPDATE on access_log is not
    allowed'); END"""


def upgrade() -> None:
    _guard(PG_GUARD, SQLITE_GUARD)


def downgrade() -> None:
    _guard(PG_ORIGINAL, SQLITE_ORIGINAL)


def _guard(postgresql_function: str, sqlite_trigger: str) -> None:
    dialect = op.get_bind().dialect.name
    if dialect == "postgresql":
        op.execute(postgresql_function)
    elif dialect == "sqlite":
        op.execute("DROP TRIGGER IF EXISTS access_log_append_only_update")
        op.execute(sqlite_trigger)
