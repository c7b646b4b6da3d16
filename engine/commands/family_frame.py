"""A programme's frame of families per territory: how many families one implementation takes
in (P.I.P.P.I.: "presa in carico di 10 famiglie per ogni implementazione del programma").

The settings say it (``[tope_familias]``)::

    por_territorio = 10          # families per territory and implementation
    al_superar = "rechazar"      # "rechazar": the next one is refused; "avisar": taken in, noted
    [tope_familias.desde]        # when each territory's current implementation began
    somma_lombardo = "2026-01-01"

A user task with the property ``familyFrame`` (its value names the field that, when true,
takes the family in, e.g. ``familyFrame="consenso_dato"``) counts against the frame when it
is completed: a ``frame_taken`` event records the family with the places used and left. The
families counted are those of the programme in the territory taken in since the
implementation began (all of them without a start date). When the frame is full the step is
refused (nothing changes; the field says why) or, with ``avisar``, done with a
``frame_exceeded`` event beside it.
"""

from dataclasses import dataclass
from datetime import UTC, date, datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from ..core.errors import FieldError, InvalidTaskData
from ..persistence import audit
from ..persistence.models import Case, Event, Territory
from ..programmes.calendars import calendar_of
from ..programmes.settings import ProgrammeSettings
from ..runtime import workflow as runtime
from ..runtime.workflow import Task

SETTINGS = "tope_familias"
PROPERTY = "familyFrame"
TAKEN, EXCEEDED = "frame_taken", "frame_exceeded"
REFUSE, WARN = "rechazar", "avisar"
FULL = "frame_full"  # the FieldError rule


@dataclass(frozen=True)
class FrameStatus:
    """Where a territory's frame stands: its size, the families in it, since when."""

    territory: str
    capacity: int
    used: int
    since: date | None
    on_full: str

    @property
    def left(self) -> int:
        """The places still free (never below 0)."""
        return max(self.capacity - self.used, 0)

    @property
    def full(self) -> bool:
        """Whether no place is left."""
        return self.used >= self.capacity


def frame_settings(settings: ProgrammeSettings) -> dict | None:
    """The programme's ``[tope_familias]`` table, or None when it has no frame."""
    table = settings.values.get(SETTINGS)
    return table if isinstance(table, dict) and _whole(table.get("por_territorio")) else None


def status(session: Session, settings: ProgrammeSettings, programme_key: str,
           territory: Territory) -> FrameStatus | None:
    """How the territory's frame stands now (None when the programme has none)."""
    table = frame_settings(settings)
    if table is None:
        return None
    since = _since(table, territory.code)
    query = (select(func.count(func.distinct(Event.case_id))).join(Case, Case.id == Event.case_id)
             .where(Case.programme_key == programme_key, Case.territory_id == territory.id,
                    Event.kind == TAKEN))
    used = session.scalar(query) if since is None else _used_since(session, query, since,
                                                                   territory)
    on_full = WARN if table.get("al_superar") == WARN else REFUSE
    return FrameStatus(territory.code, table["por_territorio"], used or 0, since, on_full)


def takes_in(task: Task, data: dict) -> str | None:
    """The field that takes the family in when ``task`` is completed with ``data`` (None:
    the step does not, or not this time)."""
    field = runtime.properties(task).get(PROPERTY)
    return field if field and data.get(field) is True else None


def check(session: Session, settings: ProgrammeSettings, case: Case, task: Task,
          data: dict, form_key: str | None) -> FrameStatus | None:
    """Before ``task`` is completed: refuse it when it would take a family into a full frame
    that refuses (:class:`InvalidTaskData` on the field, nothing changed); else the frame's
    status, for :func:`record` (None when the step takes no family in)."""
    field = takes_in(task, data)
    if field is None or frame_settings(settings) is None or _already_in(session, case.id):
        return None
    # one taking-in per territory at a time (a row lock on PostgreSQL): two families racing
    # for the last place are counted one after the other
    session.execute(select(Territory.id).where(Territory.id == case.territory_id)
                    .with_for_update())
    found = status(session, settings, case.programme_key, case.territory)
    if found is not None and found.full and found.on_full == REFUSE:
        since = f" (desde el {found.since.isoformat()})" if found.since else ""
        raise InvalidTaskData(form_key or "", [FieldError(
            field, FULL,
            f"{found.territory} ya tomó a cargo {found.used} de {found.capacity} familias "
            f"en esta implementación{since}: la familia podrá entrar en la próxima.",
            {"capacity": found.capacity, "used": found.used, "territory": found.territory,
             "since": found.since.isoformat() if found.since else None})])
    return found


def record(session: Session, case: Case, task: Task, found: FrameStatus | None,
           actor_id: str, moment: datetime) -> None:
    """Record the family taken into the frame (and, past a frame that warns, that it was)."""
    if found is None:
        return
    used = found.used + 1
    params = {"used": used, "capacity": found.capacity, "left": max(found.capacity - used, 0),
              "territory": found.territory}
    audit.record(session, case.id, TAKEN, actor_id, moment, task=task, data=params,
                 code=f"event.{TAKEN}", params=params)
    if used > found.capacity:
        audit.record(session, case.id, EXCEEDED, actor_id, moment, task=task, data=params,
                     code=f"event.{EXCEEDED}", params=params)


def _already_in(session: Session, case_id: int) -> bool:
    """Whether the case was taken in before (a step done again does not count twice)."""
    query = select(Event.id).where(Event.case_id == case_id, Event.kind == TAKEN).limit(1)
    return session.scalar(query) is not None


def _used_since(session: Session, query, since: date, territory: Territory) -> int:
    """The families taken in on or after ``since`` (the territory's local day)."""
    calendar = calendar_of(territory)
    return session.scalar(query.where(Event.at >= calendar.at(since).astimezone(UTC))) or 0


def _since(table: dict, code: str) -> date | None:
    value = (table.get("desde") or {}).get(code) if isinstance(table.get("desde"), dict) else None
    try:
        return date.fromisoformat(str(value)) if value else None
    except ValueError:
        return None


def _whole(value) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and value >= 0
