"""Sorting, and the NumPy functions built on it: sort, argsort, partition, argpartition,
searchsorted, median, quantile and percentile.

One primitive, ``sort`` (params ``axis``, ``num_keys``), lowers to one ``stablehlo.sort``
of several same-shaped operands along ``axis``: the first ``num_keys`` are compared
(lexicographically), the rest are carried along, so ``argsort`` is a sort of (keys, iota).
It is stable, and its comparator orders floats as NumPy does: NaN after every number, NaNs
equal to each other, ``-0.0 == 0.0``. That is a strict weak order, which a stable sort
needs; XLA's plain ``LT`` is not one once NaNs are in (NaN would be "equal" to everything).

The NumPy layer:

* ``np.sort``/``np.argsort`` sort fully along one axis (``axis=None`` flattens). Every
  ``kind`` gives the stable order, which is also what NumPy's unstable kinds give on
  distinct keys; indices are int64 (NumPy's intp).
* ``np.partition``/``np.argpartition`` return the fully sorted array: a valid partition
  for any ``kth``, which is checked statically as NumPy checks it.
* ``np.searchsorted`` counts the elements ordered before each ``v`` (``a < v`` for
  ``side="left"``, ``a <= v`` for ``"right"``, in the NaN-last order): O(len(a) * v.size)
  work and memory, no binary search, but one fused comparison and sum for XLA.
* ``np.median`` (the mean of the middle one or two sorted values, as NumPy's) and
  ``np.quantile``/``np.percentile`` with NumPy's default ``method="linear"`` and a static
  ``q``: NumPy's own index/weight arithmetic runs at trace time on ``q``, the traced part
  is a sort, a gather at constant indices and NumPy's ``_lerp``. Where an axis holds a
  NaN the result is NaN, as in NumPy (NaN sorts last, so the last sorted value tells).
"""

from __future__ import annotations

import math

import numpy as np
from jax.extend.mlir import ir
from jax.extend.mlir.dialects import stablehlo as hlo

from jitflow import errors
from jitflow.ops import bounds, mlir
from jitflow.ops import elementwise as ew
from jitflow.ops import reduce as red
from jitflow.ops import shape as sh
from jitflow.ops.constants import constant, to_value, wrap
from jitflow.ops.reductions import (
    axes_of,
    axis_index,
    example,
    given,
    no_out,
    require_static,
    result_dtype,
)
from jitflow.tracer.avals import AbstractArray
from jitflow.tracer.context import bind
from jitflow.tracer.ir import Value, primitive
from jitflow.tracer.numpy_api import call, implements
from jitflow.tracer.source import at_user_line

INDEX = np.dtype(np.int64)  # NumPy's intp

# -- the sort primitive ----------------------------------------------------------------------


def _sort_eval(*xs: AbstractArray, axis: int, num_keys: int):
    if not xs or any(x.shape != xs[0].shape for x in xs):
        raise errors.ShapeError(f"sort: operands must have one shape, got {xs}")
    if not 0 <= axis < xs[0].ndim or not 1 <= num_keys <= len(xs):
        raise errors.ShapeError(f"sort: axis {axis} / num_keys {num_keys} invalid for {xs}")
    for x in xs[:num_keys]:
        if x.dtype.kind not in "iufb":
            raise errors.DTypeError(f"sort: keys of dtype {x.dtype} have no order")
    return tuple(x.update(weak=False) for x in xs)


def _compare(a, b, direction: str, dtype: np.dtype):
    kind = {"f": "FLOAT", "i": "SIGNED", "u": "UNSIGNED", "b": "UNSIGNED"}[dtype.kind]
    return hlo.compare(a, b, hlo.ComparisonDirectionAttr.get(direction),
                       compare_type=hlo.ComparisonTypeAttr.get(kind))


def _less(a, b, dtype: np.dtype):
    """``a`` sorts before ``b``: ``a < b``, or for floats also ``b`` NaN and ``a`` not."""
    less = _compare(a, b, "LT", dtype)
    if dtype.kind != "f":
        return less
    a_number = _compare(a, a, "EQ", dtype)  # not NaN
    b_nan = _compare(b, b, "NE", dtype)
    return hlo.or_(less, hlo.and_(a_number, b_nan))


