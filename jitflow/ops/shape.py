"""Shape primitives: broadcast, reshape, transpose, slice, concatenate, reverse, pad, iota,
and the dynamic slice/update pair used for traced indices.

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
