"""Deploy-time checks of each piece of code found in a process (see :mod:`lint_sites`).

Every script and expression goes through the restricted linter in the mode the engine will use
it; timers must give ISO 8601 texts or call the deadline helpers with known keys; DMN input
entries are checked the way SpiffWorkflow's DMN engine evaluates them. Each problem says what
to do in plain words.
"""

import ast
import keyword
import re

from ..core.errors import ProcessProblem
from ..programmes.settings import ProgrammeSettings
from ..runtime.scripting import lint
from ..runtime.timers import is_timer_expression
from .lint_sites import (  # noqa: F401 - re-exported for callers of the old module
    DMN_NAMESPACES,
    NS,
    Expression,
    bpmn_expressions,
    dmn_expressions,
)

ISO_LIKE = re.compile(r"^(R\d*/)?P[\dYMWDTHS.]+$|^\d{4}-\d{2}-\d{2}", re.IGNORECASE)
DEADLINE_HELPERS = {"plazo", "recordatorio", "vence"}
CYCLE_HELPERS = {"duracion", "proximo_ciclo"}
# SpiffWorkflow's DMN engine replaces a "?" outside quotes with the column's value.
DMN_QUESTION = re.compile(r"(\?)(?=(?:[^'\"]|['\"][^'\"]*['\"])*$)")
ONLY_DATA = "a process may use only its case data, the helper functions (plazo, hoy…) and math"
ADVICE = (  # (words in the linter's reason, what to do)
    ("imports are not allowed", f"remove the import: {ONLY_DATA}"),
    ("attribute '_", "names starting with _ are Python internals: use the data's own fields"),
    ("starts with \"_\"", "rename it without the leading _"),
    ("is not allowed", f"remove it: {ONLY_DATA}"),
)
LINE_OF_CODE = re.compile(r"(?:syntax error on )?line (\d+): ")
WRITE_AS = {"exec": "Python statements", "eval": "a single Python expression"}


def check(expr: Expression, file: str, settings: ProgrammeSettings) -> list[ProcessProblem]:
    """Problems with one piece of code: unsafe or malformed code, bad timers, unknown keys."""
    if not expr.source:
        if expr.mode == "dmn-test":
            return []
        return [_problem(expr, file, f"is empty: write the {expr.what} or remove it")]
    language = foreign_language(expr)
    if language is not None:
        return [_foreign(expr, file, language)]
    reasons = CHECKS[expr.mode](expr, settings)
    return [_problem(expr, file, reason) for reason in reasons]


JUEL = re.compile(r"^\s*[$#]\{.*\}\s*$", re.DOTALL)
# FEEL's unary tests as Camunda and other DMN tools write them: ranges [1..5], not(...), dates
FEEL_TEST = re.compile(r"^[\[(\]][^\]\[()]*\.\.[^\]\[()]*[\])\[]$|^not\(|"
                       r"\b(date and time|date|time|duration)\(\"")
XPATH = re.compile(r"\b(getDataObject|getActivityProperty|getProcessVariable)\s*\(")
LANGUAGES = (("feel", "FEEL"), ("juel", "JUEL"), ("xpath", "XPath"), ("javascript", "JavaScript"),
             ("ecmascript", "JavaScript"), ("groovy", "Groovy"), ("js", "JavaScript"),
             ("mvel", "MVEL"), ("ruby", "Ruby"))


def foreign_language(expr: Expression) -> str | None:
    """The language a piece of code is written in when it is not Python (FEEL, JUEL, XPath,
    JavaScript…), by what the file declares or by its shape; ``None`` for Python."""
    words = set(re.split(r"[^a-z]+", (expr.language or "").lower()))
    if "python" not in words:
        for needle, language in LANGUAGES:
            if needle in words:
                return language
    if expr.mode in ("exec", "eval", "timer") and JUEL.match(expr.source):
        return "JUEL"
    if expr.mode in ("eval", "timer") and expr.source.startswith("="):
        return "FEEL"
    if expr.mode == "dmn-test" and FEEL_TEST.search(expr.source):
        return "FEEL"
    if XPATH.search(expr.source):
        return "XPath"
    return None


