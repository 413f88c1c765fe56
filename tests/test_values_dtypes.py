"""Values and dtypes as NumPy computes them, at the edges: casts of NaN and out-of-range
floats, powers and logarithms XLA would rewrite, complex zeros, bool division, uint64
indices and constants, NEP 50 scalars and 0-d arrays. NumPy running the same undecorated
function is the oracle throughout."""

from __future__ import annotations

import warnings

import numpy as np
import pytest

import jitflow
from tests.oracle import assert_matches, assert_same


def _both(fn, *args):
    """``fn(*args)`` under NumPy and under jitflow, NumPy's RuntimeWarnings silenced."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        expected = fn(*args)
    return expected, jitflow.function(fn)(*args)


# -- float -> integer casts ---------------------------------------------------------------

_CAST_VALUES = [
    np.nan, np.inf, -np.inf, 0.0, -0.0, 0.7, -0.7, -1.0, 255.0, 256.0, -129.0, 300.5,
    -300.5, 65543.0, 2.0**31 - 1, 2.0**31, -(2.0**31), -(2.0**31) - 1, 2.0**32 + 5, 3e10,
    -3e10, 2.0**53 + 2, 2.0**63, -(2.0**63), -(2.0**63) - 4096, 1.5e19, 2.0**64, 1e20, -1e20,
]
_INT_TYPES = [np.int8, np.int16, np.int32, np.int64, np.uint8, np.uint16, np.uint32, np.uint64]


def _astype_each(x, dtype):
    """NumPy's cast of each element on its own (NumPy's scalar loop)."""
    return np.array([np.array([v]).astype(dtype)[0] for v in x], dtype=dtype)


@pytest.mark.parametrize("src", [np.float16, np.float32, np.float64, np.complex128])
@pytest.mark.parametrize("dst", _INT_TYPES)
def test_float_to_int_cast_of_special_values(src, dst):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        x = np.array(_CAST_VALUES).astype(src)
        # NumPy's SIMD loop gives other values than its scalar loop for uint32 of NaN and
        # out-of-range floats (position-dependent); jitflow follows the scalar loop.
        expected = _astype_each(x, dst) if dst is np.uint32 else x.astype(dst)
    got = jitflow.function(lambda a: a.astype(dst))(x)
    assert got.dtype == expected.dtype
    np.testing.assert_array_equal(got, expected, err_msg=f"{x}")


def test_float_to_int_cast_of_random_values():
    rng = np.random.default_rng(0)
    x = 10.0 ** rng.uniform(-2, 21, 4000) * rng.choice([-1.0, 1.0], 4000)
    for dst in _INT_TYPES:
        _, got = _both(lambda a, d=dst: a.astype(d), x)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            expected = _astype_each(x, dst)
        np.testing.assert_array_equal(got, expected, err_msg=str(dst))


def test_float_to_int_cast_in_out_and_setitem():
    """Every cast jitflow makes goes through the same rule: out=, item assignment."""

    def f(x, i):
        np.add(x, 0.0, out=i, casting="unsafe")
        j = np.zeros_like(i)
        j[:] = x
        return i, j

    x = np.array([np.nan, np.inf, -1.5, 3e10])
    i = np.zeros(4, np.int32)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        assert_matches(f, x, i)


# -- powers, logarithms, complex zero, bool division -------------------------------------


def test_log_of_power_is_not_rewritten():
    """XLA rewrites log(pow(a, b)) to b * log|a|; NumPy gives NaN (a < 0) or inf."""
    x = np.array([-3.0, 2.0, 10.0, -3.0, 1.0, 0.0])
    y = np.array([0.5, 3.0, 400.0, 3.0, np.nan, -1.0])
    for fn in (lambda a, b: np.log(a**b), lambda a, b: np.log2(np.power(a, b)),
               lambda a, b: np.log(a.astype(np.float32) ** b.astype(np.float32))):
        expected, got = _both(fn, x, y)
        assert_same(got, expected)


def test_complex_power_of_zero():
    z = np.zeros(8, complex)
    w = np.array([1 + 1j, -1 + 0j, 1j, 0j, 2 + 0j, 0.5 + 0j, -1 + 1j, complex(np.nan, 0)])
    for dtype in (np.complex64, np.complex128):
        expected, got = _both(lambda a, b: a**b, z.astype(dtype), w.astype(dtype))
        assert_same(got, expected)
    expected, got = _both(lambda a, b: a**b, np.array([1 + 0j, 2 + 0j]), w[:2])
    assert_same(got, expected)


@pytest.mark.parametrize("dtype", [np.complex64, np.complex128])
def test_complex_division_as_numpy(dtype):
    """NumPy divides complex numbers by Smith's method: a zero divisor gives signed
    infinities, not XLA's NaN."""
    rng = np.random.default_rng(1)
    special = [1 + 2j, -1 - 0.5j, 0j, complex(np.inf, 1), complex(np.nan, 0), 3 - 4j]
    a = np.concatenate([special, rng.normal(size=200) + 1j * rng.normal(size=200)])
    b = np.concatenate([[0j, 0j, 0j, 0j, 0j, complex(0, 1e-300)],
                        rng.normal(size=200) + 1j * rng.normal(size=200)])
    for fn in (lambda p, q: p / q, lambda p, q: p / 0, lambda p, q: np.divide(p, q)):
        expected, got = _both(fn, a.astype(dtype), b.astype(dtype))
        assert_same(got, expected)


