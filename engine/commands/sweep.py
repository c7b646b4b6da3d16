"""The timer sweep: fire every due timer exactly once, whatever runs it and however often.

The ``timer`` table says what is due. Due instances are fired :data:`BATCH_CASES` at a time,
in one transaction: the batch is loaded in one statement, each instance under its row lock
(``SKIP LOCKED``: a second sweep moves on to other cases; one fired meanwhile is left out),
its mirror rows in two more, each instance's timers are fired in due order, and what they
wrote goes to the database in one flush and one commit. The optimistic version check turns
any remaining race into a no-op.

A batch in which anything fails is undone whole and its cases are fired again one
transaction each, as a single case is: nothing of the batch was written, so nothing runs
twice, and only the case that fails again is left out.

A case whose timers fail — a script error, a limit, anything a script raised — becomes an
incident (engine.commands.incidents) and the sweep moves on to the next case; the incident keeps
that case out of the due list until its next retry, so it never blocks the other deadlines.
"""

import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import exists, func, select
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session

from ..core import clock
from ..core.errors import Conflict
from ..persistence import timer_announcements
from ..persistence.models import ProcessInstance, Timer
from ..persistence.uow import unit_of_work
from ..runtime import workflow as runtime
from . import incidents, store, transfers

log = logging.getLogger("acompana.sweep")
DUE_READ_AHEAD = 4  # due timers read per case wanted (a case has a few due at once)
BATCH_CASES = 25  # due cases fired in one transaction (one read of them, one flush, one commit)
TIMER_CHANNEL = timer_announcements.CHANNEL  # PostgreSQL LISTEN channel of soon timers


@dataclass
class SweepResult:
    """What one sweep did."""

    instances: int = 0
    fired: int = 0
    skipped: int = 0
    failed: int = 0
    transfers: int = 0  # family transfers settled (made due, reminded, withheld)


def due_instances(session: Session, now: datetime, limit: int) -> list[int]:
    """Instances with a timer due by ``now``, most overdue first.

    The first due timers are read through the ``due_at`` index (a few times ``limit`` rows,
    whatever the number due: a herd of 200,000 due timers is not grouped for each batch);
    only when their instances repeat too much to fill ``limit`` are all due timers grouped."""
    due = select(Timer.instance_id).where(
        Timer.due_at <= now, Timer.instance_id.not_in(incidents.held_instances(now)))
    read = limit * DUE_READ_AHEAD
    rows = list(session.scalars(due.order_by(Timer.due_at).limit(read)))
    instances = list(dict.fromkeys(rows))  # in order of each one's first (soonest) timer
    if len(instances) >= limit or len(rows) < read:
        return instances[:limit]
    grouped = due.group_by(Timer.instance_id).order_by(func.min(Timer.due_at)).limit(limit)
    return list(session.scalars(grouped).all())


def next_due_after(session: Session, moment: datetime) -> datetime | None:
    """When the first timer due after ``moment`` falls due (the timer index), or ``None``.

    The timer drivers sleep until then rather than polling (web.scheduler, web.background)."""
    return session.scalar(select(func.min(Timer.due_at)).where(Timer.due_at > moment))


def when_a_timer_falls_due_soon(listener: Callable[[datetime], None]) -> Callable[[], None]:
    """Call ``listener(due_at)`` after every commit of this process that wrote a timer due
    within a couple of minutes (engine.persistence.timer_announcements; on PostgreSQL such a
    commit also notifies channel :data:`TIMER_CHANNEL`, for drivers in other processes).
    Returns the function that stops it."""
    timer_announcements.listen(listener)
    return lambda: timer_announcements.forget(listener)


