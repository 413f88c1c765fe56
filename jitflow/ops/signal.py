"""1-D signal helpers on traced arrays: ``np.interp``, ``np.convolve``, ``np.correlate``,
``np.histogram``.

All four are compositions of NumPy functions jitflow already traces (searchsorted, take,
where, sum), written the way NumPy defines them, so that NumPy's edge cases come along:

* ``interp``: ``x`` below ``xp[0]`` gives ``left`` (default ``fp[0]``), above ``xp[-1]``
  gives ``right`` (default ``fp[-1]``), ``x == xp[-1]`` gives ``fp[-1]``; the result is
  float64 (complex128 for complex ``fp``) whatever the input dtypes. ``period=`` is
  refused: it needs ``xp`` sorted after the modulo, a sort jitflow would have to trace.
* ``convolve``/``correlate``: lengths are static, so the result is a gather of the
  zero-padded signal into an (output length, kernel length) window matrix, multiplied by
  the kernel and summed in the common dtype (int32 stays int32 and wraps, bools give
  or-of-ands, as NumPy's dot loops do). The longer operand is the signal, as in NumPy
  (``correlate`` then reverses its result).
* ``histogram``: bin edges are NumPy's (``np.linspace`` in NumPy's dtype: computed by
  NumPy itself when ``range=`` or the edges are static, traced from the data's min and
  max otherwise); each value's bin is ``searchsorted(edges, x, "right") - 1``, the right
  edge belonging to the last bin and values outside the edges dropped, and the counts are
  one scatter-add. Where traced data has no ``range=``, NumPy's error for NaN or infinite
  data is a run-time check (:mod:`jitflow.ops.checks`): the call raises ValueError.
"""

from __future__ import annotations

import operator

import numpy as np

from jitflow import errors
from jitflow.ops import checks
from jitflow.ops import shape as sh
from jitflow.ops.constants import constant, scalar_result, to_value, wrap
from jitflow.tracer.array import Tracer
from jitflow.tracer.ir import Value
from jitflow.tracer.numpy_api import implements
from jitflow.tracer.source import at_user_line


def _traced(x):
    """``x`` as a Tracer (NumPy functions on it dispatch to jitflow)."""
    return x if isinstance(x, Tracer) else wrap(to_value(x))


def _vector(name: str, what: str, x):
    t = _traced(x)
    if t.ndim != 1:
        raise errors.ShapeError(at_user_line(
            f"np.{name}: {what} must be 1-D, got shape {t.shape}. Flatten it (x.ravel()) "
            "or loop over the rows."))
    return t


# -- interp ------------------------------------------------------------------------------------


@implements(np.interp)
def interp(x, xp, fp, left=None, right=None, period=None):
    if period is not None:
        x, xp, fp = _periodic("interp", x, xp, fp, period)
        left = right = None
    xp, fp = _vector("interp", "xp", xp), _vector("interp", "fp", fp)
    if xp.shape != fp.shape:
        raise errors.ShapeError(at_user_line(
            f"np.interp: xp and fp must have the same length, got {xp.shape[0]} and "
            f"{fp.shape[0]}."))
    if xp.shape[0] == 0:
        raise errors.ShapeError(at_user_line("np.interp: xp and fp are empty."))
    if xp.dtype.kind == "c" or _traced(x).dtype.kind == "c":
        raise errors.DTypeError(at_user_line("np.interp: x and xp must be real."))
    out_dtype = np.complex128 if fp.dtype.kind == "c" else np.float64
    x = _traced(x).astype(np.float64)
    xp, fp = xp.astype(np.float64), fp.astype(out_dtype)
    n = xp.shape[0]
    lo, hi = fp[0], fp[n - 1]
    left = lo if left is None else _traced(left).astype(out_dtype)
    right = hi if right is None else _traced(right).astype(out_dtype)
    if n == 1:
        inside = np.broadcast_to(lo, x.shape)
    else:
        # j with xp[j] <= x < xp[j + 1], kept in [0, n - 2] (x == xp[-1] is handled below).
        j = np.clip(np.searchsorted(xp, x, side="right") - 1, 0, n - 2)
        x0, x1 = np.take(xp, j), np.take(xp, j + 1)
        y0, y1 = np.take(fp, j), np.take(fp, j + 1)
        slope = (y1 - y0) / (x1 - x0)
        inside = slope * (x - x0) + y0
        inside = np.where(x == xp[n - 1], hi, inside)
    return scalar_result(np.where(x < xp[0], left, np.where(x > xp[n - 1], right, inside)))