def _sort_lower(ctx, *xs, axis, num_keys):
    dtypes = [a.dtype for a in ctx.in_avals]
    op = hlo.SortOp([mlir.tensor_type(a) for a in ctx.out_avals], list(xs),
                    dimension=axis, is_stable=True)
    scalars = [ir.RankedTensorType.get([], mlir.element_type(d)) for d in dtypes]
    # The comparator takes (lhs_0, rhs_0, lhs_1, rhs_1, ...) and returns lhs < rhs.
    block = op.comparator.blocks.append(*[t for t in scalars for _ in (0, 1)])
    with ir.InsertionPoint(block):
        args = list(block.arguments)
        result = None
        for k in reversed(range(num_keys)):  # lexicographic: key 0 decides first
            lhs, rhs, dtype = args[2 * k], args[2 * k + 1], dtypes[k]
            less = _less(lhs, rhs, dtype)
            if result is not None:  # equal here (neither before the other): next key
                tie = hlo.and_(hlo.not_(less), hlo.not_(_less(rhs, lhs, dtype)))
                less = hlo.or_(less, hlo.and_(tie, result))
            result = less
        hlo.return_([result])
    return list(op.results)


sort_p = primitive("sort", _sort_eval, _sort_lower, differentiable=False,
                   multiple_results=True)


def sort_along(xs: list[Value], axis: int, num_keys: int = 1) -> tuple[Value, ...]:
    """Sort ``xs`` (one shape) together along ``axis`` by the first ``num_keys``."""
    if xs[0].shape[axis] <= 1:  # already sorted; strongly typed, as the sort's results
        return tuple(ew.convert(x, x.dtype, weak=False) for x in xs)
    return bind(sort_p, *xs, axis=axis, num_keys=num_keys)


def _iota_along(x: Value, axis: int) -> Value:
    return bounds.hint(sh.iota(INDEX, x.shape, axis), 0, max(x.shape[axis] - 1, 0))


# -- NumPy's checks, asked of NumPy on a tiny array --------------------------------------------


def _ask_numpy(name: str, fn) -> None:
    """Run ``fn()`` (NumPy on a small stand-in) and turn its refusal into a jitflow error."""
    try:
        fn()
    except (ValueError, IndexError) as e:
        raise errors.like_numpy(e, errors.InvalidValueError)(
            at_user_line(f"np.{name}: {e}")) from None
    except TypeError as e:
        raise errors.DTypeError(at_user_line(f"np.{name}: {e}")) from None


def _ordered(name: str, x: Value) -> None:
    if x.dtype.kind == "c":
        raise errors.UnsupportedError(at_user_line(
            f"np.{name} of a complex array (dtype {x.dtype}) is not supported by jitflow. "
            "Sort by the real part (np.argsort(x.real)) or compute it outside the function."))


def _prepare(name: str, a, axis, kind, order, stable) -> tuple[Value, int]:
    """The operand (flattened for ``axis=None``) and the sorted axis, checked as NumPy.

    The arg-functions treat a 0-d array as 1-D (``np.argsort(np.float64(2)) == [0]``),
    as ``argmax`` does; ``np.sort``/``np.partition`` of one with an axis raise.
    """
    if order is not None:
        raise errors.UnsupportedError(at_user_line(
            f"np.{name}(order=...) sorts structured arrays, which jitflow does not have."))
    _ask_numpy(name, lambda: np.sort(np.zeros(2), kind=kind, stable=stable))
    x = to_value(a)
    _ordered(name, x)
    if axis is None or (x.ndim == 0 and name.startswith("arg")):
        x = sh.reshape(x, (x.aval.size,))
        axis = 0 if axis is None else axis
    return x, axis_index(name, x, axis)


# -- sort, argsort, partition, argpartition -----------------------------------------------------


@implements(np.sort)
def sort(a, axis=-1, kind=None, order=None, *, stable=None):
    x, ax = _prepare("sort", a, axis, kind, order, stable)
    return wrap(sort_along([x], ax)[0])


