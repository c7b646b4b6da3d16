"""Code a manager wrote that SpiffWorkflow would never run, reported at deploy.

A condition on a flow that does not leave an exclusive or inclusive gateway, or on a gateway's
default flow, is never evaluated; transformations and assignments on data associations are not
read by the parser; a message payload on an event that receives the message is never computed;
a script on a step nothing leads to never runs; a DMN decision no business rule task calls, or
a decision's second table, is never evaluated; and a pre- or post-script only runs where the
parsed task carries it (tasks, subprocesses and call activities; not events, gateways, flows or
script tasks).
"""

import re
from collections import defaultdict

from lxml import etree

from ..core.errors import ProcessProblem
from .lint_sites import DMN_NAMESPACES, FLOW_NODE_TAGS, NS, localname, owner_of

CONDITIONAL_GATEWAYS = {"exclusiveGateway", "inclusiveGateway"}
HOOKS = (("preScript", "pre-script", "prescript"), ("postScript", "post-script", "postscript"))
DATA_CODE = ("transformation", "assignment")
SENDERS = {"intermediateThrowEvent", "endEvent", "sendTask"}


def xml_problems(trees: dict[str, etree._Element]) -> list[ProcessProblem]:
    """Never-evaluated conditions, ignored data-association code, unreachable scripts and
    uncalled decisions, across all the files of a programme."""
    problems = []
    for file, root in trees.items():
        if file.endswith(".bpmn"):
            problems += _ignored_conditions(file, root) + _data_association_code(file, root)
            problems += _unreachable_scripts(file, root) + _received_payloads(file, root)
    return problems + _uncalled_decisions(trees)


def _problem(file: str, node: etree._Element, what: str, message: str,
             line: int | None = None) -> ProcessProblem:
    return ProcessProblem(file, message, node.get("id"), line or node.sourceline,
                          node.get("name"), what, code="process.never_runs")


def _ignored_conditions(file: str, root: etree._Element) -> list[ProcessProblem]:
    by_id = {n.get("id"): n for n in root.iter() if n.get("id")}
    problems = []
    for flow in root.iterfind(".//bpmn:sequenceFlow", NS):
        condition = flow.find("bpmn:conditionExpression", NS)
        source = by_id.get(flow.get("sourceRef"))
        if condition is None or source is None:
            continue
        reason = _why_ignored(flow, source)
        if reason:
            problems.append(_problem(file, flow, "condition", reason, condition.sourceline))
    return problems


def _why_ignored(flow: etree._Element, source: etree._Element) -> str | None:
    label = _kind(source)
    if localname(source) not in CONDITIONAL_GATEWAYS:
        return (f"is never evaluated: this flow leaves {label} '{_title(source)}', and only "
                "flows leaving an exclusive or inclusive gateway are checked; put a gateway "
                "after it and move the condition to the gateway's outgoing flow")
    if source.get("default") == flow.get("id"):
        return ("is never evaluated: this is the gateway's default flow, taken when no other "
                "condition holds; remove the condition or make another flow the default")
    return None


def _data_association_code(file: str, root: etree._Element) -> list[ProcessProblem]:
    problems = []
    for association in ("dataInputAssociation", "dataOutputAssociation"):
        for tag in DATA_CODE:
            for node in root.iterfind(f".//bpmn:{association}/bpmn:{tag}", NS):
                owner = owner_of(node)
                message = (f"never runs: the engine ignores the {tag} of a data "
                           "association; do the work in a script task or a pre-script")
                what = f"data association {tag}"
                problems.append(_problem(file, owner, what, message, node.sourceline))
    return problems


def _received_payloads(file: str, root: etree._Element) -> list[ProcessProblem]:
    """A message payload is computed only where the message is sent."""
    problems = []
    for node in root.iterfind(".//bpmn:messageEventDefinition//spiff:messagePayload", NS):
        owner = owner_of(node)
        if localname(owner) not in SENDERS:
            message = (f"is never evaluated: {_kind(owner)} receives the message, and a payload "
                       "is computed only where a message is sent; to keep what arrives, "
                       "name a message variable instead")
            problems.append(_problem(file, owner, "message payload", message, node.sourceline))
    return problems


def _unreachable_scripts(file: str, root: etree._Element) -> list[ProcessProblem]:
    problems = []
    for process in root.iterfind(".//bpmn:process", NS):
        reached = _reachable(process)
        for node in process.iter():
            if localname(node) in FLOW_NODE_TAGS and node.get("id") not in reached:
                problems += _unreachable_code(file, node)
    return problems


def _unreachable_code(file: str, node: etree._Element) -> list[ProcessProblem]:
    message = ("never runs: no sequence flow from a start event leads to this step (link "
               "events and compensation are not followed); connect it or remove it")
    found = [(node.find("bpmn:script", NS), "script")] if localname(node) == "scriptTask" else []
    found += [(node.find(f"bpmn:extensionElements/spiff:{tag}", NS), what)
              for tag, what, _ in HOOKS]
    return [_problem(file, node, what, message, code.sourceline) for code, what in found
            if code is not None and (code.text or "").strip()]