def _periodic(name, x, xp, fp, period):
    """NumPy's ``period=`` preparation: ``x`` and ``xp`` modulo the period, ``xp`` sorted
    and extended by one point on each side. Done by NumPy when xp, fp and the period are
    static; refused otherwise (it would need a traced sort)."""
    if any(isinstance(t, Tracer) for t in (xp, fp, period)):
        raise errors.UnsupportedError(at_user_line(
            f"np.{name}(period=...) with traced xp, fp or period is not supported by "
            "jitflow: it sorts xp after the modulo. Pass them as NumPy arrays and numbers, "
            "or reduce x and xp modulo the period and pad xp/fp yourself."))
    if period == 0:
        raise errors.ShapeError(at_user_line(f"np.{name}: period must be a non-zero value."))
    period = abs(period)
    xp, fp = np.asarray(xp, np.float64), np.asarray(fp)
    if xp.ndim != 1 or fp.ndim != 1 or xp.shape != fp.shape or xp.size == 0:
        raise errors.ShapeError(at_user_line(
            f"np.{name}: xp and fp must be 1-D sequences of the same, non-zero length."))
    fp = fp.astype(np.complex128 if fp.dtype.kind == "c" else np.float64)
    xp = xp % period
    order = np.argsort(xp)
    xp, fp = xp[order], fp[order]
    xp = np.concatenate((xp[-1:] - period, xp, xp[0:1] + period))
    fp = np.concatenate((fp[-1:], fp, fp[0:1]))
    return _traced(x).astype(np.float64) % period, xp, fp


# -- convolve / correlate ---------------------------------------------------------------------


def _windows_dot(a, v, dtype):
    """The full correlation ``c[k] = sum_j a[k - (m - 1) + j] * v[j]`` (zeros outside a)."""
    n, m = a.shape[0], v.shape[0]
    zeros = np.zeros((m - 1,), dtype)
    padded = np.concatenate([zeros, a, zeros]) if m > 1 else a
    index = np.arange(n + m - 1)[:, None] + np.arange(m)[None, :]  # static
    windows = np.take(padded, index)
    return np.sum(windows * v, axis=-1, dtype=dtype)


def _correlate_core(name, a, v, mode):
    """NumPy's ``_pyarray_correlate`` for ``len(a) >= len(v)``: the full correlation, cut
    to ``mode``'s length."""
    n, m = a.shape[0], v.shape[0]
    full = _windows_dot(a, v, a.dtype)
    if mode == "full":
        return full
    if mode == "valid":
        return full[m - 1 : n]
    start = (m - 1) - m // 2  # "same": NumPy pads m // 2 on the left
    return full[start : start + n]


def _prepare(name, a, v, mode):
    if mode not in ("full", "same", "valid"):
        raise errors.InvalidValueError(at_user_line(
            f"np.{name}(mode={mode!r}): the mode must be 'full', 'same' or 'valid' "
            "(NumPy's integer modes are not supported)."))
    a, v = _vector(name, "a", a), _vector(name, "v", v)
    if a.shape[0] == 0 or v.shape[0] == 0:
        raise errors.ShapeError(at_user_line(f"np.{name}: an input is empty (NumPy raises)."))
    dtype = np.result_type(a.dtype, v.dtype)
    return a.astype(dtype), v.astype(dtype)


@implements(np.correlate)
def correlate(a, v, mode="valid"):
    a, v = _prepare("correlate", a, v, mode)
    if v.dtype.kind == "c":
        v = np.conj(v)
    if a.shape[0] >= v.shape[0]:
        return _correlate_core("correlate", a, v, mode)
    # NumPy swaps the operands (v already conjugated) and reverses the result.
    return _correlate_core("correlate", v, a, mode)[::-1]


@implements(np.convolve)
def convolve(a, v, mode="full"):
    a = _traced(a)
    v = _traced(v)
    # NumPy's convolve makes 0-d operands 1-D (its correlate refuses them).
    a, v = (t.reshape((1,)) if t.ndim == 0 else t for t in (a, v))
    a, v = _prepare("convolve", a, v, mode)
    if v.shape[0] > a.shape[0]:
        a, v = v, a
    return _correlate_core("convolve", a, v[::-1], mode)


# -- histogram ---------------------------------------------------------------------------------


