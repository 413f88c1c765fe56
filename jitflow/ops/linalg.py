"""Linear algebra: the ``dot_general`` primitive, and NumPy's products built on it.

``dot_general`` is XLA's one contraction op (as ``jax.lax.dot_general``): operands of one
dtype, contracting dimensions summed over, batch dimensions carried along; the result is
``batch + lhs free + rhs free`` dimensions. Floats use precision HIGHEST, so GPUs and TPUs
do not trade accuracy for speed behind the user's back (NumPy never does).

The NumPy layer adds what NumPy means: ``np.matmul``'s 1-D promotion and batch
broadcasting, ``np.dot``'s N-D rule (last axis of ``a`` with the second-to-last of ``b``),
``np.inner``, ``np.outer``, ``np.vdot``, ``np.tensordot``; ``np.einsum`` lives in
:mod:`jitflow.ops.einsum`. Result dtypes come from NumPy itself, called on one-element
arrays. Bool products are logical (OR of ANDs), computed as an int32 product tested
against zero; integer products are exact (wrapping as NumPy's do).
"""

from __future__ import annotations

import functools
import operator

import numpy as np
from jax.extend.mlir import ir
from jax.extend.mlir.dialects import stablehlo as hlo

from jitflow import errors
from jitflow.ops import elementwise as ew
from jitflow.ops import mlir
from jitflow.ops import shape as sh
from jitflow.ops.ufuncs import write_out_exact
from jitflow.ops.constants import constant, to_value, wrap
from jitflow.ops.reductions import no_out
from jitflow.tracer.avals import AbstractArray
from jitflow.tracer.context import bind
from jitflow.tracer.ir import Value, primitive
from jitflow.tracer.numpy_api import call, implements
from jitflow.tracer.source import at_user_line

# -- the primitive -----------------------------------------------------------------------------


def _dot_general_eval(lhs, rhs, *, contract: tuple, batch: tuple):
    (lc, rc), (lb, rb) = contract, batch
    if lhs.dtype != rhs.dtype or lhs.dtype.kind not in "iufc":
        raise errors.DTypeError(f"dot_general: operands {lhs}, {rhs} need one numeric dtype")
    for dims, x in ((lc + lb, lhs), (rc + rb, rhs)):
        if len(set(dims)) != len(dims) or any(not 0 <= d < x.ndim for d in dims):
            raise errors.ShapeError(f"dot_general: dimensions {dims} do not fit {x}")
    if len(lc) != len(rc) or len(lb) != len(rb) or any(
        lhs.shape[i] != rhs.shape[j] for i, j in zip(lc + lb, rc + rb)
    ):
        raise errors.ShapeError(
            f"dot_general: {lhs} and {rhs} do not match along {contract} / {batch}"
        )
    free_l = [d for i, d in enumerate(lhs.shape) if i not in lc + lb]
    free_r = [d for i, d in enumerate(rhs.shape) if i not in rc + rb]
    shape = tuple(lhs.shape[i] for i in lb) + tuple(free_l) + tuple(free_r)
    return AbstractArray(shape, lhs.dtype)


def _dot_general_lower(ctx, lhs, rhs, *, contract, batch):
    (lc, rc), (lb, rb) = contract, batch
    dims = hlo.DotDimensionNumbers.get(
        lhs_batching_dimensions=list(lb), rhs_batching_dimensions=list(rb),
        lhs_contracting_dimensions=list(lc), rhs_contracting_dimensions=list(rc),
    )
    precision = None
    if ctx.in_avals[0].dtype.kind in "fc":
        highest = hlo.PrecisionAttr.get("HIGHEST")
        precision = ir.ArrayAttr.get([highest, highest])
    out = mlir.tensor_type(ctx.out_avals[0])
    return [hlo.dot_general(out, lhs, rhs, dims, precision_config=precision)]


dot_general_p = primitive("dot_general", _dot_general_eval, _dot_general_lower)


def dot_general(lhs: Value, rhs: Value, contract, batch=((), ())) -> Value:
    """Contract ``lhs`` with ``rhs`` (one dtype); on bool, NumPy's OR of ANDs."""
    contract = (tuple(contract[0]), tuple(contract[1]))
    batch = (tuple(batch[0]), tuple(batch[1]))
    if lhs.dtype != np.bool_:
        return bind(dot_general_p, lhs, rhs, contract=contract, batch=batch)
    ints = [ew.convert(v, np.int32) for v in (lhs, rhs)]
    count = bind(dot_general_p, *ints, contract=contract, batch=batch)
    return ew.compare(count, sh.broadcast_to(constant(np.int32(0)), count.shape), "NE")


