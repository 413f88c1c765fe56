"""NumPy functions that rearrange elements: joining (concatenate, stack, hstack, ...),
splitting, flipping, rolling, tiling, repeating, padding, and diag/tril/triu.

All are compositions of shape primitives. As in NumPy, ``split``/``array_split`` and
``flip``/``fliplr``/``flipud`` return views (writes go to the base), ``np.diag`` of a
matrix a read-only view, and everything else a new array. Index maps that NumPy defines
by example (``np.pad``'s 'edge', 'reflect', 'symmetric' and 'wrap' modes) are computed
by NumPy itself on ``np.arange`` and applied with one gather per axis.
"""

from __future__ import annotations

import operator

import numpy as np
from numpy.lib.array_utils import normalize_axis_index, normalize_axis_tuple

from jitflow import errors
from jitflow.ops import elementwise as ew
from jitflow.ops import shape as sh
from jitflow.ops.ufuncs import write_out_exact
from jitflow.ops import views
from jitflow.ops.constants import constant, wrap
from jitflow.ops.indexing import static_cast
from jitflow.ops.shape_functions import (
    atleast_1d, atleast_2d, atleast_3d, numpy_errors, ravel, tracer,
)
from jitflow.tracer.array import Tracer
from jitflow.tracer.numpy_api import implements
from jitflow.tracer.source import at_user_line


def _shape_error(msg: str) -> errors.ShapeError:
    return errors.ShapeError(at_user_line(msg))


# -- joining --------------------------------------------------------------------------------


def _join_dtype(ts, dtype, casting):
    if dtype is None:
        return np.result_type(*(t.dtype for t in ts))  # (tracer() made them strong)
    dtype = np.dtype(dtype)
    for t in ts:
        if not np.can_cast(t.dtype, dtype, casting):
            raise errors.DTypeError(
                at_user_line(
                    f"Cannot cast array data from {t.dtype!r} to {dtype!r} according to the "
                    f"rule {casting!r}"
                )
            )
    return dtype


def _join(ts, axis, dtype, casting, out):
    dtype = _join_dtype(ts, dtype, casting)
    result = sh.concatenate([ew.convert(t.value, dtype) for t in ts], axis)
    if out is None:
        return wrap(result)
    return write_out_exact("concatenate", out, result, casting)


@implements(np.concatenate)
def concatenate(arrays, axis=0, out=None, *, dtype=None, casting="same_kind"):
    ts = [tracer(a) for a in arrays]
    if not ts:
        raise _shape_error("need at least one array to concatenate")
    if axis is None:
        ts, axis = [ravel(t) for t in ts], 0
    first = ts[0]
    if first.ndim == 0:
        raise _shape_error("zero-dimensional arrays cannot be concatenated")
    with numpy_errors():
        axis = normalize_axis_index(axis, first.ndim)
    for i, t in enumerate(ts[1:], start=1):
        if t.ndim != first.ndim:
            raise _shape_error(
                "all the input array dimensions except for the concatenation axis must match "
                f"exactly, but the array at index 0 has {first.ndim} dimension(s) and the "
                f"array at index {i} has {t.ndim} dimension(s)"
            )
        for d, (m, n) in enumerate(zip(first.shape, t.shape)):
            if d != axis and m != n:
                raise _shape_error(
                    "all the input array dimensions except for the concatenation axis must "
                    f"match exactly, but along dimension {d}, the array at index 0 has size "
                    f"{m} and the array at index {i} has size {n}"
                )
    return _join(ts, axis, dtype, casting, out)


@implements(np.stack)
def stack(arrays, axis=0, out=None, *, dtype=None, casting="same_kind"):
    ts = [tracer(a) for a in arrays]
    if not ts:
        raise _shape_error("need at least one array to stack")
    if any(t.shape != ts[0].shape for t in ts):
        raise _shape_error("all input arrays must have the same shape")
    with numpy_errors():
        axis = normalize_axis_index(axis, ts[0].ndim + 1)
    expanded = [wrap(sh.reshape(t.value, t.shape[:axis] + (1,) + t.shape[axis:])) for t in ts]
    return _join(expanded, axis, dtype, casting, out)


@implements(np.hstack)
def hstack(tup, *, dtype=None, casting="same_kind"):
    arrs = _as_list(atleast_1d(*tup))
    axis = 0 if arrs and arrs[0].ndim == 1 else 1
    return concatenate(arrs, axis, dtype=dtype, casting=casting)


@implements(np.vstack)
def vstack(tup, *, dtype=None, casting="same_kind"):
    return concatenate(_as_list(atleast_2d(*tup)), 0, dtype=dtype, casting=casting)


