"""Building SpiffWorkflow specs from parsed BPMN/DMN trees, with the engine's clocked timers.

:mod:`engine.definitions.parsing` checks a programme's files and calls this to build the specs;
everything that names SpiffWorkflow's parser, its validation error or its task classes is here.
"""

import re

from SpiffWorkflow.bpmn.parser.ValidationException import ValidationException
from SpiffWorkflow.bpmn.specs.mixins.user_task import UserTask
from SpiffWorkflow.spiff.parser.process import VALIDATOR, SpiffBpmnParser

from ..core.errors import InvalidProcess, ProcessProblem
from .timers import install_clock


def build_specs(trees: dict, process_id: str):
    """The spec of ``process_id`` and its subprocess specs, from the XML ``trees`` by file
    name; a file SpiffWorkflow refuses raises :class:`InvalidProcess` naming where."""
    parser = SpiffBpmnParser(validator=VALIDATOR)
    try:
        for name, root in trees.items():
            if name.endswith(".dmn"):
                parser.add_dmn_xml(root, filename=name)
            else:
                parser.add_bpmn_xml(root, filename=name)
        return parser.get_spec(process_id), parser.get_subprocess_specs(process_id)
    except ValidationException as err:
        raise InvalidProcess([_from_validation(err, trees)]) from err


def user_task_specs(spec, subs):
    """Each (process spec, user task spec) of ``spec`` and its subprocess specs ``subs``."""
    for process in (spec, *subs.values()):
        for task_spec in process.task_specs.values():
            if isinstance(task_spec, UserTask):
                yield process, task_spec


def install_clocks(spec, subs) -> None:
    """Swap the engine's clocked timers into ``spec`` and every subprocess spec."""
    for each in (spec, *subs.values()):
        install_clock(each)


def line_of(root, element_id: str | None) -> int | None:
    """The source line of the element with id ``element_id`` in the tree ``root``, if any."""
    if root is None or not element_id:
        return None
    found = root.xpath("//*[@id=$id]", id=element_id)
    return found[0].sourceline if found else None


def _from_validation(err: ValidationException, trees: dict) -> ProcessProblem:
    """SpiffWorkflow's own message, without XML namespaces such as ``{http://…/MODEL}``."""
    element = getattr(err, "id", None) or None
    line = getattr(err, "line_number", None) or line_of(trees.get(err.file_name), element)
    message = re.sub(r"\{[^}]*\}", "", str(err).split("\n")[0]).strip().rstrip(".") + "."
    return ProcessProblem(err.file_name or "(programme)", message, element, line or None,
                          code="process.not_valid_bpmn")
