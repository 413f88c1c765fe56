"""NumPy's statistics on traced arrays: mean, var, std, average, ptp, and the NaN-ignoring
nansum, nanprod, nanmean, nanmax, nanmin, nanargmax, nanargmin.

They follow NumPy's own recipes (``numpy/_core/_methods.py``) so dtypes and rounding
agree: integer and bool operands are summed in float64, float16 in float32; ``var``
subtracts the mean computed in that accumulation dtype and sums squared deviations
(``|d|**2`` for complex, which gives a real result); ``std`` is the square root of ``var``.
The result dtype itself is asked of NumPy (:func:`~jitflow.ops.reductions.result_dtype`).
"""

from __future__ import annotations

import numpy as np
from numpy.lib.array_utils import normalize_axis_tuple

from jitflow import errors
from jitflow.ops import checks
from jitflow.ops import elementwise as ew
from jitflow.ops import reduce as red
from jitflow.ops import shape as sh
from jitflow.ops.constants import constant, to_value, wrap
from jitflow.ops.reductions import (
    NOVALUE, all_, argmax, argmin, axes_of, check_empty, count_of, given, keep_dims, masked,
    max_, min_, monoid, no_out, prod, require_static, result_dtype, sum_, true_divide,
)
from jitflow.ops.ufuncs import broadcast_shapes
from jitflow.tracer.ir import Value
from jitflow.tracer.numpy_api import call, implements
from jitflow.tracer.source import at_user_line


# -- mean, var, std -----------------------------------------------------------------------------


def _accumulation_dtype(x: Value, dtype) -> np.dtype:
    """The dtype NumPy's mean/var sum in: ``dtype``, float64 for ints, float32 for f16."""
    if dtype is not None:
        return np.dtype(dtype)
    if x.dtype.kind in "iub":
        return np.dtype(np.float64)
    return np.dtype(np.float32) if x.dtype == np.float16 else x.dtype


@implements(np.mean)
def mean(a, axis=None, dtype=None, out=None, keepdims=False, *, where=True):
    no_out("mean", out)
    x = to_value(a)
    # With where=, NumPy counts through a ufunc reduction, which takes axis 0 of a 0-d array.
    axes = axes_of("mean", x, axis, ufunc_like=given(where, True) is not True)
    out_dtype = result_dtype("mean", np.mean, x, dtype=dtype)
    acc = ew.convert(x, _accumulation_dtype(x, dtype))
    count = count_of(x.shape, axes)
    if given(where, True) is not True:  # NumPy divides by the count of selected elements
        acc = masked("mean", acc, where, "sum")
        selected = masked("mean", sh.broadcast_to(constant(np.int64(1)), x.shape), where, "sum")
        count = red.reduce(selected, "sum", axes)
    r = ew.convert(true_divide(monoid(acc, "sum", axes), count), out_dtype)
    return wrap(keep_dims(r, x.shape, axes, given(keepdims, False)))


def _real(dtype: np.dtype) -> np.dtype:
    return np.finfo(dtype).dtype if dtype.kind == "c" else dtype


def variance(name, a, axis, dtype, out, ddof, keepdims, where, mean, correction) -> Value:
    """``np.var`` as NumPy computes it: mean in the accumulation dtype, squared deviations."""
    no_out(name, out, where)
    x = to_value(a)
    axes = axes_of(name, x, axis)
    correction = given(correction)
    if correction is not None:
        if ddof != 0:
            raise errors.ShapeError(
                at_user_line(f"np.{name}: ddof and correction can't be provided together.")
            )
        ddof = correction
    out_dtype = result_dtype(name, np.var, x, dtype=dtype)
    acc = _accumulation_dtype(x, dtype)
    if acc.kind not in "fc":
        raise errors.UnsupportedError(
            at_user_line(f"np.{name}(dtype={acc}) is not supported; use a float dtype.")
        )
    count = count_of(x.shape, axes)
    keep_shape = tuple(1 if i in axes else d for i, d in enumerate(x.shape))
    mean = given(mean)
    if mean is None:
        m = ew.convert(true_divide(monoid(ew.convert(x, acc), "sum", axes), count), acc)
    else:
        m = to_value(mean)
    diff_dtype = np.result_type(x.dtype, m.dtype)
    m = sh.broadcast_to(sh.reshape(m, keep_shape), x.shape)
    d = ew.apply(ew.sub_p, ew.convert(x, diff_dtype), ew.convert(m, diff_dtype))
    if diff_dtype.kind == "c":
        re, im = ew.apply(ew.real_p, d), ew.apply(ew.imag_p, d)
        sq = ew.apply(ew.add_p, ew.apply(ew.mul_p, re, re), ew.apply(ew.mul_p, im, im))
    else:
        sq = ew.apply(ew.mul_p, d, d)
    total = monoid(ew.convert(sq, _real(acc)), "sum", axes)
    r = ew.convert(true_divide(total, max(count - ddof, 0)), out_dtype)
    return keep_dims(r, x.shape, axes, given(keepdims, False))


