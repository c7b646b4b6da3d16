"""Timer event definitions that read time from :mod:`engine.core.clock`.

SpiffWorkflow's own timers call ``datetime.now()`` directly, so a sweep "as of" a given moment
(or a test moving the clock) could not be expressed. These subclasses are swapped in right
after parsing and registered with the serializer under their own type names.
"""

from datetime import datetime, timedelta

from SpiffWorkflow.bpmn.specs.event_definitions.timer import (
    CycleTimerEventDefinition,
    DurationTimerEventDefinition,
    TimeDateEventDefinition,
    TimerEventDefinition,
)

from ..core import clock
from .helpers import DEADLINE_KEY, DEADLINE_USED


def is_timer_expression(value: str) -> bool:
    """Whether ``value`` is an ISO 8601 date, duration or (``R…``) cycle a timer accepts."""
    try:
        if value.upper().startswith("R"):
            TimerEventDefinition.parse_iso_recurring_interval(value)
        else:
            TimerEventDefinition.parse_time_or_duration(value)
    except Exception:  # noqa: BLE001 - any parse failure is the same user error
        return False
    return True


def _moment(value: str) -> datetime:
    return TimerEventDefinition.get_datetime(value)


def _fire_if_due(my_task, due: str) -> bool:
    if _moment(due) <= clock.now():
        my_task._set_internal_data(event_fired=True)
    return my_task._get_internal_data("event_fired", False)


class ClockedTimeDate(TimeDateEventDefinition):
    """A timer at a date-time given by an expression."""

    def has_fired(self, my_task):
        value = my_task._get_internal_data("event_value")
        if value is None:
            token = DEADLINE_USED.set(None)
            try:
                value = str(my_task.workflow.script_engine.evaluate(my_task, self.expression))
                used = DEADLINE_USED.get()
            finally:
                DEADLINE_USED.reset(token)
            _moment(value)  # fail now, not at every sweep, if it is not a date-time
            my_task._set_internal_data(event_value=value)
            if used:
                my_task._set_internal_data(**{DEADLINE_KEY: used})
        return _fire_if_due(my_task, value)


class ClockedDuration(DurationTimerEventDefinition):
    """A timer a duration after the moment it starts waiting."""

    def has_fired(self, my_task):
        value = my_task._get_internal_data("event_value")
        if value is None:
            expression = my_task.workflow.script_engine.evaluate(my_task, self.expression)
            start = clock.now()
            duration = self.parse_iso_duration(expression)
            value = (start + self.get_timedelta_from_start(duration, start)).isoformat()
            my_task._set_internal_data(event_value=value)
        return _fire_if_due(my_task, value)


class ClockedCycle(CycleTimerEventDefinition):
    """A recurring timer; one call fires at most one cycle, as in SpiffWorkflow."""

    def cycle_complete(self, my_task):
        value = my_task._get_internal_data("event_value")
        if value is None:
            value = self._first_cycle(my_task)
        ready = False
        if value["cycles"] != 0:
            next_event = datetime.fromisoformat(value["next"])
            if next_event <= clock.now():
                value["next"] = (next_event + timedelta(seconds=value["duration"])).isoformat()
                value["cycles"] -= 1
                ready = True
        else:
            my_task.internal_data.pop("event_value", None)
            my_task.internal_data["event_fired"] = True
        my_task._set_internal_data(event_value=value)
        return ready

    def _first_cycle(self, my_task) -> dict:
        expression = my_task.workflow.script_engine.evaluate(my_task, self.expression)
        parts = expression.upper().replace("--", "/").strip("R").split("/")
        if len(parts) == 2 and parts[1].startswith("P"):
            start = clock.now()
            duration = self.get_timedelta_from_start(self.parse_iso_duration(parts[1]), start)
            cycles = int(parts[0]) if parts[0] else -1
            first = start + duration
        else:
            cycles, first, duration = self.parse_iso_recurring_interval(expression)
        return {"cycles": cycles, "next": first.isoformat(), "duration": duration.total_seconds()}


CLOCKED = {
    TimeDateEventDefinition: ClockedTimeDate,
    DurationTimerEventDefinition: ClockedDuration,
    CycleTimerEventDefinition: ClockedCycle,
}


def install_clock(spec) -> None:
    """Replace the timer event definitions of every task spec in ``spec`` with clocked ones."""
    for task_spec in spec.task_specs.values():
        definition = getattr(task_spec, "event_definition", None)
        clocked = CLOCKED.get(type(definition))
        if clocked is not None:
            task_spec.event_definition = clocked(
                definition.name, definition.expression, description=definition.description
            )
