"""Op specs for NumPy's ufuncs and the functions built on them (elementwise family).

Besides random inputs, every spec runs an *edge* case: 16 special values per dtype (signed
zeros, infinities, NaN, INT_MIN/INT_MAX, ...) laid out as a (16, 1) column
against a (1, 16) row, so a binary op meets every pair of them (floor division by zero,
NaN against inf, shifts by negative or too large counts, ...). Where NumPy refuses a
dtype, the driver expects a jitflow error, so all dtypes are listed for most ops.
"""

import numpy as np

from opspec import (
    ALL, BINARY_SHAPES, OpSpec, UNARY_SHAPES, default_input, positive_input, unit_input,
)

EDGE1 = (16,)
EDGE2 = ((16, 1), (1, 16))
# Every op shares the same broadcasting code: one random shape and the edges are enough,
# the full shape lists run for a few representatives (add, multiply, negative, sin).
UNARY = [(3, 4), EDGE1]
BINARY = [((3, 1), (1, 4)), EDGE2]
WITH_UINT = ALL + (np.uint32,)
WITH_HALF = ALL + (np.float16,)
MIXED = ((np.int32, np.float32), (np.bool_, np.int32), (np.float32, np.float64),
         (np.uint32, np.int32))


def specials(dtype, exponent=False):
    """16 values that exercise NumPy's special cases for ``dtype``."""
    dtype = np.dtype(dtype)
    if dtype == np.bool_:
        return np.arange(16) % 3 == 1
    if dtype.kind == "f":
        # No subnormals: XLA on CPU flushes them to zero (see test_elementwise_errors.py).
        return np.array(
            [0.0, -0.0, 0.5, -0.5, 1.0, -1.0, 1.5, -2.5, 3.0, -7.0, np.inf, -np.inf, np.nan,
             100.0, 0.25, -1e-3], dtype)
    info = np.iinfo(dtype)
    if exponent:  # integer powers: NumPy raises for negative exponents at run time
        return np.array([0, 1, 2, 3, 5, 7, 10, 31, 62, 63, 64, 100, 0, 1, 2, 3], dtype)
    if dtype.kind == "u":
        return np.array([0, 1, 2, 3, 5, 7, 100, 64, 31, info.max, info.max - 1,
                         info.max // 2 + 1, 10, 12, 255, 6], dtype)
    return np.array([0, 1, -1, 2, -2, 3, -3, 7, -7, 100, -100, 5, info.min, info.max, 64, 31],
                    dtype)


def edge(make=default_input, exponent=False):
    """``make`` for the random shapes, the special values for the edge shapes."""

    def maker(rng, shape, dtype):
        if shape in (EDGE1, *EDGE2):
            return specials(dtype, exponent).reshape(shape)
        return make(rng, shape, dtype)

    return maker


def moderate(rng, shape, dtype):
    """Default inputs, and for edges the specials without huge integers (trigonometry of
    INT_MAX tests the libm's argument reduction, not jitflow)."""
    if shape == EDGE1 and np.dtype(dtype).kind in "iu":
        return np.arange(-8, 8).astype(dtype)
    return edge()(rng, shape, dtype)


def nonneg_input(rng, shape, dtype):
    return np.abs(default_input(rng, shape, dtype)).astype(dtype)


def unary(name, fn, dtypes=ALL, make=edge(), shapes=UNARY, **kw):
    return OpSpec(name, fn, 1, dtypes, shapes, make, **kw)


def binary(name, fn, dtypes=ALL, make=edge(), shapes=BINARY, **kw):
    return OpSpec(name, fn, 2, dtypes, shapes, make, **kw)


SPECS = [
    # -- arithmetic
    binary("add", lambda x, y: np.add(x, y), shapes=BINARY_SHAPES + [EDGE2], mixed=MIXED),
    binary("subtract", lambda x, y: x - y, mixed=MIXED),
    binary("multiply", lambda x, y: x * y, shapes=BINARY_SHAPES[3:] + [EDGE2]),
    binary("divide", lambda x, y: np.divide(x, y), mixed=MIXED),
    binary("true_divide", lambda x, y: x / y, shapes=[EDGE2]),  # aliases: edges only
    binary("floor_divide", lambda x, y: x // y, WITH_UINT, mixed=MIXED),
    binary("remainder", lambda x, y: x % y, WITH_UINT, mixed=MIXED),
    binary("mod", lambda x, y: np.mod(x, y), shapes=[EDGE2]),
    binary("fmod", lambda x, y: np.fmod(x, y), WITH_UINT, mixed=MIXED),
    binary("divmod", lambda x, y: divmod(x, y), WITH_UINT),
    binary("power", lambda x, y: x**y, make=(edge(), edge(nonneg_input, exponent=True)),
           mixed=MIXED[:3]),
    binary("float_power", lambda x, y: np.float_power(x, y),
           make=(edge(positive_input), edge(nonneg_input, exponent=True))),
    unary("negative", lambda x: -x, WITH_UINT, shapes=UNARY_SHAPES + [EDGE1]),
    unary("positive", lambda x: np.positive(x)),
    unary("absolute", lambda x: np.absolute(x), WITH_UINT),
    unary("abs", lambda x: abs(x), shapes=[EDGE1]),
    unary("fabs", np.fabs),
    unary("reciprocal", np.reciprocal, WITH_UINT),
    unary("square", np.square),
    unary("sqrt", np.sqrt, make=edge(positive_input)),
    unary("cbrt", np.cbrt),
    unary("sign", np.sign, WITH_UINT),
    unary("signbit", np.signbit, WITH_HALF),
    binary("copysign", np.copysign, WITH_HALF),
    binary("heaviside", np.heaviside),
    unary("modf", np.modf, WITH_HALF),
    binary("ldexp", np.ldexp, mixed=((np.float32, np.int32), (np.float64, np.int64),
                                     (np.float16, np.int32), (np.float64, np.int32))),
    unary("frexp", np.frexp, WITH_HALF),
    # -- exponents and logarithms
    unary("exp", np.exp),
    unary("exp2", np.exp2),
    unary("expm1", np.expm1),
    unary("log", np.log, make=edge(positive_input)),
    unary("log2", np.log2, make=edge(positive_input)),
    unary("log10", np.log10, make=edge(positive_input)),
    unary("log1p", np.log1p, make=edge(positive_input)),
    binary("logaddexp", np.logaddexp),
    binary("logaddexp2", np.logaddexp2),
    # -- trigonometry and hyperbolic functions
    unary("sin", np.sin, make=moderate, shapes=UNARY_SHAPES + [EDGE1]),
    unary("cos", np.cos, make=moderate),
    unary("tan", np.tan, make=moderate),
    unary("arcsin", np.arcsin, make=edge(unit_input)),
    unary("arccos", np.arccos, make=edge(unit_input)),
    unary("arctan", np.arctan),
    binary("arctan2", np.arctan2),
    binary("hypot", np.hypot),
    unary("sinh", np.sinh, make=moderate),
    unary("cosh", np.cosh, make=moderate),
    unary("tanh", np.tanh),
    unary("arcsinh", np.arcsinh),
    unary("arccosh", np.arccosh, make=edge(lambda r, s, d: positive_input(r, s, d) + 1)),
    unary("arctanh", np.arctanh, make=edge(unit_input)),
    unary("deg2rad", np.deg2rad),
    unary("rad2deg", np.rad2deg),
    unary("degrees", np.degrees, shapes=[EDGE1]),
    unary("radians", np.radians, shapes=[EDGE1]),
    # -- rounding
    unary("floor", np.floor, WITH_HALF),
    unary("ceil", np.ceil),
    unary("trunc", np.trunc),
    unary("rint", np.rint, WITH_HALF),
    unary("fix", np.fix, shapes=[EDGE1]),
    unary("round", np.round),
    unary("round_2", lambda x: np.round(x, 2)),
    unary("round_neg", lambda x: np.round(x * 37, -1), make=moderate),
    unary("around_method", lambda x: np.around(x, 1) + x.round()),
    # -- comparisons, extrema
    binary("equal", lambda x, y: x == y, mixed=MIXED + ((np.int64, np.uint64),)),
    binary("not_equal", np.not_equal, mixed=((np.int64, np.uint64),)),
    binary("less", lambda x, y: x < y, mixed=MIXED + ((np.int64, np.uint64),)),
    binary("less_equal", np.less_equal, mixed=((np.uint64, np.int64),)),
    binary("greater", lambda x, y: x > y, mixed=((np.uint64, np.int64),)),
    binary("greater_equal", np.greater_equal, mixed=((np.int64, np.uint64),)),
    binary("maximum", np.maximum, mixed=MIXED),
    binary("minimum", np.minimum),
    binary("fmax", np.fmax),
    binary("fmin", np.fmin),
    # -- logical and bitwise
    binary("logical_and", np.logical_and),
    binary("logical_or", np.logical_or),
    binary("logical_xor", np.logical_xor),
    unary("logical_not", np.logical_not),
    binary("bitwise_and", lambda x, y: x & y, WITH_UINT, mixed=MIXED[2:4]),
    binary("bitwise_or", lambda x, y: x | y),
    binary("bitwise_xor", lambda x, y: x ^ y),
    unary("invert", lambda x: ~x, WITH_UINT),
    binary("left_shift", lambda x, y: x << y, WITH_UINT),
    binary("right_shift", lambda x, y: x >> y, WITH_UINT),
    unary("bitwise_count", np.bitwise_count, WITH_UINT),
    binary("gcd", np.gcd, WITH_UINT),
    binary("lcm", np.lcm, WITH_UINT),
    # -- classification, complex parts
    unary("isnan", np.isnan, WITH_HALF),
    unary("isinf", np.isinf),
    unary("isfinite", np.isfinite),
    unary("conjugate", np.conjugate),
    unary("real", np.real),
    unary("imag", np.imag),
    unary("complex_parts", lambda x: (np.real(x * 1j + 2), np.imag(np.conj(x * 1j + 2)))),
    binary("nextafter", np.nextafter),
    unary("spacing", np.spacing),
    # -- where and clip
    OpSpec("where", lambda c, x, y: np.where(c > 0, x, y), 3,
           shapes=[((3, 4), (3, 4), (3, 4)), ((3, 1), (4,), ())]),
    unary("where_scalars", lambda x: np.where(x, 1.0, 2)),
    unary("where_mixed", lambda x: np.where(x > 0, x, 0.5)),
    OpSpec("clip", lambda x, lo, hi: np.clip(x, lo, hi), 3,
           shapes=[((3, 4), (3, 4), (3, 4)), ((3, 4), (), (4,))]),
    unary("clip_scalars", lambda x: np.clip(x, -1, 2.5)),
    unary("clip_none", lambda x: (np.clip(x, None, 1), np.clip(x, a_min=-1, a_max=None))),
    unary("clip_kw", lambda x: np.clip(x, min=0.5, max=1.5) + x.clip(max=2)),
    unary("clip_bigint", lambda x: np.clip(x, -(2**40), 2**40)),
    # -- Python scalar operands (NEP 50: they take the array's dtype)
    unary("mul_scalar", lambda x: x * 2.5),
    unary("rsub_scalar", lambda x: 3 - x),
    unary("floordiv_scalar", lambda x: (x // 2, x % -3, 7 // x)),
    unary("truediv_scalar", lambda x: (x / 4, 1 / x)),
    unary("pow_scalar", lambda x: (x**2, 2.0**x)),
    unary("compare_scalar", lambda x: (x > 1, x == 0.5, x <= -1)),
    unary("compare_bigint", lambda x: (x < 2**40, x != -(2**40), 2**62 > x),
          dtypes=ALL + (np.uint32,)),
    unary("bitwise_scalar", lambda x: (x & 1, x << 2, x >> 1)),
]
