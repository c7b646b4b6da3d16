"""BPMN written by other tools (Camunda 7 and 8, Signavio, Bizagi, SpiffArena, bpmn.io…) made
into an Acompaña programme's source, as pure functions: bytes in, sources and problems out.

:func:`import_bpmn` decodes the file by its declared encoding (a file that says UTF-8 but holds
Latin-1 bytes is read as Latin-1, with a problem saying so), parses it as hostile XML (no
entities, no DTD, no network, at most :data:`MAX_BYTES`), lists its processes and keeps the
one chosen (the only one with steps, or ``process_id``), renamed to the programme's key and
marked executable; the other pools and the message flows between them are dropped, each
listed. Camunda's ``formKey``, ``candidateGroups`` and ``assignee`` (and Zeebe's
``formDefinition`` and ``assignmentDefinition``) become Acompaña's ``formKey`` property and
lanes where they map; what does not map is listed. Everything else that cannot run (FEEL, JUEL
and XPath conditions, plain tasks, data stores, global tasks…) is found by
:func:`engine.definitions.checks.check_sources`, which :func:`import_and_check` runs on the
result. Input that is not a BPMN file at all raises :class:`UnusableImport`.
"""

import copy
import re
from dataclasses import dataclass, field

from lxml import etree

from ..core.errors import EngineError, ProcessProblem
from ..core.roles import ROLES
from .checks import check_sources
from .encoding import decode
from .forms import FormLibrary
from .lint_sites import localname
from .parsing import SAFE_PARSER

MAX_BYTES = 5 * 1024 * 1024
BPMN = "http://www.omg.org/spec/BPMN/20100524/MODEL"
BPMNDI = "http://www.omg.org/spec/BPMN/20100524/DI"
SPIFF = "http://spiffworkflow.org/bpmn/schema/1.0/core"
CAMUNDA = "http://camunda.org/schema/1.0/bpmn"
ZEEBE = "http://camunda.org/schema/zeebe/1.0"
NS = {"bpmn": BPMN, "bpmndi": BPMNDI, "spiff": SPIFF, "camunda": CAMUNDA, "zeebe": ZEEBE}
DECLARATION = re.compile(r"^\s*<\?xml[^>]*\?>")
CLOSING = re.compile(r"</([\w.-]+:)?definitions\s*>\s*$")
NOT_STEPS = {"laneSet", "documentation", "extensionElements", "auditing", "monitoring",
             "property", "ioSpecification"}
PROCESS_HEAD = NOT_STEPS - {"laneSet", "ioSpecification"}  # what comes before a laneSet
FORM_PREFIXES = re.compile(r"^(embedded:(app|deployment):|camunda-forms:(app|deployment):"
                           r"|deployment:|app:)")


class UnusableImport(EngineError):
    """The file cannot be imported at all: empty, too large, not XML (or cut short), with a
    DTD, or not BPMN. ``reason`` says which; nothing was read from it."""

    code = "import.unusable"

    def __init__(self, file: str, detail: str, reason: str):
        super().__init__(f"{file}: {detail}", file=file, detail=detail, reason=reason)
        self.reason = reason


@dataclass(frozen=True)
class FoundProcess:
    """A process of the imported file: its id, name, the pool showing it, how many steps."""

    id: str
    name: str | None
    pool: str | None
    steps: int
    executable: bool


@dataclass
class ImportResult:
    """What an import gives: the processes found, the one kept (``None`` when the caller must
    choose), the normalised sources ready for a draft, the starter settings, the problems to
    fix before publishing and the notes (what was carried over or left out, as information)."""

    file: str
    processes: list[FoundProcess]
    chosen: str | None
    sources: dict[str, str] = field(default_factory=dict)
    settings: dict = field(default_factory=dict)
    problems: list[ProcessProblem] = field(default_factory=list)
    notes: list[ProcessProblem] = field(default_factory=list)


def parse(data: bytes, file: str) -> tuple[etree._Element, list[ProcessProblem]]:
    """The BPMN document in ``data`` and the problems of reading it (its encoding), or
    :class:`UnusableImport` when it is no BPMN document."""
    if not data.strip():
        raise UnusableImport(file, "the file is empty", "empty")
    if len(data) > MAX_BYTES:
        raise UnusableImport(file, f"the file is larger than {MAX_BYTES // (1024 * 1024)} MB",
                             "too_large")
    text, problems = decode(data, file)
    if "<!DOCTYPE" in text[:4096] or "<!ENTITY" in text:
        raise UnusableImport(file, "the file declares a DTD or XML entities, which BPMN "
                                   "files never need", "dtd")
    body = DECLARATION.sub("", text, count=1)
    try:
        root = etree.fromstring(body.encode("utf-8"), SAFE_PARSER)
    except etree.XMLSyntaxError as err:
        cut = body.lstrip().startswith("<") and CLOSING.search(body[-200:]) is None
        reason = "truncated" if cut else "not_xml"
        what = "the file is cut short (truncated)" if cut else "the file is not well-formed XML"
        raise UnusableImport(file, f"{what}: {err.msg} (line {err.lineno})", reason) from None
    if not isinstance(root.tag, str) or root.tag != f"{{{BPMN}}}definitions":
        tag = localname(root) if isinstance(root.tag, str) else "?"
        raise UnusableImport(file, f"the file is XML but not BPMN 2.0 (its root is <{tag}>, "
                                   "not <bpmn:definitions>)", "not_bpmn")
    return root, problems


