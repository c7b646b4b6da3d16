"""Keeping a long case as cheap to load as a new one.

SpiffWorkflow keeps every task instance ever created: each pass through a loop (a session,
a monthly review) adds a chain of tasks, so a 23-month case would deserialize several times
slower than a new one. The case's history lives in the audit trail, so before each save the
task tree is compacted:

1. finished side branches (fired reminders, cancelled boundary events, closed paths) are
   dropped, and
2. finished tasks in a chain between two finished tasks are spliced out,

while everything SpiffWorkflow still consults is kept: unfinished tasks and their ancestors
that gateways or boundary events look at, the instances a waiting parallel or inclusive join
counts, each workflow's root and ``last_task``. Task data is materialised per task in memory,
so the serializer simply writes the spliced child's data as a delta of its new parent.
"""

from SpiffWorkflow.bpmn.specs.control import BoundaryEventSplit
from SpiffWorkflow.bpmn.specs.mixins.events.intermediate_event import BoundaryEvent
from SpiffWorkflow.bpmn.specs.mixins.inclusive_gateway import InclusiveGateway
from SpiffWorkflow.bpmn.specs.mixins.parallel_gateway import ParallelGateway
from SpiffWorkflow.bpmn.specs.mixins.subworkflow_task import SubWorkflowTask
from SpiffWorkflow.bpmn.workflow import BpmnWorkflow
from SpiffWorkflow.task import Task
from SpiffWorkflow.util.task import TaskState


def compact(top: BpmnWorkflow) -> int:
    """Compact the top workflow and its subprocesses in place; return the tasks removed."""
    removed = 0
    for workflow in [top, *top.subprocesses.values()]:
        if workflow.task_tree is not None:
            removed += _Compactor(top, workflow).run()
    return removed


def _is_join(spec) -> bool:
    return isinstance(spec, ParallelGateway | InclusiveGateway) and len(spec.inputs) > 1


class _Compactor:
    def __init__(self, top: BpmnWorkflow, workflow: BpmnWorkflow):
        self.top, self.workflow = top, workflow
        self.pending_joins = {t.task_spec for t in workflow.tasks.values()
                              if _is_join(t.task_spec) and t.state == TaskState.WAITING}
        self.keep = {workflow.task_tree.id}
        if workflow.last_task is not None:
            self.keep.add(workflow.last_task.id)
        self.removed = 0

    def run(self) -> int:
        self._visit(self.workflow.task_tree)
        return self.removed

    def _visit(self, task: Task) -> tuple[bool, bool]:
        """Compact below ``task``; return whether its subtree is closed and protected."""
        results = {child.id: self._visit(child) for child in list(task.children)}
        droppable = [c for c in task.children if self._droppable(task, *results[c.id])]
        for child in droppable[: len(task.children) - 1]:  # never drop the last branch
            self._drop(child)
        if len(task.children) == 1:
            self._splice_below(task)
        closed = _finished(task) and all(r[0] for r in results.values())
        protected = (task.id in self.keep or task.task_spec in self.pending_joins
                     or any(r[1] for r in results.values()))
        return closed, protected

    def _droppable(self, parent: Task, closed: bool, protected: bool) -> bool:
        if not closed or protected or len(parent.children) < 2:
            return False
        if isinstance(parent.task_spec, BoundaryEventSplit):  # its join reads the children
            return all(_finished(c) for c in parent.children
                       if not isinstance(c.task_spec, BoundaryEvent))
        return True

    def _splice_below(self, parent: Task) -> None:
        """Replace ``parent → X → rest`` by ``parent → rest`` while X and rest are finished."""
        child = parent.children[0]
        while self._spliceable(child):
            grandchild = child.children[0]
            parent._children = [grandchild.id]
            grandchild._parent = parent.id
            self._forget(child)
            child = grandchild

    def _spliceable(self, task: Task) -> bool:
        if len(task.children) != 1 or task.id in self.keep:
            return False
        following = task.children[0]
        return (_finished(task) and _finished(following) and _settled_split(task)
                and task.task_spec not in self.pending_joins
                and following.task_spec not in self.pending_joins)

    def _drop(self, task: Task) -> None:
        for child in list(task.children):
            self._drop(child)
        parent = task.parent
        parent._children = [c for c in parent._children if c != task.id]
        self._forget(task)

    def _forget(self, task: Task) -> None:
        if isinstance(task.task_spec, SubWorkflowTask):
            self.top.subprocesses.pop(task.id, None)
        del self.workflow.tasks[task.id]
        self.removed += 1


def _settled_split(task: Task) -> bool:
    """A boundary-event split may go once its host's boundary join has run."""
    if not isinstance(task.task_spec, BoundaryEventSplit):
        return True
    host = task.children[0]
    return bool(host.children) and all(_finished(c) for c in host.children)


def _finished(task: Task) -> bool:
    return task.has_state(TaskState.FINISHED_MASK)
