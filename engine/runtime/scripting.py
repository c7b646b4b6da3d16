"""Restricted execution of every BPMN script, condition, timer and DMN expression.

SpiffWorkflow's default environment runs ``eval``/``exec`` with full Python: a process
uploaded through the browser could ``import os``. Here everything is compiled with
RestrictedPython (no underscore attributes, guarded item/attribute access, a small builtins
set without ``open``/``__import__``) and linted at deploy time, so an unsafe file is refused
and, should one reach the database anyway, still cannot do harm when it runs.
"""

import ast
import builtins
from collections.abc import Callable, Sized
from functools import lru_cache
from types import ModuleType
from typing import Any

from RestrictedPython import compile_restricted, safe_builtins
from RestrictedPython.Eval import default_guarded_getitem, default_guarded_getiter
from RestrictedPython.Guards import (
    full_write_guard,
    guarded_iter_unpack_sequence,
    guarded_unpack_sequence,
)
from SpiffWorkflow.bpmn.exceptions import WorkflowTaskException
from SpiffWorkflow.bpmn.script_engine import PythonScriptEngine
from SpiffWorkflow.bpmn.script_engine.python_environment import BasePythonScriptEngineEnvironment
from SpiffWorkflow.bpmn.specs.mixins.multiinstance_task import (
    MultiInstanceTask,
    ParallelMultiInstanceTask,
    SequentialMultiInstanceTask,
)

from ..core.errors import UnsafeScript
from . import limits
from .limited_builtins import limited_builtins
from .script_guard import LimitingTransformer, script_raise

FORBIDDEN_NAMES = frozenset({
    "open", "exec", "eval", "compile", "__import__", "globals", "locals", "vars", "getattr",
    "setattr", "delattr", "input", "breakpoint", "help", "memoryview", "type", "object",
    "super", "classmethod", "staticmethod", "property", "dir", "id",
})
_EXTRA_BUILTINS = ("min", "max", "sum", "any", "all", "dict", "list", "set", "tuple",
                   "enumerate", "sorted", "zip", "map", "filter", "reversed", "range")
_DROPPED = ("__build_class__", "setattr", "delattr", "id")

Helpers = Callable[[dict], dict[str, Any]]


_LIMITED = limited_builtins()  # range, pow, sum, format, math and _getattr_, size-checked


def _safe_builtins() -> dict[str, Any]:
    allowed = {k: v for k, v in safe_builtins.items() if k not in _DROPPED}
    allowed.update({name: getattr(builtins, name) for name in _EXTRA_BUILTINS})
    allowed.update({k: v for k, v in _LIMITED.items() if not k.startswith("_")})
    return allowed


