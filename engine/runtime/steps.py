"""What an engine step was, read from the SpiffWorkflow task: its audit kind, code and title.

The audit trail (:mod:`engine.persistence.audit`) records these; reading them needs SpiffWorkflow's
task specs and a timer's internal data, so it lives with the rest of the SpiffWorkflow adapter.
"""

from SpiffWorkflow.bpmn.specs.event_definitions.message import MessageEventDefinition
from SpiffWorkflow.bpmn.specs.event_definitions.timer import TimerEventDefinition
from SpiffWorkflow.bpmn.specs.mixins.events.end_event import EndEvent
from SpiffWorkflow.bpmn.specs.mixins.events.event_types import ThrowingEvent
from SpiffWorkflow.bpmn.specs.mixins.script_task import ScriptTask
from SpiffWorkflow.task import Task

from .workflow import FIRST_ESCALATION, boundary_host, deadline_key, properties

SYSTEM_STEP_KINDS = {"reminder": "reminder", "escalation": "escalation"}
ALERT = "alert"  # a script task with property kind=alert: something the supervisors must know now
MESSAGE_SENT = "message_sent"  # a message thrown to another process (e.g. a referral)
# every kind describe_step returns
STEP_KINDS = frozenset({"timer_fired", "case_closed", ALERT, "system_step", "decision",
                        MESSAGE_SENT, *SYSTEM_STEP_KINDS.values()})


def step_message(task: Task, kind: str, data: dict) -> tuple[str, dict]:
    """The code and params of an engine step's event (see :func:`describe_step`)."""
    host = boundary_host(task)
    params = {"step": task.task_spec.bpmn_name or task.task_spec.bpmn_id}
    code = f"event.{kind}"
    if "due" in data:
        params.update(deadline=data.get("deadline"), due=data.get("due"),
                      host=step_name(host) if host else None)
        if kind == "timer_fired" and host is not None:
            code = "event.deadline_passed"
    if kind == "case_closed":
        params["outcome"] = data.get("outcome")
    if kind == MESSAGE_SENT:
        params["message"] = data.get("message")
    return code, params


TITLE_LENGTH = 300  # human_task.title, event.title
TITLE_FROM = "titleFrom"  # property: the data field naming which one of its kind a step is


def step_name(task: Task) -> str:
    """A step's name, followed by the value of its ``titleFrom`` field when it has one (one
    instance of a multi-instance, e.g. which action of the plan it is about)."""
    spec = task.task_spec
    name = spec.bpmn_name or spec.bpmn_id or spec.name  # an engine task (End) has neither
    detail = (task.data or {}).get(properties(task).get(TITLE_FROM) or "")
    if isinstance(detail, str) and detail.strip():
        name = f"{name}: {detail.strip()}"
    return name[:TITLE_LENGTH]


def step_title(task: Task) -> str:
    """How a step reads in the case history, e.g. ``Plazo vencido — Primer contacto``."""
    name = task.task_spec.bpmn_name or task.task_spec.bpmn_id
    host = boundary_host(task)
    return f"{name} — {step_name(host)}"[:TITLE_LENGTH] if host else name


def describe_step(task: Task) -> tuple[str, dict] | None:
    """The audit kind and details of an engine step worth recording, or None."""
    spec = task.task_spec
    props = properties(task)
    definition = getattr(spec, "event_definition", None)
    if isinstance(definition, TimerEventDefinition):
        kind = SYSTEM_STEP_KINDS.get(props.get("kind"), "timer_fired")
        host = boundary_host(task)
        return kind, {"deadline": deadline_key(task), "task": str(host.id) if host else None,
                      "due": (task._get_internal_data(FIRST_ESCALATION)
                        or task._get_internal_data("event_value"))}
    if isinstance(spec, EndEvent) and props.get("outcome"):
        return "case_closed", {"outcome": props["outcome"]}
    if isinstance(spec, ThrowingEvent) and isinstance(definition, MessageEventDefinition):
        return MESSAGE_SENT, _message(task, definition)
    if isinstance(spec, ScriptTask):
        if props.get("kind") == ALERT:  # ``alertData``: the variable whose value it reports
            shown = props.get("alertData")
            return ALERT, ({shown: task.data.get(shown)} if shown else {})
        return "system_step", {}
    if spec.__class__.__name__ == "BusinessRuleTask":
        return "decision", _decision_outputs(task)
    return None


def _message(task: Task, definition: MessageEventDefinition) -> dict:
    """The message a throw event sent and what it carried (its payload, evaluated again on the
    task's data: the expression has no side effects)."""
    expression = getattr(definition, "expression", None)
    payload = (task.workflow.script_engine.evaluate(task, expression) if expression else None)
    return {"message": definition.name, "payload": payload}


def _decision_outputs(task: Task) -> dict:
    table = task.task_spec.dmnEngine.decision_table
    return {o.name: task.data.get(o.name) for o in table.outputs if o.name}
