"""The posts a process names people to: the ``field:NAME`` of its user tasks' ``assignee``
property (the tutor's tutoring, the home educator's visits, the referent's urgent steps)."""

from SpiffWorkflow.bpmn.specs.mixins.user_task import UserTask

from .workflow import properties

FIELD = "field:"


def named_posts(spec, subprocess_specs: dict) -> dict[str, dict]:
    """``{NAME: {"lane": lane name, "steps": [bpmn ids]}}`` of every user task, in the process
    and its subprocesses, whose ``assignee`` is ``field:NAME``."""
    found: dict[str, dict] = {}
    for process in [spec, *subprocess_specs.values()]:
        for task_spec in process.task_specs.values():
            if not isinstance(task_spec, UserTask):
                continue
            wanted = str(_props(task_spec).get("assignee") or "")
            if wanted.startswith(FIELD):
                post = found.setdefault(wanted.removeprefix(FIELD),
                                        {"lane": task_spec.lane, "steps": []})
                post["steps"].append(task_spec.bpmn_id)
    return found


def _props(task_spec) -> dict:
    return getattr(task_spec, "extensions", {}).get("properties", {})


__all__ = ["FIELD", "named_posts", "properties"]
