"""The Jinja sandbox that templates and contract rules run in: read-only and bounded.

Read-only: Jinja's immutable sandbox refuses ``registry.update(…)``, ``list.append`` and
every attribute whose name starts with ``_`` (our own helper attributes are private).

Bounded: a template or rule from a colleague must not hang the build or eat the machine,
so every render and every contract check runs under :func:`limits`:

* a wall-clock limit (:data:`TIME_LIMIT`), by ``SIGALRM`` when the check runs in the main
  thread (which also interrupts a regular expression that backtracks), else by the
  operation counter below looking at the clock;
* an operation budget (:data:`MAX_OPERATIONS`): loop iterations, calls (macros, methods,
  ``loop()``) and the arithmetic operators each count one;
* size caps that refuse before allocating: no text or list made by ``*``, ``+``, ``~``,
  ``%``, a filter or a method may exceed :data:`MAX_TEXT` characters (items), no
  integer :data:`MAX_INT_BITS` bits, no width or count argument :data:`MAX_ARGUMENT`;
* numbers that cannot be written (``1e400``) are refused when the template is compiled.

A limit raises :class:`LimitExceededError`; the callers turn it into a message at the
template's or contract's place.
"""

from __future__ import annotations

import contextlib
import contextvars
import functools
import inspect
import math
import re
import signal
import threading
import time
import types
from collections.abc import Iterable, Iterator
from typing import Any

from jinja2 import nodes
from jinja2.compiler import CodeGenerator, Frame
from jinja2.sandbox import ImmutableSandboxedEnvironment

#: Seconds one render or one contract check may take. A 公文 renders in milliseconds; a
#: template or a rule that runs this long is looping, not working.
TIME_LIMIT = 5.0
#: Loop iterations, calls and arithmetic operations in one render or contract check. A
#: template over ten thousand enterprises uses some tens of thousands; this many take about a second.
MAX_OPERATIONS = 2_000_000
#: Characters of one text (or items of one list) made inside a template or rule: some
#: hundred times a long 公文, far below what would strain memory.
MAX_TEXT = 5_000_000
#: Characters in one rendered document.
MAX_OUTPUT = 20_000_000
#: Largest width, length, count or precision a filter or a text method is given
#: (``center``, ``indent``, ``truncate``, ``round``, ``batch``, ``'%9d'`` …).
MAX_ARGUMENT = 100_000
#: Bits of one integer (about 1200 decimal digits): figures in a 公文 have a few dozen.
MAX_INT_BITS = 4_000
#: The clock is read every this many operations when no alarm signal can be used.
_CLOCK_EVERY = 1024

_ADVICE = ("templates and rules only word the facts: remove the loop, recursion or repetition "
           "that makes this much work")


class LimitExceededError(Exception):
    """A render or a contract check went over one of the limits above."""

    def __init__(self, message: str, hint: str = _ADVICE) -> None:
        super().__init__(message)
        self.message = message
        self.hint = hint


class _Budget:
    """What one render or check may still spend."""

    __slots__ = ("deadline", "operations", "printed", "use_clock", "what")

    def __init__(self, what: str, use_clock: bool) -> None:
        self.what = what
        self.deadline = time.monotonic() + TIME_LIMIT
        self.operations = 0
        self.printed = 0
        self.use_clock = use_clock

    def print(self, size: int) -> None:
        """Count what ``{{ }}`` prints, also into macros and ``{% set %}`` blocks, which are
        joined later: the whole document cannot pass :data:`MAX_OUTPUT` on the way."""
        self.printed += size
        if self.printed > MAX_OUTPUT:
            raise _too_big(f"{self.what}: printing", self.printed, MAX_OUTPUT)

    def tick(self) -> None:
        self.operations += 1
        if self.operations > MAX_OPERATIONS:
            raise LimitExceededError(f"{self.what} did more than {MAX_OPERATIONS:,} operations "
                                     "(loop steps, calls)")
        if self.use_clock and not self.operations % _CLOCK_EVERY and time.monotonic() > self.deadline:
            raise _time_out(self.what)


_budget: contextvars.ContextVar[_Budget | None] = contextvars.ContextVar("reportgen_budget", default=None)


def _time_out(what: str) -> LimitExceededError:
    return LimitExceededError(f"{what} took longer than {TIME_LIMIT:g} seconds",
                              "a loop, a recursion or a regular expression `pattern` that backtracks "
                              "runs too long: simplify it")


