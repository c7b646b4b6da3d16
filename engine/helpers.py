"""The functions a BPMN expression may call (``plazo``, ``recordatorio``, ``hoy``…).

They are bound to one case (its settings and territory calendar) and to the task data the
expression is evaluated against, and they read time from :mod:`engine.clock`.
"""

from dataclasses import dataclass
from datetime import date
from typing import Any

from . import clock
from .calendars import TerritoryCalendar, months_between
from .deadlines import compute
from .settings import ProgrammeSettings


@dataclass(frozen=True)
class CaseContext:
    """What expressions need to know about the case they run in."""

    settings: ProgrammeSettings
    calendar: TerritoryCalendar

    def helpers(self, data: dict) -> dict[str, Any]:
        """The helper functions, bound to ``data``."""

        def plazo(key: str) -> str:
            """When deadline ``key`` is overdue (ISO datetime)."""
            return self.deadline(key, data).escalate_at.isoformat()

        def recordatorio(key: str) -> str:
            """When to remind about deadline ``key`` (ISO datetime)."""
            return self.deadline(key, data).remind_at.isoformat()

        def duracion(key: str) -> str:
            """The ISO-8601 duration configured for cycle ``key``."""
            return self.settings.cycles[key]

        def meses_desde(field: str) -> int:
            """Whole months from the date in ``field`` until today."""
            start = date.fromisoformat(str(data[field])[:10])
            return months_between(start, self.today())

        def hoy() -> str:
            """Today's date in the territory (YYYY-MM-DD)."""
            return self.today().isoformat()

        return {"plazo": plazo, "recordatorio": recordatorio, "duracion": duracion,
                "meses_desde": meses_desde, "hoy": hoy}

    def deadline(self, key: str, data: dict):
        """Compute the deadline ``key`` as of now for ``data``."""
        rule = self.settings.deadlines.get(key)
        if rule is None:
            raise KeyError(f"no deadline '{key}' in the programme settings")
        return compute(rule, data, self.calendar, clock.now())

    def today(self) -> date:
        """Today in the territory."""
        return self.calendar.local_date(clock.now())
