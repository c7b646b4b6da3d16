"""One filter and one page for the logs an administrator reads: the audit trail of
administrative changes (engine.commands.audit_trail) and the access log (who looked at what,
engine.queries.access_log). Both filter by person, case, kind and a span of days, and page
newest first."""

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import Session

PER_PAGE = 50


@dataclass(frozen=True)
class LogFilter:
    """What a log is filtered by (each optional) and which page."""

    person: str | None = None
    case_id: int | None = None
    kind: str | None = None
    since: date | None = None
    until: date | None = None
    page: int = 1


@dataclass(frozen=True)
class LogPage:
    """One page of a log, newest first."""

    rows: list
    total: int
    page: int

    @property
    def pages(self) -> int:
        """How many pages there are (at least one)."""
        return max(1, -(-self.total // PER_PAGE))


def _start(day: date) -> datetime:
    """The first moment of ``day`` where the server is."""
    return datetime.combine(day, time()).astimezone()


def within_days(query, column, f: LogFilter):
    """``query`` kept to the rows whose ``column`` falls from ``f.since`` to ``f.until``
    (whole days, both included)."""
    if f.since:
        query = query.where(column >= _start(f.since))
    if f.until:
        query = query.where(column < _start(f.until + timedelta(days=1)))
    return query


def one_page(session: Session, query, newest_first: tuple, f: LogFilter) -> LogPage:
    """The page ``f`` asks for of ``query``'s rows, ordered by ``newest_first``."""
    total = session.scalar(select(func.count()).select_from(query.subquery()))
    page = max(1, f.page)
    rows = session.scalars(query.order_by(*newest_first)
                           .offset((page - 1) * PER_PAGE).limit(PER_PAGE)).all()
    return LogPage(list(rows), total or 0, page)