def _tick() -> None:
    budget = _budget.get()
    if budget is not None:
        budget.tick()


@contextlib.contextmanager
def limits(what: str) -> Iterator[None]:
    """Run a render or a contract check under the time and operation limits.

    ``what`` names it in the message ("template summary.md.j2"). Nested uses keep the
    outer limits. In the main thread a ``SIGALRM`` timer interrupts even one long
    operation; elsewhere the operation counter reads the clock.
    """
    if _budget.get() is not None:
        yield
        return
    in_main = threading.current_thread() is threading.main_thread() and hasattr(signal, "setitimer")
    budget = _Budget(what, use_clock=not in_main)
    token = _budget.set(budget)
    previous: Any = None
    outer: tuple[float, float] = (0.0, 0.0)
    started = time.monotonic()
    if in_main:
        def on_alarm(signum: int, frame: Any) -> None:
            raise _time_out(what)

        previous = signal.signal(signal.SIGALRM, on_alarm)
        outer = signal.setitimer(signal.ITIMER_REAL, TIME_LIMIT)
    try:
        yield
    finally:
        if in_main:
            signal.setitimer(signal.ITIMER_REAL, 0)
            if previous is not None:  # None: a handler not set from Python, left as it is
                signal.signal(signal.SIGALRM, previous)
            if outer[0]:  # someone else's timer was running: it goes on with the time it had left
                signal.setitimer(signal.ITIMER_REAL, max(outer[0] - (time.monotonic() - started), 0.001),
                                 outer[1])
        _budget.reset(token)


# ---------------------------------------------------------------------------------------
# size checks
# ---------------------------------------------------------------------------------------

def _too_big(what: str, size: int, limit: int = MAX_TEXT) -> LimitExceededError:
    return LimitExceededError(f"{what} would make {size:,} characters or items (at most {limit:,})",
                              "a document needs nothing this long: check the repetition or the width")


def _weight(value: Any) -> int:
    """Characters a value stands for once printed: texts by length, lists by their items."""
    if isinstance(value, str):
        return len(value)
    if isinstance(value, (list, tuple)):
        return len(value) + sum(_weight(v) for v in value if isinstance(v, (str, list, tuple)))
    return 1


def _check_result(value: Any, what: str) -> Any:
    if isinstance(value, (str, list, tuple, dict)) and len(value) > MAX_TEXT:
        raise _too_big(what, len(value))
    return value


def _check_int(value: Any, what: str) -> None:
    if isinstance(value, int) and not isinstance(value, bool) and not -MAX_ARGUMENT <= value <= MAX_ARGUMENT:
        raise LimitExceededError(f"{what}: the argument {value} is out of range (at most {MAX_ARGUMENT:,})",
                                 "give a width, length or count that fits a document")


_PERCENT_SPEC = re.compile(r"%(?:\([^)]*\))?[#0 +\-]*(\*|\d+)?(?:\.(\*|\d+))?")
_BRACE_FIELD = re.compile(r"\{[^{}]*(?:\{[^{}]*\}[^{}]*)*\}")


def _check_format(fmt: str, args: Iterable[Any], what: str) -> None:
    """Widths in a ``%`` or ``str.format`` pattern, and those it takes from its arguments."""
    takes_width = False
    for m in _PERCENT_SPEC.finditer(fmt):
        for part in m.groups():
            if part == "*":
                takes_width = True
            elif part:
                _check_int(int(part), what)
    for m in _BRACE_FIELD.finditer(fmt):
        field = m.group()
        takes_width = takes_width or "{" in field[1:-1]
        for digits in re.findall(r"\d+", field.partition(":")[2]):
            _check_int(int(digits), what)
    if takes_width:
        for arg in args:
            _check_int(arg, what)


