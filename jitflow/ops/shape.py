"""Shape primitives: broadcast, reshape, transpose, slice, concatenate, reverse, pad, iota,
the dynamic slice/update pair used for traced indices, and gather/scatter for integer-array
indexing.

Each takes static params (tuples of ints) and lowers to the StableHLO op of the same name.
NumPy's shape functions (``np.reshape``, ``np.stack``, ``np.tile``, ...) are compositions
of these, in :mod:`jitflow.ops.shape_functions`.
"""

from __future__ import annotations

import math

import numpy as np
from jax.extend.mlir import ir
from jax.extend.mlir.dialects import stablehlo as hlo

from jitflow import errors
from jitflow.ops import mlir
from jitflow.tracer.avals import AbstractArray
from jitflow.tracer.context import bind
from jitflow.tracer.ir import Value, primitive


def _out(ctx) -> ir.Type:
    return mlir.tensor_type(ctx.out_avals[0])


# -- broadcast_in_dim --------------------------------------------------------------------
def _broadcast_eval(x, *, shape: tuple, dims: tuple):
    if len(dims) != x.ndim or any(
        x.shape[i] not in (1, shape[d]) for i, d in enumerate(dims)
    ):
        raise errors.ShapeError(f"cannot broadcast {x} to shape {shape} along {dims}")
    return x.update(shape=tuple(shape))


def _broadcast_lower(ctx, x, *, shape, dims):
    return [hlo.broadcast_in_dim(_out(ctx), x, mlir.dense_i64(dims))]


broadcast_in_dim_p = primitive("broadcast_in_dim", _broadcast_eval, _broadcast_lower)


# -- reshape -----------------------------------------------------------------------------
def _reshape_eval(x, *, shape: tuple):
    if math.prod(shape) != x.size:
        raise errors.ShapeError(f"cannot reshape {x} to {shape}")
    return x.update(shape=tuple(shape))


def _reshape_lower(ctx, x, *, shape):
    return [hlo.reshape(_out(ctx), x)]


reshape_p = primitive("reshape", _reshape_eval, _reshape_lower)


# -- transpose ---------------------------------------------------------------------------
def _transpose_eval(x, *, perm: tuple):
    if sorted(perm) != list(range(x.ndim)):
        raise errors.ShapeError(f"transpose: {perm} is not a permutation of {x}'s axes")
    return x.update(shape=tuple(x.shape[p] for p in perm))


def _transpose_lower(ctx, x, *, perm):
    return [hlo.transpose(x, mlir.dense_i64(perm))]


transpose_p = primitive("transpose", _transpose_eval, _transpose_lower)


