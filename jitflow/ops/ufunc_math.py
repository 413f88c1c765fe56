"""NumPy's floating-point ufuncs: exponents, logarithms, trigonometry, rounding, float bits.

Operands arrive converted to the loop dtypes NumPy chose (see :mod:`jitflow.ops.ufuncs`),
so an implementation only branches on the loop's kind. Where NumPy's C code has special
cases (``logaddexp`` of equal infinities, ``hypot`` of inf and NaN, ``frexp`` of a
subnormal), the composition reproduces them with ``select``; the sign, exponent and NaN
bits of a float are read exactly through ``bitcast``.
"""

from __future__ import annotations

import math

import numpy as np

from jitflow.ops import elementwise as ew
from jitflow.ops.ufuncs import register
from jitflow.tracer.ir import Value


def _simple(prim):
    return lambda *xs: ew.apply(prim, *xs)


for _ufunc, _prim in {
    np.sqrt: ew.sqrt_p, np.cbrt: ew.cbrt_p, np.exp: ew.exp_p, np.expm1: ew.expm1_p,
    np.log: ew.log_p, np.log1p: ew.log1p_p, np.sin: ew.sin_p, np.cos: ew.cos_p,
    np.tan: ew.tan_p, np.arcsin: ew.asin_p, np.arccos: ew.acos_p, np.arctan: ew.atan_p,
    np.sinh: ew.sinh_p, np.cosh: ew.cosh_p, np.tanh: ew.tanh_p, np.arcsinh: ew.asinh_p,
    np.arccosh: ew.acosh_p, np.arctanh: ew.atanh_p, np.arctan2: ew.atan2_p,
    np.nextafter: ew.nextafter_p,
}.items():
    register(_ufunc)(_simple(_prim))


# -- float bits ------------------------------------------------------------------------------


def _bits_dtype(dtype: np.dtype) -> np.dtype:
    return np.dtype(f"i{np.dtype(dtype).itemsize}")


def isnan(x: Value) -> Value:
    return ew.ne(x, x)


def signbit(x: Value) -> Value:
    """The sign bit, also of -0.0 and of NaNs (which no comparison can see)."""
    bits = ew.bitcast(x, _bits_dtype(x.dtype))
    return ew.lt(bits, ew.full_like(bits, 0))


def copysign(x: Value, y: Value) -> Value:
    """``x``'s magnitude with ``y``'s sign bit, bit-exact as C's copysign."""
    ix, iy = ew.bitcast(x, _bits_dtype(x.dtype)), ew.bitcast(y, _bits_dtype(y.dtype))
    sign = ew.full_like(ix, np.iinfo(ix.dtype).min)  # only the sign bit set
    bits = ew.or_(ew.and_(ix, ew.not_(sign)), ew.and_(iy, sign))
    return ew.bitcast(bits, x.dtype)


def pow2(k: Value, dtype) -> Value:
    """``2.0 ** k`` in ``dtype`` built from its bits, exact for k in the normal range."""
    finfo = np.finfo(dtype)
    bits_dtype = _bits_dtype(dtype)
    k = ew.convert(k, bits_dtype)
    biased = ew.add(k, ew.full_like(k, finfo.maxexp - 1))
    shifted = ew.apply(ew.shl_p, biased, ew.full_like(biased, finfo.nmant))
    return ew.bitcast(shifted, dtype)


@register(np.signbit)
def _signbit(x):
    return signbit(x)


@register(np.copysign)
def _copysign(x, y):
    return copysign(x, y)


@register(np.frexp)
def _frexp(x):
    """Mantissa in [0.5, 1) and exponent, computed on the bits with integer ops only: XLA
    on CPU treats subnormal floats as zero in float arithmetic, their bits are intact."""
    finfo, bits_dtype = np.finfo(x.dtype), _bits_dtype(x.dtype)
    nmant, half_exp = finfo.nmant, finfo.maxexp - 2  # the biased exponent of 0.5
    bits = ew.bitcast(x, bits_dtype)

    def const(v):
        return ew.full_like(bits, v)

    sign_mask = np.iinfo(bits_dtype).min
    magnitude = ew.and_(bits, const(~sign_mask))
    field = ew.apply(ew.shr_l_p, magnitude, const(nmant))
    fraction = ew.and_(magnitude, const((1 << nmant) - 1))
    # A subnormal's leading 1 moves up to the implicit bit; its exponent drops accordingly.
    lead = ew.sub(ew.apply(ew.clz_p, fraction), const(8 * x.dtype.itemsize - nmant))
    subnormal = ew.eq(field, const(0))
    fraction = ew.select(
        subnormal,
        ew.and_(ew.apply(ew.shl_p, fraction, ew.add(lead, const(1))), const((1 << nmant) - 1)),
        fraction,
    )
    exponent = ew.select(subnormal, ew.sub(const(-half_exp), lead), ew.sub(field, const(half_exp)))
    mantissa_bits = ew.or_(ew.or_(ew.and_(bits, const(sign_mask)), const(half_exp << nmant)),
                           fraction)
    # Zeros, infinities and NaN give (x, 0), as NumPy.
    special = ew.or_(ew.eq(magnitude, const(0)), ew.eq(field, const((1 << finfo.nexp) - 1)))
    exponent = ew.select(special, const(0), exponent)
    mantissa = ew.select(special, x, ew.bitcast(mantissa_bits, x.dtype))
    return mantissa, ew.convert(exponent, np.int32)


