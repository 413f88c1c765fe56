"""NumPy's arithmetic, comparison, logical and bitwise ufuncs on traced arrays.

Operands arrive converted to the loop dtypes NumPy chose (see :mod:`jitflow.ops.ufuncs`).
XLA's integer division truncates, its remainder takes the dividend's sign and both give
implementation values for a zero divisor; NumPy floors, takes the divisor's sign and gives
0. The compositions below spell NumPy's semantics out, following its C loops.
"""

from __future__ import annotations

import numpy as np

from jitflow import errors
from jitflow.ops import bounds, checks
from jitflow.ops import elementwise as ew
from jitflow.ops.ufunc_math import copysign, isnan
from jitflow.ops.ufuncs import constant_value, register
from jitflow.tracer.context import bind
from jitflow.tracer.ir import Value
from jitflow.tracer.source import at_user_line


def _is_bool(x: Value) -> bool:
    return x.dtype == np.bool_


@register(np.add)
def _add(x, y):
    return ew.or_(x, y) if _is_bool(x) else ew.add(x, y)


@register(np.subtract)
def _subtract(x, y):
    return ew.sub(x, y)  # NumPy has no bool loop: refused before we get here


@register(np.multiply)
def _multiply(x, y):
    return ew.and_(x, y) if _is_bool(x) else ew.mul(x, y)


@register(np.square)
def _square(x):
    return _multiply(x, x)


@register(np.divide)
def _divide(x, y):
    # NumPy's loops are float or complex only.
    return _complex_divide(x, y) if x.dtype.kind == "c" else ew.div(x, y)


def _complex_divide(x, y):
    """NumPy's complex division (Smith's method, as its C loop): a zero divisor gives
    signed infinities (``(1+2j) / 0`` is inf+infj) where XLA's gives NaN, and the
    rounding is NumPy's."""
    parts = (ew.apply(ew.real_p, x), ew.apply(ew.imag_p, x))
    (ar, ai), (br, bi) = parts, (ew.apply(ew.real_p, y), ew.apply(ew.imag_p, y))
    abs_r, abs_i = ew.abs_(br), ew.abs_(bi)
    one, zero = ew.full_like(br, 1), ew.full_like(br, 0)
    # |br| >= |bi|: rat = bi / br; else rat = br / bi (never 0 / 0 below: selects).
    real_major = ew.ge(abs_r, abs_i)
    both_zero = ew.and_(ew.eq(abs_r, zero), ew.eq(abs_i, zero))
    safe_br = ew.select(both_zero, one, br)
    rat = ew.select(real_major, ew.div(bi, safe_br), ew.div(br, bi))
    scl = ew.div(one, ew.select(real_major, ew.add(br, ew.mul(bi, rat)),
                                ew.add(bi, ew.mul(br, rat))))
    re = ew.select(real_major, ew.add(ar, ew.mul(ai, rat)), ew.add(ew.mul(ar, rat), ai))
    im = ew.select(real_major, ew.sub(ai, ew.mul(ar, rat)), ew.sub(ew.mul(ai, rat), ar))
    re, im = ew.mul(re, scl), ew.mul(im, scl)
    re = ew.select(both_zero, ew.div(ar, abs_r), re)
    im = ew.select(both_zero, ew.div(ai, abs_r), im)
    return ew.make_complex(re, im)


# -- floor division and remainder ------------------------------------------------------------


def _int_divmod(x: Value, y: Value):
    """Integer ``x // y`` and ``x % y``: floored, remainder with the divisor's sign; both 0
    where ``y == 0`` (NumPy warns there). ``INT_MIN // -1`` wraps to INT_MIN in both."""
    low, high = bounds.static_bounds(y)
    zero = ew.full_like(x, 0)
    by_zero = ew.eq(y, zero)
    y = ew.select(by_zero, ew.full_like(y, 1), y)
    q, r = ew.div(x, y), ew.rem(x, y)  # truncated
    if x.dtype.kind == "i":
        fix = ew.and_(ew.ne(r, zero), ew.ne(ew.lt(r, zero), ew.lt(y, zero)))
        q = ew.select(fix, ew.sub(q, ew.full_like(q, 1)), q)
        r = ew.select(fix, ew.add(r, y), r)
    r = ew.select(by_zero, zero, r)
    if low is not None and low > 0:  # x % n in [0, n): an index needing no check
        bounds.hint(r, 0, None if high is None else high - 1)
    return ew.select(by_zero, zero, q), r