def _binop_checked(operator: str, left: Any, right: Any) -> None:
    """Refuse an operation whose result would be too big, before computing it."""
    if operator == "*":
        for seq, times in ((left, right), (right, left)):
            if isinstance(seq, (str, list, tuple)) and isinstance(times, int):
                size = _weight(seq) * max(times, 0)
                if size > MAX_TEXT:
                    raise _too_big(f"repeating a {type(seq).__name__} {times:,} times", size)
        if isinstance(left, int) and isinstance(right, int) \
                and left.bit_length() + right.bit_length() > MAX_INT_BITS:
            raise _number_too_big()
    elif operator == "**":
        if isinstance(left, int) and isinstance(right, int) and abs(left) > 1 and right > 0 \
                and right * (abs(left).bit_length() - 1) > MAX_INT_BITS:
            raise _number_too_big()
    elif operator == "+":
        if isinstance(left, (str, list, tuple)) and isinstance(right, (str, list, tuple)) \
                and len(left) + len(right) > MAX_TEXT:
            raise _too_big("joining two values", len(left) + len(right))
        if isinstance(left, int) and isinstance(right, int) \
                and max(left.bit_length(), right.bit_length()) >= MAX_INT_BITS:
            raise _number_too_big()
    elif operator == "%" and isinstance(left, str):
        _check_format(left, right if isinstance(right, tuple) else (right,), "a % pattern")


def _number_too_big() -> LimitExceededError:
    digits = int(MAX_INT_BITS * math.log10(2))
    return LimitExceededError(f"a number of more than {digits:,} digits is not a figure",
                              "figures in a document have a few dozen digits")


# ---------------------------------------------------------------------------------------
# filters with size arguments
# ---------------------------------------------------------------------------------------

#: Parameters of Jinja's built-in filters that set a size, a count or a precision.
_SIZE_PARAMETERS = {"width", "length", "leeway", "linecount", "slices", "precision", "trim_url_limit",
                    "count"}


def _bounded_filter(name: str, func: Any) -> Any:
    """A built-in filter whose size arguments are checked and whose result is capped."""
    try:
        signature = inspect.signature(func)
    except (TypeError, ValueError):  # pragma: no cover - every built-in filter has one
        return func
    sized = [p for p in signature.parameters if p in _SIZE_PARAMETERS]
    # Jinja passes the environment or context first; the sync function behind an async
    # variant (``slice``, ``join`` …) does not list that argument in its signature.
    skip = int(hasattr(func, "jinja_pass_arg") and hasattr(func, "__wrapped__"))

    @functools.wraps(func)
    def bounded(*args: Any, **kwargs: Any) -> Any:
        what = f"the filter {name}"
        try:
            bound = signature.bind(*args[skip:], **kwargs)
        except TypeError:
            bound = None  # let the filter itself say what is wrong with its arguments
        if bound is not None:
            for parameter in sized:
                value = bound.arguments.get(parameter)
                _check_int(value, what)
                if isinstance(value, int) and value < 0 and parameter != "precision":
                    raise LimitExceededError(f"{what}: {parameter} must not be negative, got {value}",
                                             "give a width, length or count of 0 or more")
            pattern = bound.arguments.get("value")
            if name == "format" and isinstance(pattern, str):
                _check_format(pattern, [*bound.arguments.get("args", ()),
                                        *bound.arguments.get("kwargs", {}).values()], what)
            if name == "join":
                bound.arguments["value"] = _collected(bound.arguments.get("value"), what)
                return _check_result(func(*args[:skip], *bound.args, **bound.kwargs), what)
        result = func(*args, **kwargs)
        if name == "map":
            return _collected(result, what)
        return _check_result(result, what)

    return bounded


def _collected(items: Any, what: str) -> Any:
    """The items of an iterable in a list, refused as soon as they stand for too much text."""
    if isinstance(items, (str, dict)) or not isinstance(items, Iterable):
        return items
    out = []
    size = 0
    for item in items:
        size += _weight(item)
        if size > MAX_TEXT:
            raise _too_big(what, size)
        out.append(item)
    return out


#: Built-in filters that take a size or make text from other values.
_BOUNDED_FILTERS = ("center", "indent", "wordwrap", "truncate", "round", "batch", "slice", "format",
                    "replace", "join", "map", "urlize", "filesizeformat")


# ---------------------------------------------------------------------------------------
# the environment
# ---------------------------------------------------------------------------------------

_INFINITE = ("a number too large to write (it overflows to infinity); "
             "figures in a document have a few dozen digits")


def _counting(finalize: Any) -> Any:
    """``finalize`` (called on every ``{{ }}`` value) that counts what is printed."""

    def counted(value: Any) -> Any:
        value = finalize(value)
        budget = _budget.get()
        if budget is not None:
            budget.print(len(value) if isinstance(value, str) else _weight(value))
        return value

    return counted