# -- shared NumPy-layer helpers ------------------------------------------------------------------


@functools.lru_cache(maxsize=1024)
def _cached_dtype(fn, signature: tuple, kwargs: tuple) -> np.dtype:
    args = [dtype.type(0).item() if weak else np.zeros((1,) * ndim, dtype)
            for dtype, ndim, weak in signature]
    return np.asarray(fn(*args, **dict(kwargs))).dtype


def product_dtype(name: str, fn, values, **kwargs) -> np.dtype:
    """The dtype NumPy's ``fn`` returns for operands like ``values`` (size-1 stand-ins)."""
    signature = tuple((v.dtype, v.ndim, v.aval.weak and v.ndim == 0) for v in values)
    kwargs = {k: np.dtype(v) if k == "dtype" and v is not None else v for k, v in kwargs.items()}
    try:
        return _cached_dtype(fn, signature, tuple(sorted(kwargs.items())))
    except (TypeError, ValueError, IndexError) as e:
        shown = ", ".join(str(v.aval) for v in values)
        raise errors.like_numpy(e, errors.InvalidValueError, type_error=errors.DTypeError)(
            at_user_line(f"np.{name} refuses operands ({shown}): {e}")
        ) from None


def shape_error(name: str, a: Value, b: Value, why: str):
    return errors.ShapeError(
        at_user_line(
            f"np.{name}: shapes {a.shape} and {b.shape} do not fit: {why}. Check which axes "
            "should be multiplied together (transpose or reshape an operand)."
        )
    )


def multiply(a: Value, b: Value) -> Value:
    """Broadcast elementwise product in one dtype (logical AND on bool)."""
    shape = np.broadcast_shapes(a.shape, b.shape)
    a, b = sh.broadcast_to(a, shape), sh.broadcast_to(b, shape)
    return ew.apply(ew.and_p if a.dtype == np.bool_ else ew.mul_p, a, b)


def conjugate(a: Value) -> Value:
    if a.dtype.kind != "c":
        return a
    return call(np.conjugate, wrap(a)).value


def _operands(name: str, fn, a, b, **kwargs):
    """Both operands as values of NumPy's result dtype for ``fn``."""
    a, b = to_value(a), to_value(b)
    dtype = product_dtype(name, fn, (a, b), **kwargs)
    return ew.convert(a, dtype), ew.convert(b, dtype)


# -- matmul, dot, inner, outer, vdot, tensordot --------------------------------------------------


@implements(np.matmul)
def matmul(x1, x2, /, out=None, *, casting="same_kind", order="K", dtype=None, subok=True,
           **kwargs):
    if kwargs:
        raise errors.UnsupportedError(
            at_user_line(f"np.matmul: arguments {sorted(kwargs)} are not supported.")
        )
    a, b = to_value(x1), to_value(x2)
    for i, v in enumerate((a, b)):
        if v.ndim == 0:
            raise errors.ShapeError(
                at_user_line(
                    f"np.matmul: input operand {i} is 0-d; matmul needs at least one axis. "
                    "Use np.multiply (or *) to scale by a scalar."
                )
            )
    out_dtype = product_dtype("matmul", np.matmul, (a, b), dtype=dtype)
    a, b = ew.convert(a, out_dtype), ew.convert(b, out_dtype)
    r = _matmul(a, b)
    if out is None:
        return wrap(r)
    return write_out_exact("matmul", out, r, casting)


def _matmul(a: Value, b: Value) -> Value:
    a_vec, b_vec = a.ndim == 1, b.ndim == 1
    a = sh.reshape(a, (1,) + a.shape) if a_vec else a  # 1-D operands become matrices...
    b = sh.reshape(b, b.shape + (1,)) if b_vec else b
    if a.shape[-1] != b.shape[-2]:
        raise shape_error("matmul", a, b, f"core dimensions {a.shape[-1]} != {b.shape[-2]}")
    try:
        batch = np.broadcast_shapes(a.shape[:-2], b.shape[:-2])
    except ValueError:
        raise shape_error("matmul", a, b, "the batch dimensions do not broadcast") from None
    if b.ndim == 2:  # no batch on the right: one plain contraction, nothing broadcast
        r = dot_general(a, b, ((a.ndim - 1,), (0,)))
    else:
        a = sh.broadcast_to(a, batch + a.shape[-2:])
        b = sh.broadcast_to(b, batch + b.shape[-2:])
        nb = len(batch)
        r = dot_general(a, b, ((nb + 1,), (nb,)), (tuple(range(nb)), tuple(range(nb))))
    # ...and lose their promoted axis again.
    rows = () if a_vec else r.shape[-2:-1]
    cols = () if b_vec else r.shape[-1:]
    return sh.reshape(r, r.shape[:-2] + rows + cols)


