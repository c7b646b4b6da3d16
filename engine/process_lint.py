"""Deploy-time checks of a process's XML: every expression safe, every timer sensible.

Works on the XML (not the parsed spec) so each problem can name the element id and line.
"""

import ast
import re
from collections.abc import Iterator
from dataclasses import dataclass

from lxml import etree

from .errors import ProcessProblem
from .scripting import lint
from .settings import ProgrammeSettings

NS = {
    "bpmn": "http://www.omg.org/spec/BPMN/20100524/MODEL",
    "spiff": "http://spiffworkflow.org/bpmn/schema/1.0/core",
    "dmn": "https://www.omg.org/spec/DMN/20191111/MODEL/",
}
DMN_NAMESPACES = (
    "https://www.omg.org/spec/DMN/20191111/MODEL/",
    "http://www.omg.org/spec/DMN/20151101/dmn.xsd",
    "https://www.omg.org/spec/DMN/20180521/MODEL/",
)
ISO_LIKE = re.compile(r"^(R\d*/)?P[\dYMWDTHS.]+$|^\d{4}-\d{2}-\d{2}", re.IGNORECASE)
DEADLINE_HELPERS = {"plazo", "recordatorio"}
CYCLE_HELPERS = {"duracion", "proximo_ciclo"}


@dataclass(frozen=True)
class Expression:
    """One piece of code found in a file, and where."""

    source: str
    mode: str  # "exec" for scripts, "eval" for expressions
    element: str
    line: int
    timer: bool = False


BPMN_CODE = (  # (where, mode, is a timer)
    (".//bpmn:script", "exec", False),
    (".//spiff:preScript", "exec", False),
    (".//spiff:postScript", "exec", False),
    (".//bpmn:conditionExpression", "eval", False),
    (".//bpmn:loopCardinality", "eval", False),
    (".//bpmn:completionCondition", "eval", False),
    (".//bpmn:timeDate", "eval", True),
    (".//bpmn:timeDuration", "eval", True),
    (".//bpmn:timeCycle", "eval", True),
)


def bpmn_expressions(root: etree._Element) -> Iterator[Expression]:
    """Every script, condition and timer expression in a BPMN document."""
    for path, mode, timer in BPMN_CODE:
        for node in root.iterfind(path, NS):
            yield _found(node, mode, timer)


def dmn_expressions(root: etree._Element) -> Iterator[Expression]:
    """Every input, input-entry and output-entry expression in a DMN document."""
    for ns in DMN_NAMESPACES:
        space = {"d": ns}
        for node in root.iterfind(".//d:inputExpression/d:text", space):
            yield _found(node, "eval")
        for node in root.iterfind(".//d:outputEntry/d:text", space):
            yield _found(node, "eval")
        for node in root.iterfind(".//d:inputEntry/d:text", space):
            yield _found(node, "dmn-test")


def _found(node: etree._Element, mode: str, timer: bool = False) -> Expression:
    owner = node
    while owner is not None and (owner.get("id") is None or _is_definition(owner)):
        owner = owner.getparent()
    element = owner.get("id") if owner is not None else "?"
    return Expression((node.text or "").strip(), mode, element, node.sourceline or 0, timer)


def _is_definition(node: etree._Element) -> bool:
    return etree.QName(node).localname.endswith("EventDefinition")


def check(expr: Expression, file: str, settings: ProgrammeSettings) -> list[ProcessProblem]:
    """Problems with one expression: unsafe code, bad timers, unknown deadline keys."""
    if not expr.source:
        return [] if expr.mode == "dmn-test" else [_problem(expr, file, "empty expression")]
    if expr.mode == "dmn-test":
        return _check_dmn_test(expr, file)
    problems = [_problem(expr, file, reason) for reason in lint(expr.source, expr.mode)]
    if expr.timer and not problems:
        problems += [_problem(expr, file, reason) for reason in _timer_reasons(expr, settings)]
    return problems


def _check_dmn_test(expr: Expression, file: str) -> list[ProcessProblem]:
    if expr.source == "-":
        return []
    as_comparison = lint(f"dmninputexpr {expr.source}", "eval")
    as_value = lint(f"dmninputexpr == ({expr.source})", "eval")
    if as_comparison and as_value:
        return [_problem(expr, file, as_value[0])]
    return []


def _timer_reasons(expr: Expression, settings: ProgrammeSettings) -> list[str]:
    tree = ast.parse(expr.source, mode="eval").body
    if isinstance(tree, ast.Name) and ISO_LIKE.match(tree.id):
        return [f"timer expression {tree.id} is not quoted: write \"{tree.id}\""]
    if isinstance(tree, ast.Constant):
        return _literal_timer_reasons(tree.value)
    reasons = []
    for call in (n for n in ast.walk(tree) if isinstance(n, ast.Call)):
        reasons += _helper_call_reasons(call, settings)
    return reasons


def _literal_timer_reasons(value) -> list[str]:
    from SpiffWorkflow.bpmn.specs.event_definitions.timer import TimerEventDefinition

    if not isinstance(value, str):
        return [f"timer expression must give an ISO 8601 text, not {value!r}"]
    try:
        if value.upper().startswith("R"):
            TimerEventDefinition.parse_iso_recurring_interval(value)
        else:
            TimerEventDefinition.parse_time_or_duration(value)
    except Exception:  # noqa: BLE001 - any parse failure is the same user error
        return [f"'{value}' is not an ISO 8601 date, duration or cycle"]
    return []


def _helper_call_reasons(call: ast.Call, settings: ProgrammeSettings) -> list[str]:
    name = call.func.id if isinstance(call.func, ast.Name) else None
    keys = _string_options(call.args[0]) if call.args else []
    known = settings.deadlines if name in DEADLINE_HELPERS else (
        settings.cycles if name in CYCLE_HELPERS else None)
    if known is None:
        return []
    return [f"{name}('{k}'): no such key in the programme settings" for k in keys
            if k not in known]


def _string_options(node: ast.AST) -> list[str]:
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return [node.value]
    if isinstance(node, ast.IfExp):
        return _string_options(node.body) + _string_options(node.orelse)
    return []


def _problem(expr: Expression, file: str, message: str) -> ProcessProblem:
    return ProcessProblem(file=file, message=message, element=expr.element, line=expr.line)