@implements(np.argsort)
def argsort(a, axis=-1, kind=None, order=None, *, stable=None):
    x, ax = _prepare("argsort", a, axis, kind, order, stable)
    return wrap(_argsort(x, ax))


def _argsort(x: Value, axis: int, keys: tuple[Value, ...] = ()) -> Value:
    """The permutation sorting ``keys`` (default ``x``) along ``axis``, key 0 first."""
    keys = keys or (x,)
    order = sort_along([*keys, _iota_along(x, axis)], axis, num_keys=len(keys))[-1]
    return bounds.hint(order, 0, max(x.shape[axis] - 1, 0))


@implements(np.lexsort)
def lexsort(keys, axis=-1):
    """Indices sorting by the last key, ties broken by the one before, ...: one sort with
    the keys reversed as its ``num_keys`` keys, carrying an iota."""
    if isinstance(keys, (list, tuple)):
        values = [to_value(k) for k in keys]
    else:
        whole = to_value(keys)
        values = [sh.reshape(sh.slice_(whole, (i,) + (0,) * (whole.ndim - 1),
                                       (i + 1,) + whole.shape[1:]), whole.shape[1:])
                  for i in range(whole.shape[0] if whole.ndim else 0)]
    if not values:
        raise errors.DTypeError(at_user_line("np.lexsort needs at least one key (as NumPy)."))
    if any(v.shape != values[0].shape for v in values):
        raise errors.ShapeError(at_user_line(
            f"np.lexsort: all keys need to be the same shape, got "
            f"{[v.shape for v in values]}."))
    for v in values:
        _ordered("lexsort", v)
    if values[0].ndim == 0:  # NumPy sorts the one position there is
        return wrap(constant(np.int64(0)))
    ax = axis_index("lexsort", values[0], axis)
    return wrap(_argsort(values[0], ax, tuple(values[::-1])))


def _check_kth(name: str, a, kth, axis, kind, order) -> tuple[Value, int]:
    require_static(name, "kth", kth)
    x, ax = _prepare(name, a, axis, None, order, None)
    if kind != "introselect":
        _ask_numpy(name, lambda: np.partition(np.zeros(1), 0, kind=kind))
    n = x.shape[ax]
    _ask_numpy(name, lambda: np.partition(np.zeros(n), kth))
    return x, ax


@implements(np.partition)
def partition(a, kth, axis=-1, kind="introselect", order=None):
    x, ax = _check_kth("partition", a, kth, axis, kind, order)
    return wrap(sort_along([x], ax)[0])


@implements(np.argpartition)
def argpartition(a, kth, axis=-1, kind="introselect", order=None):
    x, ax = _check_kth("argpartition", a, kth, axis, kind, order)
    return wrap(_argsort(x, ax))


# -- searchsorted --------------------------------------------------------------------------------


def _before(x: Value, y: Value) -> Value:
    """Elementwise "x sorts before y" in NumPy's order (NaN last)."""
    less = ew.lt(x, y)
    if x.dtype.kind != "f":
        return less
    return ew.or_(less, ew.and_(ew.eq(x, x), ew.ne(y, y)))


@implements(np.searchsorted)
def searchsorted(a, v, side="left", sorter=None):
    _ask_numpy("searchsorted", lambda: np.searchsorted(np.zeros(1), 0.0, side=side))
    if sorter is not None:
        raise errors.UnsupportedError(at_user_line(
            "np.searchsorted(sorter=...) is not supported; pass the sorted array itself: "
            "np.searchsorted(a[sorter], v)."))
    x, y = to_value(a), to_value(v)
    if x.ndim != 1:
        raise errors.ShapeError(at_user_line(
            f"np.searchsorted needs a 1-D sorted array, got shape {x.shape} (NumPy raises "
            "too). Flatten it, or search each row separately."))
    for value in (x, y):
        _ordered("searchsorted", value)
    common = np.result_type(example(x), example(y))
    x, y = ew.convert(x, common), ew.convert(y, common)
    n, shape = x.shape[0], y.shape + x.shape
    xs = sh.broadcast_to(x, shape)
    ys = sh.broadcast_in_dim(y, shape, tuple(range(y.ndim)))
    # left: count of a[i] before v; right: count of a[i] not after v.
    left = side in ("left", b"left")  # NumPy has checked it is one of the two
    ahead = _before(xs, ys) if left else ew.not_(_before(ys, xs))
    count = red.reduce(ew.convert(ahead, INDEX), "sum", (y.ndim,))
    return wrap(bounds.hint(count, 0, n))


