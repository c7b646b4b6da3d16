"""The engine's own handlers of domain events (engine.persistence.events), run by the unit
of work."""

from sqlalchemy import select
from sqlalchemy.orm import Session

from ..core import clock
from ..persistence.events import PlaceGranted
from ..persistence.models import ProcessInstance
from ..persistence.uow import handles
from . import places, store


@handles(PlaceGranted)
def move_on_with_its_place(session: Session, granted: PlaceGranted) -> None:
    """Deliver ``cupo_asignado`` to the case given a place; a place it frees in turn (it
    closes at once) is one more event, handled next — never a recursion."""
    query = select(ProcessInstance.id).where(ProcessInstance.case_id == granted.case_id)
    with clock.frozen_at(granted.at):
        woken = store.load_for_update(session, session.scalar(query))
        if woken.case.deadlines_paused_at is None:
            woken.catch_up(granted.at)
        woken.deliver(places.GRANTED_MESSAGE, places.ASSIGNED)
        store.save(session, woken, granted.at)