def processes(root: etree._Element) -> list[FoundProcess]:
    """Every process of the document, with the pool (participant) that shows it."""
    pools = {p.get("processRef"): p.get("name")
             for p in root.iterfind("bpmn:collaboration/bpmn:participant", NS)}
    found = []
    for process in root.iterfind("bpmn:process", NS):
        steps = sum(1 for n in process if isinstance(n.tag, str)
                    and localname(n) not in NOT_STEPS)
        found.append(FoundProcess(process.get("id") or "", process.get("name"),
                                  pools.get(process.get("id")), steps,
                                  process.get("isExecutable") != "false"))
    return found


def import_bpmn(data: bytes, file: str, *, programme: str | None = None,
                process_id: str | None = None, country: str = "CL") -> ImportResult:
    """``data`` (a ``.bpmn`` file's bytes) as an Acompaña programme's source.

    The process kept is ``process_id``, or the only one with steps; with several and no
    choice, the result lists them and has no sources (``chosen`` is ``None``). The process is
    renamed to ``programme`` (by default a key made from its id) and saved as
    ``<programme>.bpmn``; ``settings`` are starter settings for it (``country``) with a role
    for each lane named after an Acompaña role. Raises :class:`UnusableImport` only.
    """
    root, problems = parse(data, file)
    found = processes(root)
    with_steps = [p for p in found if p.steps]
    if process_id is not None and process_id not in {p.id for p in found}:
        listed = ", ".join(p.id for p in found) or "none"
        raise UnusableImport(file, f"the file has no process '{process_id}' (it has: {listed})",
                             "no_such_process")
    if process_id is None and not with_steps:
        raise UnusableImport(file, "the file has no process with steps", "no_process")
    if process_id is None and len(with_steps) > 1:
        listed = ", ".join(_label(p) for p in with_steps)
        problems.append(ProcessProblem(
            file, f"the file has {len(with_steps)} processes: {listed}; choose one "
                  "(--process ID)", code="import.choose_process", extra={"processes": listed}))
        return ImportResult(file, found, None, problems=problems)
    chosen = process_id or with_steps[0].id
    key = programme or programme_key(chosen)
    name = f"{key}.bpmn"
    tree, notes, groups = _normalised(root, chosen, key, file)
    text = etree.tostring(tree, xml_declaration=True, encoding="UTF-8").decode("utf-8")
    title = next((p.name or p.pool for p in found if p.id == chosen), None) or key
    return ImportResult(file, found, chosen, {name: text + "\n"},
                        starter_settings(key, title, country, groups), problems, notes)


def import_and_check(data: bytes, file: str, forms: FormLibrary, *,
                     programme: str | None = None, process_id: str | None = None,
                     raw_settings: dict | None = None, country: str = "CL",
                     decisions: dict[str, str] | None = None) -> ImportResult:
    """:func:`import_bpmn`, then every problem of the result by
    :func:`~engine.definitions.checks.check_sources` (with ``raw_settings`` when the programme
    has them, else the starter settings, and with the programme's DMN files ``decisions``,
    which join the sources). Raises :class:`UnusableImport` only."""
    result = import_bpmn(data, file, programme=programme, process_id=process_id,
                         country=country)
    if result.chosen is None:
        return result
    if raw_settings is not None:
        result.settings = raw_settings
    result.sources |= {name: text for name, text in (decisions or {}).items()
                       if name.endswith(".dmn")}
    result.problems += check_sources(result.sources, result.settings, forms)
    return result


def programme_key(process_id: str) -> str:
    """A programme key from a process id: lower case letters, digits and ``_``."""
    key = re.sub(r"[^a-z0-9_]+", "_", process_id.lower()).strip("_")
    return key if key and key[0].isalpha() else f"p_{key}"