@implements(np.dstack)
def dstack(tup):
    return concatenate(_as_list(atleast_3d(*tup)), 2)


@implements(np.column_stack)
def column_stack(tup):
    cols = []
    for a in tup:
        t = tracer(a)
        cols.append(wrap(sh.reshape(t.value, (t.size, 1))) if t.ndim < 2 else t)
    return concatenate(cols, 1)


def _as_list(x):
    return list(x) if isinstance(x, tuple) else [x]


# -- splitting ----------------------------------------------------------------------------


@implements(np.array_split)
def array_split(ary, indices_or_sections, axis=0):
    t = tracer(ary)
    with numpy_errors():
        axis = normalize_axis_index(axis, t.ndim)
    total = t.shape[axis]
    try:
        points = [0] + list(indices_or_sections) + [total]
    except TypeError:
        sections = operator.index(indices_or_sections)
        if sections <= 0:
            raise _shape_error("number sections must be larger than 0.") from None
        each, extras = divmod(total, sections)
        sizes = [0] + extras * [each + 1] + (sections - extras) * [each]
        points = np.cumsum(sizes).tolist()
    lead = (slice(None),) * axis
    return [t[lead + (slice(points[i], points[i + 1]),)] for i in range(len(points) - 1)]


@implements(np.split)
def split(ary, indices_or_sections, axis=0):
    try:
        len(indices_or_sections)
    except TypeError:
        t = tracer(ary)
        with numpy_errors():
            n = t.shape[normalize_axis_index(axis, t.ndim)]
        if n % operator.index(indices_or_sections):
            raise _shape_error("array split does not result in an equal division") from None
    return array_split(ary, indices_or_sections, axis)


# -- flipping and rolling ----------------------------------------------------------------


@implements(np.flip)
def flip(m, axis=None):
    t = tracer(m)
    with numpy_errors():
        axes = range(t.ndim) if axis is None else normalize_axis_tuple(axis, t.ndim)
    return t[tuple(slice(None, None, -1) if d in axes else slice(None) for d in range(t.ndim))]


@implements(np.fliplr)
def fliplr(m):
    t = tracer(m)
    if t.ndim < 2:
        raise _shape_error("Input must be >= 2-d.")
    return t[:, ::-1]


@implements(np.flipud)
def flipud(m):
    t = tracer(m)
    if t.ndim < 1:
        raise _shape_error("Input must be >= 1-d.")
    return t[::-1, ...]


@implements(np.roll)
def roll(a, shift, axis=None):
    t = tracer(a)
    if axis is None:
        return wrap(sh.reshape(roll(ravel(t), shift, 0).value, t.shape))
    if isinstance(shift, Tracer):
        return _roll_traced(t, shift, axis)
    with numpy_errors():
        axes = normalize_axis_tuple(axis, t.ndim, allow_duplicate=True)
        pairs = np.broadcast(shift, axes)
        if pairs.ndim > 1:
            raise ValueError("'shift' and 'axis' should be scalars or 1D sequences")
    shifts = dict.fromkeys(range(t.ndim), 0)
    for s, ax in pairs:
        shifts[ax] += int(s)
    x = t.value
    for ax, s in shifts.items():
        n = x.shape[ax]
        if n and s % n:
            cut = n - s % n
            x = sh.concatenate([_take_range(x, ax, cut, n), _take_range(x, ax, 0, cut)], ax)
    return wrap(x)


def _roll_traced(t: Tracer, shift: Tracer, axis):
    """Roll by a traced 0-d integer: a dynamic slice of the array joined to itself."""
    if shift.ndim != 0 or shift.dtype.kind not in "iu" or not isinstance(axis, int):
        raise errors.UnsupportedError(
            at_user_line("np.roll with a traced shift needs a 0-d integer shift and one axis")
        )
    with numpy_errors():
        axis = normalize_axis_index(axis, t.ndim)
    n, x = t.shape[axis], t.value
    if n == 0:
        return wrap(x)
    size = constant(np.int64(n))
    s = ew.apply(ew.rem_p, ew.convert(shift.value, np.int64), size)  # in (-n, n)
    start = ew.apply(ew.sub_p, size, s)  # in (0, 2n): the doubled array covers it
    start = ew.apply(ew.rem_p, start, size)
    zero = constant(np.int64(0))
    starts = [start if d == axis else zero for d in range(t.ndim)]
    return wrap(sh.dynamic_slice(sh.concatenate([x, x], axis), starts, t.shape))