@register(np.ldexp)
def _ldexp(x, n):
    """``x * 2**n`` without intermediate overflow: float32 and float16 are computed in
    float64 (exact, one rounding at the end); float64 in three factors, the one that
    scales down the most applied last so that a subnormal result is rounded once."""
    dtype = x.dtype
    if dtype != np.float64:
        n = _clip_int(n, -400, 400)
        return ew.convert(ew.mul(ew.convert(x, np.float64), pow2(n, np.float64)), dtype)
    n = ew.convert(_clip_int(n, -2200, 2200), np.int64)
    last = _clip_int(n, -1022, 1023)
    rest = ew.sub(n, last)
    first = _clip_int(rest, -1022, 1023)
    second = ew.sub(rest, first)
    for k in (first, second, last):
        x = ew.mul(x, pow2(k, dtype))
    return x


def _clip_int(n: Value, lo: int, hi: int) -> Value:
    info = np.iinfo(n.dtype)
    lo, hi = max(lo, info.min), min(hi, info.max)
    return ew.min_(ew.max_(n, ew.full_like(n, lo)), ew.full_like(n, hi))


@register(np.modf)
def _modf(x):
    integral = _trunc(x)
    # modf(+-inf) is (+-0, +-inf): x - trunc(x) would be NaN there.
    frac = ew.select(_isinf(x), copysign(ew.full_like(x, 0), x), ew.sub(x, integral))
    return frac, integral


@register(np.heaviside)
def _heaviside(x, h0):
    zero, one = ew.full_like(x, 0), ew.full_like(x, 1)
    out = ew.select(ew.lt(x, zero), zero, ew.select(ew.gt(x, zero), one, h0))
    return ew.select(isnan(x), x, out)


@register(np.spacing)
def _spacing(x):
    # The distance to the next float away from zero (negative for negative x); NaN at inf.
    inf = ew.full_like(x, np.inf)
    away = ew.select(signbit(x), ew.neg(inf), inf)
    out = ew.sub(ew.apply(ew.nextafter_p, x, away), x)
    return ew.select(_isinf(x), ew.full_like(x, np.nan), out)


# -- classification ----------------------------------------------------------------------


def _isfinite(x):
    return ew.apply(ew.is_finite_p, x)


def _isinf(x):
    return ew.eq(ew.abs_(x), ew.full_like(x, np.inf))


def _classify(float_fn, combine, integer_answer):
    """isnan/isinf/isfinite: on floats, on both parts of complex, constant on integers."""

    def impl(x):
        kind = x.dtype.kind
        if kind == "f":
            return float_fn(x)
        if kind == "c":
            re, im = ew.apply(ew.real_p, x), ew.apply(ew.imag_p, x)
            return combine(float_fn(re), float_fn(im))
        return ew.full_like(x, integer_answer, np.bool_)

    return impl


register(np.isnan)(_classify(isnan, ew.or_, False))
register(np.isinf)(_classify(_isinf, ew.or_, False))
register(np.isfinite)(_classify(_isfinite, ew.and_, True))


# -- rounding ------------------------------------------------------------------------------


def _trunc(x):
    return ew.select(ew.lt(x, ew.full_like(x, 0)), ew.apply(ew.ceil_p, x), ew.apply(ew.floor_p, x))


def _rint(x):
    if x.dtype.kind == "c":  # NumPy rounds both parts
        re, im = ew.apply(ew.real_p, x), ew.apply(ew.imag_p, x)
        return ew.make_complex(_rint(re), _rint(im))
    return ew.apply(ew.round_p, x)  # half to even, as NumPy


def _on_floats(fn):
    """NumPy 2 has integer and bool loops for floor/ceil/trunc: they return the input."""
    return lambda x: fn(x) if x.dtype.kind == "f" else x


register(np.floor)(_on_floats(_simple(ew.floor_p)))
register(np.ceil)(_on_floats(_simple(ew.ceil_p)))
register(np.trunc)(_on_floats(_trunc))
register(np.rint)(_rint)


