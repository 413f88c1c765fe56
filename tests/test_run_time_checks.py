"""Errors NumPy raises on values, checked by the compiled program when they are traced:
indices out of range (IndexError), integers to negative integer powers (ValueError).

XLA clamps an out-of-range dynamic index (reads) or drops it (writes); jitflow checks
every traced index whose range it cannot prove and raises what NumPy raises, with NumPy's
message and the user's line (jitflow/ops/checks.py). Indices whose range is known while
tracing (a staged loop's counter, argmax, ``i % n``) carry no check (jitflow/ops/bounds.py).
"""

import jax
import jax.numpy as jnp
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import jitflow
from jitflow.ops import bounds
from jitflow.ops import elementwise as ew
from jitflow.ops.constants import constant
from jitflow.tracer.avals import AbstractArray
from jitflow.tracer.context import add_input, new_graph

A = np.arange(12.0).reshape(3, 4)


def outcome(fn, *args):
    """What calling ``fn`` gives: ("ok", result) or ("IndexError", message)."""
    try:
        return "ok", fn(*args)
    except IndexError as e:
        return "IndexError", str(e).splitlines()[-1]


def assert_same_outcome(fn, *args):
    copies = [a.copy() if isinstance(a, np.ndarray) else a for a in args]
    want = outcome(fn, *copies)
    got = outcome(jitflow.function(fn), *args)
    assert got[0] == want[0], (got, want)
    if want[0] == "ok":
        for g, w in zip(*(r if isinstance(r, tuple) else (r,) for r in (got[1], want[1]))):
            np.testing.assert_array_equal(g, w)
    else:
        assert got[1] == want[1]
    return got


def this_line(offset: int = 0) -> str:
    """``test_run_time_checks.py:N`` for the caller's line plus ``offset``."""
    import inspect

    return f"test_run_time_checks.py:{inspect.currentframe().f_back.f_lineno + offset}"


# -- reads and writes ------------------------------------------------------------------------


@pytest.mark.parametrize("i", [-6, -5, -1, 0, 4, 5, 7, 2**40])
def test_scalar_read_matches_numpy(i):
    assert_same_outcome(lambda x, i: x[i] * 2.0, np.arange(5.0), np.int64(i))


@pytest.mark.parametrize("dtype", [np.int8, np.int32, np.uint8, np.uint64])
def test_index_dtypes(dtype):
    for i in (0, 3, 4, 200):
        if np.can_cast(np.min_scalar_type(i), dtype):
            assert_same_outcome(lambda x, i: x[i], np.arange(4.0), dtype(i))


def test_error_names_the_users_line():
    f = jitflow.function(lambda x, i: x[i])
    line = this_line(-1)  # the lambda's line
    with pytest.raises(jitflow.errors.IndexingError) as info:
        f(np.arange(5.0), np.int64(5))
    assert str(info.value).splitlines()[0].startswith(line)
    assert "index 5 is out of bounds for axis 0 with size 5" in str(info.value)
    assert isinstance(info.value, IndexError)


@pytest.mark.parametrize("ij", [(2, -4), (1, 4), (3, 0), (3, 9), (-4, -5)])
def test_two_axes_name_the_failing_axis(ij):
    assert_same_outcome(lambda a, i, j: a[i, j], A, np.int64(ij[0]), np.int64(ij[1]))


def test_write_out_of_range_raises_and_leaves_the_argument_alone():
    def f(a, i):
        a[0] = -1.0
        a[i] = 7.0

    a = np.arange(5.0)
    with pytest.raises(IndexError, match="index 5 is out of bounds for axis 0 with size 5"):
        jitflow.function(f)(a, np.int64(5))
    np.testing.assert_array_equal(a, np.arange(5.0))  # nothing written back
    jitflow.function(f)(a, np.int64(-1))
    np.testing.assert_array_equal(a, [-1.0, 1, 2, 3, 7])


@pytest.mark.parametrize(
    "idx", [[0, 4, -5], [0, 5], [-6, 9], [[1, 2], [3, 8]], [[1, 2], [-7, 8]]]
)
def test_integer_array_read_and_write_report_the_first_bad_index(idx):
    idx = np.array(idx)
    assert_same_outcome(lambda x, i: x[i], np.arange(5.0), idx)

    def write(x, i):
        x[i] = -1.0
        return x

    assert_same_outcome(write, np.arange(5.0), idx)


