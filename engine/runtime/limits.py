"""CPU-time and memory limits on every script and expression a process runs.

Every script task, pre/post script, gateway condition, timer expression, DMN entry and
multi-instance cardinality is evaluated through :mod:`engine.runtime.scripting`. Each evaluation
gets a :class:`Budget`: a CPU-time deadline (``time.thread_time``, the CPU time of the running
thread) and a memory bound. The restricted compile (:mod:`engine.runtime.script_guard`) rewrites the
script so that

* the top of every ``while``/``for`` body, every function body and every lambda calls the
  budget's ``tick``, and every iteration (``_getiter_``: ``for`` loops and comprehensions)
  ticks too; a tick compares the thread's CPU time with the deadline every few calls (the
  deadline is set at the first tick, so an expression without loops costs no clock read);
* ``*``, ``**``, ``<<``, ``+`` and ``%`` go through :meth:`Budget.binop`, which estimates the
  size of the result *before* computing it (int bits from ``exponent * log2(base)``, sequence
  length times repeat) and refuses beyond the bound; what is allowed is counted, so a loop of
  allowed allocations still stops at the bound;
* builtins and methods that allocate from C (``range``, ``pow``, ``sum``, ``format``,
  ``str.join/replace/ljust/center/zfill/expandtabs/format``, f-string widths, ``math.factorial``
  and friends) check the size of what they would build.

Exceeding a limit raises :class:`LimitExceeded` inside the script. It derives from
``BaseException`` so a script's ``except Exception`` cannot swallow it, and the budget stays
tripped, so every later tick raises again; at the script-engine boundary it becomes a
``ScriptFailure`` naming the BPMN element and the limit.

Why this mechanism and not another:

* **Signals** (``signal.alarm``/``setitimer``) only interrupt the main thread; the sweeper runs
  in a thread of the web process and gunicorn/rq run requests and jobs wherever they like.
* **A subprocess per evaluation** (with ``RLIMIT_CPU``/``RLIMIT_AS``) is the strongest
  isolation but costs milliseconds per expression (fork or a pool round trip plus pickling the
  task data), while a whole persisted completion takes about 11 to 25 ms and evaluates dozens
  of expressions: it would multiply the cost of every step.
* **A watchdog thread** cannot stop another thread's bytecode in CPython without
  ``PyThreadState_SetAsyncExc``, which fires at an arbitrary point (even inside SQLAlchemy).

The in-process guards cost a function call per guarded operation and a counter per loop
iteration. What they do not cover: a single C call that is slow on data already within the
bound (sorting a few million items) runs to its end before the next tick.
"""

import math
import re
import time
from contextvars import ContextVar, Token
from dataclasses import dataclass, replace
from typing import Any

INT_BITS = 1_000_000  # no integer above 2**1,000,000: big-number arithmetic is slow C code
TICKS_PER_CHECK = 64
_DIGITS = re.compile(r"\d{7,}")


@dataclass(frozen=True)
class Limits:
    """The limits of one process (the web app sets them from its configuration)."""

    seconds: float = 2.0
    memory_mb: float = 128.0
    case_data_mb: float = 2.0
    instances: int = 1000

    @property
    def memory_bytes(self) -> int:
        """The memory bound in bytes."""
        return int(self.memory_mb * 1024 * 1024)

    @property
    def case_data_bytes(self) -> int:
        """The largest stored state of one case, in bytes."""
        return int(self.case_data_mb * 1024 * 1024)


_current = Limits()


def configure(**values: Any) -> Limits:
    """Set this process's limits (``seconds``, ``memory_mb``, ``case_data_mb``, ``instances``)."""
    global _current
    _current = replace(Limits(), **{k: v for k, v in values.items() if v is not None})
    return _current


def current() -> Limits:
    """The limits in force."""
    return _current


class LimitExceeded(BaseException):  # noqa: N818 - raised inside scripts, not an error class
    """A script went over a limit; ``limit`` is ``cpu``, ``memory`` or ``instances``."""

    def __init__(self, limit: str, message: str):
        super().__init__(message)
        self.limit = limit


class LimitError(Exception):  # noqa: N818 - SpiffWorkflow wraps Exceptions with their task
    """A :class:`LimitExceeded` as it leaves the script, on its way to a ``ScriptFailure``."""

    def __init__(self, limit: str, message: str):
        super().__init__(message)
        self.limit = limit


class ScriptRaised(Exception):  # noqa: N818
    """A script raised a ``BaseException`` (``SystemExit``, ``KeyboardInterrupt``…) itself."""


def memory_exceeded(what: str) -> LimitExceeded:
    """The error for ``what`` being over the memory bound."""
    return LimitExceeded("memory", f"{what} is over the memory limit of "
                                   f"{current().memory_mb:g} MB (ACOMPANA_SCRIPT_MEMORY_MB)")


def size_of(value: Any) -> int:
    """A cheap estimate of the bytes ``value`` occupies (0 for what is small by nature)."""
    if isinstance(value, str):
        return len(value) if value.isascii() else 4 * len(value)
    if isinstance(value, bytes | bytearray):
        return len(value)
    if isinstance(value, list | tuple):
        return 8 * len(value)
    if isinstance(value, int):
        return value.bit_length() // 8
    return 0


def _int_bits_of_power(base: Any, exponent: Any) -> float:
    if not isinstance(base, int) or not isinstance(exponent, int) or exponent <= 0:
        return 0
    magnitude = abs(base)
    return 0 if magnitude < 2 else exponent * math.log2(magnitude)