def _take_range(x, axis, start, stop):
    starts = [0] * x.ndim
    limits = list(x.shape)
    starts[axis], limits[axis] = start, stop
    return sh.slice_(x, starts, limits)


# -- tiling and repeating -----------------------------------------------------------------


def _static_ints(values, what: str) -> tuple[int, ...]:
    values = tuple(values) if np.iterable(values) else (values,)
    try:
        return tuple(operator.index(v) for v in values)
    except errors.JitflowError:
        raise  # a traced value: its own message says to make it static
    except TypeError:
        raise errors.InvalidArgumentError(
            at_user_line(f"{what} must be integers, got {values!r}")
        ) from None


@implements(np.tile)
def tile(A, reps):
    t = tracer(A)
    reps = _static_ints(reps, "np.tile's reps")
    if any(r < 0 for r in reps):
        raise _shape_error("negative dimensions are not allowed")
    shape = (1,) * (len(reps) - t.ndim) + t.shape
    reps = (1,) * (len(shape) - len(reps)) + reps
    # (a0, a1) -> broadcast to (r0, a0, r1, a1) -> reshape to (r0*a0, r1*a1).
    x = sh.reshape(t.value, shape)
    wide = tuple(v for pair in zip(reps, shape) for v in pair)
    x = sh.broadcast_in_dim(x, wide, tuple(range(1, 2 * len(shape), 2)))
    return wrap(sh.reshape(x, tuple(r * n for r, n in zip(reps, shape))))


@implements(np.repeat)
def repeat(a, repeats, axis=None):
    t = tracer(a)
    if isinstance(repeats, Tracer):
        raise errors.UnsupportedError(
            at_user_line(
                "np.repeat with traced repeats gives a result whose shape depends on the "
                "data. Pass the repeats as a static argument (static_argnames=...)."
            )
        )
    # NumPy makes a 0-d array 1-d here (PyArray_CheckAxis), so axis 0 is valid for it.
    x = t.value if axis is not None and t.ndim else sh.reshape(t.value, (t.size,))
    with numpy_errors():
        axis = normalize_axis_index(0 if axis is None else axis, x.ndim)
        reps = np.asarray(repeats)
        if reps.dtype.kind not in "iub":
            raise TypeError(f"Cannot cast array data from {reps.dtype!r} to dtype('int64')")
        n = x.shape[axis]
        reps = np.broadcast_to(reps, (n,)) if reps.ndim else reps
        if (reps < 0).any():
            raise ValueError("repeats may not contain negative values.")
    if reps.ndim == 0:
        r = int(reps)
        wide = x.shape[: axis + 1] + (r,) + x.shape[axis + 1 :]
        dims = tuple(d if d <= axis else d + 1 for d in range(x.ndim))
        x = sh.broadcast_in_dim(x, wide, dims)
        return wrap(sh.reshape(x, x.shape[:axis] + (n * r,) + x.shape[axis + 2 :]))
    return wrap(sh.take(x, constant(np.repeat(np.arange(n), reps)), axis))


# -- padding -----------------------------------------------------------------------------


def _as_pairs(x, ndim: int, as_index: bool = False):
    """NumPy's normalization of ``pad_width``/``constant_values`` to ``ndim`` pairs."""
    x = np.array(x)
    if as_index:
        if x.dtype.kind not in "iu":
            raise TypeError("`pad_width` must be of integral type.")
        x = x.astype(np.intp)
    if x.ndim < 3 and x.size == 1:
        x = x.ravel()
        pairs = ((x[0], x[0]),) * ndim
    elif x.ndim < 3 and x.size == 2 and x.shape != (2, 1):
        x = x.ravel()
        pairs = ((x[0], x[1]),) * ndim
    else:
        pairs = np.broadcast_to(x, (ndim, 2)).tolist()
    if as_index and any(v < 0 for p in pairs for v in p):
        raise ValueError("index can't contain negative values")
    return [tuple(p) for p in pairs]


_INDEX_MODES = ("edge", "reflect", "symmetric", "wrap")


