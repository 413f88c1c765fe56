"""Elementwise primitives: one StableHLO (or CHLO) op each, operands of equal shape.

These are the building blocks, like ``jax.lax``'s: operands already share one shape and
(except for ``select``, ``compare``, ``convert``, ``bitcast`` and ``complex``) one dtype.
Two integer primitives, ``gcd`` and ``int_pow``, lower to a counted ``stablehlo.while``
because XLA has no gcd and its integer pow reads only 6 exponent bits. Broadcasting,
NumPy's type promotion and NumPy's exact semantics (floor division, Python-style
remainder, ...) live in :mod:`jitflow.ops.ufuncs`, composed from these.
"""

from __future__ import annotations

import numpy as np
from jax.extend.mlir import ir
from jax.extend.mlir.dialects import chlo
from jax.extend.mlir.dialects import stablehlo as hlo

from jitflow import errors
from jitflow.ops import casts, mlir
from jitflow.ops.constants import constant, constant_p
from jitflow.tracer.avals import AbstractArray
from jitflow.tracer.context import bind
from jitflow.tracer.ir import Value, primitive


def _same(*avals: AbstractArray, name: str) -> AbstractArray:
    first = avals[0]
    for a in avals[1:]:
        if a.shape != first.shape or a.dtype != first.dtype:
            raise errors.ShapeError(f"{name}: operands {avals} differ in shape or dtype")
    return first.update(weak=all(a.weak for a in avals))


def _float_only(name, kinds):
    def check(aval):
        if aval.dtype.kind not in kinds:
            raise errors.DTypeError(f"{name} is not defined for dtype {aval.dtype}")

    return check


def _unary(name, emit, kinds="iufcb", out_dtype=None, differentiable=True):
    """Define a unary elementwise primitive lowered by ``emit(x) -> ir.Value``."""
    check = _float_only(name, kinds)

    def abstract_eval(x, **params):
        check(x)
        return x if out_dtype is None else AbstractArray(x.shape, np.dtype(out_dtype(x.dtype)))

    def lower(ctx, x, **params):
        return [emit(x)]

    return primitive(name, abstract_eval, lower, differentiable=differentiable)


def _binary_eval(name, kinds):
    check = _float_only(name, kinds)

    def abstract_eval(x, y):
        out = _same(x, y, name=name)
        check(out)
        return out

    return abstract_eval


def _binary(name, emit, kinds="iufcb", differentiable=True):
    """Define a binary elementwise primitive lowered by ``emit(x, y) -> ir.Value``."""

    def lower(ctx, x, y):
        return [emit(x, y)]

    return primitive(name, _binary_eval(name, kinds), lower, differentiable=differentiable)


def _real_dtype(dtype):
    return np.finfo(dtype).dtype if dtype.kind == "c" else dtype


# -- unary -------------------------------------------------------------------------------
F, FC, INT = "f", "fc", "iub"
neg_p = _unary("negate", hlo.negate, "iufc")
abs_p = _unary("abs", hlo.abs, "iufc", out_dtype=_real_dtype)
sign_p = _unary("sign", hlo.sign, "iufc", differentiable=False)
sqrt_p = _unary("sqrt", hlo.sqrt, FC)
cbrt_p = _unary("cbrt", hlo.cbrt, F)
exp_p = _unary("exp", hlo.exponential, FC)
expm1_p = _unary("expm1", hlo.exponential_minus_one, FC)
log_p = _unary("log", hlo.log, FC)
log1p_p = _unary("log1p", hlo.log_plus_one, FC)
sin_p = _unary("sin", hlo.sine, FC)
cos_p = _unary("cos", hlo.cosine, FC)
tan_p = _unary("tan", hlo.tan, FC)
tanh_p = _unary("tanh", hlo.tanh, FC)
asin_p = _unary("asin", chlo.asin, FC)
acos_p = _unary("acos", chlo.acos, FC)
atan_p = _unary("atan", chlo.atan, FC)
sinh_p = _unary("sinh", chlo.sinh, FC)
cosh_p = _unary("cosh", chlo.cosh, FC)
asinh_p = _unary("asinh", chlo.asinh, FC)
acosh_p = _unary("acosh", chlo.acosh, FC)
atanh_p = _unary("atanh", chlo.atanh, FC)
floor_p = _unary("floor", hlo.floor, F, differentiable=False)
ceil_p = _unary("ceil", hlo.ceil, F, differentiable=False)
round_p = _unary("round_even", hlo.round_nearest_even, F, differentiable=False)
not_p = _unary("not", hlo.not_, INT, differentiable=False)
popcnt_p = _unary("popcnt", hlo.popcnt, "iu", differentiable=False)
clz_p = _unary("clz", hlo.count_leading_zeros, "iu", differentiable=False)
is_finite_p = _unary(
    "is_finite", hlo.is_finite, F, out_dtype=lambda d: np.bool_, differentiable=False
)
real_p = _unary("real", hlo.real, "c", out_dtype=_real_dtype)
imag_p = _unary("imag", hlo.imag, "c", out_dtype=_real_dtype)

