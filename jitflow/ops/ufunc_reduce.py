"""``ufunc.reduce`` and ``ufunc.accumulate`` on traced arrays (``np.add.reduce(x, axis=0)``,
``np.maximum.accumulate(x)``), for add, multiply, maximum, minimum, logical_and and
logical_or; and ``ufunc.outer`` (``np.subtract.outer(x, y)``) for every two-operand ufunc
jitflow implements, as the ufunc applied to ``x`` reshaped to ``x.shape + (1,) * y.ndim``
against ``y`` (NumPy's definition; broadcasting does the rest).

They are the reductions of :mod:`jitflow.ops.reductions` under another name, with two
differences NumPy makes:

* **The default axis is 0**, not None, and ``accumulate`` takes exactly one axis (a 0-d
  operand or ``axis=None`` is an error there, as in NumPy).
* **Dtypes come from the ufunc method itself**: the result dtype is what
  ``ufunc.reduce``/``ufunc.accumulate`` returns for a two-element array of the operand's
  dtype. That is np.sum's rule for add and multiply (small ints widen to int64, bool adds
  to int64) but not for maximum (int32 stays int32), and logical_and/or give bool for any
  input.

A running maximum, minimum, and or has no cumulative primitive: :func:`scan` builds it
as a Hillis-Steele scan, ``log2(n)`` steps of "combine with the array shifted by 1, 2, 4,
... (the identity shifted in)", from slices, pads and elementwise ops. Bitwise ufuncs
(np.bitwise_and.reduce) are not registered: the reduce primitives and/or take bools only,
so jitflow refuses them with the generic "not supported" message.
"""

from __future__ import annotations

import functools

import numpy as np

from jitflow import errors
from jitflow.ops import elementwise as ew
from jitflow.ops import reduce as red
from jitflow.ops import reductions as rd
from jitflow.ops import shape as sh
from jitflow.ops.constants import constant, to_value, wrap
from jitflow.ops.shape_functions import tracer
from jitflow.tracer.array import register_ufunc_method
from jitflow.tracer.ir import Value
from jitflow.tracer.numpy_api import IMPLEMENTATIONS
from jitflow.tracer.source import at_user_line

NOVALUE = rd.NOVALUE
# ufunc -> the reduction kind of jitflow.ops.reduce (before bool's or/and renaming)
_KINDS = {
    np.add: "sum", np.multiply: "prod", np.maximum: "max", np.minimum: "min",
    np.logical_and: "and", np.logical_or: "or",
}


# -- reduce -------------------------------------------------------------------------------------


def _reduce(ufunc, kind: str):
    name = f"{ufunc.__name__}.reduce"

    def reduce(array, axis=0, dtype=None, out=None, keepdims=False, initial=NOVALUE,
               where=True):
        # np.sum's machinery with the ufunc method as the oracle for dtypes and for the
        # empty-axis error (run on a two-element, resp. zero-size, NumPy array: free).
        return rd._reduction(name, ufunc.reduce, kind, array, axis,
                             NOVALUE if dtype is None else dtype, out, keepdims, initial,
                             where)

    return reduce


# -- accumulate --------------------------------------------------------------------------------


def _shifted(x: Value, shift: int, axis: int, fill: Value) -> Value:
    """``x`` moved ``shift`` places along ``axis``, ``fill`` coming in at the start."""
    n = x.shape[axis]
    limit = tuple(n - shift if i == axis else d for i, d in enumerate(x.shape))
    low = tuple(shift if i == axis else 0 for i in range(x.ndim))
    high = (0,) * x.ndim
    return sh.pad(sh.slice_(x, (0,) * x.ndim, limit), fill, low, high)


def scan(x: Value, kind: str, axis: int) -> Value:
    """Inclusive running ``kind`` (max, min, and, or, sum, prod) of ``x`` along ``axis``.

    Hillis-Steele: after the step with shift ``s`` every element combines the ``2 s``
    elements ending at it, so ``ceil(log2(n))`` steps cover the whole axis. Any
    associative ``kind`` works; sum and prod have their own primitive
    (:func:`jitflow.ops.reduce.cumulative`), which callers should prefer.
    """
    fill = constant(np.array(red.identity(kind, x.dtype), x.dtype))
    shift = 1
    while shift < x.shape[axis]:
        x = rd.binary(kind, x, _shifted(x, shift, axis, fill))
        shift *= 2
    return x