@implements(np.pad)
def pad(array, pad_width, mode="constant", **kwargs):
    t = tracer(array)
    with numpy_errors():
        widths = [tuple(int(w) for w in p) for p in _as_pairs(pad_width, t.ndim, as_index=True)]
        allowed = {"constant": {"constant_values"}, "empty": set()}.get(mode, {"reflect_type"})
        if set(kwargs) - allowed:
            extra = set(kwargs) - allowed
            raise ValueError(f"unsupported keyword arguments for mode '{mode}': {extra}")
    if mode in ("constant", "empty"):
        return wrap(_pad_constant(t, widths, kwargs.get("constant_values", 0)))
    if mode in _INDEX_MODES and kwargs.get("reflect_type", "even") == "even":
        x = t.value
        for axis, (lo, hi) in enumerate(widths):
            if lo or hi:
                if x.shape[axis] == 0:
                    raise _shape_error(
                        f"can't extend empty axis {axis} using modes other than 'constant' "
                        "or 'empty'"
                    )
                index = np.pad(np.arange(x.shape[axis]), (lo, hi), mode=mode)
                x = sh.take(x, constant(index), axis)
        return wrap(x)
    raise errors.UnsupportedError(
        at_user_line(
            f"np.pad(mode={mode!r}{', ' + repr(kwargs) if kwargs else ''}) is not supported by "
            f"jitflow; supported modes: 'constant', 'empty', {', '.join(map(repr, _INDEX_MODES))}."
        )
    )


def _pad_constant(t: Tracer, widths, values):
    x = t.value
    if isinstance(values, Tracer):
        if values.ndim != 0:
            raise errors.UnsupportedError(
                at_user_line("np.pad: traced constant_values must be a single 0-d value")
            )
        value = ew.convert(values.value, x.dtype)
        return sh.pad(x, value, [lo for lo, _ in widths], [hi for _, hi in widths])
    with numpy_errors():
        pairs = _as_pairs(values, x.ndim)
    cast = [tuple(static_cast(v, x.dtype) for v in p) for p in pairs]
    if len({v.tobytes() for p in cast for v in p}) <= 1:  # one value: one pad
        value = constant(cast[0][0]) if cast else constant(np.zeros((), x.dtype))
        return sh.pad(x, value, [lo for lo, _ in widths], [hi for _, hi in widths])
    # NumPy pads axis after axis, so later axes' values win in the corners.
    for axis, ((lo, hi), (v_lo, v_hi)) in enumerate(zip(widths, cast)):
        for side, width, v in ((0, lo, v_lo), (1, hi, v_hi)):
            if width:
                low = [0] * x.ndim
                high = [0] * x.ndim
                (high if side else low)[axis] = width
                x = sh.pad(x, constant(v), low, high)
    return x


# -- diagonals and triangles ---------------------------------------------------------------


@implements(np.diag)
def diag(v, k=0):
    t = tracer(v)
    k = operator.index(k)
    if t.ndim == 1:
        n = t.shape[0] + abs(k)
        start = k if k >= 0 else -k * n
        flat = sh.pad(t.value, constant(np.zeros((), t.dtype)), [start],
                      [n * n - start - t.shape[0] - max(t.shape[0] - 1, 0) * n], [n])
        return wrap(sh.reshape(flat, (n, n)))
    if t.ndim != 2:
        raise _shape_error("Input must be 1- or 2-d.")
    rows, cols = t.shape
    count = max(0, min(rows, cols - k) if k >= 0 else min(rows + k, cols))
    start = k if k >= 0 else -k * cols

    def get(base):
        if count == 0:
            return sh.slice_(sh.reshape(base, (rows * cols,)), [0], [0])
        flat = sh.reshape(base, (rows * cols,))
        return sh.slice_(flat, [start], [start + (count - 1) * (cols + 1) + 1], [cols + 1])

    return views.read_only_view(t, get, "np.diag", np.diagonal(views.layout(t), k))


def _triangle(m, k, keep: str):
    t = tracer(m)
    if t.ndim == 0:
        raise errors.InvalidArgumentError(at_user_line("tri() missing required argument 'N'"))
    k = operator.index(k)
    rows, cols = t.shape[-2:] if t.ndim >= 2 else (t.shape[0], t.shape[0])
    row = sh.iota(np.int64, (rows, cols), 0)
    col = sh.iota(np.int64, (rows, cols), 1)
    diff = ew.apply(ew.sub_p, col, row)  # tril keeps col - row <= k, triu col - row >= k
    mask = ew.compare(diff, constant(np.full((rows, cols), k, np.int64)), keep)
    shape = np.broadcast_shapes((rows, cols), t.shape)
    zeros = sh.broadcast_to(constant(np.zeros((), t.dtype)), shape)
    return wrap(ew.select(sh.broadcast_to(mask, shape), sh.broadcast_to(t.value, shape), zeros))


@implements(np.tril)
def tril(m, k=0):
    return _triangle(m, k, "LE")


@implements(np.triu)
def triu(m, k=0):
    return _triangle(m, k, "GE")

