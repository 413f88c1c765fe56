"""``raise`` under a traced condition, and recursion that ends on one.

``if np.any(x <= 0): raise ValueError("...")`` is converted to
``raise ag__.raise_value(ValueError("..."))``. Where no staged condition or loop encloses
it, :func:`raise_value` returns the exception and Python raises it while tracing: every
call with these argument types would raise it. Inside a staged branch or loop body the
exception is kept as a run-time check (:mod:`jitflow.ops.checks`) that fails when that
path runs: the call then raises the user's exception (type and arguments as written, a
note naming the line) when it returns, before anything is written back or printed, like
an ``assert``. The path itself is abandoned with :class:`DeadPath`, which the staging code
catches: what the path computed after the ``raise`` does not matter, since the call fails
whenever it runs.

A function that calls itself under a staged condition (``if x.sum() > 100: return x;
return rec(x * 2)``) would be traced forever, one nested branch per call: the converted
call refuses it after a few levels with an error naming the line and the way out.
"""

from __future__ import annotations

import copy
import sys

import numpy as np

from jitflow import errors
from jitflow.ops import checks
from jitflow.ops.constants import constant
from jitflow.tracer.array import Tracer
from jitflow.tracer.context import region_depth
from jitflow.tracer.source import at_user_line, user_frame


class DeadPath(BaseException):
    """A staged path ended in ``raise`` (its check is recorded); not an ``Exception``, so a
    user's ``except Exception`` around the call does not take it."""


def raise_value(exc, in_try: bool = False):
    """What ``raise exc`` raises in converted code (see the module docstring)."""
    if region_depth() == 0:
        return exc
    if isinstance(exc, type) and issubclass(exc, BaseException):
        exc = exc()
    if not isinstance(exc, BaseException):
        return exc  # Python's own TypeError ("exceptions must derive from BaseException")
    if in_try:
        raise errors.UnsupportedError(
            at_user_line(
                f"raise {type(exc).__name__} under a condition on a traced value, inside a "
                "try statement: the try cannot catch it, since it is raised when the "
                "compiled call returns. Test the condition outside the try, or return a "
                "flag and raise after the call."
            )
        )
    if any(isinstance(a, Tracer) for a in exc.args) or "Tracer(" in str(exc):
        raise errors.UnsupportedError(
            at_user_line(
                f"raise {type(exc).__name__}(...) under a condition on a traced value, with "
                "a traced value in its message: the exception is made while tracing, when "
                "values are not known. Use a message without traced values (or print them "
                "before the raise)."
            )
        )
    source = user_frame()
    where = f"raised at {source.describe()}" if source else "raised"
    checks.check_not_any(constant(np.True_), _Raiser(exc, where), "")
    raise DeadPath()


class _Raiser:
    """The check site's error: a fresh copy of the user's exception, with a note saying
    where it was raised (the site is kept, and raised again, by every failing call)."""

    def __init__(self, exc: BaseException, where: str):
        self.exc, self.where = exc, where

    def __call__(self, _message: str) -> BaseException:
        try:
            exc = copy.copy(self.exc)
        except Exception:  # noqa: BLE001 - an exception class copy cannot rebuild
            exc = self.exc.with_traceback(None)
        exc.__notes__ = [
            n for n in getattr(self.exc, "__notes__", []) if n != self.where
        ] + [self.where + " (under a condition on a traced value, checked when the call "
                          "returned)"]
        return exc


# -- recursion ---------------------------------------------------------------------------------

_REGIONS_BEFORE_LOOKING = 12  # staged regions nested before the stack is searched
_MAX_NESTED_CALLS = 6  # calls of one function, each under more staged regions


def check_recursion(fn) -> None:
    """Refuse ``fn`` (a converted function about to be called) when it is already running
    several times on the stack, each under more staged regions: recursion that only a
    traced condition ends, which tracing (that takes every branch) never ends."""
    if region_depth() < _REGIONS_BEFORE_LOOKING:
        return
    code = fn.__code__
    frame, calls = sys._getframe(1), 0
    while frame is not None:
        if frame.f_code is code:
            calls += 1
        frame = frame.f_back
    if calls < _MAX_NESTED_CALLS:
        return
    raise errors.UnsupportedError(
        at_user_line(
            f"{fn.__name__}() calls itself under a condition on a traced value (each "
            "call under another staged if): only the values at run time end this "
            "recursion, and tracing, which takes every branch, never would. Rewrite the recursion as a while loop on that condition "
            "(while not done: x = ...), or make the condition a Python value "
            "(static_argnames)."
        )
    )
