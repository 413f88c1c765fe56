"""Differences and integrals along an axis on traced arrays: ``np.diff``, ``np.ediff1d``,
``np.gradient``, ``np.trapezoid``, and the array-API ``np.cumulative_sum`` /
``np.cumulative_prod``.

Each follows NumPy's Python source (``numpy/lib/_function_base_impl.py``,
``numpy/lib/_arraysetops_impl.py``, ``numpy/_core/fromnumeric.py``) step by step, calling
NumPy functions on tracers, so dtypes (bool differences are ``!=``, integer gradients are
float64) and errors come out as NumPy's. Where NumPy writes pieces into an ``np.empty``
result, the pieces are joined with ``np.concatenate`` instead (same values, no scatter).

One value-dependent branch is kept exact: ``np.gradient`` with coordinate arrays uses a
cheaper formula when the coordinates are evenly spaced. For a traced coordinate array
both formulas are computed and the right one selected at run time, so the rounding is
NumPy's either way.
"""

from __future__ import annotations

import operator

import numpy as np
from numpy.lib.array_utils import normalize_axis_index, normalize_axis_tuple

from jitflow import errors
from jitflow.ops.reductions import NOVALUE, no_out, require_static
from jitflow.ops.shape_functions import numpy_errors, tracer
from jitflow.tracer.array import Tracer
from jitflow.tracer.numpy_api import implements
from jitflow.tracer.source import at_user_line


def _along(ndim: int, axis: int, index) -> tuple:
    """The index tuple selecting ``index`` along ``axis`` and everything elsewhere."""
    return (slice(None),) * axis + (index,) + (slice(None),) * (ndim - axis - 1)


# -- diff, ediff1d ------------------------------------------------------------------------


def _end_piece(values, a, axis: int):
    """``prepend``/``append`` of np.diff: a scalar becomes one slice along ``axis``."""
    values = tracer(values)
    if values.ndim == 0:
        values = np.broadcast_to(values, a.shape[:axis] + (1,) + a.shape[axis + 1:])
    return values


@implements(np.diff)
def diff(a, n=1, axis=-1, prepend=NOVALUE, append=NOVALUE):
    """The ``n``-th discrete difference along ``axis`` (``!=`` for bools, as in NumPy)."""
    require_static("diff", "n", n)
    require_static("diff", "axis", axis)
    if n == 0:
        return a
    if n < 0:
        raise errors.ShapeError(at_user_line(f"order must be non-negative but got {n!r}"))
    a = tracer(a)
    if a.ndim == 0:
        raise errors.ShapeError(
            at_user_line("diff requires input that is at least one dimensional")
        )
    with numpy_errors():
        axis = normalize_axis_index(axis, a.ndim)
    combined = [a]
    if prepend is not NOVALUE:
        combined.insert(0, _end_piece(prepend, a, axis))
    if append is not NOVALUE:
        combined.append(_end_piece(append, a, axis))
    if len(combined) > 1:
        a = np.concatenate(combined, axis)
    later, earlier = _along(a.ndim, axis, slice(1, None)), _along(a.ndim, axis, slice(None, -1))
    op = np.not_equal if a.dtype == np.bool_ else np.subtract
    for _ in range(n):
        a = op(a[later], a[earlier])
    return a


def _edge(name: str, values, dtype: np.dtype):
    """``to_begin``/``to_end`` of ediff1d: raveled and cast to ``dtype`` (same_kind only)."""
    if isinstance(values, Tracer):
        ok = np.can_cast(values.dtype, dtype, casting="same_kind")
    else:
        values = np.asanyarray(values)
        ok = np.can_cast(values, dtype, casting="same_kind")
    if not ok:
        raise errors.DTypeError(
            at_user_line(
                f"dtype of `{name}` must be compatible with input `ary` under the "
                "`same_kind` rule."
            )
        )
    return np.astype(np.ravel(tracer(values)), dtype)


@implements(np.ediff1d)
def ediff1d(ary, to_end=None, to_begin=None):
    """Differences of the flattened array, with ``to_begin``/``to_end`` around them."""
    ary = np.ravel(tracer(ary))
    if to_begin is None and to_end is None:
        return ary[1:] - ary[:-1]
    parts = [] if to_begin is None else [_edge("to_begin", to_begin, ary.dtype)]
    parts.append(ary[1:] - ary[:-1])  # bools: np.subtract refuses them, as in NumPy
    if to_end is not None:
        parts.append(_edge("to_end", to_end, ary.dtype))
    return np.concatenate(parts)


