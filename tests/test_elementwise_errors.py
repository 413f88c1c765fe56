"""Elementwise family beyond the spec table: in-place operators, ``out=``/``where=``/
``dtype=``, complex numbers, views of real and imaginary parts, and the errors jitflow
raises where NumPy raises (or where a compiled program cannot do what NumPy does).

Every case runs the same plain NumPy function under NumPy and under jitflow.
"""

from __future__ import annotations

import numpy as np
import pytest

import jitflow
from jitflow import errors
from oracle import assert_matches

# NumPy's own warnings (division by zero, overflow) are expected in these cases.
pytestmark = pytest.mark.filterwarnings("ignore::RuntimeWarning")

RNG = np.random.default_rng(0)
F32 = RNG.uniform(-3, 3, (3, 4)).astype(np.float32)
F64 = RNG.uniform(-3, 3, (3, 4))
I32 = RNG.integers(-5, 6, (3, 4)).astype(np.int32)
I64 = RNG.integers(-5, 6, (3, 4))
B = RNG.random((3, 4)) < 0.5
C128 = RNG.uniform(-3, 3, (3, 4)) + 1j * RNG.uniform(-3, 3, (3, 4))
C64 = C128.astype(np.complex64)


def refused(fn, *args, error=errors.JitflowError, numpy_error=Exception):
    """NumPy refuses ``fn(*args)`` and jitflow raises ``error``, naming this file."""
    with pytest.raises(numpy_error):
        with np.errstate(all="ignore"):
            fn(*[np.copy(a) for a in args])
    with pytest.raises(error) as info:
        jitflow.function(fn)(*args)
    assert "test_elementwise_errors.py:" in str(info.value)
    assert isinstance(info.value, numpy_error), "not an instance of NumPy's exception class"
    return info.value


# -- in-place operators ------------------------------------------------------------------------


def iadd(x, y):
    x += y
    return x


def ifloordiv(x):
    x //= 2
    x %= 3
    x -= 1
    return x


def iops_mixed(x, y):
    x *= 2.5  # float32 stays float32 (Python float is weak)
    x /= y
    x **= 2
    return x


def ishift(x):
    x <<= 2
    x >>= 1
    x &= 6
    x |= 1
    x ^= 3
    return x


def iadd_view(x):
    x[1:] += 1
    x[:, 0] *= -1
    return x.sum()


def add_float_to_int(x):
    x += 1.5
    return x


def isquare_bool(x):
    x **= 2
    return x


def test_inplace_operators():
    assert_matches(iadd, F32.copy(), F32)
    assert_matches(iadd, I64.copy(), I32)  # int32 into int64: allowed
    assert_matches(iadd, F64.copy(), I32)
    assert_matches(ifloordiv, I32.copy())
    assert_matches(ifloordiv, F64.copy())
    assert_matches(iops_mixed, F32.copy(), F32 + 5)
    assert_matches(ishift, I32.copy())
    assert_matches(iadd_view, F64.copy())


def test_inplace_casting_refused():
    refused(add_float_to_int, I32.copy(), error=errors.DTypeError, numpy_error=TypeError)
    refused(iadd, I32.copy(), F32, error=errors.DTypeError, numpy_error=TypeError)
    refused(iadd, B.copy(), I32, error=errors.DTypeError, numpy_error=TypeError)
    refused(isquare_bool, B.copy(), error=errors.DTypeError, numpy_error=TypeError)


# -- out=, where=, dtype=, signature=, casting= ------------------------------------------------


def test_out_arguments():
    def out_kw(x, o):
        r = np.sin(x, out=o)
        return r, o

    def out_positional(x, y, o):
        np.add(x, y, o)
        return o

    def out_tuple(x, a, b):
        np.modf(x, out=(a, b))
        q, r = np.divmod(x, 1.5, out=(None, b))
        return a, b, q

    def out_broadcast(x, o):
        np.multiply(x[0], 2, out=o)  # (4,) broadcast into (3, 4), as NumPy allows
        return o

    def out_where(x, y, o):
        np.add(x, y, out=o, where=x > 0)
        np.negative(x, out=o, where=False)
        return o

    assert_matches(out_kw, F64, np.zeros((3, 4)))
    assert_matches(out_kw, F32, np.zeros((3, 4)), rtol=2e-5)  # float32 result into float64
    assert_matches(out_positional, I32, I32, np.zeros((3, 4), np.int64))
    assert_matches(out_tuple, F64, np.zeros((3, 4)), np.zeros((3, 4)))
    assert_matches(out_broadcast, F32, np.zeros((3, 4), np.float32))
    assert_matches(out_where, F64, F64, np.ones((3, 4)))