def _inplace(op: str, left: Any, right: Any) -> Any:
    operations = {"+=": lambda a, b: a + b, "-=": lambda a, b: a - b,
                  "*=": lambda a, b: a * b, "/=": lambda a, b: a / b,
                  "//=": lambda a, b: a // b, "%=": lambda a, b: a % b}
    if op not in operations:
        raise UnsafeScript(f"operator {op} is not allowed")
    return operations[op](left, right)


BASE_GLOBALS: dict[str, Any] = {
    "__builtins__": _safe_builtins(),
    "_getattr_": _LIMITED["_getattr_"],
    "_getitem_": default_guarded_getitem,
    "_getiter_": default_guarded_getiter,
    "_iter_unpack_sequence_": guarded_iter_unpack_sequence,
    "_unpack_sequence_": guarded_unpack_sequence,
    "_write_": full_write_guard,
    "_inplacevar_": _inplace,
    "_raise_": script_raise,
    **limits.GUARDS,
}
_RESERVED = frozenset(BASE_GLOBALS)


def lint(source: str, mode: str = "exec") -> list[str]:
    """Return the reasons ``source`` may not run (an empty list means it is acceptable)."""
    try:
        tree = ast.parse(source, mode=mode)
    except SyntaxError as err:
        return [f"syntax error on line {err.lineno}: {err.msg}"]
    problems = [_describe(node) for node in ast.walk(tree) if _is_forbidden(node)]
    if problems:
        return problems
    try:
        compile_restricted(source, filename="<bpmn>", mode=mode, policy=LimitingTransformer)
    except SyntaxError as err:
        return [str(err).replace("\n", " ")]
    return []


def _is_forbidden(node: ast.AST) -> bool:
    if isinstance(node, ast.Import | ast.ImportFrom):
        return True
    if isinstance(node, ast.Name) and node.id in FORBIDDEN_NAMES:
        return True
    return isinstance(node, ast.Attribute) and node.attr.startswith("_")


def _describe(node: ast.AST) -> str:
    line = getattr(node, "lineno", "?")
    if isinstance(node, ast.Import | ast.ImportFrom):
        return f"line {line}: imports are not allowed"
    if isinstance(node, ast.Name):
        return f"line {line}: '{node.id}' is not allowed"
    return f"line {line}: attribute '{node.attr}' is not allowed"


@lru_cache(maxsize=4096)
def _compiled(source: str, mode: str):
    problems = lint(source, mode)
    if problems:
        raise UnsafeScript("; ".join(problems))
    return compile_restricted(source, filename="<bpmn>", mode=mode, policy=LimitingTransformer)


def _run(code, scope: dict[str, Any]) -> Any:
    """Run compiled code with its own budget; a limit reached inside the script becomes an
    error SpiffWorkflow reports with its task, also when the script caught it and went on."""
    budget, token = limits.begin()
    try:
        result = eval(code, scope)  # noqa: S307 - compiled by RestrictedPython with the limits
    except limits.LimitExceeded as exceeded:
        raise limits.LimitError(exceeded.limit, str(exceeded)) from None
    finally:
        limits.end(token)
    if budget.tripped is not None:
        raise limits.LimitError(budget.tripped.limit, str(budget.tripped))
    return result


class RestrictedEnvironment(BasePythonScriptEngineEnvironment):
    """Runs expressions and scripts against task data with RestrictedPython.

    ``helpers`` builds the functions a process may call (``plazo``, ``hoy``…) bound to the
    data they are evaluated against.
    """

    def __init__(self, helpers: Helpers | None = None):
        super().__init__({})
        self._helpers = helpers or (lambda data: {})

    def _globals(self, context: dict, external: dict | None) -> dict[str, Any]:
        scope = dict(BASE_GLOBALS)
        scope.update(self._helpers(context))
        scope.update(external or {})
        scope.update(context)
        return scope

    def evaluate(self, expression, context, external_context=None):
        """Evaluate one expression (condition, timer, DMN entry) within the limits."""
        code = _compiled(expression.strip(), "eval")
        scope = self._globals(context, external_context)
        return _run(code, scope)

    def execute(self, script, context, external_context=None):
        """Run a script task's script within the limits, writing the names it assigns back
        into ``context``."""
        code = _compiled(script, "exec")
        scope = self._globals(context, external_context)
        injected = set(scope) - set(context)
        _run(code, scope)
        for name in [n for n in context if n not in scope]:
            del context[name]
        context.update({n: v for n, v in scope.items() if n not in injected and _is_data(v)})
        return True


def _is_data(value: Any) -> bool:
    return not callable(value) and not isinstance(value, ModuleType)


class RestrictedScriptEngine(PythonScriptEngine):
    """SpiffWorkflow's script engine, restricted; build one per loaded case."""

    def __init__(self, helpers: Helpers | None = None):
        super().__init__(environment=RestrictedEnvironment(helpers))

    def validate(self, expression):
        """Used by the DMN engine to probe expressions: raise SyntaxError when invalid."""
        compile_restricted(expression, filename="<dmn>", mode="eval")

    def evaluate(self, task, expression, external_context=None):
        """Evaluate ``expression`` for ``task``; a multi-instance cardinality is checked
        against the instance limit before SpiffWorkflow creates the instances."""
        result = super().evaluate(task, expression, external_context)
        spec = getattr(task, "task_spec", None)
        if isinstance(spec, MultiInstanceTask) and expression == spec.cardinality \
                and isinstance(result, int):
            _check_instances(task, result)
        return result


def _check_instances(task, count: int) -> None:
    try:
        limits.check_instances(count, task.task_spec.bpmn_id)
    except limits.LimitError as error:
        raise WorkflowTaskException(str(error), task=task, exception=error) from error


def _guard_collection(hook):
    def guarded(spec, my_task):
        data = spec.data_input.get(my_task) if spec.data_input is not None else None
        if isinstance(data, Sized):
            _check_instances(my_task, len(data))
        return hook(spec, my_task)

    guarded.__doc__ = hook.__doc__
    return guarded


for _kind in (ParallelMultiInstanceTask, SequentialMultiInstanceTask):
    # a collection is sized before SpiffWorkflow expands it (a cardinality is, in evaluate)
    _kind._update_hook = _guard_collection(_kind._update_hook)