def fire_due_timers(database: Engine, now: datetime | None = None,
                    limit: int = 1000) -> SweepResult:
    """Fire the timers due by ``now`` (default: the clock), one unit of work per case.

    The sweep is an entry point of its own: it opens its sessions on ``database`` and never
    touches a session of its caller. After the timers, the family transfers whose moment
    came are settled (engine.commands.transfers). What it reads of programmes and territories
    it reads once per sweep; every case is read as it is now, under its lock
    (engine.commands.store).
    """
    moment = clock.as_utc(now) if now else clock.now()
    result = SweepResult()
    with Session(database, expire_on_commit=False) as session:
        with unit_of_work(session):
            incidents.resolve_completed_steps(session, moment)
        troubled = incidents.open_instance_ids(session, "timer")
        due = due_instances(session, moment, limit)
        session.rollback()
        for start in range(0, len(due), BATCH_CASES):
            _sweep_batch(session, due[start:start + BATCH_CASES], moment, troubled, result)
    result.transfers = transfers.settle_due(database, moment, limit).settled
    return result


def _sweep_batch(session: Session, batch: list[int], moment: datetime, troubled: set[int],
                 result: SweepResult) -> None:
    """Fire a batch of cases in one unit of work; if anything in it fails, undo it and fire
    its cases one by one (the one that fails becomes its incident; the others fire)."""
    if len(batch) == 1:
        _sweep_one(session, batch[0], moment, batch[0] in troubled, result)
        return
    done = SweepResult()
    try:
        with unit_of_work(session), clock.frozen_at(moment):
            # kept until the commit: the session's identity map holds its rows weakly, and
            # the handlers of their events (notifications) read the cases and steps there
            claimed = store.load_batch(session, batch, only_if=_due_now(moment))
            for loaded in claimed:
                done.fired += _fire_loaded(session, loaded, moment,
                                           loaded.instance.id in troubled)
                done.instances += 1
            store.write_batch(session)  # before the handlers of its events run
    except Exception as error:  # noqa: BLE001 - the cases, one by one, say which one failed
        log.info("a batch of %d cases failed (%s); firing them one by one", len(batch), error)
        for instance_id in batch:
            _sweep_one(session, instance_id, moment, instance_id in troubled, result)
        return
    result.instances += done.instances
    result.fired += done.fired
    result.skipped += len(batch) - done.instances


def _sweep_one(session: Session, instance_id: int, moment: datetime, troubled: bool,
               result: SweepResult) -> None:
    """Fire one case's due timers; a failure becomes the case's incident, never the sweep's."""
    try:
        with unit_of_work(session):
            fired = _fire_instance(session, instance_id, moment, troubled)
    except Conflict:
        fired = None
    except Exception as error:  # noqa: BLE001 - any failure of one case is its incident
        with unit_of_work(session):
            incidents.record_failure(session, instance_id, "timer", error, moment)
        log.warning("timers of process instance %d failed: %s", instance_id, error)
        result.failed += 1
        return
    if fired is None:
        result.skipped += 1
    else:
        result.instances += 1
        result.fired += fired


def _fire_instance(session: Session, instance_id: int, moment: datetime,
                   troubled: bool = False) -> int | None:
    with clock.frozen_at(moment):
        loaded = store.load(session, instance_id, only_if=_still_due(instance_id, moment))
        if loaded is None:
            return None  # another worker holds it, or has just fired what was due
        return _fire_loaded(session, loaded, moment, troubled)


def _fire_loaded(session: Session, loaded: store.LoadedCase, moment: datetime,
                 troubled: bool) -> int:
    """Fire a loaded case's timers due by ``moment`` and save it; how many fired."""
    loaded.catch_up(moment)
    fired = sum(1 for task, _ in loaded.steps if runtime.is_timer(task))
    store.save(session, loaded, moment)
    if troubled:
        incidents.resolve(session, loaded.instance.id, "timer", moment)
    return fired


def _still_due(instance_id: int, moment: datetime):
    """The condition that the instance still has a timer due by ``moment``."""
    return exists().where(Timer.instance_id == instance_id, Timer.due_at <= moment)


def _due_now(moment: datetime):
    """The condition that a loaded instance still has a timer due by ``moment``."""
    return exists().where(Timer.instance_id == ProcessInstance.id, Timer.due_at <= moment)
