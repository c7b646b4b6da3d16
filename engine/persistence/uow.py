"""Units of work: the entry point's transaction, the savepoints inside it, its domain events.

Engine commands never commit. Whoever calls them — a web request, a CLI command, a background
job, a test — opens one unit of work around them and owns its outcome::

    with unit_of_work(session):
        case = start_case(session, ...)
        complete(session, forms, first_task, data, actor)   # all of it, or none of it

- Leaving the block normally handles the domain events the commands published
(engine.persistence.events:
  a freed place moving the next family on, a notification to send) — handlers may publish more,
  and run until none is left — then commits. ``dry_run=True`` does all of that and rolls back.
- Leaving it with an exception rolls everything back; a lost race (a stale version, SQLite's
  write lock) becomes :class:`Conflict`.
- A unit of work opened inside another is a savepoint of the outer one: if it fails, its work
  and its events are undone and the outer one goes on, if the caller catches the error.
- What must be recorded even when the work is undone (an incident: the step's script failed)
  is :meth:`UnitOfWork.keep`-ed: written with the work when it commits, or in a transaction
  of its own after the rollback.
"""

import functools
import logging
from collections import deque
from collections.abc import Callable, Iterator
from contextlib import contextmanager

from sqlalchemy import event
from sqlalchemy.engine import Engine
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session
from sqlalchemy.orm.exc import StaleDataError

from ..core.errors import Conflict

log = logging.getLogger("acompana.uow")
ACTIVE = "acompana.unit_of_work"
Handler = Callable[[Session, object], None]
Record = Callable[[Session], None]
_HANDLERS: dict[type, list[Handler]] = {}


class NoUnitOfWork(RuntimeError):
    """An engine command was called outside a unit of work (a programming error)."""


def handles(event_type: type) -> Callable[[Handler], Handler]:
    """Register ``handler(session, event)`` for domain events of ``event_type``."""
    def register(handler: Handler) -> Handler:
        _HANDLERS.setdefault(event_type, []).append(handler)
        return handler
    return register


class UnitOfWork:
    """One entry point's transaction: the session, the events to handle, what to keep."""

    def __init__(self, session: Session, dry_run: bool = False):
        self.session, self.dry_run = session, dry_run
        self.events: deque = deque()
        self.kept: list[Record] = []
        self.handled: list[object] = []

    def publish(self, domain_event: object) -> None:
        """Queue ``domain_event`` for its handlers, which run before the commit."""
        self.events.append(domain_event)

    def keep(self, record: Record) -> None:
        """Run ``record(session)`` whatever happens to this unit's work."""
        self.kept.append(record)

    @contextmanager
    def savepoint(self) -> Iterator["UnitOfWork"]:
        """Nested work: undone alone (with its events) when it fails."""
        queued = list(self.events)
        try:
            with _translated(), self.session.begin_nested():
                yield self
        except BaseException:
            self.events = deque(queued)
            raise

    def finish(self) -> None:
        """Handle the queued events (and those they raise), then commit or, dry, roll back."""
        with _translated():
            while self.events:
                domain_event = self.events.popleft()
                for handler in _HANDLERS.get(type(domain_event), ()):
                    handler(self.session, domain_event)
                self.handled.append(domain_event)
            for record in self.kept:
                record(self.session)
            if self.dry_run:
                self.session.rollback()
            else:
                self.session.commit()
        self.kept = []

    def abandon(self) -> None:
        """Roll back, then write what was kept in a transaction of its own."""
        self.session.rollback()
        if not self.kept:
            return
        kept, self.kept = self.kept, []
        try:
            for record in kept:
                record(self.session)
            self.session.commit()
        except Exception:  # noqa: BLE001 - the original error is the one to report
            self.session.rollback()
            log.exception("could not record what a failed unit of work kept")


@contextmanager
def unit_of_work(session: Session, *, dry_run: bool = False) -> Iterator[UnitOfWork]:
    """The unit of work of ``session``: a new one, or a savepoint of the one already open."""
    active = session.info.get(ACTIVE)
    if active is not None:
        with active.savepoint():
            yield active
        return
    work = session.info[ACTIVE] = UnitOfWork(session, dry_run)
    try:
        with _translated():
            yield work
        work.finish()
    except BaseException:
        work.abandon()
        raise
    finally:
        session.info.pop(ACTIVE, None)


def current(session: Session) -> UnitOfWork:
    """The unit of work open on ``session``; :class:`NoUnitOfWork` if there is none."""
    active = session.info.get(ACTIVE)
    if active is None:
        raise NoUnitOfWork("engine commands run inside a unit of work: "
                           "`with unit_of_work(session): ...` (engine.persistence.uow)")
    return active


def command(function: Callable) -> Callable:
    """Mark an engine command: it runs inside the unit of work open on its first argument,
    the session, and refuses (:class:`NoUnitOfWork`) to run without one."""
    @functools.wraps(function)
    def inside_a_unit_of_work(session: Session, *args, **kwargs):
        current(session)
        return function(session, *args, **kwargs)
    return inside_a_unit_of_work


def publish(session: Session, domain_event: object) -> None:
    """Queue ``domain_event`` on the unit of work open on ``session``."""
    current(session).publish(domain_event)


@contextmanager
def _translated() -> Iterator[None]:
    """A lost race, raised by the database, as the :class:`Conflict` the user is told."""
    try:
        yield
    except StaleDataError as err:
        raise Conflict("the case was changed by someone else at the same time; "
                       "reload it and try again", code="case.changed_concurrently") from err
    except OperationalError as err:
        if "locked" in str(err).lower():
            raise Conflict("the case is busy; try again in a moment", code="case.busy") from err
        raise


@event.listens_for(Engine, "savepoint")
def _sqlite_savepoint_inside_a_transaction(connection, name) -> None:
    """SQLite's driver opens no transaction before a SAVEPOINT, so releasing it would commit:
    open one first, so that the outer unit of work can still undo what the savepoint kept."""
    if connection.dialect.name != "sqlite":
        return
    raw = connection.connection.dbapi_connection
    if not raw.in_transaction:
        raw.execute("BEGIN")
