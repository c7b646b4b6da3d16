"""One engine command, one transaction: commit on success, roll back on any error."""

from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session
from sqlalchemy.orm.exc import StaleDataError

from .errors import Conflict


@contextmanager
def unit_of_work(session: Session) -> Iterator[Session]:
    """Commit what the block did, or undo all of it; a lost race becomes :class:`Conflict`."""
    try:
        yield session
        session.commit()
    except StaleDataError as err:
        session.rollback()
        raise Conflict(code="case.changed_concurrently", message="the case was changed by "
                       "someone else at the same time; "
                       "reload it and try again") from err
    except OperationalError as err:
        session.rollback()
        if "locked" in str(err).lower():
            raise Conflict("the case is busy; try again in a moment", code="case.busy") from err
        raise
    except BaseException:
        session.rollback()
        raise