# -- binary ------------------------------------------------------------------------------
add_p = _binary("add", hlo.add)
sub_p = _binary("subtract", hlo.subtract, "iufc")
mul_p = _binary("multiply", hlo.multiply)
div_p = _binary("divide", hlo.divide, "iufc")
rem_p = _binary("remainder", hlo.remainder, "iuf")
max_p = _binary("maximum", hlo.maximum, "iufb")
min_p = _binary("minimum", hlo.minimum, "iufb")
atan2_p = _binary("atan2", hlo.atan2, F)
and_p = _binary("and", hlo.and_, INT, differentiable=False)
or_p = _binary("or", hlo.or_, INT, differentiable=False)
xor_p = _binary("xor", hlo.xor, INT, differentiable=False)
shl_p = _binary("shift_left", hlo.shift_left, "iu", differentiable=False)
shr_a_p = _binary("shift_right_arithmetic", hlo.shift_right_arithmetic, "iu", differentiable=False)
shr_l_p = _binary("shift_right_logical", hlo.shift_right_logical, "iu", differentiable=False)
nextafter_p = _binary("nextafter", chlo.next_after, F, differentiable=False)


def _power_lower(ctx, x, y) -> ir.Value:
    """C's pow, behind a select XLA cannot see through.

    XLA's algebraic simplifier rewrites ``log(pow(a, b))`` to ``b * log(|a|)``: finite where
    NumPy gives NaN (a < 0) or inf (overflow). The select keeps an identity pow already
    has (``1 ** y`` is 1, NaN included; complex ``0 ** z`` is 0 for Re z > 0, as NumPy's
    npy_cpow, where XLA gives NaN), so the result is C's, and the rewrite no longer matches.
    """
    aval = ctx.in_avals[0]
    eq = hlo.ComparisonDirectionAttr.get("EQ")
    if aval.dtype.kind == "c":
        part = AbstractArray(aval.shape, _real_dtype(aval.dtype))
        zero = mlir.full_like_aval(0, part)
        gt = hlo.ComparisonDirectionAttr.get("GT")
        base_zero = hlo.and_(
            hlo.compare(hlo.real(x), zero, eq), hlo.compare(hlo.imag(x), zero, eq)
        )
        pick = hlo.and_(base_zero, hlo.compare(hlo.real(y), zero, gt))
        return hlo.select(pick, mlir.full_like_aval(0, aval), hlo.power(x, y))
    one = mlir.full_like_aval(1, aval)
    return hlo.select(hlo.compare(x, one, eq), one, hlo.power(x, y))


# Integers use int_pow_p (XLA's integer pow reads only 6 exponent bits).
pow_p = primitive(
    "power", _binary_eval("power", "fc"), lambda ctx, x, y: [_power_lower(ctx, x, y)]
)


# -- compare, select, convert --------------------------------------------------------------
_DIRECTIONS = ("EQ", "NE", "LT", "LE", "GT", "GE")


def _compare_eval(x, y, *, direction: str):
    _same(x, y, name="compare")
    if direction not in _DIRECTIONS:
        raise ValueError(f"compare: unknown direction {direction}")
    return AbstractArray(x.shape, np.dtype(np.bool_))


def _compare_type(dtype: np.dtype) -> str:
    return {"f": "FLOAT", "c": "FLOAT", "i": "SIGNED", "u": "UNSIGNED", "b": "UNSIGNED"}[
        dtype.kind
    ]


def _compare_lower(ctx, x, y, *, direction: str):
    return [
        hlo.compare(
            x,
            y,
            hlo.ComparisonDirectionAttr.get(direction),
            compare_type=hlo.ComparisonTypeAttr.get(_compare_type(ctx.in_avals[0].dtype)),
        )
    ]