def _float_divmod(a: Value, b: Value):
    """NumPy's ``npy_divmod`` for floats, step by step (numpy/_core/src/npymath)."""
    zero, one = ew.full_like(a, 0), ew.full_like(a, 1)
    mod = ew.rem(a, b)  # C fmod: the dividend's sign
    div = ew.div(ew.sub(a, mod), b)
    nonzero = ew.ne(mod, zero)  # NaN counts as nonzero, as in C
    adjust = ew.and_(nonzero, ew.ne(ew.lt(b, zero), ew.lt(mod, zero)))
    mod = ew.select(adjust, ew.add(mod, b), mod)
    mod = ew.select(nonzero, mod, copysign(zero, b))
    div = ew.select(adjust, ew.sub(div, one), div)
    # Snap the quotient to the nearest integer; a zero quotient takes the sign of a / b.
    floor = ew.apply(ew.floor_p, div)
    up = ew.gt(ew.sub(div, floor), ew.full_like(a, 0.5))
    floor = ew.select(up, ew.add(floor, one), floor)
    quotient = ew.div(a, b)
    floordiv = ew.select(ew.ne(div, zero), floor, copysign(zero, quotient))
    # b == 0: the quotient is a / b (inf or NaN); the remainder fmod's NaN from above.
    return ew.select(ew.eq(b, zero), quotient, floordiv), mod


def _divmod(x, y):
    return _float_divmod(x, y) if x.dtype.kind == "f" else _int_divmod(x, y)


register(np.divmod)(_divmod)
register(np.floor_divide)(lambda x, y: _divmod(x, y)[0])
register(np.remainder)(lambda x, y: _divmod(x, y)[1])


@register(np.fmod)
def _fmod(x, y):
    if x.dtype.kind == "f":
        return ew.rem(x, y)  # C fmod, NaN for y == 0
    zero = ew.full_like(x, 0)
    by_zero = ew.eq(y, zero)
    return ew.select(by_zero, zero, ew.rem(x, ew.select(by_zero, ew.full_like(y, 1), y)))


# -- powers, signs, reciprocals ----------------------------------------------------------------


@register(np.power, np.float_power)
def _power(x, y):
    exponent = constant_value(y)
    if x.dtype.kind in "iu":
        return _int_power(x, y, exponent)
    if x.dtype.kind in "fc" and exponent is not None and exponent.size and (exponent == 0.5).all():
        # NumPy's loop takes sqrt for a scalar exponent 0.5 (so (-0.0)**0.5 is -0.0 and
        # (-inf)**0.5 NaN, unlike C's pow). A traced 0.5 gets C's pow at those two values.
        return ew.apply(ew.sqrt_p, x)
    return ew.apply(ew.pow_p, x, y)


def _int_power(b: Value, e: Value, exponent) -> Value:
    """Integer powers, wrapping like NumPy's loop.

    A negative exponent raises ValueError in NumPy once the values are seen: a constant one
    is refused here, a traced one is checked when the program runs (unless its range is
    known to be non-negative, which also bounds the number of squarings).
    """
    known = exponent is not None and exponent.size > 0
    if known and (exponent < 0).any():
        raise errors.InvalidValueError(
            at_user_line(
                "Integers to negative integer powers are not allowed (NumPy raises "
                "ValueError). Use a float base, e.g. x.astype(float) ** -1."
            )
        )
    low, high = bounds.static_bounds(e)
    if known:
        steps = int(exponent.max()).bit_length()
    elif high is not None and high >= 0:
        steps = high.bit_length()
    else:
        steps = e.dtype.itemsize * 8
    if not known and (low is None or low < 0):
        checks.check_not_any(
            ew.lt(e, ew.full_like(e, 0)),
            errors.InvalidValueError,
            "Integers to negative integer powers are not allowed.",
        )
    return bind(ew.int_pow_p, b, e, steps=steps)


