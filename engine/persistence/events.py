"""Domain events: what one command tells the rest of the system, through the unit of work.

A command publishes an event (``uow.publish(session, PlaceGranted(...))``); the unit of work
hands it to its handlers after the command, before the commit, in the same transaction
(engine.persistence.uow). Handlers live with what they do: the engine's in
:mod:`engine.commands.event_handlers`, the web's (notifications) in the web package.
"""

from dataclasses import dataclass
from datetime import datetime

from .models import Event


@dataclass(frozen=True)
class PlaceGranted:
    """A case on a waiting list was given a place: its process must move on."""

    case_id: int
    at: datetime


@dataclass(frozen=True)
class Recorded:
    """An event was appended to a case's trail (a reminder, an escalation, an alert...)."""

    event: Event