@pytest.mark.parametrize("fn", [np.log10, np.log2, np.log])
@pytest.mark.parametrize("dtype", [np.complex64, np.complex128])
def test_log_of_complex_zero(fn, dtype):
    z = np.array([0j, complex(-0.0, -0.0), complex(0.0, -0.0), 1 + 1j, -2 + 0j]).astype(dtype)
    expected, got = _both(lambda a: fn(a), z)
    assert_same(got, expected)


@pytest.mark.parametrize(
    "divisor", [np.False_, np.True_, np.array([0]), np.array([False]), np.array([False, True])]
)
def test_bool_division_and_multiplication_by_special_values(divisor):
    a = np.array([False, True])
    for fn in (lambda p, q: p / q, lambda p, q: q / p, lambda p, q: p * (q / q)):
        expected, got = _both(fn, a, divisor)
        assert_same(got, expected)
    expected, got = _both(lambda p, v: p * v, a, np.array([np.inf]))
    assert_same(got, expected)


# -- uint64 indices and constants ---------------------------------------------------------


def _raises_like_numpy(fn, *args):
    """``fn`` raises under jitflow an error of the class NumPy raises, and changes none of
    the arguments."""
    with pytest.raises(Exception) as expected:
        fn(*[np.copy(a) for a in args])
    copies = [np.copy(a) for a in args]
    with pytest.raises(type(expected.value)) as got:
        jitflow.function(fn)(*copies)
    assert isinstance(got.value, jitflow.errors.JitflowError)
    for a, c in zip(args, copies):
        np.testing.assert_array_equal(a, c)
    return got.value


def _get(x, i):
    return x[i]


def _set(x, i):
    x[i] = -1.0


@pytest.mark.parametrize("fn", [_get, _set])
@pytest.mark.parametrize("i", [2**64 - 1, 2**63, 2**63 + 5])
def test_uint64_scalar_index_beyond_int64_raises(fn, i):
    x = np.array([10.0, 20.0, 30.0])
    for index in (np.uint64(i), np.array(i, np.uint64)):
        error = _raises_like_numpy(fn, x, index)
        assert isinstance(error, (OverflowError, IndexError))
        assert str(i) in str(error)  # not as a negative int64