@register(np.negative)
def _negative(x):
    return ew.neg(x)  # unsigned integers wrap, as in NumPy; bool is refused by NumPy


@register(np.positive)
def _positive(x):
    return x


@register(np.absolute)
def _absolute(x):
    return x if x.dtype.kind in "bu" else ew.abs_(x)  # complex gives its real dtype


@register(np.fabs)
def _fabs(x):
    return ew.abs_(x)


@register(np.sign)
def _sign(x):
    if x.dtype.kind == "u":
        return ew.convert(ew.ne(x, ew.full_like(x, 0)), x.dtype)
    return ew.apply(ew.sign_p, x)  # NaN for NaN; z / |z| for complex, as NumPy 2


@register(np.reciprocal)
def _reciprocal(x):
    if x.dtype.kind in "fc":
        return ew.div(ew.full_like(x, 1), x)
    # NumPy computes 1.0 / x in double and converts it to the integer type: 0 for |x| > 1,
    # and for x == 0 what the C conversion of inf gives: INT_MIN for 32- and 64-bit signed
    # integers, 0 for the others (x86-64, where NumPy's own result is defined).
    zero = ew.eq(x, ew.full_like(x, 0))
    q = ew.div(ew.full_like(x, 1), ew.select(zero, ew.full_like(x, 1), x))
    special = np.iinfo(x.dtype).min if x.dtype in (np.int32, np.int64) else 0
    return ew.select(zero, ew.full_like(x, special), q)


@register(np.conjugate)
def _conjugate(x):
    if x.dtype.kind != "c":
        return x
    re, im = ew.apply(ew.real_p, x), ew.apply(ew.imag_p, x)
    return ew.make_complex(re, ew.neg(im))


# -- comparisons -----------------------------------------------------------------------------
_MIRROR = {"LT": "GT", "LE": "GE", "GT": "LT", "GE": "LE", "EQ": "EQ", "NE": "NE"}


def _complex_less(x, y, or_equal: bool):
    """NumPy's lexicographic order of complex numbers (CLT/CLE in its C loops)."""
    xr, xi = ew.apply(ew.real_p, x), ew.apply(ew.imag_p, x)
    yr, yi = ew.apply(ew.real_p, y), ew.apply(ew.imag_p, y)
    no_nan = ew.not_(ew.or_(isnan(xi), isnan(yi)))
    first = ew.and_(ew.lt(xr, yr), no_nan)
    second = ew.and_(ew.eq(xr, yr), (ew.le if or_equal else ew.lt)(xi, yi))
    return ew.or_(first, second)


def _compare_mixed(x, y, direction):
    """int64 against uint64: NumPy 2 compares them exactly, not through float64."""
    if x.dtype.kind == "u":
        x, y, direction = y, x, _MIRROR[direction]
    negative = ew.lt(x, ew.full_like(x, 0))  # then x is below every unsigned y
    answer = ew.full_like(negative, direction in ("LT", "LE", "NE"))
    return ew.select(negative, answer, ew.compare(ew.convert(x, y.dtype), y, direction))


def _comparison(direction):
    def impl(x, y):
        if x.dtype != y.dtype:
            return _compare_mixed(x, y, direction)
        if x.dtype.kind == "c" and direction not in ("EQ", "NE"):
            if direction in ("GT", "GE"):
                x, y = y, x
            return _complex_less(x, y, or_equal=direction in ("LE", "GE"))
        return ew.compare(x, y, direction)

    return impl


for _ufunc, _direction in [
    (np.equal, "EQ"), (np.not_equal, "NE"), (np.less, "LT"), (np.less_equal, "LE"),
    (np.greater, "GT"), (np.greater_equal, "GE"),
]:
    register(_ufunc)(_comparison(_direction))


# -- maximum and minimum -------------------------------------------------------------------


def _extremum(larger: bool, ignore_nan: bool):
    """maximum/minimum propagate NaN (the first NaN wins); fmax/fmin ignore NaN unless
    both are. Written as NumPy's C loops: ``(x >= y || isnan(x)) ? x : y`` and so on."""

    def impl(x, y):
        kind = x.dtype.kind
        if kind in "iub":
            if kind == "b":
                return ew.or_(x, y) if larger else ew.and_(x, y)
            return ew.max_(x, y) if larger else ew.min_(x, y)
        if kind == "c":
            a, b = (y, x) if larger else (x, y)
            keep = _complex_less(a, b, or_equal=True)
        else:
            keep = (ew.ge if larger else ew.le)(x, y)
        nan_side = y if ignore_nan else x
        return ew.select(ew.or_(keep, _isnan_any(nan_side)), x, y)

    return impl


