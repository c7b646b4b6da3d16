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
from ..runtime.parser import (
    build_specs,
    install_clocks,
    line_of,
    plain_message,
    schema_problems,
    user_task_specs,
)
from . import act_checks, dead_code, instruments, process_lint, runnable
from .encoding import decode
from .forms import FormLibrary
from .lint_sites import FLOW_NODE_TAGS

ASSIGNEE = re.compile(r"^(pool|caseworker|field:[A-Za-z_][A-Za-z0-9_.]{0,63})$")
SUPPORTED_TAGS = FLOW_NODE_TAGS - {"complexGateway", "transaction", "adHocSubProcess"}
# Uploaded files are hostile: no entities expanded, no DTD or network reads, no huge trees.
SAFE_PARSER = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False,
                              huge_tree=False, remove_pis=True)


@dataclass
class ParsedProcess:
    """A programme's process, parsed and checked, ready to store or run."""

    programme: str
    process_id: str
    sources: dict[str, str]
    spec: object
    subprocess_specs: dict
    content_hash: str


def read_sources(folder: Path, problems: list | None = None) -> dict[str, str]:
    """The BPMN and DMN files of a programme folder, by file name; a file not in the encoding
    it declares is read with a fallback, and the problem saying so is added to ``problems``."""
    files = sorted([*Path(folder).glob("*.bpmn"), *Path(folder).glob("*.dmn")])
    sources = {}
    for file in files:
        try:  # as always (newlines made \n), so an unchanged file keeps its content hash
            sources[file.name] = file.read_text(encoding="utf-8")
            continue
        except UnicodeDecodeError:
            pass
        text, found = decode(file.read_bytes(), file.name)
        sources[file.name] = text.replace("\r\n", "\n").replace("\r", "\n")
        if problems is not None:
            problems += found
    return sources


def content_hash(sources: dict[str, str]) -> str:
    """A hash that changes exactly when a source file's name or content changes."""
    digest = hashlib.sha256()
    for name in sorted(sources):
        digest.update(name.encode() + b"\0" + sources[name].encode() + b"\0")
    return digest.hexdigest()


def parse_process(sources: dict[str, str], settings: ProgrammeSettings,
                  forms: FormLibrary) -> ParsedProcess:
    """Parse and check ``sources``; raise :class:`InvalidProcess` listing every problem."""
    found = examine(sources, settings, forms)
    if found.problems:
        raise InvalidProcess(found.problems)
    spec, subs = found.built
    install_clocks(spec, subs)
    return ParsedProcess(settings.key, settings.key, sources, spec, subs, content_hash(sources))


@dataclass
class Examination:
    """Every problem of a programme's sources, and the built specs when there are none."""

    problems: list[ProcessProblem]
    built: tuple | None


def examine(sources: dict[str, str], settings: ProgrammeSettings,
            forms: FormLibrary) -> Examination:
    """Every problem of ``sources`` at once: the XML of each file, the schema, what would not
    run, the code, and (when the files are readable) what only the built specs show."""
    trees, problems = _read_xml(sources)
    static = _static_checks(trees, settings)
    if any(name.endswith(".bpmn") and name not in trees for name in sources):
        # with a BPMN file unreadable, its business rule tasks are unknown: no decision is
        # "uncalled" because of that
        static = [p for p in static if not (p.code == "process.never_runs"
                                            and p.file.endswith(".dmn"))]
    problems += static + act_checks.problems(trees, forms)
    problems += instruments.problems(settings.values, forms)
    schema = [p for name, root in trees.items() if name.endswith(".bpmn")
              for p in schema_problems(name, root)]
    said = {(p.file, p.line) for p in problems}
    problems += [p for p in schema if (p.file, p.line) not in said]  # said better already
    built = None
    if len(trees) == len(sources) and not schema and not _blocks_build(problems):
        built = _try_build(trees, settings.key, problems)
    if built is not None:
        spec, subs = built
        problems += _task_checks(spec, subs, settings, forms, trees)
        problems += dead_code.hook_problems(spec, subs, trees)
    elif len(trees) == len(sources):  # the user tasks as the XML has them, so they are
        problems += _xml_task_checks(trees, settings, forms)  # reported in this round too
    return Examination(_unique(problems), None if problems else built)


BLOCKING = {"process.id_mismatch", "process.not_executable", "process.no_bpmn"}


def _blocks_build(problems: list[ProcessProblem]) -> bool:
    """Whether a problem found already means SpiffWorkflow cannot build the process."""
    return any(p.code in BLOCKING for p in problems)


