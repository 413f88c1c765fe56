"""NumPy's ufuncs on traced arrays: promotion, broadcasting, ``out=``, exact semantics.

Each ufunc's dtype rule is NumPy's own: ``ufunc.resolve_dtypes`` picks the loop NumPy
would run (NEP 50 weak Python scalars included), the operands are converted to that loop's
input dtypes and broadcast together, and an implementation composed of elementwise
primitives computes the result in the loop's output dtype. So ``np.sin`` of int16 gives
float32 and ``int8 + 1`` stays int8, exactly as NumPy.
"""

from __future__ import annotations

import functools

import numpy as np

from jitflow import errors
from jitflow.ops import elementwise as ew
from jitflow.ops import shape as sh
from jitflow.ops.constants import constant, to_value, wrap
from jitflow.tracer.array import Tracer
from jitflow.tracer.avals import AbstractArray
from jitflow.tracer.ir import Value
from jitflow.tracer.numpy_api import implements
from jitflow.tracer.source import at_user_line


@functools.lru_cache(maxsize=4096)
def _resolve(ufunc: np.ufunc, in_types: tuple) -> tuple[np.dtype, ...]:
    return ufunc.resolve_dtypes(in_types + (None,) * ufunc.nout)


def resolve(ufunc: np.ufunc, values: list[Value]) -> tuple[np.dtype, ...]:
    """The loop dtypes (inputs then outputs) NumPy would use for these operands."""
    types = tuple(v.aval.promotion_type() for v in values)
    try:
        return _resolve(ufunc, types)
    except TypeError as e:  # NumPy's own UFuncTypeError / no-loop errors
        shown = ", ".join(str(v.aval) for v in values)
        raise errors.DTypeError(
            at_user_line(f"np.{ufunc.__name__} is not defined for operands ({shown}): {e}")
        ) from None


def broadcast_shapes(*shapes) -> tuple[int, ...]:
    try:
        return np.broadcast_shapes(*shapes)
    except ValueError:
        raise errors.ShapeError(
            at_user_line(
                "operands could not be broadcast together with shapes "
                + " ".join(str(tuple(s)) for s in shapes)
            )
        ) from None


def prepare(values: list[Value], dtypes) -> list[Value]:
    """Convert operands to ``dtypes`` and broadcast them to their common shape."""
    shape = broadcast_shapes(*(v.shape for v in values))
    weak = all(v.aval.weak for v in values)
    return [sh.broadcast_to(ew.convert(v, d, weak), shape) for v, d in zip(values, dtypes)]


# ufunc -> implementation on prepared Values: (*values, out_dtypes) -> Value | tuple.
_IMPLS: dict[np.ufunc, callable] = {}


def _ufunc_impl(*ufuncs):
    def register(fn):
        for u in ufuncs:
            _IMPLS[u] = fn
            implements(u)(functools.partial(call_ufunc, u))
        return fn

    return register


def call_ufunc(ufunc: np.ufunc, *args, out=None, where=True, dtype=None, casting="same_kind", **kw):
    """``ufunc(*args, out=..., dtype=...)`` on traced operands, as NumPy computes it."""
    if kw.pop("order", "K") not in ("K", "C", "A", "F") or kw:
        raise errors.UnsupportedError(
            at_user_line(f"np.{ufunc.__name__}: arguments {sorted(kw)} are not supported")
        )
    if where is not True:
        raise errors.UnsupportedError(
            at_user_line(f"np.{ufunc.__name__}(where=...) is not supported; use np.where.")
        )
    values = [to_value(a) for a in args]
    if len(values) != ufunc.nin:
        raise TypeError(f"np.{ufunc.__name__} takes {ufunc.nin} arguments, got {len(values)}")
    if dtype is not None:
        types = tuple(np.dtype(dtype) for _ in values)
        loop = ufunc.resolve_dtypes(types + (None,) * ufunc.nout)
    else:
        loop = resolve(ufunc, values)
    in_dtypes, out_dtypes = loop[: ufunc.nin], loop[ufunc.nin :]
    prepared = prepare(values, in_dtypes)
    result = _IMPLS[ufunc](*prepared, out_dtypes=out_dtypes)
    results = result if isinstance(result, tuple) else (result,)
    weak = all(v.aval.weak for v in values)
    results = tuple(ew.convert(r, d, weak) for r, d in zip(results, out_dtypes))
    if out is not None:
        outs = out if isinstance(out, tuple) else (out,)
        return _write_out(ufunc, outs, results, casting)
    wrapped = tuple(wrap(r) for r in results)
    return wrapped if ufunc.nout > 1 else wrapped[0]


def _write_out(ufunc, outs, results, casting):
    """``out=`` and in-place operators: cast as NumPy would and rebind the target."""
    written = []
    for target, r in zip(outs, results):
        if not isinstance(target, Tracer):
            raise errors.UnsupportedError(
                at_user_line(
                    f"np.{ufunc.__name__}(out=...) needs the output to be a traced array, "
                    f"not a {type(target).__name__}: a NumPy array created inside the "
                    "function cannot receive traced values. Create it with np.zeros_like "
                    "of a traced array, or assign the result instead."
                )
            )
        if not np.can_cast(r.aval.dtype, target.dtype, casting=casting) and not r.aval.weak:
            raise errors.DTypeError(
                at_user_line(
                    f"Cannot cast np.{ufunc.__name__} output from {r.aval.dtype} to "
                    f"{target.dtype} with casting rule '{casting}' (as NumPy refuses too). "
                    "Use an explicit astype, or write to an array of the result's dtype."
                )
            )
        target.assign(sh.broadcast_to(ew.convert(r, target.dtype), target.shape))
        written.append(target)
    return tuple(written) if len(written) > 1 else written[0]


# -- implementations -------------------------------------------------------------------

_SIMPLE = {
    np.add: ew.add_p, np.subtract: ew.sub_p, np.multiply: ew.mul_p,
    np.negative: ew.neg_p, np.absolute: ew.abs_p, np.sqrt: ew.sqrt_p, np.cbrt: ew.cbrt_p,
    np.exp: ew.exp_p, np.expm1: ew.expm1_p, np.log: ew.log_p, np.log1p: ew.log1p_p,
    np.sin: ew.sin_p, np.cos: ew.cos_p, np.tan: ew.tan_p, np.arcsin: ew.asin_p,
    np.arccos: ew.acos_p, np.arctan: ew.atan_p, np.sinh: ew.sinh_p, np.cosh: ew.cosh_p,
    np.tanh: ew.tanh_p, np.arcsinh: ew.asinh_p, np.arccosh: ew.acosh_p,
    np.arctanh: ew.atanh_p, np.floor: ew.floor_p, np.ceil: ew.ceil_p, np.rint: ew.round_p,
    np.arctan2: ew.atan2_p, np.fabs: ew.abs_p, np.nextafter: ew.nextafter_p,
}


def _simple(prim):
    return lambda *xs, out_dtypes: ew.apply(prim, *xs)


for _u, _p in _SIMPLE.items():
    _ufunc_impl(_u)(_simple(_p))
