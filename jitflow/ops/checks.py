"""Run-time checks: the errors NumPy raises on values that are known only at run time.

Today: integer indices out of bounds (:func:`check_index`) and integers raised to
negative integer powers (:func:`check_not_any`).

XLA cannot raise. A traced integer index out of range would be clamped into the array by
a read and skipped by a write: a wrong answer, and no word about it. So every traced
index whose range :mod:`jitflow.ops.bounds` cannot prove is checked by the program
itself. The first failing check's site (a code, 1 + its position in the site list) and
the offending index are kept in two scalars, tracers rebound in place: so branches and
loops carry them like any array the function writes (the staging code finds them in its
mutation log). The traced function returns both, as one ``int64[2]``, with its results
(:mod:`jitflow.tracer.trace`), and the call raises NumPy's IndexError, naming the user's
line, when the code is not zero: before any argument is written back and before prints
run (:func:`failure`).

A check costs a few scalar ops where the index is used; a loop over ``range(n)`` indexing
with its counter costs nothing, since its range is known.
"""

from __future__ import annotations

import math

import numpy as np

from jitflow import errors
from jitflow.ops import elementwise as ew
from jitflow.ops import reduce as red
from jitflow.ops import shape as sh
from jitflow.ops.constants import constant, wrap
from jitflow.tracer.context import building, current_checks
from jitflow.tracer.ir import Value
from jitflow.tracer.source import at_user_line

_VALUE = "\x00index\x00"  # where the offending index goes in a site's message
_UNSIGNED = "\x00unsigned\x00"  # the same, read as a uint64 (its bits travel as int64)


def check_index(index: Value, n: int, axis: int) -> None:
    """Check at run time that every element of the int64 ``index`` lies in [-n, n)."""
    size = math.prod(index.shape)
    if size == 0:
        return
    low = constant(np.full(index.shape, -n, np.int64))
    high = constant(np.full(index.shape, n, np.int64))
    bad = ew.apply(
        ew.or_p, ew.compare(index, low, "LT"), ew.compare(index, high, "GE")
    )
    if index.ndim:
        # The first offending index in C order, as NumPy reports it.
        flat_bad = sh.reshape(bad, (size,))
        positions = ew.select(
            flat_bad, sh.iota(np.int64, (size,), 0), constant(np.full(size, size, np.int64))
        )
        first = red.reduce(positions, "min", (0,))
        failed = ew.compare(first, constant(np.int64(size)), "LT")
        value = sh.reshape(sh.dynamic_slice(sh.reshape(index, (size,)), [first], (1,)), ())
    else:
        failed, value = bad, index
    message = f"index {_VALUE} is out of bounds for axis {axis} with size {n}"
    _record(failed, value, errors.IndexingError, at_user_line(message))


def check_index_fits(index: Value) -> None:
    """A uint64 scalar index must fit an int64: NumPy raises OverflowError otherwise (as
    index, ``np.uint64(2**64 - 1)`` is not -1; an index *array* of uint64 wraps)."""
    bits = ew.bitcast(index, np.int64)
    bad = ew.compare(bits, constant(np.int64(0)), "LT")
    message = (
        f"index {_UNSIGNED} does not fit in an int64 (NumPy raises OverflowError: "
        "Python int too large to convert to C long)"
    )
    _record(bad, bits, errors.IndexOverflowError, at_user_line(message))


def check_not_any(bad: Value, error: type, message: str) -> None:
    """Check at run time that no element of the boolean ``bad`` is set; else the call
    raises ``error(message)`` (at the user's line)."""
    if bad.ndim:
        bad = red.reduce(bad, "or", tuple(range(bad.ndim)))
    _record(bad, constant(np.int64(0)), error, at_user_line(message))


def _record(failed: Value, value: Value, error: type, message: str) -> None:
    """Keep ``(site, value)`` as the call's error unless an earlier check failed."""
    state = current_checks()
    if state is None:
        raise RuntimeError("jitflow: a run-time check outside of a traced function")
    if state.code is None:
        with building(state.graph):  # at the top level: every region can carry them
            state.code = wrap(constant(np.int64(0)))
            state.value = wrap(constant(np.int64(0)))
        state.initial = state.code.value
        state.output = lambda: sh.concatenate(
            [sh.reshape(state.code.value, (1,)), sh.reshape(state.value.value, (1,))], 0
        )
    state.sites.append((error, message))
    code = state.code.value
    first = failed
    if code is not state.initial:  # an earlier check may have failed: it wins
        first = ew.apply(ew.and_p, failed, ew.compare(code, constant(np.int64(0)), "EQ"))
    # (Two scalars, not one int64[2]: XLA:CPU runs a loop carrying a small vector 2-3x
    # slower than one carrying scalars.)
    state.code.assign(ew.select(first, constant(np.int64(len(state.sites))), code))
    state.value.assign(ew.select(first, value, state.value.value))


def failure(error, sites) -> errors.JitflowError | None:
    """The error of a failed check, from the call's ``(code, value)`` output; None if none
    failed."""
    code, value = np.asarray(error).tolist()
    if code:
        kind, message = sites[code - 1]
        message = message.replace(_UNSIGNED, str(value % 2**64))
        return kind(message.replace(_VALUE, str(value)))
    return None
