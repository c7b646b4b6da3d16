"""Deploy refuses a process that lacks what its manifest says others read from it.

Each step listed must be an element of the BPMN, each outcome the ``outcome`` of an end
event, each ``<step>.<field>`` a field of that step's form (or an output of its decision
table) and each bare field something the process sets: a form field, a decision output, a
script assignment or the data every case starts with. A problem names the manifest, what
is missing and who needs it, e.g. ``manifest.toml:9: step "diagnostico" needed by the
familias report is not in familias.bpmn``.
"""

import re
from dataclasses import dataclass, field
from pathlib import Path

from lxml import etree

from ..core.errors import InvalidProcess, ProcessProblem
from ..programmes.settings import read_settings_file
from . import manifest
from .forms import FormLibrary
from .parsing import SAFE_PARSER, as_utf8

SPIFF = "{http://spiffworkflow.org/bpmn/schema/1.0/core}"
START_FIELDS = frozenset({"caso_id", "programa", "territorio", "fecha_asignacion"})
ASSIGNMENT = re.compile(r"^\s*([A-Za-z_]\w*)\s*(?:\[[^\]]*\])?\s*=(?!=)", re.MULTILINE)


@dataclass
class ProcessFacts:
    """What a programme's files provide: element ids, outcomes, forms and data fields."""

    bpmn_files: list[str]
    elements: dict[str, etree._Element] = field(default_factory=dict)
    outcomes: set[str] = field(default_factory=set)
    decision_outputs: dict[str, set[str]] = field(default_factory=dict)
    assigned: set[str] = field(default_factory=set)


def check_folder(folder: Path, sources: dict[str, str],
                 forms: FormLibrary) -> manifest.Manifest | None:
    """``folder``'s manifest (None: it has none), checked against ``sources``: raise
    :class:`InvalidProcess` when it needs something they lack (nothing is deployed). Sources
    that are not well-formed XML pass: the deploy's own checks say what is wrong with them."""
    programme = read_settings_file(folder).get("programa", {})
    found = manifest.load(folder, programme.get("clave") if isinstance(programme, dict) else None)
    process = facts(sources)
    if found is None or process is None:
        return found
    text = (Path(folder) / manifest.FILE).read_text(encoding="utf-8")
    problems = manifest_problems(found, text, process, forms)
    if problems:
        raise InvalidProcess(problems)
    return found


def facts(sources: dict[str, str]) -> ProcessFacts | None:
    """What the BPMN and DMN ``sources`` provide (None when one is not well-formed XML)."""
    found = ProcessFacts(sorted(n for n in sources if n.endswith(".bpmn")))
    for name, text in sources.items():
        try:
            root = etree.fromstring(as_utf8(text), SAFE_PARSER)
        except etree.XMLSyntaxError:
            return None
        (_bpmn_facts if name.endswith(".bpmn") else _dmn_facts)(root, found)
    return found


def _bpmn_facts(root, found: ProcessFacts) -> None:
    for node in root.iter():
        if not isinstance(node.tag, str):
            continue
        if node.get("id"):
            found.elements.setdefault(node.get("id"), node)
        if node.tag == f"{SPIFF}property" and node.get("name") == "outcome":
            found.outcomes.add(node.get("value"))
        if etree.QName(node).localname in ("script", "preScript", "postScript") and node.text:
            found.assigned |= set(ASSIGNMENT.findall(node.text))


def _dmn_facts(root, found: ProcessFacts) -> None:
    for decision in root.iter("{*}decision"):
        outputs = {o.get("name") for o in decision.iter("{*}output") if o.get("name")}
        found.decision_outputs[decision.get("id")] = outputs


def manifest_problems(found: manifest.Manifest, text: str, process: ProcessFacts,
                      forms: FormLibrary) -> list[ProcessProblem]:
    """Every step, outcome and field of the manifest the process does not provide."""
    problems = []
    for needs in found.needs.values():
        problems += _step_problems(needs, text, process)
        problems += _field_problems(needs, text, process, forms)
    return problems


def _step_problems(needs: manifest.Needs, text: str,
                   process: ProcessFacts) -> list[ProcessProblem]:
    where = " or ".join(process.bpmn_files) or "the process"
    missing = [(step, f'step "{step}" needed by {needs.label} is not in {where}')
               for step in needs.steps.values() if step not in process.elements]
    missing += [(outcome, f'outcome "{outcome}" needed by {needs.label} is not the outcome '
                          f"of any end event in {where}")
                for outcome in needs.outcomes if outcome not in process.outcomes]
    return [_problem(text, needs.consumer, needle, message) for needle, message in missing]


def _field_problems(needs: manifest.Needs, text: str, process: ProcessFacts,
                    forms: FormLibrary) -> list[ProcessProblem]:
    problems = []
    for wanted in needs.fields:
        name, _, data_field = wanted.rpartition(".")
        step = needs.steps.get(name) if name else None
        if step is not None and step not in process.elements:
            continue  # the missing step is reported already
        if data_field in _provided(process, forms, step):
            continue
        owner = f'step "{step}"' if step else where_any(process)
        message = f'field "{data_field}" needed by {needs.label} is not set by {owner}'
        problems.append(_problem(text, needs.consumer, wanted, message))
    return problems


def where_any(process: ProcessFacts) -> str:
    """How the whole process reads in a problem."""
    return "any form, decision or script of " + (" or ".join(process.bpmn_files) or "it")


def _provided(process: ProcessFacts, forms: FormLibrary, step: str | None) -> set[str]:
    """The fields ``step`` sets (its form's or its decision's), or the whole process's."""
    if step is None:
        nodes = list(process.elements.values())
        every = set().union(*process.decision_outputs.values()) if process.decision_outputs \
            else set()
        return every | process.assigned | START_FIELDS | _form_fields(nodes, forms)
    node = process.elements[step]
    decision = next((d.text for d in node.iter(f"{SPIFF}calledDecisionId")), None)
    return _form_fields([node], forms) | process.decision_outputs.get(decision, set())


def _form_fields(nodes: list, forms: FormLibrary) -> set[str]:
    fields: set[str] = set()
    for node in nodes:
        for prop in node.iter(f"{SPIFF}property"):
            if prop.get("name") == "formKey" and not forms.check(prop.get("value")):
                fields |= set(forms.schema(prop.get("value")).get("properties", {}))
    return fields


def _problem(text: str, section: str, needle: str, message: str) -> ProcessProblem:
    """The problem, at the line of the manifest where ``section`` lists ``needle``."""
    rows = list(enumerate(text.splitlines(), 1))
    start = next((n for n, row in rows if row.strip().startswith(f"[{section}")), 0)
    line = next((n for n, row in rows if n >= start and f'"{needle}"' in row), None)
    return ProcessProblem(manifest.FILE, message, line=line)