def test_mixed_advanced_index_on_the_second_axis():
    assert_same_outcome(lambda a, i: a[:, i], A, np.array([0, 3, 4]))
    assert_same_outcome(lambda a, i: a[1, i], A, np.array([[0], [-4]]))


def test_ufunc_at():
    def f(x, i):
        y = np.zeros_like(x)
        np.add.at(y, i, x[0] + 1.0)
        return y

    assert_same_outcome(f, np.arange(5.0), np.array([0, 0, 4]))
    assert_same_outcome(f, np.arange(5.0), np.array([0, 7, 4]))


def test_take_and_bincount_check_traced_values():
    assert_same_outcome(lambda x, i: np.take(x, i), np.arange(5.0), np.array([0, 4, -5]))
    assert_same_outcome(lambda x, i: np.take(x, i), np.arange(5.0), np.array([1, 5]))
    f = jitflow.function(lambda i: np.bincount(i, minlength=4))
    np.testing.assert_array_equal(f(np.array([0, 3, 3])), np.bincount([0, 3, 3], minlength=4))
    with pytest.raises(jitflow.InvalidValueError, match="minlength"):
        f(np.array([0, 4]))
    with pytest.raises(ValueError, match="negative"):
        f(np.array([-1, 2]))


def test_histogram_of_non_finite_data_without_range_raises():
    f = jitflow.function(lambda x: np.histogram(x, bins=3))
    x = np.array([0.0, 1.0, 2.0])
    for got, want in zip(f(x), np.histogram(x, bins=3)):
        np.testing.assert_allclose(got, want)
    with pytest.raises(ValueError, match="not finite"):
        np.histogram(np.array([0.0, np.nan]), bins=3)
    with pytest.raises(jitflow.InvalidValueError, match="not finite"):
        f(np.array([0.0, np.nan, 1.0]))


# -- control flow ----------------------------------------------------------------------------


def test_staged_for_loop_reports_the_first_bad_iteration():
    def f(x):
        s = 0.0
        for i in range(x.shape[0]):
            s += x[i + 1]
        return s

    assert_same_outcome(f, np.arange(5.0))


def test_while_loop_on_a_traced_condition():
    def f(x, n):
        i = 0
        t = 0.0
        while i < n:
            t += x[i]
            i += 1
        return t

    assert_same_outcome(f, np.arange(5.0), np.int64(5))
    assert_same_outcome(f, np.arange(5.0), np.int64(6))


def test_only_the_branch_taken_raises():
    def f(x, i):
        if x[0] > 0:
            y = x[i]
        else:
            y = x[0]
        return y

    assert_same_outcome(f, np.arange(5.0), np.int64(9))
    assert_same_outcome(f, np.arange(5.0) + 1, np.int64(9))


def test_the_first_failing_check_wins():
    def f(x, i, j):
        a = x[j]
        b = x[i]
        return a + b

    g = jitflow.function(f)
    with pytest.raises(IndexError, match="index 8 is out of bounds"):
        g(np.arange(5.0), np.int64(9), np.int64(8))
    with pytest.raises(IndexError, match="index 9 is out of bounds"):
        g(np.arange(5.0), np.int64(9), np.int64(2))


def test_loop_over_nested_ranges():
    def f(a):
        s = 0.0
        for i in range(a.shape[0]):
            for j in range(a.shape[1]):
                s += a[i, j] * a[j, i]
        return s

    assert_same_outcome(f, A)
    assert_same_outcome(f, np.arange(16.0).reshape(4, 4))


def test_prints_in_a_while_loop_stop_where_numpy_would_raise(capsys):
    def f(x, n):
        i = 0
        while i < n:
            print("i", i, x[i])
            i += 1
        return i

    g = jitflow.function(f)
    with pytest.raises(IndexError, match="index 3 is out of bounds"):
        g(np.arange(3.0), np.int64(5))
    assert capsys.readouterr().out == "i 0 0.0\ni 1 1.0\ni 2 2.0\n"  # printed as it ran
    assert g(np.arange(3.0), np.int64(2)) == 2
    assert capsys.readouterr().out == "i 0 0.0\ni 1 1.0\n"


