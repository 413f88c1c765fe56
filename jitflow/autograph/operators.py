"""Runtime operators called by converted code (imported there as ``ag__``).

Each operator looks at its condition or iterable when it runs: a Python value runs as
plain Python (same semantics, nothing staged); a traced value becomes graph control flow
(see :mod:`jitflow.autograph.staging`). The calling convention, shared with the
converter, is TF AutoGraph's: the statement's body is a nested function, and the state it
changes (the local names it assigns) is read and written through ``get_state`` /
``set_state`` closures.
"""

from __future__ import annotations

import contextlib

from jitflow import errors
from jitflow.tracer.array import Tracer
from jitflow.tracer.context import is_tracing
from jitflow.tracer.source import at_user_line


class Undefined:
    """The value of a local name that is not bound (yet) where a statement starts."""

    __slots__ = ("name",)

    # Whether staged control flow may stand in zeros of the other path's type for it. True
    # only for values that flags guarantee are never read while undefined (a function's
    # return value before ``return`` ran); a user variable stays undefined (an error on use).
    zeros_ok = False

    def __init__(self, name: str):
        self.name = name

    def __repr__(self) -> str:
        return f"Undefined({self.name!r})"

    def _fail(self, *args, **kwargs):
        raise errors.JitflowError(
            at_user_line(
                f"Variable '{self.name}' is used but may not be defined here: it is only "
                "assigned in some branches of an if statement or inside a loop that may "
                "run zero times. Assign it before the if/loop."
            )
        )

    __bool__ = __call__ = __getattr__ = __getitem__ = __iter__ = __len__ = _fail
    __add__ = __radd__ = __sub__ = __rsub__ = __mul__ = __rmul__ = _fail
    __truediv__ = __rtruediv__ = __array__ = __float__ = __int__ = __index__ = _fail


def ld(getter, name: str):
    """Read a local that may be unbound: its value, or ``Undefined(name)``."""
    try:
        return getter()
    except NameError:  # UnboundLocalError and free variables not yet bound
        return Undefined(name)


def is_traced(x) -> bool:
    return isinstance(x, Tracer)


# -- conditionals ------------------------------------------------------------------------


def if_stmt(cond, body, orelse, get_state, set_state, names):
    """``if cond: body() else: orelse()``."""
    if is_traced(cond):
        from jitflow.autograph import staging

        return staging.staged_if(cond, body, orelse, get_state, set_state, names)
    if cond:
        body()
    else:
        orelse()


def if_exp(cond, if_true, if_false):
    """``if_true() if cond else if_false()``."""
    if is_traced(cond):
        from jitflow.autograph import staging

        return staging.staged_if_exp(cond, if_true, if_false)
    return if_true() if cond else if_false()


# -- loops -------------------------------------------------------------------------------


def while_stmt(test, body, get_state, set_state, names):
    """``while test(): body()``."""
    cond = test()
    if is_traced(cond):
        from jitflow.autograph import loops

        return loops.staged_while(cond, test, body, get_state, set_state, names)
    while cond:
        body()
        cond = test()
        if is_traced(cond):
            # The condition became traced (a break flag, an array the body computed): the
            # iterations so far ran as Python; the rest become one staged loop.
            from jitflow.autograph import loops

            return loops.staged_while(cond, test, body, get_state, set_state, names)


def for_stmt(iterable, extra_test, body, get_state, set_state, names):
    """``for target in iterable: body(target)`` (stopping when ``extra_test()`` is false)."""
    from jitflow.autograph import iteration

    if is_tracing() and iteration.can_stage_for(iterable):
        return iteration.staged_for(iterable, extra_test, body, get_state, set_state, names)
    iterator = iter(iterable)
    # The break/return test runs before the next item is taken, as Python's loop would
    # stop without consuming it.
    while extra_test is None or _python_test(extra_test):
        try:
            item = next(iterator)
        except StopIteration:
            return
        body(item)


def _python_test(extra_test):
    value = extra_test()
    if is_traced(value):
        from jitflow.autograph import staging

        raise staging.needs_staging("break or return inside a Python loop")
    return value


# -- logical operators --------------------------------------------------------------------


def and_(*operands):
    """``a and b and ...`` with zero-arg operand functions (lazy, as Python)."""
    value = operands[0]()
    for next_operand in operands[1:]:
        if is_traced(value):
            from jitflow.autograph import staging

            return staging.logical("and", value, next_operand)
        if not value:
            return value
        value = next_operand()
    return value


def or_(*operands):
    """``a or b or ...`` with zero-arg operand functions (lazy, as Python)."""
    value = operands[0]()
    for next_operand in operands[1:]:
        if is_traced(value):
            from jitflow.autograph import staging

            return staging.logical("or", value, next_operand)
        if value:
            return value
        value = next_operand()
    return value


def not_(x):
    if is_traced(x):
        import numpy as np

        return np.logical_not(x)
    return not x


# -- print and assert ----------------------------------------------------------------------


def print_(*args, **kwargs):
    if any(is_traced(a) for a in args):
        from jitflow.autograph import staging

        return staging.staged_print(args, kwargs)
    print(*args, **kwargs)


def assert_stmt(cond, msg_fn=None):
    if is_traced(cond):
        from jitflow.autograph import staging

        return staging.staged_assert(cond, msg_fn)
    if not cond:
        raise AssertionError(msg_fn()) if msg_fn is not None else AssertionError()


# -- builtins whose results the staged for loop must be able to inspect ----------------------


def range_(*args):
    """``range(...)``; bounds that are traced give an inspectable stand-in."""
    if any(is_traced(a) for a in args):
        from jitflow.autograph.iteration import Range

        return Range(*args)
    return range(*args)


def enumerate_(iterable, start=0):
    """``enumerate``; over something a staged loop can index, an inspectable stand-in."""
    from jitflow.autograph.iteration import Enumerate, can_stage_for

    if is_tracing() and can_stage_for(iterable):
        return Enumerate(iterable, start)
    return enumerate(iterable, start)


def zip_(*iterables):
    """``zip``; over things a staged loop can index, an inspectable stand-in."""
    from jitflow.autograph.iteration import Zip

    stand_in = Zip(*iterables)
    from jitflow.autograph.iteration import can_stage_for

    return stand_in if is_tracing() and can_stage_for(stand_in) else zip(*iterables)


# -- list.append inside staged loops --------------------------------------------------------

_append_logs: list[dict] = []


@contextlib.contextmanager
def append_log():
    """Collect the lists appended to in the ``with`` block: ``{id: (list, length before)}``.

    A staged ``for`` loop uses it to turn ``results.append(row)`` into an array carried by
    the loop (see :mod:`jitflow.autograph.iteration`).
    """
    log: dict = {}
    _append_logs.append(log)
    try:
        yield log
    finally:
        _append_logs.remove(log)


def list_append(lst: list, value) -> None:
    """``lst.append(value)``, noted in the active append logs."""
    for log in _append_logs:
        log.setdefault(id(lst), (lst, len(lst)))
    lst.append(value)