def test_out_refused():
    def to_int(x, o):
        return np.sin(x, out=o)

    def too_small(x, o):
        return np.add(x, x, out=o)

    def local_numpy_out(x):
        o = np.zeros((3, 4))
        np.add(x, x, out=o)
        return o

    def where_without_out(x):
        return np.add(x, x, where=x > 0)

    def where_not_bool(x, o):
        return np.add(x, x, out=o, where=np.ones((3, 4), np.int64))

    refused(to_int, F64, np.zeros((3, 4), np.int32), error=errors.DTypeError)
    refused(too_small, F64, np.zeros(4), error=errors.ShapeError, numpy_error=ValueError)
    with pytest.raises(errors.UnsupportedError, match="traced array"):
        jitflow.function(local_numpy_out)(F64)
    with pytest.raises(errors.UnsupportedError, match="uninitialized"):
        jitflow.function(where_without_out)(F64)
    refused(where_not_bool, F64, np.zeros((3, 4)), error=errors.DTypeError)


def test_dtype_signature_casting():
    assert_matches(lambda x, y: np.add(x, y, dtype=np.float32), I32, I32)
    assert_matches(lambda x: np.sin(x, dtype=np.float32), I64)
    assert_matches(lambda x: np.sqrt(x, dtype=np.float32), F64)
    assert_matches(lambda x, y: np.less(x, y, dtype=bool), I32, F64)
    assert_matches(lambda x: np.add(x, x, dtype=np.int32, casting="unsafe"), F64)
    assert_matches(lambda x: np.multiply(x, x, signature=(None, None, np.float64)), I32)
    refused(lambda x: np.add(x, x, dtype=np.int32), F64, error=errors.DTypeError)
    refused(lambda x, y: np.add(x, y, casting="no"), I32, I64, error=errors.DTypeError)


# -- errors where NumPy raises --------------------------------------------------------------


def test_numpy_refusals():
    refused(lambda x: np.subtract(x, x), B, error=errors.DTypeError)
    refused(lambda x: -x, B, error=errors.DTypeError)
    refused(lambda x: np.sign(x), B, error=errors.DTypeError)
    refused(lambda x: np.bitwise_and(x, x), F32, error=errors.DTypeError)
    refused(lambda x: x << 1, F64, error=errors.DTypeError)
    refused(lambda x: np.floor(x), C128, error=errors.DTypeError)
    refused(lambda x: np.ldexp(x, x), F64, error=errors.DTypeError)
    refused(lambda x: np.gcd(x, x), F64, error=errors.DTypeError)
    # NEP 50: a Python int that does not fit the array's dtype (OverflowError in NumPy).
    refused(lambda x: x + 2**40, I32, error=errors.IntegerOverflowError,
            numpy_error=OverflowError)
    refused(lambda x: np.maximum(x.astype(np.uint8), -1), I32, error=errors.IntegerOverflowError,
            numpy_error=OverflowError)
    # Integers to negative powers: NumPy raises when it sees the values.
    refused(lambda x: x**-1, I32, error=errors.InvalidValueError, numpy_error=ValueError)
    refused(lambda x: np.power(x, -2), I64, error=errors.InvalidValueError, numpy_error=ValueError)


def test_where_and_clip_arguments():
    with pytest.raises(errors.UnsupportedError, match="depends on the data"):
        jitflow.function(lambda x: np.where(x))(F64)
    refused(lambda x: np.where(x > 0, x), F64)
    refused(lambda x: np.clip(x, 1), F64, error=errors.InvalidArgumentError)
    refused(lambda x: np.clip(x, 0, 1, min=0), F64, error=errors.InvalidArgumentError)
    refused(lambda x: np.clip(x, None, None), B, error=errors.DTypeError)
    assert_matches(lambda x: np.clip(x, None, None), F64)
    assert_matches(lambda x: np.clip(x, 0.5, -0.5), F64)  # lo > hi gives hi, as NumPy
    assert_matches(lambda x: np.clip(x.astype(np.int8), -1000, 1000), I32)
    assert_matches(lambda x, o: np.clip(x, -1, 1, out=o), F64, np.zeros((3, 4)))


def test_ufunc_methods_and_traced_decimals():
    with pytest.raises(errors.UnsupportedError, match="np.add.reduceat"):
        jitflow.function(lambda x: np.add.reduceat(x, [0, 2]))(F64)
    with pytest.raises(errors.TracerConversionError):
        jitflow.function(lambda x, d: np.round(x, d))(F64, np.int64(2))


# -- complex numbers, real and imaginary parts ------------------------------------------------


