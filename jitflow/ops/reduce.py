"""Reduction primitives: monoid reductions over axes, arg-reductions, cumulative scans.

Each lowers to one ``stablehlo.reduce`` (or ``reduce_window``) whose region body applies a
binary op to 0-d tensors:

* ``reduce_sum``/``reduce_prod``/``reduce_max``/``reduce_min``/``reduce_and``/``reduce_or``
  (param ``axes``, sorted): the result drops the reduced axes and keeps the dtype. Integer
  sums wrap as NumPy's do; ``maximum``/``minimum`` propagate NaN, as ``np.max`` does.
* ``argmax``/``argmin`` (params ``axis``, ``index_dtype``): a variadic reduce over
  (value, index) pairs that picks NaN first, then the larger (smaller) value, then the
  lower index: NumPy's first-occurrence and NaN rules. That choice is a maximum under a
  total order, so XLA may combine pairs in any order.
* ``cumsum``/``cumprod`` (param ``axis``): a ``reduce_window`` whose window covers every
  earlier element along the axis (as JAX lowers ``cumsum`` for CPU and GPU).

Dtype rules (``sum`` of int32 gives int64, ``mean`` of ints gives float64) and axis
normalization are NumPy's business and live in :mod:`jitflow.ops.reductions`.
"""

from __future__ import annotations

import numpy as np
from jax.extend.mlir import ir
from jax.extend.mlir.dialects import stablehlo as hlo

from jitflow import errors
from jitflow.ops import mlir
from jitflow.tracer.avals import AbstractArray
from jitflow.tracer.context import bind
from jitflow.tracer.ir import Value, primitive


def identity(kind: str, dtype: np.dtype):
    """The value that ``kind`` leaves unchanged (the reduce's init value)."""
    if kind in ("sum", "or"):
        return 0
    if kind in ("prod", "and"):
        return 1
    if dtype.kind == "b":
        return kind == "min"  # max of bools starts at False, min at True
    if dtype.kind == "f":
        return -np.inf if kind == "max" else np.inf
    info = np.iinfo(dtype)
    return info.min if kind == "max" else info.max


_COMBINE = {
    "sum": hlo.add, "prod": hlo.multiply, "max": hlo.maximum, "min": hlo.minimum,
    "and": hlo.and_, "or": hlo.or_,
}
# bool sums and products are NumPy's or/and, which the NumPy layer asks for by name: an
# XLA add of two i1 would be an xor.
_KINDS = {"sum": "iufc", "prod": "iufc", "max": "iuf", "min": "iuf", "and": "b", "or": "b"}


def _scalar_type(dtype) -> ir.RankedTensorType:
    return ir.RankedTensorType.get([], mlir.element_type(dtype))


def _body(op, dtypes, emit) -> None:
    """Fill region 0 of ``op`` with ``return emit(*lhs, *rhs)`` over 0-d block arguments."""
    types = [_scalar_type(d) for d in dtypes]
    block = op.regions[0].blocks.append(*types, *types)
    with ir.InsertionPoint(block):
        args = list(block.arguments)
        hlo.return_(emit(*args))


def _compare_type(dtype: np.dtype) -> str:
    return {"f": "FLOAT", "i": "SIGNED", "u": "UNSIGNED", "b": "UNSIGNED"}[dtype.kind]


def _check_kind(name: str, kinds: str, x: AbstractArray) -> None:
    if x.dtype.kind not in kinds:
        raise errors.DTypeError(f"{name} is not defined for dtype {x.dtype}")


# -- monoid reductions over axes -----------------------------------------------------------


def _reducer(kind: str):
    name = f"reduce_{kind}"

    def abstract_eval(x, *, axes: tuple):
        _check_kind(name, _KINDS[kind], x)
        if list(axes) != sorted(set(axes)) or any(not 0 <= a < x.ndim for a in axes):
            raise errors.ShapeError(f"{name}: axes {axes} are not sorted axes of {x}")
        shape = tuple(d for i, d in enumerate(x.shape) if i not in axes)
        return AbstractArray(shape, x.dtype)

    def lower(ctx, x, *, axes):
        dtype = ctx.in_avals[0].dtype
        init = mlir.scalar_constant(identity(kind, dtype), dtype)
        op = hlo.ReduceOp([mlir.tensor_type(ctx.out_avals[0])], [x], [init], list(axes))
        _body(op, [dtype], lambda a, b: [_COMBINE[kind](a, b)])
        return list(op.results)

    differentiable = kind in ("sum", "prod", "max", "min")
    return primitive(name, abstract_eval, lower, differentiable=differentiable)


REDUCERS = {kind: _reducer(kind) for kind in _COMBINE}


def reduce(x: Value, kind: str, axes) -> Value:
    """Reduce ``x`` over ``axes`` with ``kind`` (sum, prod, max, min, and, or)."""
    axes = tuple(sorted(axes))
    if not axes:
        return x
    return bind(REDUCERS[kind], x, axes=axes)


# -- argmax / argmin -----------------------------------------------------------------------