def _foreign(expr: Expression, file: str, language: str) -> ProcessProblem:
    kind = "Python statements" if expr.mode == "exec" else "a Python expression"
    original = expr.source if len(expr.source) <= 200 else expr.source[:197] + "..."
    message = f"written in {language}: rewrite as {kind} (the original: {original})"
    return ProcessProblem(file=file, message=message, element=expr.element, line=expr.line,
                          name=expr.name, what=expr.what, code="process.foreign_expression",
                          extra={"language": language, "original": original})


def _located(expr: Expression, reason: str) -> tuple[int, str]:
    """The file line a reason is about ("line 2" of a script starting on line 40 is 41)."""
    found = LINE_OF_CODE.match(reason)
    if not found or not expr.line:
        return expr.line, reason
    prefix = "syntax error: " if reason.startswith("syntax") else ""
    return expr.line + int(found.group(1)) - 1, prefix + reason[found.end():]


def _code(source: str, mode: str) -> list[str]:
    reasons = [plain for reason in lint(source, mode) for plain in _plain(reason)]
    return [_advised(reason, mode) for reason in reasons]


def _plain(reason: str) -> list[str]:
    """RestrictedPython reports its errors as a tuple's text; give each as a sentence."""
    if not reason.startswith("("):
        return [reason]
    try:
        parts = ast.literal_eval(reason)
    except (ValueError, SyntaxError):
        return [reason]
    if not isinstance(parts, tuple) or not all(isinstance(p, str) for p in parts):
        return [reason]
    return [re.sub(r"^Line (\d+):", r"line \1:", p).rstrip(".") for p in parts]


def _advised(reason: str, mode: str) -> str:
    if reason.startswith("syntax error"):
        return f"{reason}; write it as {WRITE_AS[mode]}"
    for words, advice in ADVICE:
        if words in reason:
            return f"{reason}; {advice}"
    return reason


def _script(expr: Expression, settings: ProgrammeSettings) -> list[str]:
    return _code(expr.source, "exec")


def _expression(expr: Expression, settings: ProgrammeSettings) -> list[str]:
    return _code(expr.source, "eval")


def _timer(expr: Expression, settings: ProgrammeSettings) -> list[str]:
    return _code(expr.source, "eval") or _timer_reasons(expr, settings)


def _dmn_test(expr: Expression, settings: ProgrammeSettings) -> list[str]:
    """An input entry as SpiffWorkflow evaluates it: with ``?`` standing for the column's
    value, as a value to compare with ``==``, or as the right-hand side of a comparison."""
    source = expr.source
    if source == "-":
        return []
    if DMN_QUESTION.search(source):
        return _code(DMN_QUESTION.sub("dmninputexpr", source), "eval")
    try:
        ast.parse(source, mode="eval")
    except SyntaxError:
        return _code(f"dmninputexpr {source}", "eval")
    return _code(source, "eval")


def _integer(expr: Expression, settings: ProgrammeSettings) -> list[str]:
    if re.fullmatch(r"\d+", expr.source):
        return []
    return [f"'{expr.source}' is not a whole number: write a number such as 3"]


def _name(expr: Expression, settings: ProgrammeSettings) -> list[str]:
    parts = expr.source.split(".")
    if all(p.isidentifier() and not keyword.iskeyword(p) and not p.startswith("_")
           for p in parts):
        return []
    return [f"'{expr.source}' is not a usable data name: use letters, digits and _, "
            "not starting with _ (for example miembros_hogar)"]


CHECKS = {"exec": _script, "eval": _expression, "timer": _timer, "dmn-test": _dmn_test,
          "integer": _integer, "name": _name}


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
    if not isinstance(value, str):
        return [f"timer expression must give an ISO 8601 text, not {value!r}"]
    if not is_timer_expression(value):
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


def _problem(expr: Expression, file: str, reason: str) -> ProcessProblem:
    line, message = _located(expr, reason)
    return ProcessProblem(file=file, message=message, element=expr.element, line=line,
                          name=expr.name, what=expr.what, code="process.unsafe_code")