@pytest.mark.parametrize("i", [0, 2, 3, 2**63 - 1])
def test_uint64_scalar_index_in_int64_range(i):
    x = np.array([10.0, 20.0, 30.0])
    if i < 3:
        assert_matches(_get, x, np.uint64(i))
        assert_matches(_set, x, np.uint64(i))
    else:
        assert str(i) in str(_raises_like_numpy(_get, x, np.uint64(i)))


def test_uint64_index_arrays_wrap_as_numpy():
    """NumPy converts a uint64 index array to intp: 2**64 - 1 is -1 there."""
    x = np.array([10.0, 20.0, 30.0])
    idx = np.array([2**64 - 1, 2**64 - 3, 1], np.uint64)
    assert_matches(_get, x, idx)
    assert_matches(_set, x, idx)
    assert_matches(lambda a, i: np.take(a, i), x, idx)
    _raises_like_numpy(_get, x, np.array([2**63], np.uint64))


@pytest.mark.parametrize("k", [2**64 - 1, 2**63, 2**63 + 7, 2**63 - 1])
def test_uint64_constants_beyond_int64(k):
    a = np.arange(3, dtype=np.uint64)
    assert_matches(lambda x: x + k, a)
    assert_matches(lambda x: (x * 0 + np.uint64(k), x == k, x - k), a)


# -- NEP 50: NumPy functions of Python numbers are strong NumPy scalars -------------------

_NEP50 = [
    lambda x, s: x * np.sqrt(s),
    lambda x, s: x + np.multiply(s, 2.0),
    lambda x, s: x - np.float64(1.0) * np.exp(s),
    lambda x, s: x * np.sum(s),
    lambda x, s: x * np.copy(s),
    lambda x, s: x * np.where(s > 0, s, 1.0),
    lambda x, s: x * np.maximum(s, 0.5),
    lambda x, s: x + np.divmod(s, 2.0)[0],
    # Python operators on Python numbers stay Python numbers: weak.
    lambda x, s: x * s,
    lambda x, s: x * (s * 2.0),
    lambda x, s: x * (-s + 1.0) ** 2 / abs(s),
    lambda x, s: (x + s) * np.float32(2.5),
    lambda x, s: np.sqrt(s),
    lambda x, s: np.add(s, 1),
]


@pytest.mark.parametrize("fn", _NEP50)
@pytest.mark.parametrize("dtype", [np.float32, np.float16, np.int32, np.complex64])
def test_numpy_functions_of_python_numbers_are_strong(fn, dtype):
    x = np.ones(3, dtype)
    expected, got = _both(fn, x, 0.75)
    assert_same(got, expected)
    assert type(got) is type(expected)


# -- 0-d arrays where NumPy returns 0-d arrays, NumPy scalars where it returns scalars -----

_KINDS = {
    "zeros_like": lambda a, v: np.zeros_like(a),
    "full_like": lambda a, v: np.full_like(v[0], 2.0),
    "reshape": lambda a, v: v[:1].reshape(()),
    "np.reshape": lambda a, v: np.reshape(v[1:2], ()),
    "np.copy": lambda a, v: np.copy(a),
    "copy of scalar": lambda a, v: np.copy(v[1]),
    "ellipsis": lambda a, v: a[...],
    "v[0, ...]": lambda a, v: v[0, ...],
    "v[0]": lambda a, v: v[0],
    "a[()]": lambda a, v: a[()],
    "where": lambda a, v: np.where(a > 1, a, 0.0),
    "where of scalars": lambda a, v: np.where(v[0] > 1, v[1], 0.0),
    "sum": lambda a, v: a.sum(),
    "sum keepdims": lambda a, v: a.sum(keepdims=True),
    "astype of scalar": lambda a, v: v[0].astype(np.float32),
    "astype of a view": lambda a, v: v[1:2].reshape(()).astype(np.float32),
    "T of a view": lambda a, v: a[...].T,
    "squeeze": lambda a, v: np.squeeze(v[:1]),
    "broadcast_to": lambda a, v: np.broadcast_to(v[0], ()),
    "sin": lambda a, v: np.sin(a),
    "add": lambda a, v: a + 1,
    "dot": lambda a, v: np.dot(v, v),
    "matmul": lambda a, v: v @ v,
    "interp": lambda a, v: np.interp(a, v, v),
    "argmax": lambda a, v: np.argmax(v),
    "mean": lambda a, v: np.mean(v),
    "tuple": lambda a, v: (a[...], a + 1, np.where(v > 0, v, 0)[1], v.copy()[2]),
    "sum then iadd": lambda a, v: _sum_then_divide(v),
}

