"""Every workflow state the engine stores, seen as it is written (tests and benchmarks).

A mapper event on ``process_instance`` sees each insert and update from any session, the
timer sweep's own included, so a test can check every state a case ever had.
"""

from collections.abc import Callable, Iterator
from contextlib import contextmanager

from sqlalchemy import event

from engine.persistence.models import ProcessInstance

STATE_LIMIT = 30 * 1024  # bytes: a case's stored state through a whole programme cycle


@contextmanager
def stored_states(note: Callable[[str], None]) -> Iterator[None]:
    """Call ``note(state)`` with each state written to the database inside the block."""
    def stored(mapper, connection, target: ProcessInstance) -> None:
        if target.state:
            note(target.state)

    event.listen(ProcessInstance, "before_insert", stored)
    event.listen(ProcessInstance, "before_update", stored)
    try:
        yield
    finally:
        event.remove(ProcessInstance, "before_insert", stored)
        event.remove(ProcessInstance, "before_update", stored)