# -- slice (static, positive strides) ------------------------------------------------------
def _slice_eval(x, *, start: tuple, limit: tuple, strides: tuple):
    shape = []
    for s, l, st, n in zip(start, limit, strides, x.shape):
        if not (0 <= s <= l <= n and st >= 1):
            raise errors.ShapeError(f"slice [{start}:{limit}:{strides}] out of {x}")
        shape.append(max(0, -(-(l - s) // st)))
    return x.update(shape=tuple(shape))


def _slice_lower(ctx, x, *, start, limit, strides):
    return [hlo.slice(x, mlir.dense_i64(start), mlir.dense_i64(limit), mlir.dense_i64(strides))]


slice_p = primitive("slice", _slice_eval, _slice_lower)


# -- concatenate ---------------------------------------------------------------------------
def _concat_eval(*xs, axis: int):
    first = xs[0]
    for x in xs[1:]:
        if x.dtype != first.dtype or x.ndim != first.ndim or any(
            a != b for i, (a, b) in enumerate(zip(x.shape, first.shape)) if i != axis
        ):
            raise errors.ShapeError(f"concatenate: {xs} do not fit along axis {axis}")
    shape = list(first.shape)
    shape[axis] = sum(x.shape[axis] for x in xs)
    return AbstractArray(tuple(shape), first.dtype, all(x.weak for x in xs))


def _concat_lower(ctx, *xs, axis):
    return [hlo.concatenate(list(xs), ir.IntegerAttr.get(ir.IntegerType.get_signless(64), axis))]


concatenate_p = primitive("concatenate", _concat_eval, _concat_lower)


# -- reverse -----------------------------------------------------------------------------
def _rev_eval(x, *, dims: tuple):
    return x


def _rev_lower(ctx, x, *, dims):
    return [hlo.reverse(x, mlir.dense_i64(dims))]


rev_p = primitive("reverse", _rev_eval, _rev_lower)


# -- pad (constant value, low/high/interior) ------------------------------------------------
def _pad_eval(x, pad_value, *, low: tuple, high: tuple, interior: tuple):
    if pad_value.shape != () or pad_value.dtype != x.dtype:
        raise errors.ShapeError(f"pad: padding value {pad_value} does not fit {x}")
    shape = tuple(
        lo + hi + n + max(0, n - 1) * it for n, lo, hi, it in zip(x.shape, low, high, interior)
    )
    return x.update(shape=shape)


def _pad_lower(ctx, x, pad_value, *, low, high, interior):
    return [
        hlo.pad(x, pad_value, mlir.dense_i64(low), mlir.dense_i64(high), mlir.dense_i64(interior))
    ]


pad_p = primitive("pad", _pad_eval, _pad_lower)


# -- iota --------------------------------------------------------------------------------
def _iota_eval(*, shape: tuple, dtype: np.dtype, dimension: int):
    return AbstractArray(tuple(shape), np.dtype(dtype))


def _iota_lower(ctx, *, shape, dtype, dimension):
    return [hlo.iota(_out(ctx), ir.IntegerAttr.get(ir.IntegerType.get_signless(64), dimension))]


iota_p = primitive("iota", _iota_eval, _iota_lower, differentiable=False)


# -- dynamic slice / update (start indices are traced 0-d integers) ------------------------
def _dslice_eval(x, *starts, sizes: tuple):
    if len(starts) != x.ndim or any(s.shape != () or s.dtype.kind not in "iu" for s in starts):
        raise errors.ShapeError(f"dynamic_slice of {x} needs {x.ndim} scalar integer starts")
    return x.update(shape=tuple(sizes))


def _dslice_lower(ctx, x, *starts, sizes):
    return [hlo.dynamic_slice(x, list(starts), mlir.dense_i64(sizes))]


dynamic_slice_p = primitive("dynamic_slice", _dslice_eval, _dslice_lower)


def _dupdate_eval(x, update, *starts):
    if update.ndim != x.ndim or update.dtype != x.dtype or len(starts) != x.ndim:
        raise errors.ShapeError(f"dynamic_update_slice: {update} does not fit {x}")
    return x


def _dupdate_lower(ctx, x, update, *starts):
    return [hlo.dynamic_update_slice(x, update, list(starts))]


dynamic_update_slice_p = primitive("dynamic_update_slice", _dupdate_eval, _dupdate_lower)


# -- gather / scatter (integer-array indexing) ------------------------------------------------
# StableHLO's general forms without batching dims. Out-of-range indices: gather clamps the
# slice into the operand, scatter skips the update (XLA's semantics); the NumPy layer
# checks static indices and documents what happens to traced ones.
def _gather_eval(x, idx, *, offset_dims, collapsed_slice_dims, start_index_map,
                 index_vector_dim, slice_sizes):
    if idx.dtype.kind not in "iu":
        raise errors.DTypeError(f"gather: indices {idx} are not integers")
    batch = [d for i, d in enumerate(idx.shape) if i != index_vector_dim]
    offset = iter([s for i, s in enumerate(slice_sizes) if i not in collapsed_slice_dims])
    batch_it = iter(batch)
    rank = len(batch) + len(slice_sizes) - len(collapsed_slice_dims)
    shape = tuple(next(offset) if d in offset_dims else next(batch_it) for d in range(rank))
    return AbstractArray(shape, x.dtype)


def _gather_lower(ctx, x, idx, *, offset_dims, collapsed_slice_dims, start_index_map,
                  index_vector_dim, slice_sizes):
    dnums = hlo.GatherDimensionNumbers.get(
        offset_dims=list(offset_dims), collapsed_slice_dims=list(collapsed_slice_dims),
        operand_batching_dims=[], start_indices_batching_dims=[],
        start_index_map=list(start_index_map), index_vector_dim=index_vector_dim,
    )
    return [hlo.gather(x, idx, dnums, mlir.dense_i64(slice_sizes), indices_are_sorted=False)]


gather_p = primitive("gather", _gather_eval, _gather_lower)

_SCATTER_COMBINE = {
    "set": lambda old, new: new, "add": hlo.add, "mul": hlo.multiply,
    "max": hlo.maximum, "min": hlo.minimum,
}


def _scatter_eval(x, idx, updates, *, update_window_dims, inserted_window_dims,
                  scatter_dims_to_operand_dims, index_vector_dim, mode: str):
    if idx.dtype.kind not in "iu" or updates.dtype != x.dtype or mode not in _SCATTER_COMBINE:
        raise errors.DTypeError(f"scatter: indices {idx} or updates {updates} do not fit {x}")
    return AbstractArray(x.shape, x.dtype)


def _scatter_lower(ctx, x, idx, updates, *, update_window_dims, inserted_window_dims,
                   scatter_dims_to_operand_dims, index_vector_dim, mode):
    dnums = hlo.ScatterDimensionNumbers.get(
        update_window_dims=list(update_window_dims),
        inserted_window_dims=list(inserted_window_dims),
        input_batching_dims=[], scatter_indices_batching_dims=[],
        scattered_dims_to_operand_dims=list(scatter_dims_to_operand_dims),
        index_vector_dim=index_vector_dim,
    )
    op = hlo.ScatterOp([_out(ctx)], [x], idx, [updates], dnums,
                       indices_are_sorted=False, unique_indices=False)
    scalar = ir.RankedTensorType.get([], mlir.element_type(ctx.out_avals[0].dtype))
    block = op.update_computation.blocks.append(scalar, scalar)
    with ir.InsertionPoint(block):
        hlo.return_([_SCATTER_COMBINE[mode](*block.arguments)])
    return list(op.results)


scatter_p = primitive("scatter", _scatter_eval, _scatter_lower)


# -- Value-level helpers -----------------------------------------------------------------


def broadcast_in_dim(x: Value, shape, dims) -> Value:
    if x.shape == tuple(shape):
        return x
    return bind(broadcast_in_dim_p, x, shape=tuple(shape), dims=tuple(dims))


def broadcast_to(x: Value, shape) -> Value:
    """NumPy broadcasting of ``x`` to ``shape`` (trailing axes aligned)."""
    shape = tuple(shape)
    if x.shape == shape:
        return x
    lead = len(shape) - x.ndim
    if lead < 0 or any(d not in (1, shape[lead + i]) for i, d in enumerate(x.shape)):
        raise errors.ShapeError(
            f"operands could not be broadcast together: shape {x.shape} to {shape}"
        )
    # Size-1 axes that grow are dropped first so broadcast_in_dim sees a clean operand.
    return bind(broadcast_in_dim_p, x, shape=shape, dims=tuple(range(lead, len(shape))))


def reshape(x: Value, shape) -> Value:
    shape = tuple(int(d) for d in shape)
    if x.shape == shape:
        return x
    return bind(reshape_p, x, shape=shape)


def transpose(x: Value, perm) -> Value:
    perm = tuple(perm)
    if perm == tuple(range(x.ndim)):
        return x
    return bind(transpose_p, x, perm=perm)


def slice_(x: Value, start, limit, strides=None) -> Value:
    strides = tuple(strides) if strides is not None else (1,) * x.ndim
    if tuple(start) == (0,) * x.ndim and tuple(limit) == x.shape and set(strides) <= {1}:
        return x
    return bind(slice_p, x, start=tuple(start), limit=tuple(limit), strides=strides)


def concatenate(xs, axis: int) -> Value:
    return xs[0] if len(xs) == 1 else bind(concatenate_p, *xs, axis=axis)


def rev(x: Value, dims) -> Value:
    return x if not dims else bind(rev_p, x, dims=tuple(dims))


def pad(x: Value, pad_value: Value, low, high, interior=None) -> Value:
    interior = tuple(interior) if interior is not None else (0,) * x.ndim
    return bind(pad_p, x, pad_value, low=tuple(low), high=tuple(high), interior=interior)


def iota(dtype, shape, dimension: int) -> Value:
    return bind(iota_p, shape=tuple(shape), dtype=np.dtype(dtype), dimension=dimension)


def dynamic_slice(x: Value, starts, sizes) -> Value:
    return bind(dynamic_slice_p, x, *starts, sizes=tuple(sizes))


def dynamic_update_slice(x: Value, update: Value, starts) -> Value:
    return bind(dynamic_update_slice_p, x, update, *starts)


def take(x: Value, idx: Value, axis: int) -> Value:
    """``x`` indexed along ``axis`` by the integer array ``idx`` (in range): the result's
    shape is ``x.shape[:axis] + idx.shape + x.shape[axis + 1:]``, as ``np.take``."""
    return gather(x, reshape(idx, idx.shape + (1,)), (axis,))


def gather(x: Value, idx: Value, axes) -> Value:
    """``x[idx[..., 0], idx[..., 1], ...]`` over ``axes`` (one per entry of idx's last
    dim); the indexed axes are replaced, at the first of them, by ``idx.shape[:-1]``."""
    axes = tuple(axes)
    batch = idx.ndim - 1
    first = min(axes) if axes else 0
    kept = [d for d in range(x.ndim) if d not in axes]
    # Output: kept dims before `first`, the batch dims, then the other kept dims.
    offset_dims = tuple(
        i if d < first else i + batch for i, d in enumerate(kept)
    )
    sizes = tuple(1 if d in axes else n for d, n in enumerate(x.shape))
    return bind(gather_p, x, idx, offset_dims=offset_dims, collapsed_slice_dims=tuple(sorted(axes)),
                start_index_map=axes, index_vector_dim=batch, slice_sizes=sizes)


def scatter(x: Value, idx: Value, updates: Value, axes, mode: str = "set") -> Value:
    """The inverse of :func:`gather`: write ``updates`` (shaped like ``gather``'s result)
    into ``x`` at ``idx`` over ``axes``; ``mode`` "set", "add", "mul", "max" or "min"
    combines with the old value. Duplicate indices with mode "set" leave an unspecified winner."""
    axes = tuple(axes)
    batch = idx.ndim - 1
    first = min(axes) if axes else 0
    kept = [d for d in range(x.ndim) if d not in axes]
    window = tuple(i if d < first else i + batch for i, d in enumerate(kept))
    return bind(scatter_p, x, idx, updates, update_window_dims=window,
                inserted_window_dims=tuple(sorted(axes)), scatter_dims_to_operand_dims=axes,
                index_vector_dim=batch, mode=mode)