def _isnan_any(x):
    if x.dtype.kind == "c":
        return ew.or_(isnan(ew.apply(ew.real_p, x)), isnan(ew.apply(ew.imag_p, x)))
    return isnan(x)


register(np.maximum)(_extremum(larger=True, ignore_nan=False))
register(np.minimum)(_extremum(larger=False, ignore_nan=False))
register(np.fmax)(_extremum(larger=True, ignore_nan=True))
register(np.fmin)(_extremum(larger=False, ignore_nan=True))


@register(np._core.umath.clip)
def _clip(x, lo, hi):
    # NumPy's clip loop: minimum(maximum(x, lo), hi) with NaN propagating from any of them.
    return _extremum(False, False)(_extremum(True, False)(x, lo), hi)


# -- logical and bitwise ---------------------------------------------------------------------


def _truth(x):
    return ew.convert(x, np.bool_)  # nonzero is True (NaN too), as NumPy


register(np.logical_and)(lambda x, y: ew.and_(_truth(x), _truth(y)))
register(np.logical_or)(lambda x, y: ew.or_(_truth(x), _truth(y)))
register(np.logical_xor)(lambda x, y: ew.apply(ew.xor_p, _truth(x), _truth(y)))
register(np.logical_not)(lambda x: ew.not_(_truth(x)))
register(np.bitwise_and)(ew.and_)
register(np.bitwise_or)(ew.or_)
register(np.bitwise_xor)(lambda x, y: ew.apply(ew.xor_p, x, y))
register(np.invert)(ew.not_)


def _shift_in_range(y: Value) -> Value:
    """NumPy shifts by a negative amount or by the bit width or more fill the result."""
    unsigned = ew.convert(y, np.dtype(f"u{y.dtype.itemsize}"))  # negatives become huge
    return ew.lt(unsigned, ew.full_like(unsigned, y.dtype.itemsize * 8))


@register(np.left_shift)
def _left_shift(x, y):
    shifted = ew.apply(ew.shl_p, x, y)
    return ew.select(_shift_in_range(y), shifted, ew.full_like(x, 0))


@register(np.right_shift)
def _right_shift(x, y):
    zero = ew.full_like(x, 0)
    if x.dtype.kind == "u":
        return ew.select(_shift_in_range(y), ew.apply(ew.shr_l_p, x, y), zero)
    fill = ew.select(ew.lt(x, zero), ew.full_like(x, -1), zero)  # the sign bit fills
    return ew.select(_shift_in_range(y), ew.apply(ew.shr_a_p, x, y), fill)


@register(np.bitwise_count)
def _bitwise_count(x):
    # NumPy counts the bits of |x| for signed integers (so -1 has one bit).
    return ew.apply(ew.popcnt_p, x if x.dtype.kind == "u" else ew.abs_(x))


# -- gcd and lcm -----------------------------------------------------------------------------


def _unsigned_abs(x):
    """|x| as the unsigned type of the same width (|INT_MIN| fits there), as NumPy's C."""
    unsigned = np.dtype(f"u{x.dtype.itemsize}")
    return ew.convert(x if x.dtype.kind == "u" else ew.abs_(x), unsigned)


@register(np.gcd)
def _gcd(x, y):
    return ew.convert(ew.apply(ew.gcd_p, _unsigned_abs(x), _unsigned_abs(y)), x.dtype)


@register(np.lcm)
def _lcm(x, y):
    a, b = _unsigned_abs(x), _unsigned_abs(y)
    g = ew.apply(ew.gcd_p, a, b)
    zero = ew.eq(g, ew.full_like(g, 0))
    lcm = ew.mul(ew.div(a, ew.select(zero, ew.full_like(g, 1), g)), b)
    return ew.convert(ew.select(zero, ew.full_like(g, 0), lcm), x.dtype)