# -- gradient ---------------------------------------------------------------------------


def _spacings(f, varargs, axes):
    """Per axis: a scalar spacing, or the differences of a 1-D coordinate array together
    with whether they are all equal (a Python bool, or a traced one)."""
    n = len(varargs)
    if n == 0:
        return [(1.0, None)] * len(axes)
    if n == 1 and np.ndim(varargs[0]) == 0:
        return [(varargs[0], None)] * len(axes)
    if n != len(axes):
        raise errors.InvalidArgumentError(at_user_line("invalid number of arguments"))
    spacings = []
    for ax, distances in zip(axes, varargs):
        if np.ndim(distances) == 0:
            spacings.append((distances, None))
            continue
        traced = isinstance(distances, Tracer)
        distances = distances if traced else np.asanyarray(distances)
        if distances.ndim != 1:
            raise errors.ShapeError(at_user_line("distances must be either scalars or 1d"))
        if distances.shape[0] != f.shape[ax]:
            raise errors.ShapeError(
                at_user_line(
                    "when 1d, distances must match the length of the corresponding dimension"
                )
            )
        if np.issubdtype(distances.dtype, np.integer):
            distances = distances.astype(np.float64)
        diffx = np.diff(distances)
        if diffx.shape[0] == 0:  # NumPy's diffx[0] raises IndexError
            raise errors.IndexingError(
                at_user_line("index 0 is out of bounds for axis 0 with size 0")
            )
        if traced:
            spacings.append((diffx, np.all(diffx == diffx[0])))
        elif (diffx == diffx[0]).all():  # NumPy's shortcut to the scalar case
            spacings.append((diffx[0], None))
        else:
            spacings.append((tracer(diffx), False))
    return spacings


def _uniform(f, h, axis, edge_order):
    """NumPy's formulas for an evenly spaced axis: (interior, first, last)."""
    s = lambda i: f[_along(f.ndim, axis, i)]
    interior = (s(slice(2, None)) - s(slice(None, -2))) / (2.0 * h)
    if edge_order == 1:
        return interior, (s(1) - s(0)) / h, (s(-1) - s(-2)) / h
    first = -1.5 / h * s(0) + 2.0 / h * s(1) + -0.5 / h * s(2)
    last = 0.5 / h * s(-3) + -2.0 / h * s(-2) + 1.5 / h * s(-1)
    return interior, first, last


def _uneven(f, dx, axis, edge_order):
    """NumPy's formulas for the coordinate differences ``dx``: (interior, first, last)."""
    s = lambda i: f[_along(f.ndim, axis, i)]
    shape = tuple(-1 if i == axis else 1 for i in range(f.ndim))
    dx1, dx2 = dx[0:-1], dx[1:]
    a = np.reshape(-dx2 / (dx1 * (dx1 + dx2)), shape)
    b = np.reshape((dx2 - dx1) / (dx1 * dx2), shape)
    c = np.reshape(dx1 / (dx2 * (dx1 + dx2)), shape)
    interior = a * s(slice(None, -2)) + b * s(slice(1, -1)) + c * s(slice(2, None))
    if edge_order == 1:
        return interior, (s(1) - s(0)) / dx[0], (s(-1) - s(-2)) / dx[-1]
    dx1, dx2 = dx[0], dx[1]
    a = -(2.0 * dx1 + dx2) / (dx1 * (dx1 + dx2))
    b = (dx1 + dx2) / (dx1 * dx2)
    c = -dx1 / (dx2 * (dx1 + dx2))
    first = a * s(0) + b * s(1) + c * s(2)
    dx1, dx2 = dx[-2], dx[-1]
    a = dx2 / (dx1 * (dx1 + dx2))
    b = -(dx2 + dx1) / (dx1 * dx2)
    c = (2.0 * dx2 + dx1) / (dx2 * (dx1 + dx2))
    last = a * s(-3) + b * s(-2) + c * s(-1)
    return interior, first, last