@pytest.mark.parametrize("z", [C64, C128], ids=["complex64", "complex128"])
def test_complex(z):
    w = z[::-1]
    assert_matches(lambda a, b: (a + b, a * b, a / b, a - 2j), z, w)
    assert_matches(lambda a: (np.abs(a), np.conj(a), np.sign(a), np.square(a)), z)
    assert_matches(lambda a: (np.exp(a), np.log(a), np.sqrt(a), np.sin(a)), z)
    assert_matches(lambda a, b: (a < b, a >= b, a == b, np.maximum(a, b), np.fmin(a, b)),
                   z, np.where(RNG.random((3, 4)) < 0.5, z, w.real + 1j * z.imag))
    assert_matches(lambda a: (np.rint(a * 3), np.round(a, 1), np.isfinite(a), a.real), z)
    assert_matches(lambda a: (np.log2(a), np.log10(a), np.reciprocal(a)), z)


def test_real_imag_views():
    def write_real(z):
        r = np.real(z)
        r[0] = 7.0
        z.imag[1] += 1
        return z

    def real_of_real_is_itself(x):
        r = np.real(x)
        r += 1
        return x

    def write_imag_of_real(x):
        np.imag(x)[0] = 1.0
        return x

    assert_matches(write_real, C128.copy())
    assert_matches(real_of_real_is_itself, F64.copy())
    assert_matches(lambda x: (np.real(x), np.imag(x), x.imag), I32)
    refused(write_imag_of_real, F64.copy(), error=errors.ReadOnlyError, numpy_error=ValueError)


# -- special values and exactness -----------------------------------------------------------------


def test_nan_semantics_of_extrema():
    x = np.array([np.nan, 1.0, np.nan, -np.inf, 0.0])
    y = np.array([2.0, np.nan, np.nan, np.nan, -0.0])
    assert_matches(lambda a, b: (np.maximum(a, b), np.minimum(a, b), np.fmax(a, b),
                                 np.fmin(a, b), np.clip(a, b, 1.0)), x, y)


def test_exact_powers_of_logarithms():
    # log2(8) is 3 exactly in NumPy; floor must not give 2.
    x = np.array([2.0**k for k in range(-60, 60)] + [10.0**k for k in range(-22, 23)])
    assert_matches(lambda a: (np.floor(np.log2(a)), np.floor(np.log10(a))), x)
    assert_matches(lambda a: (np.log2(a), np.log10(a)), x.astype(np.float32))


def test_integer_division_and_power_edges():
    info = np.iinfo(np.int64)
    x = np.array([info.min, info.min, info.max, -7, 7, 0, 3, -3])
    y = np.array([-1, 0, -1, 0, 0, 0, 64, 65])
    assert_matches(lambda a, b: (a // b, a % b, np.fmod(a, b), divmod(a, 2)), x, y)
    assert_matches(lambda a, b: (a**b, np.power(a.astype(np.uint8), b.astype(np.uint8))),
                   x, np.abs(y))
    assert_matches(lambda a: (a**2, a**0, a**63), x)


def test_ldexp_frexp_extremes():
    x = np.array([1.5, -3.0, 1e300, 1e-300, np.inf, np.nan, -0.0, 1.0])
    n = np.array([1000, -1000, 100, -100, 5, 5, 7000, -1022], np.int32)
    assert_matches(lambda a, b: np.ldexp(a, b), x, n)
    assert_matches(lambda a, b: np.ldexp(a, b), x.astype(np.float32), n // 8)
    assert_matches(lambda a: np.frexp(a), x)
    subnormals = np.array([5e-324, -1e-310, 3e-320, 2.2e-308])  # on their bits: exact
    assert_matches(lambda a: np.frexp(a), subnormals)
    assert_matches(lambda a: np.frexp(a), subnormals.astype(np.float32) * 0 + np.float32(1e-40))
    assert_matches(lambda a: np.frexp(a), np.array([6e-8, -1e-5, 0.0], np.float16))


def test_python_scalars_against_float16_and_uint8():
    h = F32.astype(np.float16)
    u = np.abs(I32).astype(np.uint8)
    assert_matches(lambda a: (a * 2.5, a + 1, np.sin(a), np.floor(a)), h)
    assert_matches(lambda a: (a - 1, a // 3, a << 7, a >> 9, -a, a < 300, a == -1), u)


@pytest.mark.xfail(strict=True, reason="XLA on CPU flushes subnormal floats to zero")
def test_subnormals_are_flushed():
    tiny = np.array([5e-324, 1e-310, -3e-320])
    assert_matches(lambda a: a * 3.0, tiny, atol=0)
