"""The engine's one source of "now".

SpiffWorkflow reads the wall clock itself; the engine instead asks this module, so a caller
(a test, the CLI's ``--at``, a timer sweep catching up) can state what time it is. Outside a
``frozen_at`` block the clock is the real UTC time (which ``time-machine`` moves in tests).
"""

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from datetime import UTC, datetime

_frozen: ContextVar[datetime | None] = ContextVar("acompana_now", default=None)


def now() -> datetime:
    """Return the current time as an aware UTC datetime."""
    frozen = _frozen.get()
    return frozen if frozen is not None else datetime.now(UTC)


def real_now() -> datetime:
    """The real UTC time even inside a ``frozen_at`` block: when a process that waits
    on the wall clock (a timer driver) will next wake is measured against it."""
    return datetime.now(UTC)


def as_utc(moment: datetime) -> datetime:
    """Return ``moment`` as aware UTC; a naive value is taken to be UTC already."""
    if moment.tzinfo is None:
        return moment.replace(tzinfo=UTC)
    return moment.astimezone(UTC)


@contextmanager
def frozen_at(moment: datetime | None) -> Iterator[datetime]:
    """Make :func:`now` return ``moment`` inside the block (``None`` keeps the real clock)."""
    if moment is None:
        yield now()
        return
    token = _frozen.set(as_utc(moment))
    try:
        yield as_utc(moment)
    finally:
        _frozen.reset(token)