def _read_xml(sources: dict[str, str]) -> tuple[dict[str, etree._Element], list]:
    trees, problems = {}, []
    if not any(name.endswith(".bpmn") for name in sources):
        problems.append(ProcessProblem("(programme)", "no .bpmn file to deploy",
                                       code="process.no_bpmn"))
    for name, text in sources.items():
        try:
            trees[name] = etree.fromstring(as_utf8(text), SAFE_PARSER)
        except etree.XMLSyntaxError as err:
            problems.append(ProcessProblem(name, f"XML syntax error: {err.msg}",
                                           line=err.lineno, code="process.xml_syntax"))
        except ValueError as err:  # e.g. an encoding declaration lxml refuses
            problems.append(ProcessProblem(name, f"XML syntax error: {err}",
                                           code="process.xml_syntax"))
    return trees, problems


DECLARED_ENCODING = re.compile(r"""^(\s*<\?xml[^>]*?encoding\s*=\s*["'])[^"']*""")


def as_utf8(text: str) -> bytes:
    """``text`` as UTF-8 bytes that say so (a file declared Latin-1 was decoded already)."""
    return DECLARED_ENCODING.sub(r"\1UTF-8", text, count=1).encode("utf-8")


def _try_build(trees: dict, process_id: str, problems: list):
    """The parsed spec and subprocess specs, so the checks that need them run too; a build
    SpiffWorkflow refuses is one more problem (never an exception).

    When the checks already found problems on the element the build fails on, the failure
    is not reported: those problems are its likely cause, and they name the place better.
    """
    try:
        return build_specs(trees, process_id)
    except InvalidProcess as err:
        named = {(p.file, p.element) for p in problems}
        problems += [p for p in err.problems if not problems
                     or (p.element is not None and (p.file, p.element) not in named)]
    except Exception as err:  # noqa: BLE001 - whatever the parser trips on is a problem
        if problems:
            return None
        problems.append(ProcessProblem(
            "(programme)", f"the process could not be read: {plain_message(str(err))}",
            code="process.not_valid_bpmn"))
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
            problems += runnable.problems(name, root, settings.key)
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
        problems += [ProcessProblem(file, r, task_spec.bpmn_id, line, code="process.user_task",
                                    extra=extra) for r, extra in reasons]
    return problems


def _xml_task_checks(trees: dict, settings: ProgrammeSettings, forms: FormLibrary) -> list:
    """The user task checks of :func:`_task_checks`, read from the XML when the process
    could not be built: each user task's form, lane and deadline."""
    ns = process_lint.NS
    problems = []
    for file, root in trees.items():
        if not file.endswith(".bpmn"):
            continue
        lanes = {ref.text: lane.get("name") for lane in root.iterfind(".//bpmn:lane", ns)
                 for ref in lane.iterfind("bpmn:flowNodeRef", ns)}
        for task in root.iterfind(".//bpmn:userTask", ns):
            props = {p.get("name"): p.get("value")
                     for p in task.iterfind("bpmn:extensionElements/spiff:properties/"
                                            "spiff:property", ns)}
            spec = _XmlTask(lanes.get(task.get("id")))
            problems += [ProcessProblem(file, r, task.get("id"), task.sourceline,
                                        code="process.user_task", extra=extra)
                         for r, extra in _user_task_reasons(spec, props, settings, forms)]
    return problems


@dataclass(frozen=True)
class _XmlTask:
    lane: str | None


def _user_task_reasons(task_spec, props, settings, forms) -> list[tuple[str, dict]]:
    """Why a user task cannot run: the English text, and a ``reason`` (with what it names)
    the pages word in the reader's language."""
    reasons = []
    form_key = props.get("formKey")
    if not form_key:
        reasons.append(("user task has no form: give it a formKey property naming a form",
                        {"reason": "no_form"}))
    else:
        missing = not forms.exists(form_key)
        reasons += [(text, {"reason": "form_missing" if missing else "form_invalid",
                            "form": form_key}) for text in forms.check(form_key)]
    if not task_spec.lane:
        reasons.append(("user task is in no lane: put it in a lane whose name is listed "
                        "under [roles] in the programme settings", {"reason": "no_lane"}))
    elif settings.role_for_lane(task_spec.lane) is None:
        reasons.append((f"lane '{task_spec.lane}' has no role in the programme settings: add "
                        f'"{task_spec.lane}" = "caseworker" (or another role) under [roles]',
                        {"reason": "lane_without_role", "lane": task_spec.lane}))
    deadline = props.get("deadline")
    if deadline and deadline not in settings.deadlines:
        reasons.append((f"deadline '{deadline}' is not in the programme settings",
                        {"reason": "deadline_unknown", "deadline": deadline}))
    assignee = props.get("assignee")
    if assignee and not ASSIGNEE.match(assignee):
        reasons.append((f"assignee '{assignee}' must be pool, caseworker or field:NAME",
                        {"reason": "assignee_invalid", "assignee": assignee}))
    return reasons