compare_p = primitive("compare", _compare_eval, _compare_lower, differentiable=False)


def _select_eval(pred, on_true, on_false):
    if pred.dtype != np.bool_ or pred.shape != on_true.shape:
        raise errors.ShapeError(f"select: predicate {pred} does not fit {on_true}")
    return _same(on_true, on_false, name="select")


def _select_lower(ctx, pred, on_true, on_false):
    return [hlo.select(pred, on_true, on_false)]


select_p = primitive("select", _select_eval, _select_lower)


def _convert_eval(x, *, dtype: np.dtype, weak: bool = False):
    return AbstractArray(x.shape, np.dtype(dtype), weak)


def _convert_lower(ctx, x, *, dtype, weak=False):
    src, dst = ctx.in_avals[0], ctx.out_avals[0]
    if src.dtype == dst.dtype:
        return [x]
    if dst.dtype == np.bool_:  # NumPy: nonzero is True (NaN too)
        zero = mlir.full_like_aval(0, src)
        return _compare_lower(ctx, x, zero, direction="NE")
    if src.dtype == np.bool_ and dst.dtype.kind in "fc":
        # As a select, not a convert: XLA rewrites convert(pred) * v to select(pred, v, 0),
        # which gives 0 where IEEE (and NumPy) give NaN: False * inf, False / False.
        return [hlo.select(x, mlir.full_like_aval(1, dst), mlir.full_like_aval(0, dst))]
    if src.dtype.kind == "c" and dst.dtype.kind != "c":
        x = hlo.real(x)  # NumPy drops the imaginary part (with a ComplexWarning)
        src = src.update(dtype=_real_dtype(src.dtype))
    if src.dtype.kind == "f" and dst.dtype.kind in "iu":  # NaN, inf, out of range: as x86
        return [casts.float_to_int(x, src, dst)]
    return [hlo.convert(mlir.tensor_type(dst), x)]


convert_p = primitive("convert", _convert_eval, _convert_lower)


# -- bitcast, complex ----------------------------------------------------------------------
def _bitcast_eval(x, *, dtype: np.dtype):
    if np.dtype(dtype).itemsize != x.dtype.itemsize:
        raise errors.DTypeError(f"bitcast: {x} and {dtype} differ in width")
    return AbstractArray(x.shape, np.dtype(dtype))


def _bitcast_lower(ctx, x, *, dtype):
    return [hlo.bitcast_convert(mlir.tensor_type(ctx.out_avals[0]), x)]


# Reinterprets the bits (floats as ints): how frexp, ldexp, copysign and signbit read and
# write a float's sign and exponent exactly, NaN payloads and subnormals included.
bitcast_p = primitive("bitcast", _bitcast_eval, _bitcast_lower, differentiable=False)


def _complex_eval(re, im):
    out = _same(re, im, name="complex")
    if out.dtype.kind != "f" or out.dtype.itemsize < 4:
        raise errors.DTypeError(f"complex: parts must be float32 or float64, not {out.dtype}")
    return out.update(dtype=np.result_type(out.dtype, np.complex64))


complex_p = primitive("complex", _complex_eval, lambda ctx, re, im: [hlo.complex(re, im)])


# -- integer loops: gcd, integer power -------------------------------------------------------
def _counted_loop(steps: int, operands: list, body) -> list:
    """A ``stablehlo.while`` that applies ``body`` (ir.Values -> ir.Values) ``steps`` times.

    A fixed trip count keeps the loop free of reductions; elements that are done early are
    left as they are by further steps.
    """
    i32 = ir.RankedTensorType.get([], ir.IntegerType.get_signless(32))
    types = [i32] + [o.type for o in operands]
    loop = hlo.WhileOp(types, [mlir.scalar_constant(0, np.int32), *operands])
    cond = loop.regions[0].blocks.append(*types)
    with ir.InsertionPoint(cond):
        lt = hlo.ComparisonDirectionAttr.get("LT")
        hlo.return_([hlo.compare(cond.arguments[0], mlir.scalar_constant(steps, np.int32), lt)])
    block = loop.regions[1].blocks.append(*types)
    with ir.InsertionPoint(block):
        i, *args = block.arguments
        hlo.return_([hlo.add(i, mlir.scalar_constant(1, np.int32)), *body(*args)])
    return list(loop.results[1:])