def starter_settings(key: str, name: str, country: str, groups: list[str]) -> dict:
    """Settings to start from: the programme, and a role for each lane named after one of
    Acompaña's roles (other lanes are problems that say which role to give them)."""
    roles = {group: group for group in groups if group in ROLES}
    return {"programa": {"clave": key, "nombre": name[:200], "pais": country, "idioma": "es"},
            "roles": roles}


def _label(process: FoundProcess) -> str:
    named = process.name or process.pool
    return f"{process.id} ({named})" if named else process.id


def _normalised(root, chosen: str, key: str, file: str):
    tree = copy.deepcopy(root)
    notes: list[ProcessProblem] = []
    main = next(p for p in tree.iterfind("bpmn:process", NS) if p.get("id") == chosen)
    called = {c.get("calledElement") for c in main.iter(f"{{{BPMN}}}callActivity")}
    dropped = set()
    for process in tree.findall("bpmn:process", NS):
        if process is main or process.get("id") in called:
            process.set("isExecutable", "true")
            continue
        dropped |= {n.get("id") for n in process.iter() if n.get("id")}
        if any(localname(n) not in NOT_STEPS for n in process if isinstance(n.tag, str)):
            notes.append(_note(file, process, "pool", process.get("name") or process.get("id"),
                               "another pool of the file: left out"))
        tree.remove(process)
    for collaboration in tree.findall("bpmn:collaboration", NS):
        for flow in collaboration.iterfind("bpmn:messageFlow", NS):
            notes.append(_note(file, flow, "messageFlow", flow.get("name") or flow.get("id"),
                               "a message flow between pools: left out"))
        dropped |= {n.get("id") for n in collaboration.iter() if n.get("id")}
        plane_ref = collaboration.get("id")
        tree.remove(collaboration)
        for plane in tree.iter(f"{{{BPMNDI}}}BPMNPlane"):
            if plane.get("bpmnElement") == plane_ref:
                plane.set("bpmnElement", chosen)
    _drop_diagram(tree, dropped)
    tree = _with_spiff_namespace(tree)
    main = next(p for p in tree.iterfind("bpmn:process", NS) if p.get("id") == chosen)
    groups = _carry_camunda(main, key, file, notes)
    _rename(tree, main, key)
    return tree, notes, groups


def _drop_diagram(tree, dropped: set) -> None:
    for shape in [*tree.iter(f"{{{BPMNDI}}}BPMNShape"), *tree.iter(f"{{{BPMNDI}}}BPMNEdge")]:
        if shape.get("bpmnElement") in dropped:
            shape.getparent().remove(shape)


def _with_spiff_namespace(tree):
    """The document with ``spiffworkflow:`` declared on its root (for the properties added)."""
    if SPIFF in tree.nsmap.values():
        return tree
    nsmap = {**{k: v for k, v in tree.nsmap.items()}, "spiffworkflow": SPIFF}
    root = etree.Element(tree.tag, attrib=dict(tree.attrib), nsmap=nsmap)
    root.text = tree.text
    for child in list(tree):
        root.append(child)
    return root


def _rename(tree, main, key: str) -> None:
    old = main.get("id")
    main.set("id", key)
    for node in tree.iter():
        if not isinstance(node.tag, str):
            continue
        if localname(node) == "BPMNPlane" and node.get("bpmnElement") == old:
            node.set("bpmnElement", key)
        if localname(node) == "callActivity" and node.get("calledElement") == old:
            node.set("calledElement", key)


def _carry_camunda(main, key: str, file: str, notes: list) -> list[str]:
    """Camunda 7/8 form keys and candidate groups as Acompaña's formKey and lanes; assignees
    are listed (Acompaña gives a lane's tasks to its role pool). The lane names used."""
    groups: list[str] = []
    in_lane = {ref.text for ref in main.iterfind(".//bpmn:lane/bpmn:flowNodeRef", NS)}
    for task in main.iter(f"{{{BPMN}}}userTask"):
        form, group, assignee = _camunda_values(task)
        if form:
            mapped = f"{key}/{form_key(form)}"
            _set_property(task, "formKey", mapped)
            notes.append(_note(file, task, "formKey", form,
                               f"as the form '{mapped}'; create it if it does not exist",
                               carried=True))
        if group:
            first = group.split(",")[0].strip()
            if task.get("id") in in_lane:
                notes.append(_note(file, task, "candidateGroups", group,
                                   "the task is in a lane already: its lane decides"))
            elif first:
                _into_lane(main, task, first)
                groups.append(first)
                notes.append(_note(file, task, "candidateGroups", group,
                                   f"as the lane '{first}'", carried=True))
        if assignee:
            notes.append(_note(file, task, "assignee", assignee,
                               "Acompaña gives a task to its lane's role pool or the case's "
                               "caseworker: choose who gets it in the modeler"))
    for task in main.iter(f"{{{BPMN}}}businessRuleTask"):
        _carry_decision(task, file, notes)
    groups += [lane.get("name") for lane in main.iterfind(".//bpmn:lane", NS)
               if lane.get("name")]
    return list(dict.fromkeys(groups))