# Python numbers stay Python numbers through Python arithmetic; NumPy functions of them are
# NumPy scalars.
_PYTHON_KINDS = {
    "returned": lambda v, s: s,
    "arithmetic": lambda v, s: (s * 2 + 1) / 4 - s**2,
    "numpy function": lambda v, s: np.sqrt(s),
    "with an array": lambda v, s: (v[0] * s, s - 1.0),
    "complex": lambda v, s: s * 1j,
}


def _sum_then_divide(v):
    t = v.sum()
    u = t
    t /= 2  # a NumPy scalar: rebinds t (to a float), u keeps the sum
    return t, u


@pytest.mark.parametrize("name", list(_KINDS))
def test_result_kinds_follow_numpy(name):
    """A 0-d result is a 0-d ndarray exactly where NumPy returns one (views, copies,
    reshape, np.where, *_like), else a NumPy scalar."""
    fn = _KINDS[name]
    args = (np.array(1.5), np.arange(3.0))
    expected, got = _both(fn, *[np.copy(a) for a in args])
    assert_same(got, expected)
    pairs = zip(expected, got) if isinstance(expected, tuple) else [(expected, got)]
    for e, g in pairs:
        assert type(g) is type(e), f"{name}: {type(g).__name__}, NumPy {type(e).__name__}"


@pytest.mark.parametrize("name", list(_PYTHON_KINDS))
def test_python_number_results_stay_python_numbers(name):
    fn = _PYTHON_KINDS[name]
    expected, got = _both(fn, np.arange(3.0), 0.75)
    assert_same(got, expected)
    pairs = zip(expected, got) if isinstance(expected, tuple) else [(expected, got)]
    for e, g in pairs:
        assert type(g) is type(e), f"{name}: {type(g).__name__}, NumPy {type(e).__name__}"


def test_python_int_through_a_staged_loop_stays_an_int():
    def f(a):
        k = 0
        while a.sum() > 0 and k < 2:
            k += 1
            a = a - 1
        return k

    expected, got = _both(f, np.array([1.0]))
    assert type(got) is type(expected) and got == expected



@pytest.mark.parametrize("arg", [np.array(1.5), np.float64(1.5), np.array(2, np.int32),
                                 np.int32(2)])
def test_a_0d_argument_returned_keeps_its_kind(arg):
    """NumPy returns the object it was given: a 0-d array stays one, a NumPy scalar one
    (they trace apart: a scalar is immutable)."""
    for fn in (lambda a: a, lambda a: (a, a + 1), lambda a: a.astype(np.float32),
               lambda a: a.copy(), lambda a: (a[...], np.copy(a))):
        f = jitflow.function(fn)
        for value in (arg, np.asarray(arg)[()], np.asarray(arg)):
            expected, got = fn(value), f(value)
            pairs = zip(expected, got) if isinstance(expected, tuple) else [(expected, got)]
            for e, g in pairs:
                assert type(g) is type(e) and g == e


def test_named_tuple_results_keep_their_type():
    a = np.array([[2.0, 1.0], [1.0, 3.0]])
    for fn in (np.linalg.qr, np.linalg.slogdet, lambda m: np.linalg.eigh(m)):
        expected, got = _both(fn, a)
        assert type(got) is type(expected)
        assert_same(tuple(got), tuple(expected))
