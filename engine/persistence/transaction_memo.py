"""What a unit of work may read once and reuse until its transaction ends.

Some facts are asked for many times while one request is served — which version a case's
workflow runs on is read by the step's form, its schema, its instructions and its places —
and cannot change inside the transaction except by the code that changes them (a migration,
which forgets them: :func:`forget`). They are kept in ``session.info`` and dropped at every
commit and rollback, so the next transaction reads them again.
"""

from sqlalchemy import event
from sqlalchemy.orm import Session

_KEY = "acompana.transaction_memo"


def memo(session: Session, name: str) -> dict:
    """The transaction's memo called ``name`` (an empty dict at first)."""
    return session.info.setdefault(_KEY, {}).setdefault(name, {})


def peek(session: Session, name: str) -> dict | None:
    """The transaction's memo called ``name`` if something made it, else ``None``."""
    return session.info.get(_KEY, {}).get(name)


def forget(session: Session, name: str) -> None:
    """Drop the memo ``name`` now (its facts were just changed)."""
    session.info.get(_KEY, {}).pop(name, None)


@event.listens_for(Session, "after_commit")
@event.listens_for(Session, "after_soft_rollback")
def _end(session: Session, *_transaction) -> None:
    session.info.pop(_KEY, None)