@implements(np.var)
def var(a, axis=None, dtype=None, out=None, ddof=0, keepdims=False, *, where=True,
        mean=NOVALUE, correction=NOVALUE):
    return wrap(variance("var", a, axis, dtype, out, ddof, keepdims, where, mean, correction))


@implements(np.std)
def std(a, axis=None, dtype=None, out=None, ddof=0, keepdims=False, *, where=True,
        mean=NOVALUE, correction=NOVALUE):
    v = variance("std", a, axis, dtype, out, ddof, keepdims, where, mean, correction)
    return wrap(ew.apply(ew.sqrt_p, v))


# -- composites ---------------------------------------------------------------------------------


@implements(np.ptp)
def ptp(a, axis=None, out=None, keepdims=False):
    # NumPy computes max - min with np.subtract, which refuses bool: so does the ufunc layer.
    hi = max_(a, axis, out, keepdims)
    return call(np.subtract, hi, min_(a, axis, None, keepdims))


def _weights(w, x: Value, axes, axis_given: bool) -> Value:
    """NumPy's ``_weights_are_valid``: ``w`` laid out to broadcast against ``x``. ``axes``
    in the order the user gave them, which the weights' axes follow."""
    w = to_value(w)
    if w.shape == x.shape:
        return w
    if not axis_given:
        raise errors.InvalidArgumentError(
            at_user_line("Axis must be specified when shapes of a and weights differ.")
        )
    if w.shape != tuple(x.shape[ax] for ax in axes):
        raise errors.ShapeError(
            at_user_line("Shape of weights must be consistent with shape of a along "
                         "specified axis.")
        )
    w = sh.transpose(w, tuple(int(i) for i in np.argsort(axes)))
    return sh.reshape(w, tuple(d if i in axes else 1 for i, d in enumerate(x.shape)))


@implements(np.average)
def average(a, axis=None, weights=None, returned=False, *, keepdims=NOVALUE):
    """NumPy's ``average``. With weights, NumPy raises ZeroDivisionError when a slice's
    weights sum to zero: a value known only at run time, so the call checks it then and
    raises :class:`~jitflow.errors.DivisionByZeroError` (a ZeroDivisionError)."""
    require_static("average", "returned", returned)
    x = to_value(a)
    keep = given(keepdims, False)
    if weights is None:
        avg = mean(a, axis, keepdims=keep)
        if not returned:
            return avg
        scale = np.full(avg.shape, x.aval.size / max(avg.size, 1), avg.dtype)
        return avg, wrap(constant(scale))
    axes = axes_of("average", x, axis)
    w = _weights(weights, x, normalize_axis_tuple(axis, x.ndim) if axis is not None else axes,
                 axis is not None)
    if x.dtype.kind in "iub":
        out_dtype = np.result_type(x.dtype, w.dtype, "f8")
    else:
        out_dtype = np.result_type(x.dtype, w.dtype)
    scale = keep_dims(monoid(ew.convert(w, out_dtype), "sum", axes), w.shape, axes, keep)
    checks.check_not_any(
        ew.compare(scale, ew.full_like(scale, 0), "EQ"), errors.DivisionByZeroError,
        "Weights sum to zero, can't be normalized",
    )
    shape = broadcast_shapes(x.shape, w.shape)
    product = ew.apply(ew.mul_p, sh.broadcast_to(ew.convert(x, out_dtype), shape),
                       sh.broadcast_to(ew.convert(w, out_dtype), shape))
    total = keep_dims(monoid(product, "sum", axes), shape, axes, keep)
    avg = ew.apply(ew.div_p, total, sh.broadcast_to(scale, total.shape))
    if not returned:
        return wrap(avg)
    return wrap(avg), wrap(sh.broadcast_to(scale, avg.shape))