def _uniform_edges(a, bins: int, range_):
    """NumPy's ``np.linspace(first, last, bins + 1)`` edges, in NumPy's dtype."""
    if range_ is not None:
        first, last = range_
        if isinstance(first, Tracer) or isinstance(last, Tracer):
            raise errors.UnsupportedError(at_user_line(
                "np.histogram(range=...) with a traced range is not supported; pass "
                "Python numbers (a static range) or leave range out."))
        if first > last:
            raise errors.ShapeError(at_user_line(
                f"np.histogram: max must be larger than min in range={range_!r}."))
        # NumPy's own edges: a constant, exactly as NumPy computes them.
        example = np.zeros((1,), a.dtype)
        return np.histogram(example, bins=bins, range=range_)[1]
    if a.size == 0:
        return np.histogram(np.zeros((0,), a.dtype), bins=bins)[1]
    first, last = np.min(a), np.max(a)
    if a.dtype.kind in "fc":
        # NumPy refuses NaN or infinite data here; known only when the program runs.
        checks.check_not_any(
            to_value(~(np.isfinite(first) & np.isfinite(last))),
            errors.InvalidValueError,
            "np.histogram: the autodetected range of the data is not finite (it holds NaN "
            "or inf), which NumPy refuses with ValueError. Pass range=(low, high).",
        )
    if a.dtype.kind in "iub":
        first, last = first.astype(np.float64), last.astype(np.float64)
    same = first == last
    first = np.where(same, first - 0.5, first).astype(first.dtype)
    last = np.where(same, last + 0.5, last).astype(last.dtype)
    # np.linspace: computed in result_type(first, last, float) (float32 for float32
    # data), the last edge set to ``last`` exactly.
    dt = np.result_type(first.dtype, 1.0)
    step = (last - first) / dt.type(bins)
    edges = np.arange(bins + 1).astype(dt) * step + first
    return np.concatenate([edges[:bins], last.reshape((1,))]).astype(dt)


def _bin_sum(index, updates: Value, nbins: int):
    """``updates`` summed per bin (``index`` in [0, nbins]; bin ``nbins`` is dropped): one
    XLA scatter-add, linear in the data (a one-hot sum would be data x bins)."""
    zeros = constant(np.zeros((nbins + 1,), updates.dtype))
    if index.shape[0] == 0:
        return wrap(sh.slice_(zeros, (0,), (nbins,)))
    idx = sh.reshape(to_value(index), (index.shape[0], 1))
    total = sh.scatter(zeros, idx, updates, (0,), mode="add")
    return wrap(sh.slice_(total, (0,), (nbins,)))


@implements(np.histogram)
def histogram(a, bins=10, range=None, weights=None, density=None):
    a = _traced(a).ravel()
    if isinstance(bins, str):
        raise errors.UnsupportedError(at_user_line(
            f"np.histogram(bins={bins!r}): estimated bin counts are not supported; pass "
            "an int with range=..., or the bin edges."))
    if isinstance(bins, Tracer):
        raise errors.UnsupportedError(at_user_line(
            "np.histogram with traced bin edges is not supported; pass an int or NumPy "
            "edges."))
    if a.dtype.kind == "c":
        raise errors.DTypeError(at_user_line("np.histogram of complex data is not supported."))
    if np.ndim(bins) == 0:
        nbins = operator.index(bins)
        if nbins < 1:
            raise errors.ShapeError(at_user_line(
                f"np.histogram: bins={bins} must be positive."))
        edges = _uniform_edges(a, nbins, range)
    else:
        edges = np.asarray(bins)
        if edges.ndim != 1 or np.any(edges[:-1] > edges[1:]):
            raise errors.ShapeError(at_user_line(
                "np.histogram: bins must be a 1-D, monotonically increasing array."))
        nbins = edges.shape[0] - 1
    ntype = np.dtype(np.intp) if weights is None else _traced(weights).dtype
    if weights is not None:
        weights = _traced(weights).ravel()
        if weights.shape != a.shape:
            raise errors.ShapeError(at_user_line(
                "np.histogram: weights should have the same shape as a."))
    # The bin of each value: edges[i] <= x < edges[i + 1], the last edge in the last bin.
    x = a.astype(np.result_type(a.dtype, edges.dtype))  # NumPy compares in the common dtype
    index = np.searchsorted(edges, x, side="right") - 1
    index = np.where(x == edges[nbins], nbins - 1, index)
    keep = (x >= edges[0]) & (x <= edges[nbins])
    # Values outside the edges go to an extra bin that is cut off after the scatter-add.
    index = np.where(keep, index, nbins).astype(np.int64)
    if weights is None:
        counts = _bin_sum(index, constant(np.ones(a.shape, np.int64)), nbins)
    else:
        counts = _bin_sum(index, to_value(weights.astype(np.float64)), nbins).astype(ntype)
    if density:
        widths = np.diff(edges).astype(float)
        counts = counts / widths / counts.sum()
    return counts, _traced(edges)  # a traced constant, like every other result