@implements(np.dot)
def dot(a, b, out=None):
    no_out("dot", out)
    a, b = _operands("dot", np.dot, a, b)
    if a.ndim == 0 or b.ndim == 0:
        return wrap(multiply(a, b))  # NumPy: a scalar operand means a plain product
    cb = 0 if b.ndim == 1 else b.ndim - 2
    if a.shape[-1] != b.shape[cb]:
        raise shape_error("dot", a, b, f"dim {a.ndim - 1} of a != dim {cb} of b")
    return wrap(dot_general(a, b, ((a.ndim - 1,), (cb,))))


@implements(np.inner)
def inner(a, b):
    a, b = _operands("inner", np.inner, a, b)
    if a.ndim == 0 or b.ndim == 0:
        return wrap(multiply(a, b))
    if a.shape[-1] != b.shape[-1]:
        raise shape_error("inner", a, b, "the last dimensions differ")
    return wrap(dot_general(a, b, ((a.ndim - 1,), (b.ndim - 1,))))


@implements(np.outer)
def outer(a, b, out=None):
    no_out("outer", out)
    a, b = _operands("outer", np.outer, a, b)
    a = sh.reshape(a, (a.aval.size, 1))
    b = sh.reshape(b, (1, b.aval.size))
    return wrap(multiply(a, b))


@implements(np.vdot)
def vdot(a, b):
    a, b = _operands("vdot", np.vdot, a, b)
    if a.aval.size != b.aval.size:
        raise shape_error("vdot", a, b, f"sizes {a.aval.size} and {b.aval.size} differ")
    a = sh.reshape(conjugate(a), (a.aval.size,))
    b = sh.reshape(b, (b.aval.size,))
    return wrap(dot_general(a, b, ((0,), (0,))))


@implements(np.tensordot)
def tensordot(a, b, axes=2):
    a, b = _operands("tensordot", np.dot, a, b)  # tensordot is np.dot of reshapes
    axes_a, axes_b = _tensordot_axes(a, b, axes)
    if any(a.shape[i] != b.shape[j] for i, j in zip(axes_a, axes_b)):
        raise shape_error("tensordot", a, b, f"axes {axes_a} and {axes_b} differ in size")
    if not axes_a:
        a = sh.reshape(a, a.shape + (1,) * b.ndim)
        return wrap(multiply(a, b))  # no axis contracted: an outer product
    return wrap(dot_general(a, b, (axes_a, axes_b)))


def _tensordot_axes(a: Value, b: Value, axes):
    """NumPy's ``axes``: N (last N of a with first N of b) or a pair of axis lists."""
    try:
        if isinstance(axes, (int, np.integer)):
            n = operator.index(axes)
            if n < 0 or n > min(a.ndim, b.ndim):
                raise ValueError(f"axes={n} does not fit operands of {a.ndim} and {b.ndim} dims")
            return tuple(range(a.ndim - n, a.ndim)), tuple(range(n))
        axes_a, axes_b = axes
        axes_a = [axes_a] if isinstance(axes_a, (int, np.integer)) else list(axes_a)
        axes_b = [axes_b] if isinstance(axes_b, (int, np.integer)) else list(axes_b)
        if len(axes_a) != len(axes_b):
            raise ValueError("the two axis lists differ in length")
        norm = np.lib.array_utils.normalize_axis_tuple
        return norm(axes_a, a.ndim), norm(axes_b, b.ndim)
    except errors.JitflowError:
        raise
    except (TypeError, ValueError, IndexError) as e:
        raise shape_error("tensordot", a, b, f"axes={axes!r} ({e})") from None


# np.einsum is built on dot_general too; importing it registers it with the others.
from jitflow.ops import einsum as _einsum  # noqa: E402,F401
