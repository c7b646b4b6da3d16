"""The rows of a migration batch as its runners and its rollback read them: the batch, how
many of its cases are in each state, a definition's version number, the audit kinds."""

from collections.abc import Callable

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from ..core.errors import NotFound
from ..persistence.models import (
    CASE_FAILED,
    CASE_MIGRATED,
    CASE_PENDING,
    CASE_ROLLED_BACK,
    CASE_SKIPPED,
    CaseMigration,
    MigrationBatch,
    ProcessDefinition,
)

MIGRATED, ROLLED_BACK = "case_migrated", "case_migration_rolled_back"  # audit kinds
STATUSES = (CASE_PENDING, CASE_MIGRATED, CASE_SKIPPED, CASE_FAILED, CASE_ROLLED_BACK)


def batch_row(session: Session, batch_id: int, *, lock: bool = False) -> MigrationBatch:
    """Batch ``batch_id`` as it is now (row-locked with ``lock``), or NotFound."""
    batch = session.get(MigrationBatch, batch_id, populate_existing=True, with_for_update=lock)
    if batch is None:
        raise NotFound(f"no migration batch {batch_id}", code="migration.batch_not_found",
                       batch=batch_id)
    return batch


def counts(session: Session, batch_id: int) -> dict[str, int]:
    """How many of the batch's cases are in each state (every state named)."""
    query = (select(CaseMigration.status, func.count()).where(CaseMigration.batch_id == batch_id)
             .group_by(CaseMigration.status))
    found = dict.fromkeys(STATUSES, 0)
    found.update({status: n for status, n in session.execute(query)})
    return found


def version_of(session: Session, definition_id: int | None) -> int | None:
    """The version number of a deployed definition."""
    if definition_id is None:
        return None
    return session.scalar(select(ProcessDefinition.version)
                          .where(ProcessDefinition.id == definition_id))


def take_cases(one: Callable[[], object | None], finish: Callable[[], None], limit: int,
               on_case: Callable[[object], None] | None = None) -> int:
    """A runner's chunk: up to ``limit`` cases, each done by ``one()`` in its own transaction
    (None: none is left for this runner), ``on_case`` told of each; ``finish()`` once the
    chunk ends short. How many were taken."""
    taken = 0
    while taken < limit:
        outcome = one()
        if outcome is None:
            break
        taken += 1
        if on_case is not None:
            on_case(outcome)
    if taken < limit:
        finish()
    return taken
