"""Every place of a BPMN or DMN document where code can hide, with where it is and what it is.

The places are the ones SpiffWorkflow 3.2 (with the spiff extensions) hands to the script
engine: scripts and pre/post-scripts are run (``exec``); conditions, loop and multi-instance
settings, timers, message and signal payloads, correlation expressions, service parameters and
DMN entries are evaluated (``eval``); DMN input entries are unary tests. Names the engine writes
data under (loop collections, message variables, DMN outputs) are checked as names.
"""

from collections.abc import Iterator
from dataclasses import dataclass

from lxml import etree

NS = {
    "bpmn": "http://www.omg.org/spec/BPMN/20100524/MODEL",
    "spiff": "http://spiffworkflow.org/bpmn/schema/1.0/core",
}
DMN_NAMESPACES = (
    "https://www.omg.org/spec/DMN/20191111/MODEL/",
    "http://www.omg.org/spec/DMN/20151101/dmn.xsd",
    "https://www.omg.org/spec/DMN/20180521/MODEL/",
)
FLOW_NODE_TAGS = frozenset({
    "task", "userTask", "manualTask", "scriptTask", "serviceTask", "businessRuleTask",
    "sendTask", "receiveTask", "subProcess", "callActivity", "transaction", "adHocSubProcess",
    "startEvent", "endEvent", "intermediateCatchEvent", "intermediateThrowEvent",
    "boundaryEvent", "exclusiveGateway", "parallelGateway", "inclusiveGateway",
    "eventBasedGateway", "complexGateway",
})
OWNER_TAGS = FLOW_NODE_TAGS | {"sequenceFlow", "process", "message", "signal", "error",
                               "escalation", "correlationProperty"}

MI = "bpmn:multiInstanceLoopCharacteristics"
TEXT_SITES = (  # (path, mode, what)
    (".//bpmn:scriptTask/bpmn:script", "exec", "script"),
    (".//spiff:preScript", "exec", "pre-script"),
    (".//spiff:postScript", "exec", "post-script"),
    (".//bpmn:sequenceFlow/bpmn:conditionExpression", "eval", "condition"),
    (".//bpmn:conditionalEventDefinition/bpmn:condition", "eval",
     "conditional event condition"),
    (".//bpmn:standardLoopCharacteristics/bpmn:loopCondition", "eval", "loop condition"),
    (f".//{MI}/bpmn:loopCardinality", "eval", "loop cardinality"),
    (f".//{MI}/bpmn:completionCondition", "eval", "completion condition"),
    (".//bpmn:timeDate", "timer", "timer date"),
    (".//bpmn:timeDuration", "timer", "timer duration"),
    (".//bpmn:timeCycle", "timer", "timer cycle"),
    (".//spiff:messagePayload", "eval", "message payload"),
    (".//spiff:payloadExpression", "eval", "payload expression"),
    (".//bpmn:correlationPropertyRetrievalExpression/bpmn:formalExpression", "eval",
     "correlation expression"),
    (".//bpmn:correlationPropertyRetrievalExpression/bpmn:messagePath", "eval",
     "correlation expression"),
    (".//spiff:processVariableCorrelation/spiff:expression", "eval", "correlation expression"),
    (f".//{MI}/bpmn:loopDataInputRef", "name", "loop input collection"),
    (f".//{MI}/bpmn:loopDataOutputRef", "name", "loop output collection"),
    (".//spiff:messageVariable", "name", "message variable"),
    (".//bpmn:extensionElements/spiff:variableName", "name", "payload variable"),
)
ATTRIBUTE_SITES = (  # (path, attribute, mode, what)
    (".//bpmn:standardLoopCharacteristics", "loopMaximum", "integer", "loop maximum"),
    (f".//{MI}/bpmn:inputDataItem", "id", "name", "loop input item"),
    (f".//{MI}/bpmn:outputDataItem", "id", "name", "loop output item"),
    (".//spiff:serviceTaskOperator//spiff:parameter", "value", "eval", "service parameter"),
    (".//spiff:serviceTaskOperator", "resultVariable", "name", "service result variable"),
)


@dataclass(frozen=True)
class Expression:
    """One piece of code found in a file, and where.

    ``mode`` is how the engine uses it: ``exec`` (a script), ``eval`` (an expression),
    ``timer`` (an expression giving an ISO 8601 text), ``dmn-test`` (a DMN input entry),
    ``integer`` or ``name`` (a data name). ``line`` is the file line the code starts on.
    """

    source: str
    mode: str
    element: str
    line: int
    what: str = "expression"
    name: str | None = None
    language: str | None = None  # the file's declared language (``language``, ``scriptFormat``)


