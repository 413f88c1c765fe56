"""The exceptions jitflow raises for problems a user can cause.

Every message says what was found, where (the user's ``file.py:LINE`` and the source text,
when known) and the way out. One class per kind of problem, so that users can catch what
they expect; all derive from :class:`JitflowError`.
"""

from __future__ import annotations

import numpy as np


class JitflowError(Exception):
    """Base class of every error jitflow raises on purpose."""


class TracerConversionError(JitflowError, TypeError):
    """A traced array was used where Python needs a concrete value (bool, int, ndarray)."""


class UnsupportedError(JitflowError, NotImplementedError):
    """The code uses a NumPy function, argument or construct jitflow does not support."""


class InvalidArgumentError(JitflowError, TypeError):
    """A decorated function was called with an argument jitflow cannot take."""


class ShapeError(JitflowError, ValueError):
    """Shapes do not fit together (broadcasting, reshape, concatenation, indexing)."""


class AxisError(ShapeError, np.exceptions.AxisError):
    """An axis out of bounds: NumPy raises ``numpy.exceptions.AxisError`` (a ValueError and
    an IndexError), so an ``except`` written for NumPy catches jitflow's too."""


class InvalidOperandError(JitflowError, TypeError):
    """An operand or argument of a NumPy function that NumPy refuses with TypeError (a tuple
    axis where one int is needed, a 0-d array to ``accumulate``)."""


class DTypeError(JitflowError, TypeError):
    """A dtype that XLA cannot hold, or a cast NumPy would refuse."""


class IntegerOverflowError(DTypeError, OverflowError):
    """A Python integer that does not fit the dtype it meets (``uint8_array + 300``, an
    assignment of -1 into uint8): NumPy raises OverflowError (NEP 50)."""


class IndexingError(JitflowError, IndexError):
    """An index NumPy would refuse (out of bounds, too many indices, not an integer)."""


class IndexOverflowError(IndexingError, OverflowError):
    """A uint64 scalar index of 2**63 or more: NumPy raises OverflowError (it does not fit
    a C long); an IndexError too, so ``except IndexError`` catches every bad index."""


class InvalidValueError(JitflowError, ValueError):
    """A value NumPy refuses once it sees it (an integer to a negative integer power)."""


class LinAlgError(JitflowError, np.linalg.LinAlgError):
    """A matrix NumPy's linear algebra refuses: singular, not positive definite, not
    square (``except np.linalg.LinAlgError`` catches it, as for NumPy)."""


class DivisionByZeroError(JitflowError, ZeroDivisionError):
    """A division NumPy refuses once it sees a zero divisor (np.average's weights sum)."""


class ReadOnlyError(JitflowError, ValueError):
    """A write into a read-only view (``np.broadcast_to``'s result, as in NumPy)."""


class OverlappingWriteError(JitflowError, ValueError):
    """A write into an argument whose elements share memory (a stride-0 array), which
    NumPy makes land in all of them and a compiled program cannot reproduce."""


class ConversionError(UnsupportedError):
    """AutoGraph cannot convert a construct of a function (named, with file:line and why)."""


# Set on the exception of a failed run-time check (the user's own, for a ``raise`` under a
# traced condition) when a call raises it: it is shown like a jitflow error.
RUN_TIME_CHECK = "__jitflow_run_time_check__"


def user_facing(error: BaseException) -> bool:
    """Whether ``error`` leaves a call with the user's frames only (jitflow's and JAX's
    removed, :func:`jitflow.tracer.source.user_traceback`): jitflow's errors, the user's
    asserts and failed run-time checks; any other exception (a bug) keeps every frame."""
    return isinstance(error, (JitflowError, AssertionError)) or hasattr(error, RUN_TIME_CHECK)


# NumPy's exception classes that jitflow mirrors with one of its own, most specific first.
_LIKE_NUMPY = (
    (np.exceptions.AxisError, AxisError),
    (np.linalg.LinAlgError, LinAlgError),
    (ZeroDivisionError, DivisionByZeroError),
    (OverflowError, IntegerOverflowError),
    (IndexError, IndexingError),
    (TypeError, InvalidOperandError),
)


def like_numpy(
    error: BaseException, default: type[JitflowError], type_error=InvalidOperandError
) -> type[JitflowError]:
    """The jitflow class to raise where NumPy refused with ``error`` (NumPy asked on a
    stand-in, or a NumPy helper such as ``normalize_axis_tuple``): one that derives from
    NumPy's class, so the user's ``except`` clauses behave as with NumPy; ``default`` (a
    ValueError class) where none above is more specific, ``type_error`` for a TypeError
    (DTypeError where NumPy refused a dtype)."""
    for numpy_kind, ours in _LIKE_NUMPY:
        if isinstance(error, numpy_kind):
            return type_error if numpy_kind is TypeError else ours
    return default
