"""Reading a programme folder into a validated, runnable process spec.

Everything wrong is reported at once, each problem with its file, element id and name, line
and which part of the element: XML syntax, schema (XSD) violations, unsupported elements,
missing start events, unsafe or malformed code wherever it hides (see :mod:`lint_sites`),
timers, unknown deadline keys, code that would never run (see :mod:`dead_code`), missing
forms and unmapped lanes.
"""

import hashlib
import re
from dataclasses import dataclass
from pathlib import Path

from lxml import etree

from ..core.errors import InvalidProcess, ProcessProblem
from ..programmes.settings import ProgrammeSettings
from ..runtime.parser import build_specs, install_clocks, line_of, user_task_specs
from . import dead_code, process_lint
from .forms import FormLibrary
from .lint_sites import FLOW_NODE_TAGS

ASSIGNEE = re.compile(r"^(pool|caseworker|field:[A-Za-z_][A-Za-z0-9_.]{0,63})$")
SUPPORTED_TAGS = FLOW_NODE_TAGS - {"complexGateway", "transaction", "adHocSubProcess"}


@dataclass
class ParsedProcess:
    """A programme's process, parsed and checked, ready to store or run."""

    programme: str
    process_id: str
    sources: dict[str, str]
    spec: object
    subprocess_specs: dict
    content_hash: str


def read_sources(folder: Path) -> dict[str, str]:
    """The BPMN and DMN files of a programme folder, by file name."""
    files = sorted([*folder.glob("*.bpmn"), *folder.glob("*.dmn")])
    return {f.name: f.read_text(encoding="utf-8") for f in files}


def content_hash(sources: dict[str, str]) -> str:
    """A hash that changes exactly when a source file's name or content changes."""
    digest = hashlib.sha256()
    for name in sorted(sources):
        digest.update(name.encode() + b"\0" + sources[name].encode() + b"\0")
    return digest.hexdigest()


def parse_process(sources: dict[str, str], settings: ProgrammeSettings,
                  forms: FormLibrary) -> ParsedProcess:
    """Parse and check ``sources``; raise :class:`InvalidProcess` listing every problem."""
    trees, problems = _read_xml(sources)
    if problems:
        raise InvalidProcess(problems)
    problems = _static_checks(trees, settings)
    built = _try_build(trees, settings.key, problems)
    if built is not None:
        spec, subs = built
        problems += _task_checks(spec, subs, settings, forms, trees)
        problems += dead_code.hook_problems(spec, subs, trees)
    if problems:
        raise InvalidProcess(_unique(problems))
    install_clocks(spec, subs)
    return ParsedProcess(settings.key, settings.key, sources, spec, subs, content_hash(sources))


def _read_xml(sources: dict[str, str]) -> tuple[dict[str, etree._Element], list]:
    trees, problems = {}, []
    if not any(name.endswith(".bpmn") for name in sources):
        problems.append(ProcessProblem("(programme)", "no .bpmn file to deploy",
                                       code="process.no_bpmn"))
    for name, text in sources.items():
        try:
            trees[name] = etree.fromstring(text.encode("utf-8"))
        except etree.XMLSyntaxError as err:
            problems.append(ProcessProblem(name, f"XML syntax error: {err.msg}",
                                           line=err.lineno, code="process.xml_syntax"))
    return trees, problems


def _try_build(trees: dict, process_id: str, problems: list):
    """The parsed spec and subprocess specs, so the checks that need them run too.

    When the XML checks already found problems, a failing build is not reported: those
    problems are its likely cause, and they name the place better.
    """
    try:
        return build_specs(trees, process_id)
    except Exception:  # noqa: BLE001 - the XML problems already found explain the failure
        if not problems:
            raise
    return None


def _unique(problems: list[ProcessProblem]) -> list[ProcessProblem]:
    """Each (file, element, part, message) once, in the order found."""
    seen, kept = set(), []
    for problem in problems:
        key = (problem.file, problem.element, problem.what, problem.message)
        if key not in seen:
            seen.add(key)
            kept.append(problem)
    return kept


