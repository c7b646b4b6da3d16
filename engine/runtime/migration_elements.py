"""The elements of a version a running case may sit at that another version no longer has,
and, for each, the other version's elements of the same kind it could be mapped to (the
choices of a migration's manual mapping: engine.runtime.migration refuses a mapping to an
element of another kind)."""

from dataclasses import dataclass

from SpiffWorkflow.bpmn.specs.mixins import (
    BoundaryEventMixin,
    CallActivityMixin,
    IntermediateCatchEventMixin,
    ManualTaskMixin,
    NoneTaskMixin,
    ReceiveTaskMixin,
    SubWorkflowTaskMixin,
    UserTaskMixin,
)

WAITING = (UserTaskMixin, ManualTaskMixin, NoneTaskMixin, IntermediateCatchEventMixin,
           ReceiveTaskMixin, CallActivityMixin, SubWorkflowTaskMixin)


@dataclass(frozen=True)
class Step:
    """An element a case may wait at, by bpmn id and BPMN name (``None``: unnamed)."""

    bpmn_id: str
    name: str | None


@dataclass(frozen=True)
class Mappable:
    """A step of the source version gone in the target, and the target's steps of its kind."""

    step: Step
    kind: str
    choices: tuple[Step, ...]


def waiting_steps(spec, subprocess_specs: dict) -> list[Step]:
    """The steps of a version a case may sit at (tasks and catch events; not the boundary
    events, which follow their step), top process first, in document order."""
    return [Step(s.bpmn_id, s.bpmn_name) for _, s in _waiting(spec, subprocess_specs)]


def element_names(spec, subprocess_specs: dict) -> dict[str, str]:
    """``{bpmn id: BPMN name}`` of every named element of a version (timers too)."""
    return {s.bpmn_id: s.bpmn_name for _, process in _processes(spec, subprocess_specs)
            for s in process.task_specs.values() if s.bpmn_id and s.bpmn_name}


def mappable(old_spec, old_subs: dict, new_spec, new_subs: dict) -> list[Mappable]:
    """Every waiting step of the old version whose bpmn id the new one does not have (in the
    same process), each with the new version's steps of the same kind as choices."""
    found = []
    for process, spec in _processes(old_spec, old_subs):
        target = new_spec if process is None else new_subs.get(process)
        kept = set(target.task_specs) if target is not None else set()
        for step in _steps_of(spec):
            if step.bpmn_id in kept:
                continue
            choices = tuple(Step(s.bpmn_id, s.bpmn_name) for s in _steps_of(target)
                            if type(s) is type(step)) if target is not None else ()
            found.append(Mappable(Step(step.bpmn_id, step.bpmn_name), type(step).__name__,
                                  choices))
    return found


def _processes(spec, subs: dict) -> list[tuple[str | None, object]]:
    return [(None, spec), *sorted(subs.items())]


def _waiting(spec, subs: dict) -> list:
    return [(p, s) for p, process in _processes(spec, subs) for s in _steps_of(process)]


def _steps_of(spec) -> list:
    if spec is None:
        return []
    return [s for s in spec.task_specs.values()
            if s.bpmn_id and isinstance(s, WAITING) and not isinstance(s, BoundaryEventMixin)]
