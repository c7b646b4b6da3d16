"""Building SpiffWorkflow specs from parsed BPMN/DMN trees, with the engine's clocked timers.

:mod:`engine.definitions.parsing` checks a programme's files and calls this to build the specs;
everything that names SpiffWorkflow's parser, its validation error or its task classes is here.
"""

import copy
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


def schema_problems(name: str, root) -> list[ProcessProblem]:
    """Every violation of the BPMN schema (with the spiff extensions) in the document ``root``,
    each at its line and element: SpiffWorkflow's own validator stops at the first."""
    tree = copy.deepcopy(root)
    VALIDATOR.preprocess(tree)
    schema = VALIDATOR.validator
    if schema.validate(tree):
        return []
    problems = []
    for error in schema.error_log:
        element = element_at(root, error.line)
        problems.append(ProcessProblem(name, plain_message(error.message), element,
                                       error.line or None, code="process.not_valid_bpmn",
                                       extra=_schema_reason(error.message)))
    return problems


def element_at(root, line: int | None) -> str | None:
    """The id of the element with an id that starts on ``line`` (or the last one before it)."""
    if root is None or not line:
        return None
    found = None
    for node in root.iter():
        if not isinstance(node.tag, str) or not node.get("id") or node.sourceline is None:
            continue
        if node.sourceline > line:
            break
        found = node.get("id")
    return found


ELEMENT_REPR = re.compile(r"<Element \{[^}]*\}(\w+) at 0x[0-9a-fA-F]+>")
EXPECTED = re.compile(r"Expected is one of \(([^)]*)\)")


def plain_message(text: str) -> str:
    """A parser's message for people: first line, no XML namespaces, no lxml element reprs,
    long lists of expected elements cut short."""
    first = str(text).split("\n")[0]
    first = ELEMENT_REPR.sub(lambda m: f"<{m.group(1)}>", first)
    first = re.sub(r"\{[^}]*\}", "", first).strip()

    def shorter(found: re.Match) -> str:
        names = [n.strip() for n in found.group(1).split(",") if n.strip()]
        more = ", …" if len(names) > 6 else ""
        return f"Expected is one of ({', '.join(names[:6])}{more})"

    first = EXPECTED.sub(shorter, first)
    return (first.rstrip(".") + ".") if first else "not valid."


def _from_validation(err: ValidationException, trees: dict) -> ProcessProblem:
    """SpiffWorkflow's own message, without XML namespaces such as ``{http://…/MODEL}``."""
    element = getattr(err, "id", None) or None
    file = getattr(err, "file_name", None)
    if not file and element:  # the element's own file, when SpiffWorkflow did not say
        file = next((name for name, root in trees.items() if line_of(root, element)), None)
    line = getattr(err, "line_number", None) or line_of(trees.get(file), element)
    found = NO_DECISION.match(plain_message(str(err)))
    extra = {"reason": "unknown_decision", "decision": found.group(1)} if found else {}
    return ProcessProblem(file or "(programme)", _reworded(plain_message(str(err))), element,
                          line or None, code="process.not_valid_bpmn", extra=extra)


UNEXPECTED = re.compile(r"Element '(?:\{[^}]*\})?([\w:.-]+)': This element is not expected")
NOT_ALLOWED = re.compile(r"Element '(?:\{[^}]*\})?([\w:.-]+)', attribute '[^']*': The "
                         r"attribute '([^']*)' is not allowed")


def _schema_reason(message: str) -> dict:
    """The common schema violations by name (an element or attribute the BPMN schema does
    not allow where it is), for the pages to word; ``{}`` for the others."""
    found = UNEXPECTED.search(str(message))
    if found:
        return {"reason": "unexpected_element", "tag": found.group(1)}
    found = NOT_ALLOWED.search(str(message))
    if found:
        return {"reason": "attribute_not_allowed", "tag": found.group(2)}
    return {}


NO_DECISION = re.compile(r'No DMN Diagram available with id "([^"]*)", Available DMN ids are: '
                         r"(.*?)\.?$")


def _reworded(message: str) -> str:
    """SpiffWorkflow's messages that do not say what to do, said so that they do."""
    found = NO_DECISION.match(message)
    if found:
        have = found.group(2).strip(" .,")
        files = f"the DMN files have {have}" if have else "there is no DMN file"
        return (f"calls the decision '{found.group(1)}', which no DMN file has ({files}): "
                "add its DMN file or correct the decision it calls.")
    return message