def _integer_operands(x, y, name, kinds="iu"):
    out = _same(x, y, name=name)
    if out.dtype.kind not in kinds:
        raise errors.DTypeError(f"{name}: operands must be integers of kind {kinds}, not {out}")
    return out


def _ne_zero(x, aval):
    zero = mlir.full_like_aval(0, aval)
    return hlo.compare(x, zero, hlo.ComparisonDirectionAttr.get("NE"))


def _gcd_lower(ctx, x, y):
    """Euclid's algorithm. Consecutive Fibonacci numbers are the worst case: fewer than
    1.5 * bits steps for ``bits``-wide operands; a finished pair (b == 0) stays as it is."""
    aval = ctx.in_avals[0]

    def step(a, b):
        nonzero = _ne_zero(b, aval)
        r = hlo.remainder(a, hlo.select(nonzero, b, mlir.full_like_aval(1, aval)))
        return [hlo.select(nonzero, b, a), hlo.select(nonzero, r, mlir.full_like_aval(0, aval))]

    return _counted_loop(aval.dtype.itemsize * 12 + 4, [x, y], step)[:1]


# Unsigned operands (the NumPy layer takes absolute values first, as NumPy's C does).
gcd_p = primitive(
    "gcd", lambda x, y: _integer_operands(x, y, "gcd", "u"), _gcd_lower, differentiable=False
)


def _int_pow_lower(ctx, base, exponent, *, steps: int):
    """Exponentiation by squaring over the exponent's low ``steps`` bits, wrapping like
    NumPy's loop. (XLA's own integer pow reads only 6 exponent bits: 0 ** 64 gives 1.)"""
    aval = ctx.in_avals[0]

    def step(acc, b, e):
        odd = _ne_zero(hlo.and_(e, mlir.full_like_aval(1, aval)), aval)
        acc = hlo.select(odd, hlo.multiply(acc, b), acc)
        return [acc, hlo.multiply(b, b), hlo.shift_right_logical(e, mlir.full_like_aval(1, aval))]

    return _counted_loop(steps, [mlir.full_like_aval(1, aval), base, exponent], step)[:1]


int_pow_p = primitive(
    "int_pow",
    lambda b, e, *, steps: _integer_operands(b, e, "int_pow"),
    _int_pow_lower,
    differentiable=False,
)


# -- Value-level helpers used by the NumPy layer -----------------------------------------


def convert(x: Value, dtype, weak: bool = False) -> Value:
    """``x`` as ``dtype`` (a no-op when it already is)."""
    dtype = np.dtype(dtype)
    if x.aval.dtype == dtype and x.aval.weak == weak:
        return x
    if x.op is not None and x.op.prim is constant_p:  # fold: convert the constant itself
        return constant(x.op.params["value"].array.astype(dtype), weak=weak)
    return bind(convert_p, x, dtype=dtype, weak=weak)


def compare(x: Value, y: Value, direction: str) -> Value:
    return bind(compare_p, x, y, direction=direction)


def select(pred: Value, on_true: Value, on_false: Value) -> Value:
    return bind(select_p, pred, on_true, on_false)


def apply(prim, *operands: Value) -> Value:
    """Bind an elementwise primitive."""
    return bind(prim, *operands)


def full_like(x: Value, fill, dtype=None) -> Value:
    """A constant of ``x``'s shape (and dtype and weak type, unless ``dtype`` is given)."""
    if dtype is None:
        c = constant(np.array(fill, dtype=x.aval.dtype), weak=x.aval.weak)
    else:
        c = constant(np.array(fill, dtype=dtype))
    from jitflow.ops.shape import broadcast_to  # here, so shape.py may import this module

    return broadcast_to(c, x.shape)


def bitcast(x: Value, dtype) -> Value:
    return bind(bitcast_p, x, dtype=np.dtype(dtype))


def make_complex(re: Value, im: Value) -> Value:
    return bind(complex_p, re, im)


# Short names for the compositions in the NumPy layer, as jax.lax has them.
def _bound(prim):
    return lambda *operands: bind(prim, *operands)


add, sub, mul, div, rem = map(_bound, (add_p, sub_p, mul_p, div_p, rem_p))
max_, min_, and_, or_ = map(_bound, (max_p, min_p, and_p, or_p))
neg, abs_, not_ = map(_bound, (neg_p, abs_p, not_p))
eq, ne, lt, le, gt, ge = (
    (lambda x, y, d=d: compare(x, y, d)) for d in ("EQ", "NE", "LT", "LE", "GT", "GE")
)
