"""Workflow state to and from JSON, with the process spec kept out of every case.

A case row stores only its task tree and data; the spec is stored once per process version
and restored once per process (see :mod:`engine.spec_cache`). The tasks of the workflow and
of its subprocesses are written in the compact form of :mod:`.compact_tasks`, as JSON without
spaces: a Programa Familias case stays under 30 KB through its 24 months
(bench/state_size_bench.py). States stored in SpiffWorkflow's own form load as well.
"""

import json
from datetime import date
from uuid import UUID

from SpiffWorkflow.bpmn.serializer import BpmnWorkflowSerializer
from SpiffWorkflow.bpmn.serializer.default.event_definition import (
    TimerConditionalEventDefinitionConverter,
)
from SpiffWorkflow.bpmn.serializer.default.workflow import (
    BpmnSubWorkflowConverter,
    BpmnWorkflowConverter,
)
from SpiffWorkflow.bpmn.serializer.workflow import VERSION
from SpiffWorkflow.bpmn.util.subworkflow import BpmnSubWorkflow
from SpiffWorkflow.bpmn.workflow import BpmnWorkflow
from SpiffWorkflow.spiff.serializer.config import SPIFF_CONFIG

from .compact_tasks import tasks_from_dict, tasks_to_dict
from .timers import CLOCKED

SERIALIZER_VERSION = VERSION


def _workflow_to_dict(registry, workflow) -> dict:
    """What SpiffWorkflow's ``WorkflowConverter.to_dict`` writes, with compact tasks."""
    return {
        "data": registry.convert(registry.clean(workflow.data)),
        "correlations": workflow.correlations,
        "last_task": str(workflow.last_task.id) if workflow.last_task is not None else None,
        "success": workflow.success,
        "completed": workflow.completed,
        "tasks": tasks_to_dict(registry, workflow),
        "root": str(workflow.task_tree.id),
    }


class SpeclessWorkflowConverter(BpmnWorkflowConverter):
    """Converts a top-level workflow without its spec; restoring takes the spec objects."""

    def to_dict(self, workflow):
        dct = _workflow_to_dict(self.registry, workflow)
        dct["subprocesses"] = self.mapping_to_dict(workflow.subprocesses)
        dct["bpmn_events"] = self.registry.convert(workflow.bpmn_events)
        return dct

    def from_dict(self, dct, spec=None, subprocess_specs=None):
        workflow = self.target_class(spec, subprocess_specs, deserializing=True)
        workflow.tasks = tasks_from_dict(self.registry, dct["tasks"], workflow)
        workflow.task_tree = workflow.tasks.get(UUID(dct["root"]))
        self.set_default_attributes(workflow, dct)
        self.subprocesses_from_dict(dct["subprocesses"], workflow)
        workflow.bpmn_events = self.registry.restore(dct.pop("bpmn_events", []))
        return workflow


class CompactSubWorkflowConverter(BpmnSubWorkflowConverter):
    """A subprocess with its tasks in the compact form (either form restores)."""

    def to_dict(self, workflow):
        dct = _workflow_to_dict(self.registry, workflow)
        dct["parent_task_id"] = str(workflow.parent_task_id)
        dct["spec"] = workflow.spec.name
        return dct

    def from_dict(self, dct, task, top_workflow):
        spec = top_workflow.subprocess_specs.get(task.task_spec.spec)
        subprocess = self.target_class(spec, task.id, top_workflow, deserializing=True)
        subprocess.tasks = tasks_from_dict(self.registry, dct["tasks"], subprocess)
        subprocess.task_tree = subprocess.tasks.get(UUID(dct["root"]))
        self.set_default_attributes(subprocess, dct)
        return subprocess


def _registry():
    config = dict(SPIFF_CONFIG)
    config[BpmnWorkflow] = SpeclessWorkflowConverter
    config[BpmnSubWorkflow] = CompactSubWorkflowConverter
    for clocked in CLOCKED.values():
        config[clocked] = TimerConditionalEventDefinitionConverter
    registry = BpmnWorkflowSerializer.configure(config)
    registry.register(date, lambda v: {"value": v.isoformat()},
                      lambda v: date.fromisoformat(v["value"]))
    return registry


_SERIALIZER = BpmnWorkflowSerializer(_registry())


def spec_to_dict(spec, subprocess_specs: dict) -> dict:
    """The serialized form of a parsed process (stored once per version)."""
    registry = _SERIALIZER.registry
    return {
        "spec": registry.convert(spec),
        "subprocess_specs": {name: registry.convert(s) for name, s in subprocess_specs.items()},
    }


def spec_from_dict(dct: dict):
    """Restore ``(spec, subprocess_specs)`` from :func:`spec_to_dict` output."""
    registry = _SERIALIZER.registry
    spec = registry.restore(dct["spec"])
    subs = {name: registry.restore(s) for name, s in dct["subprocess_specs"].items()}
    return spec, subs


def dump_state(workflow: BpmnWorkflow) -> str:
    """The case's workflow state as compact JSON, without the spec (as SpiffWorkflow's
    ``serialize_json``, its tasks compact and without spaces between items)."""
    registry = _SERIALIZER.registry
    registry._encoder_mode = True
    try:
        dct = _SERIALIZER.to_dict(workflow)
        dct[_SERIALIZER.VERSION_KEY] = _SERIALIZER.VERSION
        return json.dumps(dct, cls=_SERIALIZER._encoder_cls, separators=(",", ":"))
    finally:
        registry._encoder_mode = False


def load_state(state: str, spec, subprocess_specs: dict) -> BpmnWorkflow:
    """Rebuild a workflow from :func:`dump_state` output and an already restored spec."""
    dct = json.loads(state)
    _SERIALIZER.migrate(dct)
    return _SERIALIZER.registry.restore(dct, spec=spec, subprocess_specs=subprocess_specs)