class _BoundedCodeGenerator(CodeGenerator):
    """Jinja's code generator with every loop counted, every ``~`` size-checked and numbers
    that Python cannot write back (``1e400`` → inf) refused at compile time."""

    def visit_Const(self, node: nodes.Const, frame: Frame) -> None:  # noqa: N802 (Jinja's name)
        value = node.as_const(frame.eval_ctx)
        if isinstance(value, float) and not math.isfinite(value):
            self.fail(_INFINITE, node.lineno)
        super().visit_Const(node, frame)

    def visit_For(self, node: nodes.For, frame: Frame) -> None:  # noqa: N802
        original = node.iter
        node.iter = nodes.Call(nodes.EnvironmentAttribute("counted"), [original], [], None, None,
                               lineno=original.lineno)
        try:
            super().visit_For(node, frame)
        finally:
            node.iter = original

    def visit_Concat(self, node: nodes.Concat, frame: Frame) -> None:  # noqa: N802
        self.write("environment.joined(")
        super().visit_Concat(node, frame)
        self.write(")")


class BoundedSandbox(ImmutableSandboxedEnvironment):
    """The immutable sandbox with the limits of this module."""

    intercepted_binops = frozenset({"*", "**", "+", "%"})
    code_generator_class = _BoundedCodeGenerator

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for name in _BOUNDED_FILTERS:
            self.filters[name] = _bounded_filter(name, self.filters[name])
        if self.finalize is not None:
            self.finalize = _counting(self.finalize)

    def _generate(self, source: nodes.Template, name: str | None, filename: str | None,
                  defer_init: bool = False) -> str:
        """Refuse a number literal Python cannot write back (``1e400``), wherever it stands."""
        from jinja2 import TemplateSyntaxError

        for const in source.find_all(nodes.Const):
            if isinstance(const.value, float) and not math.isfinite(const.value):
                raise TemplateSyntaxError(_INFINITE, const.lineno, name, filename)
        return super()._generate(source, name, filename, defer_init)

    @staticmethod
    def counted(iterable: Any) -> Iterator[Any]:
        """A loop's items, each one operation."""
        budget = _budget.get()
        if budget is None:
            yield from iterable
            return
        for item in iterable:
            budget.tick()
            yield item

    @staticmethod
    def concat(pieces: Any) -> str:  # type: ignore[override]
        """Join what a macro, a ``{% set %}`` block or a ``{% filter %}`` block printed, refused
        before joining when it is too long (its pieces may be one text repeated by a loop)."""
        pieces = pieces if isinstance(pieces, list) else list(pieces)
        size = sum(map(len, pieces))
        if size > MAX_TEXT:
            raise _too_big("a macro or block's output", size)
        return "".join(pieces)

    @staticmethod
    def joined(text: Any) -> Any:
        return _check_result(text, "joining texts with ~")

    def call_binop(self, context: Any, operator: str, left: Any, right: Any) -> Any:
        _tick()
        _binop_checked(operator, left, right)
        return _check_result(self.binop_table[operator](left, right), f"the operator {operator}")

    def call(self, context: Any, obj: Any, /, *args: Any, **kwargs: Any) -> Any:  # type: ignore[override]
        _tick()
        if isinstance(obj, types.BuiltinMethodType) and isinstance(getattr(obj, "__self__", None), str):
            what = f"the method {obj.__name__}"
            for value in (*args, *kwargs.values()):
                _check_int(value, what)
            if obj.__name__ == "join" and args and isinstance(args[0], (list, tuple)):
                size = _weight(args[0]) + len(obj.__self__) * len(args[0])
                if size > MAX_TEXT:
                    raise _too_big(what, size)
        return _check_result(super().call(context, obj, *args, **kwargs), "a call")

    def wrap_str_format(self, value: Any) -> Any:
        wrapped = super().wrap_str_format(value)
        if wrapped is None:
            return None
        pattern: str = value.__self__

        @functools.wraps(wrapped)
        def checked(*args: Any, **kwargs: Any) -> Any:
            _check_format(pattern, [*args, *kwargs.values()], "str.format")
            return _check_result(wrapped(*args, **kwargs), "str.format")

        return checked


def render_bounded(template: Any, context: dict[str, Any]) -> str:
    """Render piece by piece, so that a document over :data:`MAX_OUTPUT` stops early."""
    pieces: list[str] = []
    total = 0
    for piece in template.generate(context):
        total += len(piece)
        if total > MAX_OUTPUT:
            raise _too_big("the document", total, MAX_OUTPUT)
        pieces.append(piece)
    return "".join(pieces)