@functools.lru_cache(maxsize=512)
def _accumulate_dtype(ufunc, dtype: np.dtype, out_dtype) -> np.dtype:
    return ufunc.accumulate(np.ones((2,), dtype), dtype=out_dtype).dtype


def _accumulate(ufunc, kind: str):
    name = f"{ufunc.__name__}.accumulate"

    def accumulate(array, axis=0, dtype=None, out=None):
        rd.no_out(name, out)
        x = to_value(array)
        if x.ndim == 0:
            raise errors.InvalidOperandError(at_user_line(
                f"np.{name} of a 0-d array: NumPy cannot accumulate on a scalar. Pass a "
                "1-D array (np.atleast_1d(x))."))
        if axis is None and x.ndim == 1:  # NumPy's one axis, whichever way it is named
            axis = 0
        if isinstance(axis, tuple) and len(axis) == 1:
            axis = axis[0]
        if axis is None or isinstance(axis, tuple):
            raise errors.ShapeError(at_user_line(
                f"np.{name}(axis={axis!r}): accumulate takes exactly one int axis (as in "
                "NumPy). Flatten first for a running total over all elements: "
                f"np.{name}(x.ravel())."))
        ax = rd.axis_index(name, x, axis)
        try:
            out_dtype = _accumulate_dtype(ufunc, x.dtype,
                                          None if dtype is None else np.dtype(dtype))
        except (TypeError, ValueError) as e:
            raise errors.like_numpy(e, errors.InvalidValueError, type_error=errors.DTypeError)(
                at_user_line(
                    f"np.{name} refuses dtype {dtype} for an array of dtype {x.dtype}: {e}")
            ) from None
        if kind in ("max", "min"):
            rd.refuse_complex(name, x)
        x = ew.convert(x, out_dtype)
        if kind in ("sum", "prod") and out_dtype != np.bool_:
            return wrap(red.cumulative(x, kind, ax))
        op = kind
        if out_dtype == np.bool_:  # NumPy's add/max on bools is or, multiply/min is and
            op = {"sum": "or", "max": "or", "prod": "and", "min": "and"}.get(kind, kind)
        elif kind in ("and", "or"):
            raise errors.UnsupportedError(at_user_line(
                f"np.{name}(dtype={out_dtype}) is not supported; accumulate in bool and "
                "convert the result."))
        if x.shape[ax] <= 1:
            return wrap(x)
        return wrap(scan(x, op, ax))

    return accumulate


# -- outer ------------------------------------------------------------------------------------


def _outer(ufunc):
    def outer(A, B, /, **kwargs):
        """``ufunc(A[..., None, ...], B)``: every pair, result shape ``A.shape + B.shape``.
        NumPy makes both operands arrays first, so Python numbers are strongly typed here
        (``np.add.outer(float32_array, 2)`` is float64), and keyword arguments (``dtype=``,
        ``out=``, ``where=``, ...) are the ufunc's own."""
        a, b = tracer(A), tracer(B)
        a = np.reshape(a, a.shape + (1,) * b.ndim)
        return ufunc(a, b, **kwargs)

    return outer


for _ufunc, _kind in _KINDS.items():
    register_ufunc_method(_ufunc, "reduce", _reduce(_ufunc, _kind))
    register_ufunc_method(_ufunc, "accumulate", _accumulate(_ufunc, _kind))
# .outer for every elementwise two-operand ufunc jitflow implements (registered by
# jitflow.ops.ufuncs, imported before this module); NumPy refuses it for gufuncs (matmul).
for _ufunc in [f for f in IMPLEMENTATIONS if isinstance(f, np.ufunc)]:
    if _ufunc.nin == 2 and _ufunc.signature is None:
        register_ufunc_method(_ufunc, "outer", _outer(_ufunc))
