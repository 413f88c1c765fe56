"""Constants, and turning anything array-like into an IR value.

NumPy arrays created inside a traced function (``np.zeros(3)``, ``np.arange(5)``) and
Python scalars met by traced arrays become ``constant`` ops. Python scalars become *weakly
typed* constants, so ``x * 2.0`` keeps ``x``'s float32 as NumPy 2 does (NEP 50).
"""

from __future__ import annotations

import numpy as np

from jitflow import errors
from jitflow.ops import mlir
from jitflow.tracer.array import STRONG, Tracer
from jitflow.tracer.avals import AbstractArray, check_dtype
from jitflow.tracer.context import Literal, bind
from jitflow.tracer.ir import Value, primitive
from jitflow.tracer.numpy_api import implements
from jitflow.tracer.source import at_user_line


def _constant_eval(*, value: Literal, weak: bool) -> AbstractArray:
    return AbstractArray(value.array.shape, value.array.dtype, weak)


def _constant_lower(ctx, *, value: Literal, weak: bool):
    return [mlir.constant(value.array)]


constant_p = primitive("constant", _constant_eval, _constant_lower, differentiable=False)

_PY_SCALARS = (bool, int, float, complex)


def constant(array, weak: bool = False) -> Value:
    """An IR constant holding ``array`` (copied)."""
    array = np.asarray(array)
    check_dtype(array.dtype, "A constant")
    return bind(constant_p, value=Literal(array), weak=weak)


def is_arraylike(x) -> bool:
    return isinstance(x, (Tracer, np.ndarray, np.generic) + _PY_SCALARS)


def to_value(x) -> Value:
    """The IR value of a tracer, NumPy array, NumPy scalar or Python scalar."""
    if isinstance(x, Tracer):
        return x.value
    if isinstance(x, Value):
        return x
    # NumPy scalars first: np.float64 subclasses Python float but is strongly typed.
    if isinstance(x, (np.ndarray, np.generic)):
        return constant(x)
    if isinstance(x, bool):  # a Python bool is a Python number too (``False | k`` is an int)
        return constant(np.bool_(x), weak=True)
    if isinstance(x, int):
        return constant(_python_int(x), weak=True)
    if isinstance(x, float):
        return constant(np.float64(x), weak=True)
    if isinstance(x, complex):
        return constant(np.complex128(x), weak=True)
    if isinstance(x, (list, tuple)):
        # Tracers inside raise TracerConversionError here, whose message says np.stack.
        return constant(np.asarray(x))
    raise errors.InvalidOperandError(  # a TypeError, as NumPy's for x + None, np.sin("s")
        at_user_line(
            f"A {type(x).__name__} was used where an array is expected; jitflow can trace "
            "NumPy arrays, NumPy scalars and Python numbers."
        )
    )


def _python_int(x: int) -> np.ndarray:
    if -(2**63) <= x < 2**63:
        return np.int64(x)
    if 0 <= x < 2**64:
        return np.uint64(x)
    raise errors.IntegerOverflowError(at_user_line(f"Python int {x} does not fit in 64 bits."))


@implements(STRONG)
def strong(t: Tracer) -> Tracer:
    """``t`` with its weak type dropped (a NumPy function's result; see tracer.array)."""
    from jitflow.ops.elementwise import convert  # here: elementwise imports this module

    return Tracer(convert(t.value, t.dtype, weak=False), scalar=t._scalar, array=t._array)


def wrap(value: Value, scalar: bool = False, array: bool = False) -> Tracer:
    """A new tracer (a fresh handle) on ``value``; ``scalar`` for NumPy scalar results,
    ``array`` for results NumPy returns as an ndarray even when 0-d (np.copy, np.where).
    Other 0-d results (ufuncs, reductions) are NumPy scalars, immutable: ``t = a.sum();
    t /= 2`` rebinds ``t`` to a float, as in NumPy, instead of dividing in place."""
    return Tracer(value, scalar=scalar or (array is False and not value.shape), array=array)


def scalar_result(t: Tracer) -> Tracer:
    """``t`` as a computed result, which NumPy returns as a scalar when 0-d (for functions
    composed of ones that return arrays: np.interp ends in np.where)."""
    t._array = False
    return t
