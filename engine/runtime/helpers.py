"""The functions a BPMN expression may call (``plazo``, ``recordatorio``, ``hoy``…).

They are bound to one case (its settings and territory calendar) and to the task data the
expression is evaluated against, and they read time from :mod:`engine.core.clock`.
"""

from contextvars import ContextVar
from copy import deepcopy
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from SpiffWorkflow.bpmn.specs.event_definitions.timer import TimerEventDefinition

from ..core import clock
from ..programmes.calendars import TerritoryCalendar, add_months, months_between
from ..programmes.deadlines import REMINDER_HOUR, compute
from ..programmes.settings import ProgrammeSettings

# The deadline key the last ``plazo``/``recordatorio`` call used: a timer whose expression
# chooses its rule (``plazo(clave_sesion)``) records the rule it actually applied.
DEADLINE_USED: ContextVar[str | None] = ContextVar("deadline_used", default=None)
DEADLINE_KEY = "deadline_key"  # a timer's internal data: the deadline rule it applied


@dataclass(frozen=True)
class CaseContext:
    """What expressions need to know about the case they run in."""

    settings: ProgrammeSettings
    calendar: TerritoryCalendar

    def helpers(self, data: dict) -> dict[str, Any]:
        """The helper functions, bound to ``data``."""

        def duracion(key: str) -> str:
            """The ISO-8601 duration configured for cycle ``key``."""
            return self.settings.cycles[key]

        def meses_desde(field: str) -> int:
            """Whole months from the date in ``field`` until today."""
            start = date.fromisoformat(str(data[field])[:10])
            return months_between(start, self.today())

        def proximo_ciclo(key: str, field: str) -> str:
            """The next time (08:00 local, after now) a whole number of cycles ``key`` after
            the date in ``field``: a monthly review stays on its day of the month."""
            anchor = date.fromisoformat(str(data[field])[:10])
            return self.next_cycle(self.settings.cycles[key], anchor).isoformat()

        def dato(field: str, default: Any = None) -> Any:
            """The case data's ``field`` (a copy), or ``default`` while it has none (a step
            a version may lack, e.g. a plan)."""
            return deepcopy(data[field]) if field in data else default

        def hoy() -> str:
            """Today's date in the territory (YYYY-MM-DD)."""
            return self.today().isoformat()

        return {**self.deadline_helpers(data), "duracion": duracion,
                "meses_desde": meses_desde, "proximo_ciclo": proximo_ciclo, "hoy": hoy,
                "dato": dato, "parametro": self.parameter}

    def deadline_helpers(self, data: dict) -> dict[str, Any]:
        """``plazo``, ``recordatorio`` and ``vence``, bound to ``data``; the first two note
        the rule they applied (:data:`DEADLINE_USED`)."""

        def plazo(key: str) -> str:
            """When deadline ``key`` is overdue (ISO datetime)."""
            DEADLINE_USED.set(key)
            return self.deadline(key, data).escalate_at.isoformat()

        def recordatorio(key: str) -> str:
            """When to remind about deadline ``key`` (ISO datetime)."""
            DEADLINE_USED.set(key)
            return self.deadline(key, data).remind_at.isoformat()

        def vence(key: str) -> str:
            """The due day of deadline ``key`` (YYYY-MM-DD), e.g. the next session's."""
            return self.deadline(key, data).due.isoformat()

        return {"plazo": plazo, "recordatorio": recordatorio, "vence": vence}

    def parameter(self, path: str) -> Any:
        """A value of the programme settings by its dotted path, e.g.
        ``parametro("modalidades.charlas.sesiones")`` (a copy: scripts cannot change it)."""
        value: Any = self.settings.values
        for part in path.split("."):
            if not isinstance(value, dict) or part not in value:
                raise KeyError(f"no setting '{path}' in the programme settings")
            value = value[part]
        return deepcopy(value)

    def deadline(self, key: str, data: dict):
        """Compute the deadline ``key`` as of now for ``data``."""
        rule = self.settings.deadlines.get(key)
        if rule is None:
            raise KeyError(f"no deadline '{key}' in the programme settings")
        return compute(rule, data, self.calendar, clock.now())

    def next_cycle(self, period: str, anchor: date) -> datetime:
        """The first ``anchor + k·period`` (k ≥ 1) at 08:00 local that is after now."""
        parsed = TimerEventDefinition.parse_iso_duration(period)
        months = parsed.get("years", 0) * 12 + parsed.get("months", 0)
        days = parsed.get("weeks", 0) * 7 + parsed.get("days", 0)
        if not months and not days:
            raise ValueError(f"cycle {period!r} must be a whole number of days or months")
        now = clock.now()
        for k in range(1, 100_000):
            day = add_months(anchor, k * months) + timedelta(days=k * days)
            moment = self.calendar.at(day, REMINDER_HOUR)
            if moment > now:
                return moment
        raise ValueError(f"cycle {period!r} from {anchor} never comes after {now}")

    def today(self) -> date:
        """Today in the territory."""
        return self.calendar.local_date(clock.now())