def localname(node: etree._Element) -> str:
    """The tag of ``node`` without its namespace ('' for comments and processing instructions)."""
    return etree.QName(node).localname if isinstance(node.tag, str) else ""


def owner_of(node: etree._Element) -> etree._Element | None:
    """The BPMN element (task, event, gateway, flow, message, process…) ``node`` belongs to."""
    while node is not None and localname(node) not in OWNER_TAGS:
        node = node.getparent()
    return node


def bpmn_expressions(root: etree._Element) -> Iterator[Expression]:
    """Every script, condition, timer, payload and data name in a BPMN document."""
    for path, mode, what in TEXT_SITES:
        for node in root.iterfind(path, NS):
            text = node.text or ""
            skipped = text[: len(text) - len(text.lstrip())].count("\n")
            yield _at(node, text.strip(), mode, what, skipped, _declared_language(node))
    for path, attribute, mode, what in ATTRIBUTE_SITES:
        for node in root.iterfind(path, NS):
            if node.get(attribute) is not None:
                yield _at(node, node.get(attribute).strip(), mode, _attribute_what(node, what))


def _attribute_what(node: etree._Element, what: str) -> str:
    return f"{what} '{node.get('id')}'" if what == "service parameter" else what


def _declared_language(node: etree._Element) -> str | None:
    """The language a file says a piece of code is in (a condition's ``language``, a script
    task's ``scriptFormat``), if it says one."""
    parent = node.getparent()
    declared = node.get("language")
    if declared is None and parent is not None and localname(parent) == "scriptTask":
        declared = parent.get("scriptFormat")
    return declared


def _at(node: etree._Element, source: str, mode: str, what: str,
        skipped: int = 0, language: str | None = None) -> Expression:
    owner = owner_of(node)
    element = owner.get("id") if owner is not None else None
    name = owner.get("name") if owner is not None else None
    return Expression(source, mode, element or "?", (node.sourceline or 0) + skipped, what,
                      name, language)


def dmn_expressions(root: etree._Element) -> Iterator[Expression]:
    """Every input expression, input entry, output entry and output name of a DMN document."""
    for ns in DMN_NAMESPACES:
        space = {"d": ns}
        for decision in root.iterfind(".//d:decision", space):
            for table in decision.iterfind("d:decisionTable", space):
                yield from _table_expressions(decision, table, space)


def _table_expressions(decision, table, space) -> Iterator[Expression]:
    title = decision.get("name") or decision.get("id")
    inputs = table.findall("d:input", space)
    labels = [_label(i) for i in inputs]
    for column, label in zip(inputs, labels, strict=True):
        text = column.find("d:inputExpression/d:text", space)
        if text is not None:
            yield _dmn(text, "eval", column, title, f"input expression of column '{label}'")
    outputs = table.findall("d:output", space)
    for output in outputs:
        if output.get("name"):
            yield Expression(output.get("name"), "name", output.get("id") or "?",
                             output.sourceline or 0, f"decision '{title}', output name")
    for row, rule in enumerate(table.findall("d:rule", space), start=1):
        yield from _rule_expressions(rule, row, title, labels, outputs, space)


def _rule_expressions(rule, row, title, labels, outputs, space) -> Iterator[Expression]:
    for label, entry in zip(labels, rule.findall("d:inputEntry", space), strict=False):
        text = entry.find("d:text", space)
        if text is not None:
            yield _dmn(text, "dmn-test", entry, title, f"rule {row}, input '{label}'", rule)
    for output, entry in zip(outputs, rule.findall("d:outputEntry", space), strict=False):
        text = entry.find("d:text", space)
        if text is not None:
            yield _dmn(text, "eval", entry, title, f"rule {row}, output '{_label(output)}'",
                       rule)


def _dmn(text, mode, entry, title, what, rule=None) -> Expression:
    element = entry.get("id") or (rule.get("id") if rule is not None else None) or "?"
    return Expression((text.text or "").strip(), mode, element, text.sourceline or 0,
                      f"decision '{title}', {what}")


def _label(column: etree._Element) -> str:
    return column.get("label") or column.get("name") or column.get("id") or "?"
