"""The restricted compile with limits: RestrictedPython's policy plus the calls that enforce
:mod:`engine.runtime.limits` (see its docstring for why this mechanism).

Compared with RestrictedPython's own policy, a compiled script also

* ticks its budget (``_tick_()``) at the top of every loop body, function body and lambda;
* computes ``+ * ** << %`` (and ``+= *= %=``) through ``_binop_``, which sizes the result first;
* formats every f-string field through ``_format_`` (huge widths are refused);
* raises through ``_raise_``: what a script raises is always an ``Exception``, so a
  ``SystemExit`` or ``KeyboardInterrupt`` written in a script can never stop the process,
  while the same exception coming from a real signal still does.
"""

import ast

from RestrictedPython.transformer import RestrictingNodeTransformer, copy_locations

from .limits import ScriptRaised

OPERATORS = {ast.Add: "+", ast.Mult: "*", ast.Pow: "**", ast.LShift: "<<", ast.Mod: "%"}


def _call(name: str, *args: ast.expr) -> ast.Call:
    return ast.Call(func=ast.Name(name, ast.Load()), args=list(args), keywords=[])


def _tick(node: ast.AST) -> ast.Expr:
    statement = ast.Expr(_call("_tick_"))
    copy_locations(statement, node)
    ast.fix_missing_locations(statement)
    return statement


class LimitingTransformer(RestrictingNodeTransformer):
    """RestrictedPython's transformer, adding the limit checks described above."""

    def visit_BinOp(self, node: ast.BinOp) -> ast.AST:  # noqa: N802 - ast visitor name
        """Route size-producing operators through ``_binop_``."""
        node = super().visit_BinOp(node)
        symbol = OPERATORS.get(type(node.op))
        if symbol is None:
            return node
        call = _call("_binop_", ast.Constant(symbol), node.left, node.right)
        copy_locations(call, node)
        return call

    def visit_AugAssign(self, node: ast.AugAssign) -> ast.AST:  # noqa: N802
        """``n += x`` (and ``*=``, ``%=``) becomes ``n = _binop_('+', n, x)``."""
        symbol = OPERATORS.get(type(node.op))
        if symbol not in ("+", "*", "%") or not isinstance(node.target, ast.Name):
            return super().visit_AugAssign(node)
        node = self.node_contents_visit(node)
        value = _call("_binop_", ast.Constant(symbol), ast.Name(node.target.id, ast.Load()),
                      node.value)
        assign = ast.Assign(targets=[ast.Name(node.target.id, ast.Store())], value=value)
        copy_locations(assign, node)
        return assign

    def visit_While(self, node: ast.While) -> ast.AST:  # noqa: N802
        """Tick at the top of the loop body."""
        node = super().visit_While(node)
        node.body.insert(0, _tick(node))
        return node

    def visit_For(self, node: ast.For) -> ast.AST:  # noqa: N802
        """Tick at the top of the loop body (``_getiter_`` ticks per item too)."""
        node = super().visit_For(node)
        node.body.insert(0, _tick(node))
        return node

    def visit_FunctionDef(self, node: ast.FunctionDef) -> ast.AST:  # noqa: N802
        """Tick on every call."""
        node = super().visit_FunctionDef(node)
        node.body.insert(0, _tick(node))
        return node

    def visit_Lambda(self, node: ast.Lambda) -> ast.AST:  # noqa: N802
        """Tick on every call: ``lambda: x`` becomes ``lambda: _tick_() or x``."""
        node = super().visit_Lambda(node)
        node.body = ast.BoolOp(op=ast.Or(), values=[_call("_tick_"), node.body])
        ast.fix_missing_locations(node)
        return node

    def visit_Raise(self, node: ast.Raise) -> ast.AST:  # noqa: N802
        """``raise X`` becomes ``raise _raise_(X)``."""
        node = super().visit_Raise(node)
        if node.exc is not None:
            call = _call("_raise_", node.exc)
            copy_locations(call, node.exc)
            node.exc = call
            ast.fix_missing_locations(node)
        return node

    def visit_FormattedValue(self, node: ast.FormattedValue) -> ast.AST:  # noqa: N802
        """``f"{x!r:>{n}}"`` formats through ``_format_(x, spec, conversion)``."""
        node = super().visit_FormattedValue(node)
        spec = node.format_spec if node.format_spec is not None else ast.Constant("")
        call = _call("_format_", node.value, spec, ast.Constant(node.conversion))
        formatted = ast.FormattedValue(value=call, conversion=-1, format_spec=None)
        copy_locations(formatted, node)
        ast.fix_missing_locations(formatted)
        return formatted


def script_raise(error):
    """What ``raise error`` in a script raises: a ``BaseException`` that is not an
    ``Exception`` (``SystemExit``, ``KeyboardInterrupt``, ``GeneratorExit``…) is replaced by
    :class:`ScriptRaised` naming it."""
    kind = error if isinstance(error, type) else type(error)
    if isinstance(kind, type) and issubclass(kind, BaseException) \
            and not issubclass(kind, Exception):
        text = "" if isinstance(error, type) or not str(error) else f": {error}"
        return ScriptRaised(f"the script raised {kind.__name__}{text}")
    return error