def _static_checks(trees: dict[str, etree._Element], settings: ProgrammeSettings) -> list:
    problems = []
    for name, root in trees.items():
        if name.endswith(".bpmn"):
            problems += _unsupported(name, root) + _start_events(name, root)
            problems += _laned_subprocesses(name, root)
            found = process_lint.bpmn_expressions(root)
        else:
            found = process_lint.dmn_expressions(root)
        for expr in found:
            problems += process_lint.check(expr, name, settings)
    return problems + dead_code.xml_problems(trees)


def _unsupported(name: str, root: etree._Element) -> list[ProcessProblem]:
    problems = []
    for process in root.iterfind(".//bpmn:process", process_lint.NS):
        for node in process.iter():
            tag = etree.QName(node).localname if isinstance(node.tag, str) else ""
            if tag in FLOW_NODE_TAGS - SUPPORTED_TAGS:
                problems.append(ProcessProblem(name, f"unsupported element <{tag}>",
                                               node.get("id"), node.sourceline,
                                               code="process.unsupported_element",
                                               extra={"tag": tag}))
    return problems


def _start_events(name: str, root: etree._Element) -> list[ProcessProblem]:
    problems = []
    for process in root.iterfind(".//bpmn:process", process_lint.NS):
        if process.find("bpmn:startEvent", process_lint.NS) is None:
            problems.append(ProcessProblem(name, "process has no start event",
                                           process.get("id"), process.sourceline,
                                           code="process.no_start_event"))
    return problems


def _laned_subprocesses(name: str, root: etree._Element) -> list[ProcessProblem]:
    """A subprocess with lanes of its own must not sit in an outer lane.

    SpiffWorkflow would give every inner task the outer lane, silently changing who may
    work them (a modeler can add the subprocess to a lane just by moving it).
    """
    ns = process_lint.NS
    in_lane = {ref.text: lane.get("name") for lane in root.iterfind(".//bpmn:lane", ns)
               for ref in lane.iterfind("bpmn:flowNodeRef", ns)}
    problems = []
    for sub in root.iterfind(".//bpmn:subProcess", ns):
        if sub.find("bpmn:laneSet", ns) is not None and sub.get("id") in in_lane:
            message = (f"subprocess has its own lanes but is itself in lane "
                       f"'{in_lane[sub.get('id')]}': take it out of that lane")
            problems.append(ProcessProblem(name, message, sub.get("id"), sub.sourceline,
                                           code="process.subprocess_in_lane"))
    return problems


def _task_checks(spec, subs, settings: ProgrammeSettings, forms: FormLibrary, trees) -> list:
    problems = []
    for process, task_spec in user_task_specs(spec, subs):
        file = process.file or "(process)"
        line = line_of(trees.get(file), task_spec.bpmn_id)
        props = task_spec.extensions.get("properties", {})
        reasons = _user_task_reasons(task_spec, props, settings, forms)
        problems += [ProcessProblem(file, r, task_spec.bpmn_id, line, code="process.user_task")
                     for r in reasons]
    return problems


def _user_task_reasons(task_spec, props, settings, forms) -> list[str]:
    reasons = []
    form_key = props.get("formKey")
    reasons += forms.check(form_key) if form_key else ["user task has no formKey property"]
    if settings.role_for_lane(task_spec.lane) is None:
        reasons.append(f"lane {task_spec.lane!r} has no role in the programme settings")
    deadline = props.get("deadline")
    if deadline and deadline not in settings.deadlines:
        reasons.append(f"deadline '{deadline}' is not in the programme settings")
    assignee = props.get("assignee")
    if assignee and not ASSIGNEE.match(assignee):
        reasons.append(f"assignee '{assignee}' must be pool, caseworker or field:NAME")
    return reasons
