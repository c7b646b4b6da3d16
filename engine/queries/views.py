"""Read-only views the web pages need: a task's instructions, a case's diagram state."""

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from ..commands import family_frame as frame
from ..commands.cases import visible_case
from ..commands.family_frame import FrameStatus
from ..core.actors import Actor
from ..definitions import catalog, versions
from ..persistence.models import Case, Event, HumanTask, ProcessDefinition, ProcessInstance
from ..programmes.settings import DeadlineRule

STEP_KINDS = ("task_completed", "system_step", "decision", "reminder", "escalation",
              "timer_fired", "case_closed", "alert", "message_sent", "message_received")


def instructions(session: Session, row: HumanTask) -> str | None:
    """The step's instructions for the person doing it (plain text, unrendered)."""
    return _extensions(session, row).get("instructionsForEndUser")


def family_frame(session: Session, row: HumanTask) -> FrameStatus | None:
    """How the territory's frame of families stands, for a step that takes a family in
    (property ``familyFrame``; None for any other step or a programme without a frame)."""
    if not _extensions(session, row).get("properties", {}).get(frame.PROPERTY):
        return None
    case = session.get(Case, row.case_id)
    programme = catalog.programme(session, row.programme_key)
    definition_id = versions.definition_of_instance(session, row.instance_id)
    settings = versions.settings_for(session, programme, definition_id)
    return frame.status(session, settings, row.programme_key, case.territory)


def _extensions(session: Session, row: HumanTask) -> dict:
    """The ``extensions`` of the step's spec (instructions, properties)."""
    definition_id = versions.definition_of_instance(session, row.instance_id)
    spec, subs = catalog.spec_by_id(session, definition_id)
    for process in (spec, *subs.values()):
        task_spec = process.task_specs.get(row.bpmn_id)
        if task_spec is not None:
            return getattr(task_spec, "extensions", {}) or {}
    return {}


def deadline_rule(session: Session, row: HumanTask) -> DeadlineRule | None:
    """The rule the task's due date came from (the page words it in the reader's language)."""
    if not row.deadline_key:
        return None
    programme = catalog.programme(session, row.programme_key)
    definition_id = versions.definition_of_instance(session, row.instance_id)
    return versions.settings_for(session, programme, definition_id).deadlines.get(row.deadline_key)


@dataclass(frozen=True)
class DiagramState:
    """A case's process diagram and which of its elements are done and current."""

    bpmn_xml: str
    done: list[str]
    current: list[str]


def diagram(session: Session, case_id: int, actor: Actor) -> DiagramState:
    """The BPMN of the case's process version, with completed and current elements."""
    visible_case(session, case_id, actor)
    instance = session.scalars(
        select(ProcessInstance).where(ProcessInstance.case_id == case_id)).one()
    definition = session.get(ProcessDefinition, instance.definition_id)
    bpmn = next(text for name, text in sorted(definition.sources.items())
                if name.endswith(".bpmn"))
    done = session.scalars(select(Event.bpmn_id).where(
        Event.case_id == case_id, Event.kind.in_(STEP_KINDS), Event.bpmn_id.is_not(None)))
    current = session.scalars(select(HumanTask.bpmn_id).where(HumanTask.case_id == case_id))
    return DiagramState(bpmn, sorted(set(done)), sorted(set(current)))