def test_a_failed_call_leaves_no_rows_to_replay(capsys):
    def f(x, n):
        print("start", x[0])
        i = 0
        while i < n:
            print("i", i, x[i])
            i += 1
        return i

    g = jitflow.function(f)
    with pytest.raises(IndexError, match="index 3 is out of bounds"):
        g(np.arange(3.0), np.int64(4))
    capsys.readouterr()
    assert g(np.arange(3.0), np.int64(1)) == 1
    assert capsys.readouterr().out == "start 0.0\ni 0 0.0\n"


# -- checks that are not needed are not made -------------------------------------------------


def n_checks(fn, *args) -> int:
    """The number of check sites in ``fn``'s program (0: no run-time check output)."""
    traced = jitflow.function(fn).trace(*args)._entry.traced
    return 0 if traced.check is None else len(set(traced.check[1]))


def test_staged_loop_counters_need_no_check():
    def shifted(x):
        out = np.zeros_like(x)
        n = x.shape[0]
        for i in range(n - 1):
            out[i] = x[i + 1] - x[i] + x[-i - 1] + x[(i + 3) % n] + x[min(i + 2, n - 1)]
        return out

    x = np.arange(6.0) ** 2
    assert n_checks(shifted, x) == 0
    assert_same_outcome(shifted, x)

    def rows(a):
        total = np.zeros(a.shape[1])
        for k, row in enumerate(a):
            total += row * a[k, 0]
        return total

    assert n_checks(rows, A) == 0
    assert_same_outcome(rows, A)


def test_argmax_needs_no_check_but_a_traced_argument_does():
    assert n_checks(lambda x, y: x[np.argmax(y)], np.arange(5.0), np.ones(5)) == 0
    assert n_checks(lambda x, i: x[i], np.arange(5.0), np.int64(1)) == 1
    assert n_checks(lambda x, i: x[np.clip(i, 0, 4)], np.arange(5.0), np.int64(1)) == 0


def test_static_bounds_arithmetic():
    with new_graph():
        i = add_input(AbstractArray((), np.dtype(np.int64)))
        bounds.hint(i, 0, 9)
        two = constant(np.int64(2))
        assert bounds.static_bounds(ew.apply(ew.add_p, i, two)) == (2, 11)
        assert bounds.static_bounds(ew.apply(ew.sub_p, two, i)) == (-7, 2)
        assert bounds.static_bounds(ew.apply(ew.mul_p, i, constant(np.int64(-3)))) == (-27, 0)
        assert bounds.static_bounds(ew.apply(ew.min_p, i, two)) == (0, 2)
        assert bounds.static_bounds(ew.apply(ew.max_p, i, two)) == (2, 9)
        assert bounds.static_bounds(ew.apply(ew.neg_p, i)) == (-9, 0)
        u = add_input(AbstractArray((), np.dtype(np.uint32)))
        assert bounds.static_bounds(u) == (0, None)
        j = add_input(AbstractArray((), np.dtype(np.int64)))
        assert bounds.static_bounds(ew.apply(ew.add_p, i, j)) == (None, None)
        big = ew.apply(ew.mul_p, i, constant(np.int64(2**62)))  # wraps around in int64
        assert bounds.static_bounds(big) == (None, None)


# -- integer powers ------------------------------------------------------------------------------


@pytest.mark.parametrize("n", [[3], [0], [-1], [2, -2], [-3, 5]])
def test_integer_power_with_a_traced_exponent(n):
    got = assert_same_outcome_any(lambda x, n: x**n, np.array([1, 2, 3])[: len(n)], np.array(n))
    if min(n) < 0:
        assert isinstance(got, jitflow.InvalidValueError)


def assert_same_outcome_any(fn, *args):
    """Like assert_same_outcome, for any exception: the same class of built-in error."""
    try:
        want = fn(*args)
    except Exception as e:  # noqa: BLE001  (NumPy's error is the oracle)
        with pytest.raises(type(e)) as info:
            jitflow.function(fn)(*args)
        assert str(info.value).splitlines()[-1] == str(e)
        return info.value
    np.testing.assert_array_equal(jitflow.function(fn)(*args), want)
    return None


def test_non_negative_exponents_need_no_check():
    def f(x):
        s = np.zeros_like(x)
        for i in range(x.shape[0]):
            s += x ** i
        return s

    x = np.array([1, 2, 3, 4])
    assert n_checks(f, x) == 0
    np.testing.assert_array_equal(jitflow.function(f)(x), f(x))


# -- inside JAX -------------------------------------------------------------------------------