def _zero_nans(x: Value, fill) -> Value:
    """``x`` with NaNs replaced by ``fill`` (ints and bools have none)."""
    if x.dtype.kind not in "fc":
        return x
    is_nan = ew.compare(x, x, "NE")
    return ew.select(is_nan, sh.broadcast_to(constant(np.array(fill, x.dtype)), x.shape), x)


@implements(np.nansum)
def nansum(a, axis=None, dtype=None, out=None, keepdims=False, initial=NOVALUE, where=True):
    x = to_value(a)
    return sum_(wrap(_zero_nans(x, 0)), axis, dtype, out, keepdims, initial, where)


@implements(np.nanmean)
def nanmean(a, axis=None, dtype=None, out=None, keepdims=False, *, where=True):
    x = to_value(a)
    if x.dtype.kind not in "fc":
        return mean(a, axis, dtype, out, keepdims, where=where)
    no_out("nanmean", out, where)
    axes = axes_of("nanmean", x, axis, ufunc_like=True)
    out_dtype = result_dtype("nanmean", np.nanmean, x, dtype=dtype)
    valid = ew.convert(ew.compare(x, x, "EQ"), np.int64)
    count = red.reduce(valid, "sum", axes)
    total = monoid(ew.convert(_zero_nans(x, 0), x.dtype if dtype is None else dtype), "sum", axes)
    r = ew.convert(true_divide(total, count), out_dtype)  # all-NaN slices give 0/0 = NaN
    return wrap(keep_dims(r, x.shape, axes, given(keepdims, False)))


@implements(np.nanprod)
def nanprod(a, axis=None, dtype=None, out=None, keepdims=False, initial=NOVALUE, where=True):
    x = to_value(a)
    return prod(wrap(_zero_nans(x, 1)), axis, dtype, out, keepdims, initial, where)


def _nan_extreme(name, np_fn, kind, a, axis, out, keepdims, initial, where):
    """np.nanmax/np.nanmin: NaNs ignored; an all-NaN slice gives NaN (NumPy warns)."""
    x = to_value(a)
    reduction = max_ if kind == "max" else min_
    if x.dtype.kind != "f":
        return reduction(a, axis, out, keepdims, initial, where)
    no_out(name, out, where)
    check_empty(name, np_fn, x, axis=axis)
    r = reduction(wrap(_zero_nans(x, -np.inf if kind == "max" else np.inf)), axis, None,
                  keepdims, initial).value
    if given(initial) is None:
        is_nan = ew.compare(x, x, "NE")
        all_nan = all_(wrap(is_nan), axis, None, keepdims).value
        r = ew.select(all_nan, sh.broadcast_to(constant(np.array(np.nan, r.dtype)), r.shape), r)
    return wrap(r)


@implements(np.nanmax)
def nanmax(a, axis=None, out=None, keepdims=False, initial=NOVALUE, where=True):
    return _nan_extreme("nanmax", np.nanmax, "max", a, axis, out, keepdims, initial, where)


@implements(np.nanmin)
def nanmin(a, axis=None, out=None, keepdims=False, initial=NOVALUE, where=True):
    return _nan_extreme("nanmin", np.nanmin, "min", a, axis, out, keepdims, initial, where)


def _nan_arg(name, kind, a, axis, out, keepdims):
    """np.nanargmax/np.nanargmin: argmax/argmin with NaNs as -inf/+inf. NumPy raises
    ValueError("All-NaN slice encountered") for a slice of NaNs only: checked at run time
    (:class:`~jitflow.errors.InvalidValueError`, a ValueError)."""
    x = to_value(a)
    arg = argmax if kind == "max" else argmin
    if x.dtype.kind not in "fc":
        return arg(a, axis, out, keepdims=keepdims)
    no_out(name, out)
    is_nan = ew.compare(x, x, "NE")
    if x.aval.size:
        axes = axes_of(name, x, axis, ufunc_like=True)
        checks.check_not_any(red.reduce(is_nan, "and", axes), errors.InvalidValueError,
                             "All-NaN slice encountered")
    filled = wrap(_zero_nans(x, -np.inf if kind == "max" else np.inf))
    return arg(filled, axis, None, keepdims=keepdims)


@implements(np.nanargmax)
def nanargmax(a, axis=None, out=None, *, keepdims=NOVALUE):
    return _nan_arg("nanargmax", "max", a, axis, out, given(keepdims, False))


@implements(np.nanargmin)
def nanargmin(a, axis=None, out=None, *, keepdims=NOVALUE):
    return _nan_arg("nanargmin", "min", a, axis, out, given(keepdims, False))