# -- exponents and logarithms -----------------------------------------------------------------


@register(np.exp2)
def _exp2(x):
    return ew.apply(ew.pow_p, ew.full_like(x, 2), x)


def _exact_powers(x: Value, r: Value, base: int) -> Value:
    """log2/log10 of an exact power of the base is that integer in NumPy (its libm is
    correctly rounded there), while log(x) / log(base) can miss by an ulp (log2(8) gives
    2.9999999999999996): a wrong integer after floor or ceil. Snap those cases."""
    k = _rint(r)
    if base == 2:
        finfo = np.finfo(x.dtype)
        lo, hi = finfo.minexp, finfo.maxexp - 1
        kc = ew.convert(ew.min_(ew.max_(k, ew.full_like(k, lo)), ew.full_like(k, hi)), np.int32)
        cand = pow2(kc, x.dtype)
    else:
        # 10**j is exact while 5**j fits the mantissa: j <= 22 (f64), 10 (f32), 4 (f16).
        hi = int((np.finfo(x.dtype).nmant + 1) / math.log2(5))
        lo = -hi
        j = ew.convert(ew.min_(ew.abs_(k), ew.full_like(k, hi)), np.int32)
        p = ew.full_like(x, 1)
        for bit in range(hi.bit_length()):  # 10**j by squaring: exact products
            on = ew.ne(ew.and_(j, ew.full_like(j, 1 << bit)), ew.full_like(j, 0))
            p = ew.select(on, ew.mul(p, ew.full_like(p, 10.0 ** (1 << bit))), p)
        negative = ew.lt(k, ew.full_like(k, 0))
        cand = ew.select(negative, ew.div(ew.full_like(p, 1), p), p)  # correctly rounded
    in_range = ew.and_(ew.ge(k, ew.full_like(k, lo)), ew.le(k, ew.full_like(k, hi)))
    return ew.select(ew.and_(in_range, ew.eq(x, cand)), k, r)


def _log_base(base: int):
    def impl(x):
        r = ew.apply(ew.log_p, x)
        if x.dtype.kind == "c":  # each part scaled, as NumPy: log10(0j) is -inf+0j, not NaN
            re, im = ew.apply(ew.real_p, r), ew.apply(ew.imag_p, r)
            scale = ew.full_like(re, 1 / math.log(base))
            return ew.make_complex(ew.mul(re, scale), ew.mul(im, scale))
        r = ew.mul(r, ew.full_like(x, 1 / math.log(base)))
        return _exact_powers(x, r, base)

    return impl


register(np.log2)(_log_base(2))
register(np.log10)(_log_base(10))


@register(np.logaddexp)
def _logaddexp(x, y):
    # NumPy: x == y gives x + log(2) (so inf with inf is inf, not NaN); otherwise
    # max + log1p(exp(-|x - y|)), NaN propagating.
    big = _maximum_nan(x, y)
    tail = ew.apply(ew.exp_p, ew.neg(ew.abs_(ew.sub(x, y))))
    out = ew.add(big, ew.apply(ew.log1p_p, tail))
    return ew.select(ew.eq(x, y), ew.add(x, ew.full_like(x, math.log(2))), out)


@register(np.logaddexp2)
def _logaddexp2(x, y):
    big = _maximum_nan(x, y)
    tail = _exp2(ew.neg(ew.abs_(ew.sub(x, y))))
    log2_1p = ew.mul(ew.apply(ew.log1p_p, tail), ew.full_like(x, 1 / math.log(2)))
    return ew.select(ew.eq(x, y), ew.add(x, ew.full_like(x, 1)), ew.add(big, log2_1p))


def _maximum_nan(x, y):
    return ew.select(ew.or_(ew.ge(x, y), isnan(x)), x, y)


# -- trigonometry ----------------------------------------------------------------------------


@register(np.hypot)
def _hypot(x, y):
    a, b = ew.abs_(x), ew.abs_(y)
    hi, lo = _maximum_nan(a, b), ew.min_(a, b)
    zero = ew.full_like(hi, 0)
    ratio = ew.div(lo, ew.select(ew.eq(hi, zero), ew.full_like(hi, 1), hi))
    root = ew.apply(ew.sqrt_p, ew.add(ew.full_like(hi, 1), ew.mul(ratio, ratio)))
    out = ew.mul(hi, root)
    # C's hypot: an infinite side wins over a NaN.
    return ew.select(ew.or_(_isinf(x), _isinf(y)), ew.full_like(hi, np.inf), out)


def _scale(factor):
    return lambda x: ew.mul(x, ew.full_like(x, factor))


register(np.deg2rad, np.radians)(_scale(math.pi / 180))
register(np.rad2deg, np.degrees)(_scale(180 / math.pi))