def test_inside_jax_jit_the_check_cannot_raise():
    f = jitflow.function(lambda x, i: x[i] * 2.0)
    g = jax.jit(lambda x, i: f(x, i) + 1.0)
    with jax.enable_x64(True):
        x = jnp.arange(5.0)
        assert float(g(x, jnp.int64(2))) == 5.0
        assert float(g(x, jnp.int64(9))) == 9.0  # JAX's rule inside JAX: clamped
    with pytest.raises(IndexError):
        f(np.arange(5.0), np.int64(9))  # called directly, the same function checks


def test_prints_inside_jax_jit_are_refused_clearly():
    @jitflow.function
    def p(x):
        print(x)
        return x

    with pytest.raises(jitflow.errors.UnsupportedError, match="inside a JAX transformation"):
        jax.jit(p)(jnp.arange(3.0))


# -- random indices against NumPy --------------------------------------------------------------


@settings(max_examples=60, deadline=None)
@given(
    shape=st.lists(st.integers(1, 4), min_size=1, max_size=3).map(tuple),
    data=st.data(),
)
def test_random_indices_match_numpy(shape, data):
    x = np.arange(float(np.prod(shape))).reshape(shape)
    axis = data.draw(st.integers(0, len(shape) - 1))
    n = shape[axis]
    pick = st.integers(-n - 2, n + 1)
    scalar = data.draw(pick)
    array = np.array(data.draw(st.lists(pick, min_size=1, max_size=4)))
    lead = (slice(None),) * axis

    assert_same_outcome(lambda x, i: x[lead + (i,)], x, np.int64(scalar))
    assert_same_outcome(lambda x, i: x[lead + (i,)], x, array)

    def write(x, i):
        x[lead + (i,)] = -1.0
        return x

    assert_same_outcome(write, x.copy(), np.int64(scalar))
    assert_same_outcome(write, x.copy(), array)


# -- all-NaN slices (np.nanargmax/np.nanargmin) and zero weight sums (np.average) -----------


@pytest.mark.parametrize("fn", [np.nanargmax, np.nanargmin])
@pytest.mark.parametrize("axis", [None, 0, 1, -1])
@pytest.mark.parametrize(
    "x",
    [
        np.array([[1.0, np.nan, 3.0], [np.nan, 2.0, 2.0]]),  # no all-NaN slice
        np.array([[1.0, np.nan, 3.0], [np.nan, np.nan, np.nan]]),  # row 1 is all NaN
        np.array([[np.nan, 5.0], [np.nan, 1.0]]),  # column 0 is all NaN
        np.full((2, 2), np.nan),
    ],
)
def test_nanarg_all_nan_slice_raises_as_numpy(fn, axis, x):
    got = assert_same_outcome_any(lambda a: fn(a, axis=axis), x)
    if got is not None:
        assert isinstance(got, jitflow.InvalidValueError)


def test_nanarg_ints_need_no_check():
    assert n_checks(lambda x: np.nanargmax(x, axis=0), np.arange(6).reshape(2, 3)) == 0


@pytest.mark.parametrize(
    "w,axis",
    [
        (np.array([1.0, -1.0, 0.0]), None),
        (np.array([1.0, 2.0, 0.0]), None),
        (np.array([[1, -1, 0], [1, 1, 1]]), 1),  # row 0 sums to zero
        (np.array([[1, -1, 0], [1, 1, 1]]), 0),
        (np.array([[0.0, 0.0, 0.0], [0.0, 0.0, 0.0]]), 0),
        (np.array([np.nan, 1.0, 1.0]), None),  # a NaN sum is not zero: no error
    ],
)
def test_average_weights_summing_to_zero_raise_zero_division(w, axis):
    x = np.arange(float(w.size)).reshape(w.shape)
    got = assert_same_outcome_any(lambda a, w: np.average(a, axis=axis, weights=w), x, w)
    if got is not None:
        assert isinstance(got, jitflow.DivisionByZeroError)
        assert isinstance(got, ZeroDivisionError)


def test_average_zero_weights_name_the_line():
    def f(x, w):
        return np.average(x, weights=w, returned=True)

    with pytest.raises(ZeroDivisionError) as info:
        jitflow.function(f)(np.ones(3), np.zeros(3))
    assert this_line(-4) in str(info.value)
    avg, scl = jitflow.function(f)(np.ones(3), np.array([1.0, 2.0, 3.0]))
    assert (float(avg), float(scl)) == (1.0, 6.0)