def _reachable(process: etree._Element) -> set[str]:
    """Ids of the flow nodes a token can reach from the process's start."""
    following = _following(process)
    reached, queue = set(), [process.get("id")]
    while queue:
        current = queue.pop()
        if current not in reached:
            reached.add(current)
            queue += following.get(current, [])
    return reached


def _following(process: etree._Element) -> dict[str, list[str]]:
    """What SpiffWorkflow follows from each element: flow targets, boundary events, and for a
    process or subprocess its start events and event subprocesses. Like SpiffWorkflow, it does
    not follow link events or compensation."""
    following = defaultdict(list)
    for flow in process.iter(f"{{{NS['bpmn']}}}sequenceFlow"):
        following[flow.get("sourceRef")].append(flow.get("targetRef"))
    for node in process.iter():
        tag = localname(node)
        if tag == "boundaryEvent":
            following[node.get("attachedToRef")].append(node.get("id"))
        elif tag == "process" or tag in FLOW_NODE_TAGS and node.get("id"):
            following[node.get("id")] += [c.get("id") for c in node if _enters(c)]
    return following


def _enters(child: etree._Element) -> bool:
    tag = localname(child)
    return tag == "startEvent" or (tag == "subProcess"
                                   and child.get("triggeredByEvent") == "true")


def _uncalled_decisions(trees: dict[str, etree._Element]) -> list[ProcessProblem]:
    called = {node.text.strip() for file, root in trees.items() if file.endswith(".bpmn")
              for node in root.iterfind(".//spiff:calledDecisionId", NS) if node.text}
    problems = []
    for file, root in trees.items():
        for ns in DMN_NAMESPACES if file.endswith(".dmn") else ():
            for decision in root.iterfind(".//d:decision", {"d": ns}):
                if decision.get("id") not in called:
                    problems.append(_problem(file, decision, "decision", (
                        "is never evaluated: no business rule task calls it; call it from a "
                        "business rule task (calledDecisionId) or remove it")))
                problems += _later_tables(file, decision, ns)
    return problems


def _later_tables(file: str, decision: etree._Element, ns: str) -> list[ProcessProblem]:
    """SpiffWorkflow evaluates only the first decision table of a decision."""
    later = decision.findall("d:decisionTable", {"d": ns})[1:]
    message = ("is never evaluated: only a decision's first table is used; move its rules "
               "into the first table or into a decision of its own")
    return [_problem(file, table, "decision table", message) for table in later]


def hook_problems(spec, subs, trees: dict[str, etree._Element]) -> list[ProcessProblem]:
    """Pre- and post-scripts the parsed process does not carry, so would never run."""
    carried = _carried_hooks(spec, subs)
    problems = []
    for file, root in trees.items():
        for tag, what, _ in HOOKS if file.endswith(".bpmn") else ():
            for node in root.iterfind(f".//bpmn:extensionElements/spiff:{tag}", NS):
                owner = owner_of(node)
                if (node.text or "").strip() and _not_carried(node, owner, carried, file):
                    problems.append(_problem(file, owner, what, _hook_message(owner, what),
                                             node.sourceline))
    return problems


def _not_carried(node, owner, carried: dict, file: str) -> bool:
    scripts = carried.get((file, owner.get("id")))
    if scripts is None:  # a flow node SpiffWorkflow did not parse is unreachable: said above
        return localname(owner) not in FLOW_NODE_TAGS
    return node.text not in scripts


def _carried_hooks(spec, subs) -> dict[tuple, set[str]]:
    """The pre/post-scripts SpiffWorkflow will run, by (file, element id) of every element it
    parsed (it parses only what a start event leads to)."""
    carried = defaultdict(set)
    for process in (spec, *subs.values()):
        for task_spec in process.task_specs.values():
            scripts = {getattr(task_spec, attribute, None) for _, _, attribute in HOOKS}
            carried[(process.file, task_spec.bpmn_id)] |= scripts - {None}
    return carried


def _hook_message(owner: etree._Element, what: str) -> str:
    if localname(owner) == "scriptTask":
        return f"never runs: a script task does not run its {what}; put the code in its script"
    return (f"never runs: {_kind(owner)} does not run a {what}; only tasks, subprocesses and "
            "call activities do. Move the code to a script task or to a neighbouring task")


def _kind(node: etree._Element) -> str:
    words = re.sub(r"(?<!^)([A-Z])", r" \1", localname(node)).lower()
    return f"an {words}" if words[0] in "aeio" else f"a {words}"  # "a user task"


def _title(node: etree._Element) -> str:
    return node.get("name") or node.get("id") or "?"