def _arg_reducer(kind: str):
    name = f"arg{kind}"

    def abstract_eval(x, *, axis: int, index_dtype: np.dtype):
        _check_kind(name, "iufb", x)
        if not 0 <= axis < x.ndim or x.shape[axis] == 0:
            raise errors.ShapeError(f"{name}: axis {axis} is not a non-empty axis of {x}")
        shape = x.shape[:axis] + x.shape[axis + 1 :]
        return AbstractArray(shape, np.dtype(index_dtype))

    def lower(ctx, x, *, axis, index_dtype):
        x_aval, out = ctx.in_avals[0], ctx.out_avals[0]
        vtype, itype = x_aval.dtype, np.dtype(index_dtype)
        index = hlo.iota(
            mlir.tensor_type(x_aval.update(dtype=itype)),
            ir.IntegerAttr.get(ir.IntegerType.get_signless(64), axis),
        )
        _, found = _first_best(x, x_aval, index, kind, vtype, itype, out, axis)
        if vtype.kind != "f":
            return [found]
        # NaN wins, the first NaN: a second, boolean pass finds it. One reducer that also
        # ordered NaNs measured 2.5x slower (XLA:CPU stops vectorizing the reduction).
        nan_type = x_aval.update(dtype=np.dtype(bool))
        is_nan = hlo.compare(
            x, x, hlo.ComparisonDirectionAttr.get("NE"),
            compare_type=hlo.ComparisonTypeAttr.get(_compare_type(vtype)),
        )
        any_nan, first_nan = _first_best(
            is_nan, nan_type, index, "max", np.dtype(bool), itype, out, axis
        )
        return [hlo.select(any_nan, first_nan, found)]

    return primitive(name, abstract_eval, lower, differentiable=False)


def _first_best(x, x_aval, index, kind, vtype, itype, out, axis):
    """(best value, index of its first occurrence) along ``axis``, NaNs not ordered."""
    inits = [
        mlir.scalar_constant(identity(kind, vtype), vtype),
        mlir.scalar_constant(np.iinfo(itype).max, itype),
    ]
    result_types = [mlir.tensor_type(out.update(dtype=vtype)), mlir.tensor_type(out)]
    op = hlo.ReduceOp(result_types, [x, index], inits, [axis])
    _body(op, [vtype, itype], _arg_body(kind, vtype, itype))
    return op.results[0], op.results[1]


def _arg_body(kind: str, vtype: np.dtype, itype: np.dtype):
    """The region choosing between (value, index) pairs: the better value, on a tie the
    lower index (so the first occurrence wins, in whatever order XLA reduces)."""
    direction = "GT" if kind == "max" else "LT"

    def cmp(a, b, d, dtype):
        return hlo.compare(
            a, b, hlo.ComparisonDirectionAttr.get(d),
            compare_type=hlo.ComparisonTypeAttr.get(_compare_type(dtype)),
        )

    def emit(xv, xi, yv, yi):
        better = cmp(xv, yv, direction, vtype)
        same = cmp(xv, yv, "EQ", vtype)
        pick_x = hlo.or_(better, hlo.and_(same, cmp(xi, yi, "LT", itype)))
        return [hlo.select(pick_x, xv, yv), hlo.select(pick_x, xi, yi)]

    return emit


ARG_REDUCERS = {kind: _arg_reducer(kind) for kind in ("max", "min")}


def argreduce(x: Value, kind: str, axis: int, index_dtype=np.int64) -> Value:
    """The index of the first maximum (``kind="max"``) or minimum along ``axis``."""
    out = bind(ARG_REDUCERS[kind], x, axis=axis, index_dtype=np.dtype(index_dtype))
    out.bounds = (0, max(x.shape[axis] - 1, 0))  # an index into x needs no run-time check
    return out


# -- cumulative sums and products ----------------------------------------------------------


def _cumulative(kind: str):
    name = f"cum{kind}"

    def abstract_eval(x, *, axis: int):
        _check_kind(name, "iufc", x)
        if not 0 <= axis < x.ndim:
            raise errors.ShapeError(f"{name}: axis {axis} is not an axis of {x}")
        return x.update(weak=False)

    def lower(ctx, x, *, axis):
        aval = ctx.in_avals[0]
        n = aval.shape[axis]
        window = [n if i == axis else 1 for i in range(aval.ndim)]
        padding = [[n - 1 if i == axis else 0, 0] for i in range(aval.ndim)]
        init = mlir.scalar_constant(identity(kind, aval.dtype), aval.dtype)
        op = hlo.ReduceWindowOp(
            [mlir.tensor_type(ctx.out_avals[0])], [x], [init], window,
            padding=ir.DenseIntElementsAttr.get(
                np.asarray(padding, np.int64), type=ir.RankedTensorType.get(
                    [aval.ndim, 2], ir.IntegerType.get_signless(64))
            ),
        )
        _body(op, [aval.dtype], lambda a, b: [_COMBINE[kind](a, b)])
        return list(op.results)

    return primitive(name, abstract_eval, lower)


CUMULATIVE = {kind: _cumulative(kind) for kind in ("sum", "prod")}


def cumulative(x: Value, kind: str, axis: int) -> Value:
    """Running sum or product of ``x`` along ``axis`` (same shape and dtype)."""
    if x.shape[axis] <= 1:
        return x
    return bind(CUMULATIVE[kind], x, axis=axis)