# -- median, quantile, percentile ----------------------------------------------------------------


def _to_last(name: str, x: Value, axis) -> tuple[Value, tuple[int, ...]]:
    """``x`` with the reduced axes merged into one last axis (NumPy's ``_ureduce``)."""
    axes = axes_of(name, x, axis)
    keep = [d for d in range(x.ndim) if d not in axes]
    moved = sh.transpose(x, keep + list(axes))
    n = math.prod(x.shape[d] for d in axes)
    return sh.reshape(moved, tuple(x.shape[d] for d in keep) + (n,)), axes


def _kept_shape(shape, axes, keepdims) -> tuple[int, ...]:
    if keepdims:
        return tuple(1 if d in axes else n for d, n in enumerate(shape))
    return tuple(n for d, n in enumerate(shape) if d not in axes)


def _nan_where_last_is(result: Value, ordered: Value) -> Value:
    """NumPy's NaN check: where the last sorted value along -1 is NaN, the result is NaN."""
    if ordered.dtype.kind != "f":
        return result
    n = ordered.shape[-1]
    last = sh.reshape(sh.slice_(ordered, (0,) * (ordered.ndim - 1) + (n - 1,), ordered.shape),
                      ordered.shape[:-1])
    lead = result.ndim - last.ndim  # the q axes, in front
    dims = tuple(range(lead, result.ndim))
    nan = sh.broadcast_in_dim(ew.ne(last, last), result.shape, dims)
    last = sh.broadcast_in_dim(ew.convert(last, result.dtype), result.shape, dims)
    return ew.select(nan, last, result)


def _filled(value, shape, dtype) -> Value:
    return sh.broadcast_to(constant(np.array(value, dtype)), shape)


