"""A workflow's task instances in a compact JSON form (a case's stored state stays small).

SpiffWorkflow's own form spends most of a long case's state on bookkeeping: every task repeats
eleven long key names, its own id (already the key of the task mapping) and ``typename``, and
every predicted task (the ``MAYBE``/``LIKELY``/``FUTURE`` steps ahead, about two thirds of a
Programa Familias case's tasks) has no data, which the stock delta against its parent writes
as the list of every key of the case data "deleted". Here a task is written as::

    "<id>": {"p": parent, "c": [children], "t": last_state_change, "s": state,
             "n": task spec name, "g": true (triggered), "i": {internal data},
             "d": {data as is} | "u": {keys changed from the parent}, "x": [keys removed]}

with the parent, children, ``triggered``, internal data and delta parts left out when empty:
``d`` holds the root's data and the data of a task that has none while its parent has some;
any other task stores its delta against its parent, as SpiffWorkflow does. Restoring reads
this form and SpiffWorkflow's own (a task with ``typename``), so every state stored before
loads unchanged and is written compact on its next save. Tasks are restored in the order of
the mapping, parents first, as SpiffWorkflow writes them.

A SpiffWorkflow upgrade whose serializer migrates stored states (a new serializer version)
would have to expand these tasks to its own form before its migration runs.
"""

from uuid import UUID

from SpiffWorkflow.bpmn.specs.mixins.events.event_types import CatchingEvent
from SpiffWorkflow.task import Task
from SpiffWorkflow.util.deep_merge import DeepMerge
from SpiffWorkflow.util.task import TaskState


def tasks_to_dict(registry, workflow) -> dict:
    """The workflow's tasks in the compact form, keyed by their id."""
    return {str(task.id): _task_to_dict(registry, task) for task in workflow.tasks.values()}


def _task_to_dict(registry, task: Task) -> dict:
    dct = {}
    if task._parent is not None:
        dct["p"] = str(task._parent)
    if task._children:
        dct["c"] = [str(child) for child in task._children]
    dct.update(t=task.last_state_change, s=task.state, n=task.task_spec.name)
    if task.triggered:
        dct["g"] = True
    internal = registry.convert(task.internal_data)
    if internal:
        dct["i"] = internal
    dct.update(_data_to_dict(task))
    return dct


def _data_to_dict(task: Task) -> dict:
    """The task's data as is (``d``) or as its delta against its parent (``u``, ``x``)."""
    parent = task.parent
    if parent is None:
        return {"d": task.data} if task.data else {}
    if not task.data and parent.data:
        return {"d": {}}
    delta = {"u": DeepMerge.get_updated_keys(parent.data, task.data),
             "x": DeepMerge.get_deleted_keys(parent.data, task.data)}
    return {key: value for key, value in delta.items() if value}


def tasks_from_dict(registry, tasks: dict, workflow) -> dict:
    """Restore a task mapping written by :func:`tasks_to_dict` or by SpiffWorkflow."""
    restored = {}
    for key, dct in tasks.items():
        if "typename" in dct:
            restored[UUID(key)] = registry.restore(dct, workflow=workflow)
        else:
            restored[UUID(key)] = _task_from_dict(registry, UUID(key), dct, workflow)
    return restored


def _task_from_dict(registry, task_id: UUID, dct: dict, workflow) -> Task:
    task_spec = workflow.spec.task_specs.get(dct["n"])
    task = Task(workflow, task_spec, state=dct["s"], id=task_id)
    task._parent = UUID(dct["p"]) if "p" in dct else None
    task._children = [UUID(child) for child in dct.get("c", [])]
    task.last_state_change = dct["t"]
    task.triggered = dct.get("g", False)
    task.internal_data = registry.restore(dct.get("i", {}))
    if isinstance(task_spec, CatchingEvent) and task.has_state(TaskState.WAITING):
        task.workflow.top_workflow.event_manager.add_task(task)
    parent = task.parent
    if "d" in dct or parent is None:
        task.data = registry.restore(dct.get("d", {}))
    else:
        data = DeepMerge.merge({}, parent.data)
        data.update(registry.restore(dct.get("u", {})))
        for key in dct.get("x", []):
            data.pop(key, None)
        task.data = data
    return task