def _carry_decision(task, file: str, notes: list) -> None:
    """Camunda 7 ``camunda:decisionRef`` and Zeebe ``zeebe:calledDecision`` as the decision
    SpiffWorkflow calls (``spiffworkflow:calledDecisionId``)."""
    if task.find("bpmn:extensionElements/spiff:calledDecisionId", NS) is not None:
        return
    decision = task.get(f"{{{CAMUNDA}}}decisionRef")
    called = task.find("bpmn:extensionElements/zeebe:calledDecision", NS)
    if decision is None and called is not None:
        decision = called.get("decisionId")
    if not decision:
        return
    ext = _extension_elements(task)
    etree.SubElement(ext, f"{{{SPIFF}}}calledDecisionId").text = decision
    notes.append(_note(file, task, "decisionRef", decision,
                       "as the decision it calls; import its DMN file too", carried=True))


def form_key(value: str) -> str:
    """A Camunda form reference (``embedded:app:forms/intake.html``, ``camunda-forms:
    deployment:intake.form``, a Zeebe form id) as a form name: ``intake``."""
    stem = FORM_PREFIXES.sub("", value.strip()).rsplit("/", 1)[-1]
    stem = re.sub(r"\.(html?|form|json)$", "", stem)
    return re.sub(r"[^A-Za-z0-9_]+", "_", stem).strip("_").lower() or "formulario"


def _camunda_values(task) -> tuple[str | None, str | None, str | None]:
    form = task.get(f"{{{CAMUNDA}}}formKey") or task.get(f"{{{CAMUNDA}}}formRef")
    group = task.get(f"{{{CAMUNDA}}}candidateGroups")
    assignee = task.get(f"{{{CAMUNDA}}}assignee") or task.get(f"{{{CAMUNDA}}}candidateUsers")
    zeebe_form = task.find("bpmn:extensionElements/zeebe:formDefinition", NS)
    if zeebe_form is not None:
        form = form or zeebe_form.get("formKey") or zeebe_form.get("formId")
    zeebe_assign = task.find("bpmn:extensionElements/zeebe:assignmentDefinition", NS)
    if zeebe_assign is not None:
        group = group or zeebe_assign.get("candidateGroups")
        assignee = assignee or zeebe_assign.get("assignee") or zeebe_assign.get("candidateUsers")
    if group and group.startswith("="):  # a FEEL expression: no group to map
        group = None
    return form, group, assignee


def _extension_elements(task):
    found = task.find("bpmn:extensionElements", NS)
    if found is not None:
        return found
    found = etree.Element(f"{{{BPMN}}}extensionElements")
    docs = task.findall("bpmn:documentation", NS)
    task.insert(len(docs), found)
    return found


def _set_property(task, name: str, value: str) -> None:
    ext = _extension_elements(task)
    props = ext.find("spiff:properties", NS)
    if props is None:
        props = etree.SubElement(ext, f"{{{SPIFF}}}properties")
    for prop in props.iterfind("spiff:property", NS):
        if prop.get("name") == name:
            prop.set("value", value)
            return
    etree.SubElement(props, f"{{{SPIFF}}}property", name=name, value=value)


def _into_lane(main, task, lane_name: str) -> None:
    lane_set = main.find("bpmn:laneSet", NS)
    if lane_set is None:
        lane_set = etree.Element(f"{{{BPMN}}}laneSet", id=f"{main.get('id')}_lanes")
        head = sum(1 for n in main if isinstance(n.tag, str) and localname(n) in PROCESS_HEAD)
        main.insert(head, lane_set)
    lane = next((lane for lane in lane_set.iterfind("bpmn:lane", NS)
                 if lane.get("name") == lane_name), None)
    if lane is None:
        lane = etree.SubElement(lane_set, f"{{{BPMN}}}lane",
                                id=f"lane_{programme_key(lane_name)}", name=lane_name)
    ref = etree.SubElement(lane, f"{{{BPMN}}}flowNodeRef")
    ref.text = task.get("id")


def _note(file: str, node, attribute: str, value: str, detail: str, *,
          carried: bool = False) -> ProcessProblem:
    verb = "carried over" if carried else "not carried over"
    return ProcessProblem(file, f"{attribute} '{value}' {verb}: {detail}", node.get("id"),
                          node.sourceline, node.get("name"),
                          code="import.carried" if carried else "import.not_carried",
                          extra={"attribute": attribute, "value": value})