@implements(np.median)
def median(a, axis=None, out=None, overwrite_input=False, keepdims=False):
    no_out("median", out)
    x = to_value(a)
    _ordered("median", x)
    flat, axes = _to_last("median", x, axis)
    keepdims = given(keepdims, False)
    shape, n = _kept_shape(x.shape, axes, keepdims), flat.shape[-1]
    dtype = result_dtype("median", np.median, x)
    if n == 0 or math.prod(shape) == 0:  # the mean of nothing is NaN, as NumPy warns
        return wrap(_filled(np.nan, shape, dtype))
    ordered = sort_along([flat], flat.ndim - 1)[0]
    lo = n // 2 - (1 - n % 2)  # the middle value, or the two middle values
    middle = sh.slice_(ordered, (0,) * (flat.ndim - 1) + (lo,),
                       flat.shape[:-1] + (n // 2 + 1,))
    r = to_value(call(np.mean, wrap(middle), axis=-1))
    return wrap(sh.reshape(_nan_where_last_is(r, ordered), shape))


def _linear_weights(n: int, q: np.ndarray, weak: bool):
    """NumPy's static part of ``method="linear"``: indices below and above each quantile,
    and the weight ``t`` of the upper one, exactly as ``_get_indexes``/``_get_gamma``."""
    virtual = np.asanyarray((n - 1) * q)
    if virtual.dtype.kind in "iu":  # integer q: no interpolation, NumPy just takes
        return virtual.astype(INDEX), None, None
    prev = np.array(np.floor(virtual))  # 0-d stays an array, so masks can assign
    nxt = np.array(prev + 1)
    above = virtual >= n - 1
    prev[above], nxt[above] = -1, -1
    below = virtual < 0
    prev[below], nxt[below] = 0, 0
    prev, nxt = prev.astype(INDEX), nxt.astype(INDEX)
    gamma = np.asanyarray(virtual - prev, dtype=virtual.dtype)
    return prev, nxt, float(gamma) if weak else gamma


def _take_last(x: Value, idx: np.ndarray) -> Value:
    """``x[..., idx]`` for static (possibly negative) indices, with idx's axes in front."""
    n = x.shape[-1]
    flat = constant(np.asarray(idx, INDEX).reshape(-1) % n)
    taken = sh.take(x, flat, x.ndim - 1)  # x.shape[:-1] + (k,)
    front = sh.transpose(taken, (x.ndim - 1,) + tuple(range(x.ndim - 1)))
    return sh.reshape(front, np.shape(idx) + x.shape[:-1])


def _lerp(below: Value, above: Value, t, dtype) -> Value:
    """NumPy's ``_lerp``: ``a + (b - a) * t``, but ``b - (b - a) * (1 - t)`` where t >= 0.5.

    ``b - a`` is taken in the data's dtype (integers wrap as NumPy's do), the rest in the
    result dtype; ``1 - t`` and the mask are computed from the static ``t`` in NumPy.
    """
    diff = ew.convert(ew.sub(above, below), dtype)
    below, above = ew.convert(below, dtype), ew.convert(above, dtype)
    tail = below.ndim - np.ndim(t)

    def const(values):
        c = constant(np.asarray(values).astype(dtype).reshape(np.shape(t) + (1,) * tail))
        return sh.broadcast_to(c, below.shape)

    low = ew.add(below, ew.mul(diff, const(t)))
    high = ew.sub(above, ew.mul(diff, const(np.subtract(1, t))))
    upper = sh.broadcast_to(constant(np.asarray(t >= 0.5).reshape(
        np.shape(t) + (1,) * tail)), below.shape)
    return ew.select(upper, high, low)


def _quantile(name, np_fn, a, q, axis, method, keepdims, weights, scale):
    if method != "linear" or weights is not None:
        raise errors.UnsupportedError(at_user_line(
            f"np.{name} supports only the default method='linear' without weights (got "
            f"method={method!r}{', weights=...' if weights is not None else ''}). Compute "
            "it outside the decorated function, or sort and interpolate explicitly."))
    q = require_static(name, "q", q)
    x = to_value(a)
    # NumPy checks q, axis and dtype (and finds the result dtype) on a small stand-in.
    stand_in = np.zeros(tuple(min(max(d, 1), 2) for d in x.shape), x.dtype)
    _ask_numpy(name, lambda: np_fn(stand_in, q, axis=axis))
    dtype = np.asarray(np_fn(stand_in, q, axis=axis)).dtype
    weak = type(q) in (int, float)
    q_arr = np.asanyarray(np.true_divide(q, 100) if scale else q)
    flat, axes = _to_last(name, x, axis)
    shape = np.shape(q_arr) + _kept_shape(x.shape, axes, given(keepdims, False))
    n = flat.shape[-1]
    if math.prod(shape) == 0:
        return wrap(_filled(0, shape, dtype))
    if n == 0:
        raise errors.IndexingError(at_user_line(
            f"np.{name} over an empty axis of an array of shape {x.shape} (axis={axis!r}): "
            "there is no value to take (NumPy raises IndexError). Guard against empty "
            "arrays outside the decorated function."))
    ordered = sort_along([flat], flat.ndim - 1)[0]
    prev, nxt, t = _linear_weights(n, q_arr, weak)
    if t is None:
        r = _take_last(ordered, prev)
    else:
        r = _lerp(_take_last(ordered, prev), _take_last(ordered, nxt), t, dtype)
    r = _nan_where_last_is(ew.convert(r, dtype), ordered)
    return wrap(sh.reshape(r, shape))


@implements(np.quantile)
def quantile(a, q, axis=None, out=None, overwrite_input=False, method="linear",
             keepdims=False, *, weights=None):
    no_out("quantile", out)
    return _quantile("quantile", np.quantile, a, q, axis, method, keepdims, weights,
                     scale=False)


@implements(np.percentile)
def percentile(a, q, axis=None, out=None, overwrite_input=False, method="linear",
               keepdims=False, *, weights=None):
    no_out("percentile", out)
    return _quantile("percentile", np.percentile, a, q, axis, method, keepdims, weights,
                     scale=True)