def refuse_int(bits: float) -> None:
    """Refuse an integer of more than :data:`INT_BITS` bits."""
    if bits > INT_BITS:
        raise memory_exceeded(f"an integer of {int(bits):,} bits")


class Budget:
    """The CPU deadline and memory bound of one evaluation, and the guards that enforce them."""

    __slots__ = ("limits", "deadline", "ticks", "allocated", "tripped")

    def __init__(self, limits: Limits | None = None):
        self.limits = limits or current()
        self.deadline = 0.0  # set on the first tick: most expressions never loop
        self.ticks = 0
        self.allocated = 0
        self.tripped: LimitExceeded | None = None

    def tick(self) -> None:
        """Called at the top of loops and functions: stop once the CPU time is spent."""
        if self.tripped is not None:
            raise self.tripped
        self.ticks += 1
        if self.ticks == 1:
            self.deadline = time.thread_time() + self.limits.seconds
        elif self.ticks % TICKS_PER_CHECK == 0 and time.thread_time() > self.deadline:
            self.trip(LimitExceeded("cpu", f"more than {self.limits.seconds:g} s of CPU time "
                                           "(ACOMPANA_SCRIPT_SECONDS)"))

    def trip(self, error: LimitExceeded) -> None:
        """Remember ``error`` (every later tick raises it again) and raise it."""
        self.tripped = error
        raise error

    def allocate(self, size: int, what: str) -> None:
        """Count ``size`` bytes about to be built; refuse beyond the memory bound."""
        self.allocated += size
        if size > self.limits.memory_bytes or self.allocated > self.limits.memory_bytes:
            self.trip(memory_exceeded(what))

    def binop(self, op: str, left: Any, right: Any) -> Any:
        """``left op right`` for the operators that can build something huge."""
        if type(left) in _NUMBERS and type(right) in _NUMBERS and op == "+":
            return left + right
        check = _CHECKS.get(op)
        if check is not None:
            check(self, left, right)
        return _OPERATIONS[op](left, right)

    def getiter(self, iterable: Any):
        """``_getiter_``: every item of a ``for`` loop or comprehension ticks."""
        for item in iterable:
            self.tick()
            yield item

    def format_value(self, value: Any, spec: str, conversion: int) -> str:
        """An f-string field: refuse widths that would build a huge string."""
        if _DIGITS.search(spec):
            self.allocate(max(int(d) for d in _DIGITS.findall(spec)), "a formatted field")
        if conversion == ord("r"):
            value = repr(value)
        elif conversion == ord("a"):
            value = ascii(value)
        elif conversion == ord("s"):
            value = str(value)
        return format(value, spec)


_NUMBERS = frozenset({int, float, bool})


def _check_power(budget: Budget, base: Any, exponent: Any) -> None:
    bits = _int_bits_of_power(base, exponent)
    refuse_int(bits)
    budget.allocate(int(bits // 8), "a power")


def _check_repeat(budget: Budget, left: Any, right: Any) -> None:
    if isinstance(left, int) and isinstance(right, int):
        refuse_int(left.bit_length() + right.bit_length())
        return
    sequence, times = (left, right) if isinstance(right, int) else (right, left)
    if isinstance(times, int) and times > 0:
        budget.allocate(size_of(sequence) * times, "a repeated sequence")


def _check_shift(budget: Budget, left: Any, right: Any) -> None:
    if isinstance(left, int) and isinstance(right, int) and right > 0:
        refuse_int(left.bit_length() + right)


def _check_concat(budget: Budget, left: Any, right: Any) -> None:
    if isinstance(left, str | bytes | list | tuple):
        budget.allocate(size_of(left) + size_of(right), "a joined sequence")


def _check_percent(budget: Budget, left: Any, right: Any) -> None:
    if isinstance(left, str) and _DIGITS.search(left):
        budget.allocate(max(int(d) for d in _DIGITS.findall(left)), "a formatted string")


_CHECKS = {"**": _check_power, "*": _check_repeat, "<<": _check_shift, "+": _check_concat,
           "%": _check_percent}
_OPERATIONS = {"**": lambda a, b: a ** b, "*": lambda a, b: a * b, "<<": lambda a, b: a << b,
               "+": lambda a, b: a + b, "%": lambda a, b: a % b}
GUARDED_OPERATORS = frozenset(_OPERATIONS)


def check_instances(count: int, element: str) -> None:
    """Refuse a multi-instance activity that would create more than the allowed instances."""
    allowed = current().instances
    if count > allowed:
        raise LimitError("instances", f"{element} would create {count:,} instances, more "
                                         f"than the limit of {allowed:,} (ACOMPANA_MAX_INSTANCES)")



_active: ContextVar[Budget | None] = ContextVar("acompana_budget", default=None)


def active() -> Budget:
    """The budget of the evaluation running on this thread (a fresh one outside any)."""
    budget = _active.get()
    return budget if budget is not None else Budget()


def begin() -> tuple[Budget, Token]:
    """Give the evaluation starting on this thread its own budget (context-local, so the web
    process, the sweeper thread and workers never share one); pass the token to :func:`end`."""
    budget = Budget()
    return budget, _active.set(budget)


def end(token: Token) -> None:
    """Forget the budget :func:`begin` set."""
    _active.reset(token)


def bound(method: str):
    """A function calling ``method`` of the active budget (what compiled scripts call)."""
    def call(*args: Any) -> Any:
        return getattr(active(), method)(*args)

    call.__name__ = method
    return call


GUARDS = {"_tick_": bound("tick"), "_binop_": bound("binop"), "_getiter_": bound("getiter"),
          "_format_": bound("format_value")}