@implements(np.gradient)
def gradient(f, *varargs, axis=None, edge_order=1):
    """Second-order central differences inside, ``edge_order`` one-sided ones at the ends.

    Spacings may be Python or traced scalars, or 1-D coordinate arrays (traced or not).
    """
    require_static("gradient", "edge_order", edge_order)
    require_static("gradient", "axis", axis)
    f = tracer(f)
    with numpy_errors():
        axes = tuple(range(f.ndim)) if axis is None else normalize_axis_tuple(axis, f.ndim)
    spacings = _spacings(f, varargs, axes)
    if edge_order > 2:
        raise errors.ShapeError(at_user_line("'edge_order' greater than 2 not supported"))
    otype = f.dtype
    if not np.issubdtype(otype, np.inexact):
        if np.issubdtype(otype, np.integer):
            f = f.astype(np.float64)
        otype = np.dtype(np.float64)
    outvals = []
    for ax, (h, even) in zip(axes, spacings):
        if f.shape[ax] < edge_order + 1:
            raise errors.ShapeError(
                at_user_line(
                    "Shape of array too small to calculate a numerical gradient, at least "
                    "(edge_order + 1) elements are required."
                )
            )
        if even is None:
            pieces = _uniform(f, h, ax, edge_order)
        elif even is False:
            pieces = _uneven(f, h, ax, edge_order)
        else:  # traced coordinates: NumPy's branch on their spacing, taken at run time
            pieces = [
                np.where(even, np.astype(u, otype), np.astype(v, otype))
                for u, v in zip(_uniform(f, h[0], ax, edge_order),
                                _uneven(f, h, ax, edge_order))
            ]
        interior, first, last = (np.astype(p, otype) for p in pieces)
        first, last = np.expand_dims(first, ax), np.expand_dims(last, ax)
        outvals.append(np.concatenate([first, interior, last], axis=ax))
    return outvals[0] if len(axes) == 1 else tuple(outvals)


# -- trapezoid ------------------------------------------------------------------------------


@implements(np.trapezoid)
def trapezoid(y, x=None, dx=1.0, axis=-1):
    """The trapezoidal rule along ``axis``, with sample points ``x`` or spacing ``dx``."""
    require_static("trapezoid", "axis", axis)
    y = tracer(y)
    if x is None:
        d = dx
    else:
        x = tracer(x)
        if x.ndim == 1:
            d = np.diff(x)
            shape = [1] * y.ndim
            try:
                shape[axis] = d.shape[0]
            except IndexError as e:
                raise errors.IndexingError(at_user_line(str(e))) from None
            d = np.reshape(d, shape)
        else:
            d = np.diff(x, axis=axis)
    if not -y.ndim <= operator.index(axis) < y.ndim:  # NumPy indexes a list with it
        raise errors.IndexingError(at_user_line("list assignment index out of range"))
    axis_ = operator.index(axis) % y.ndim
    later = y[_along(y.ndim, axis_, slice(1, None))]
    earlier = y[_along(y.ndim, axis_, slice(None, -1))]
    return np.sum(d * (later + earlier) / 2.0, axis=axis)


# -- cumulative_sum, cumulative_prod ----------------------------------------------------------


def _cumulative(name, ufunc, x, axis, dtype, out, include_initial):
    """NumPy's ``_cumulative_func``: ``ufunc.accumulate``, as NumPy calls it (jitflow's
    runs np.cumsum's cumulative primitive), with the ufunc's identity put first."""
    no_out(name, out)
    require_static(name, "axis", axis)
    x = np.atleast_1d(tracer(x))
    if axis is None:
        if x.ndim >= 2:
            raise errors.ShapeError(
                at_user_line(
                    "For arrays which have more than one dimension ``axis`` argument is "
                    "required."
                )
            )
        axis = 0
    res = ufunc.accumulate(x, axis=axis, dtype=dtype)
    if include_initial:
        axis = normalize_axis_index(operator.index(axis), x.ndim)  # valid: accumulate took it
        shape = x.shape[:axis] + (1,) + x.shape[axis + 1:]
        initial = np.full_like(res, ufunc.identity, shape=shape)
        res = np.concatenate([initial, res], axis=axis)
    return res


@implements(np.cumulative_sum)
def cumulative_sum(x, /, *, axis=None, dtype=None, out=None, include_initial=False):
    return _cumulative("cumulative_sum", np.add, x, axis, dtype, out,
                       include_initial)


@implements(np.cumulative_prod)
def cumulative_prod(x, /, *, axis=None, dtype=None, out=None, include_initial=False):
    return _cumulative("cumulative_prod", np.multiply, x, axis, dtype, out,
                       include_initial)
