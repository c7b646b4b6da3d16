"""The builtins, ``math`` functions and ``str`` methods a script may call, with sizes checked.

Each is bound to the :class:`~engine.runtime.limits.Budget` of one evaluation: what it would build
is estimated first and counted against the memory bound, and the loops written here tick.
"""

import math
import sys
from functools import partial
from types import SimpleNamespace
from typing import Any

from RestrictedPython.Guards import safer_getattr

from .limits import Budget, active, memory_exceeded, refuse_int, size_of

BYTES_PER_ITEM = 36  # a list slot and a small int object
FACTORIAL_MAX = 20_000
COMB_MAX = 100_000
HIDDEN_ATTRIBUTES = frozenset({"throw", "gi_frame", "gi_code", "cr_frame", "ag_frame",
                               "f_back", "f_globals", "f_locals", "f_builtins", "tb_frame"})


def _on_active(function):
    def call(*args: Any, **kwargs: Any) -> Any:
        return function(active(), *args, **kwargs)

    call.__name__ = call.__qualname__ = function.__name__.strip("_")
    return call


def limited_builtins() -> dict[str, Any]:
    """The size-checked replacements, by the name scripts use; each works on the budget of
    the evaluation running (:func:`engine.runtime.limits.evaluation`)."""
    return {"range": _on_active(_range), "pow": _on_active(_pow), "sum": _on_active(_sum),
            "format": _on_active(_format), "math": LIMITED_MATH,
            "_getattr_": _on_active(_getattr)}


def _range(budget: Budget, *args: int) -> range:
    numbers = range(*args)
    try:
        count = len(numbers)
    except OverflowError:
        count = sys.maxsize
    if count * BYTES_PER_ITEM > budget.limits.memory_bytes:
        budget.trip(memory_exceeded(f"a range of {count:,} numbers"))
    return numbers


def _pow(budget: Budget, base: Any, exponent: Any, mod: Any = None) -> Any:
    if mod is not None:
        return pow(base, exponent, mod)
    return budget.binop("**", base, exponent)


def _sum(budget: Budget, iterable: Any, /, start: Any = 0) -> Any:
    if isinstance(start, int | float) and not isinstance(iterable, range):
        return sum(budget.getiter(iterable), start)
    total = start
    for item in budget.getiter(iterable):
        total = budget.binop("+", total, item)
    return total


def _format(budget: Budget, value: Any, spec: str = "") -> str:
    return budget.format_value(value, spec, -1)


def _prod(iterable: Any, /, *, start: Any = 1) -> Any:
    total = start
    for item in iterable:
        if isinstance(total, int) and isinstance(item, int):
            refuse_int(total.bit_length() + item.bit_length())
        total = total * item
    return total


def _bounded(function, largest: int):
    def bounded(*args: int) -> int:
        if any(isinstance(a, int) and a > largest for a in args):
            raise memory_exceeded(f"math.{function.__name__} of more than {largest:,}")
        return function(*args)

    return bounded


def _limited_math() -> SimpleNamespace:
    public = {name: getattr(math, name) for name in dir(math) if not name.startswith("_")}
    public.update(factorial=_bounded(math.factorial, FACTORIAL_MAX),
                  comb=_bounded(math.comb, COMB_MAX), perm=_bounded(math.perm, COMB_MAX),
                  prod=_prod)
    return SimpleNamespace(**public)


LIMITED_MATH = _limited_math()  # ``math`` as scripts see it: no huge big-number functions


def _getattr(budget: Budget, obj: Any, name: str, default: Any = None) -> Any:
    if name in HIDDEN_ATTRIBUTES:
        raise AttributeError(f"attribute '{name}' is not allowed")
    found = safer_getattr(obj, name, default)
    if isinstance(obj, str) and name == "join":
        return partial(_join, budget, obj)
    if isinstance(obj, str) and name in _STR_SIZES:
        return partial(_sized_call, budget, found, _STR_SIZES[name], obj, name)
    return found


def _sized_call(budget: Budget, method, estimate, text: str, name: str, *args, **kwargs):
    budget.allocate(estimate(text, *args, **kwargs), f"str.{name}()")
    return method(*args, **kwargs)


def _width(text: str, width: int = 0, *_: Any) -> int:
    return max(width, len(text)) if isinstance(width, int) else 0


def _tabs(text: str, tabsize: int = 8) -> int:
    return len(text) + text.count("\t") * max(tabsize, 0)


def _replace(text: str, old: str = "", new: str = "", count: int = -1) -> int:
    if not isinstance(old, str) or not isinstance(new, str):
        return 0
    found = text.count(old)
    if count >= 0:
        found = min(found, count)
    return len(text) + found * max(len(new) - len(old), 0)


def _join(budget: Budget, text: str, items: Any) -> str:
    if not isinstance(items, list | tuple):
        items = list(budget.getiter(items))
    size = sum(size_of(item) for item in items) + len(text) * len(items)
    budget.allocate(size, "str.join()")
    return text.join(items)


_STR_SIZES = {"ljust": _width, "rjust": _width, "center": _width, "zfill": _width,
              "expandtabs": _tabs, "replace": _replace}
